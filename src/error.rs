//! The top-level error: one line for the user, a hint, and an exit code.
//! Nothing here formats a secret: variants carry messages, never credentials.

use crate::cache::CacheError;
use crate::engine::CodeNeeded;
use crate::sts::StsError;
use rolehop_files::bookmarks::ConfigError;
use rolehop_files::credentials::CredFileError;
use std::process::ExitCode;

/// Exit codes (documented in the README).
pub mod code {
    /// Something unexpected (I/O, a bug).
    pub const FAILURE: u8 = 1;
    /// Bad command-line usage (clap also uses 2).
    pub const USAGE: u8 = 2;
    /// The bookmarks file or a bookmark is wrong, or a name is unknown.
    pub const CONFIG: u8 = 3;
    /// No usable base credentials, or they were rejected / expired.
    pub const CREDENTIALS: u8 = 4;
    /// STS refused the role: access denied, MFA, duration, region.
    pub const DENIED: u8 = 5;
    /// STS could not be reached or kept throttling.
    pub const NETWORK: u8 = 6;
    /// An MFA code is needed and none could be asked for, or it was malformed.
    pub const MFA: u8 = 7;
    /// Refused to overwrite something of the user's (long-term keys).
    pub const REFUSED: u8 = 8;
    /// The session cache is unsafe (not ours) or unusable.
    pub const CACHE: u8 = 9;
    /// A command to run was not found (as in shells).
    pub const NOT_FOUND: u8 = 127;
    /// A command to run was not executable (as in shells).
    pub const NOT_EXECUTABLE: u8 = 126;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Sts(#[from] StsError),
    #[error(transparent)]
    CredFile(#[from] CredFileError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// IAM Identity Center: login, portal and token-file failures.
    #[error(transparent)]
    Sso(#[from] crate::sso::SsoError),
    /// A switch needs a one-time code first (the picker and CLI prompt on this).
    #[error("{}", code_needed_message(.0))]
    CodeNeeded(CodeNeeded),
    #[error("{message}")]
    Mfa {
        message: String,
        hint: Option<String>,
    },
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    #[error("cannot run {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    /// Console sign-in or a browser failed (`rolehop console`); never holds
    /// the federation URL, which carries the secret key.
    #[error("{message}")]
    Console {
        message: String,
        hint: Option<String>,
    },
    /// IAM refused or failed (`rolehop policy --apply-*`).
    #[error("{message}")]
    Iam {
        message: String,
        hint: Option<String>,
    },
    /// AWS Organizations refused or failed (`rolehop import organization`).
    #[error("{message}")]
    Organizations {
        message: String,
        hint: Option<String>,
        /// No answer at all (exit code NETWORK rather than DENIED).
        network: bool,
    },
    /// Live credentials: the serving rolehop or the agent failed or refused.
    #[error("{message}")]
    Live {
        message: String,
        hint: Option<String>,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

impl From<rolehop_files::bookmarks::NoConfigDir> for Error {
    fn from(e: rolehop_files::bookmarks::NoConfigDir) -> Error {
        Error::Config(e.into())
    }
}

/// The engine's failures, each as the variant that has its line and hint.
impl From<crate::engine::Error> for Error {
    fn from(e: crate::engine::Error) -> Error {
        use crate::engine::Error as E;
        match e {
            E::Config(e) => Error::Config(e),
            E::Sts(e) => Error::Sts(e),
            E::Cache(e) => Error::Cache(e),
            E::CredFile(e) => Error::CredFile(e),
            E::Sso(e) => Error::Sso(e),
            E::CodeNeeded(n) => Error::CodeNeeded(n),
            E::Mfa { message, hint } => Error::Mfa { message, hint },
            E::Usage { message, hint } => Error::Usage { message, hint },
        }
    }
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) => code::CONFIG,
            Error::Sts(e) => match e {
                StsError::NoCredentials { .. }
                | StsError::ProfileFile { .. }
                | StsError::SignInNeeded { .. }
                | StsError::ExpiredToken { .. }
                | StsError::InvalidToken { .. } => code::CREDENTIALS,
                StsError::Network { .. } | StsError::Throttled | StsError::Unreadable { .. } => {
                    code::NETWORK
                }
                _ => code::DENIED,
            },
            Error::CredFile(
                CredFileError::LongTermKeys { .. } | CredFileError::OtherSource { .. },
            ) => code::REFUSED,
            Error::CredFile(_) => code::FAILURE,
            Error::Cache(_) => code::CACHE,
            Error::Sso(e) => {
                use crate::sso::SsoError as S;
                match e {
                    S::LoginRequired { .. } => code::CREDENTIALS,
                    S::NoAccess { .. } | S::Refused { .. } => code::DENIED,
                    S::Throttled { .. } | S::Network { .. } => code::NETWORK,
                    S::Config { .. } => code::CONFIG,
                    S::Login { .. } | S::Cache { .. } => code::FAILURE,
                }
            }
            Error::CodeNeeded(_) => code::MFA,
            Error::Mfa { .. } => code::MFA,
            Error::Usage { .. } => code::USAGE,
            Error::Spawn { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => code::NOT_FOUND,
                _ => code::NOT_EXECUTABLE,
            },
            Error::Io { .. } | Error::Live { .. } => code::FAILURE,
            Error::Console { .. } => code::FAILURE,
            Error::Iam { .. } => code::DENIED,
            Error::Organizations { network: true, .. } => code::NETWORK,
            Error::Organizations { .. } => code::DENIED,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Sts(e) => e.hint(),
            Error::Cache(e) => e.hint(),
            Error::Sso(e) => e.hint(),
            Error::CodeNeeded(n) => Some(match n.wait {
                Some(w) => format!(
                    "pass --mfa-code CODE, or run in a terminal to be asked; your device's current code was already used, the next one comes in {} s",
                    w.as_secs()
                ),
                None => "pass --mfa-code CODE, or run in a terminal to be asked".into(),
            }),
            Error::Mfa { hint, .. }
            | Error::Usage { hint, .. }
            | Error::Console { hint, .. }
            | Error::Iam { hint, .. }
            | Error::Organizations { hint, .. }
            | Error::Live { hint, .. } => hint.clone(),
            _ => None,
        }
    }

    /// Print `rolehop: error: ...` (and a hint) on stderr; return the exit code.
    pub fn report(&self) -> ExitCode {
        // Messages carry text from outside (STS, profile names, a
        // credential_process): no control character reaches the terminal.
        eprintln!(
            "rolehop: error: {}",
            crate::text::sanitize(&self.to_string())
        );
        if let Some(h) = self.hint() {
            eprintln!("rolehop: hint: {}", crate::text::sanitize(&h));
        }
        ExitCode::from(self.exit_code())
    }
}

fn code_needed_message(n: &CodeNeeded) -> String {
    let what = if n.for_mfa_session {
        "to start an MFA session"
    } else {
        "to assume the role"
    };
    format!(
        "bookmark {:?} needs an MFA code from {} {what}",
        n.bookmark, n.serial
    )
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
