//! Command-line interface: subcommands and flags only; the work is in `commands`.

use crate::creds::export::Shell;
use clap::{Args, Parser, Subcommand};

/// The AWS Console's Switch Role, for the terminal.
///
/// Run with no command to pick a bookmark interactively.
#[derive(Debug, Parser)]
#[command(name = "rolehop", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Do not renew sessions on their own as they near expiry (picker).
    #[arg(long)]
    pub no_auto_renew: bool,
    /// Neither use nor store cached sessions: every switch calls STS (and
    /// MFA roles take a code each time).
    #[arg(long, global = true)]
    pub no_cache: bool,
}

// Parsed once per run: the size of the biggest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pick a bookmark in the picker and print its exports: eval "$(rolehop pick)".
    Pick {
        /// Shell syntax of the exports; default from $SHELL.
        #[arg(long, value_enum)]
        shell: Option<Shell>,
        /// Do not renew sessions on their own as they near expiry.
        #[arg(long)]
        no_auto_renew: bool,
    },
    /// List bookmarks.
    List {
        /// Print JSON (one array of bookmarks, defaults applied).
        #[arg(long)]
        json: bool,
    },
    /// Add a role bookmark.
    Add(AddArgs),
    /// Remove a bookmark.
    Remove {
        /// Bookmark name.
        name: String,
    },
    /// Assume the role and run a command (or your $SHELL) with its credentials.
    Exec {
        /// Bookmark name.
        name: String,
        #[command(flatten)]
        mfa: MfaArgs,
        /// Command and arguments; default: an interactive $SHELL.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "CMD"
        )]
        command: Vec<String>,
    },
    /// Print shell code that exports the role's credentials (use with eval).
    Env {
        /// Bookmark name.
        name: String,
        /// Shell syntax; default from $SHELL.
        #[arg(long, value_enum)]
        shell: Option<Shell>,
        #[command(flatten)]
        mfa: MfaArgs,
    },
    /// Write the role's credentials into a profile of ~/.aws/credentials.
    Write {
        /// Bookmark name.
        name: String,
        /// Profile to write (default: the bookmark name).
        #[arg(long)]
        profile: Option<String>,
        /// Overwrite a profile that holds long-term keys.
        #[arg(long)]
        force: bool,
        /// Stay in the foreground and renew the profile before it expires
        /// (same refresh window as the cache); Ctrl-C stops, leaving the last
        /// valid credentials in place.
        #[arg(long)]
        keep: bool,
        #[command(flatten)]
        mfa: MfaArgs,
    },
    /// Print credentials as JSON for an AWS `credential_process` setting.
    CredentialProcess {
        /// Bookmark name.
        name: String,
    },
    /// List cached role and MFA sessions with the time they have left.
    Sessions {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Drop cached sessions: one bookmark's, or all (MFA sessions included).
    ///
    /// The credentials stay valid at AWS until they expire; this only makes
    /// rolehop forget them.
    Logout {
        /// Bookmark whose session to drop (default: everything).
        name: Option<String>,
    },
    /// Check the setup step by step and say how to fix what fails.
    ///
    /// Bookmarks file, base credentials, who you are (GetCallerIdentity), MFA
    /// device ARNs, the session cache, and with NAME whether the role can be
    /// assumed. Exits 1 if any check fails.
    Doctor {
        /// Also assume this bookmark's role.
        name: Option<String>,
        #[command(flatten)]
        mfa: MfaArgs,
    },
    /// Show who the base credentials belong to (GetCallerIdentity).
    Whoami {
        /// Base profile to check (default: the standard credential chain).
        #[arg(long)]
        profile: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct MfaArgs {
    /// The 6-digit code from your MFA device (asked on the terminal if needed and absent).
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Bookmark name (letters, digits, . _ -), used on the command line.
    pub name: String,
    /// 12-digit ID of the account that owns the role.
    #[arg(long)]
    pub account: String,
    /// Role name, with its path if any (ops/Admin).
    #[arg(long)]
    pub role: String,
    /// Name shown in lists (default: the bookmark name).
    #[arg(long)]
    pub display: Option<String>,
    /// red, orange, yellow, green, blue or #rrggbb.
    #[arg(long)]
    pub color: Option<String>,
    /// ARN (or serial number) of your MFA device, if the role requires MFA.
    #[arg(long)]
    pub mfa_serial: Option<String>,
    /// External ID the role's trust policy requires.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Region for the session (AWS_REGION in the hand-over).
    #[arg(long)]
    pub region: Option<String>,
    /// Session length: seconds (900-43200) or 15m, 1h, 12h.
    #[arg(long)]
    pub duration: Option<String>,
    /// AWS profile whose credentials assume the role (default: standard chain).
    #[arg(long)]
    pub source_profile: Option<String>,
    /// Role session name (default: your user name).
    #[arg(long)]
    pub session_name: Option<String>,
    /// false: assume with the MFA code directly (sessions up to 12 h, a code
    /// per renewal) instead of through a cached MFA session (1 h sessions,
    /// one code per day for all roles).
    #[arg(long, value_name = "BOOL")]
    pub mfa_session: Option<bool>,
    /// Assume bookmark OTHER first and this role with its credentials
    /// (role chaining: sessions last at most 1 h).
    #[arg(long, value_name = "OTHER")]
    pub via: Option<String>,
}
