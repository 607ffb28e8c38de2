//! Command-line interface: subcommands and flags only; the work is in [`crate::cmd`].

use crate::creds::export::Shell;
use clap::{Args, Parser, Subcommand};
use clap_complete::engine::ArgValueCandidates;
use clap_complete::engine::CompletionCandidate;
use rolehop_files::bookmarks::Bookmarks;

/// The AWS Console's Switch Role, for the terminal: `rolehop` alone opens
/// the picker of your role bookmarks.
///
/// It assumes the bookmarked IAM roles through STS (asking for an MFA code
/// when a role needs one). The commands below do the same from a shell or a
/// script: a shell or a command with live credentials (exec), exports (env),
/// a profile in ~/.aws/credentials (write), the console (console). The
/// bookmarks file is $ROLEHOP_CONFIG, else bookmarks.toml in rolehop's config
/// directory.
// `-h` prints the first paragraph, `--help` both; both say what `rolehop`
// alone does, the first thing a newcomer looks for.
#[derive(Debug, Parser)]
#[command(name = "rolehop", version)]
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
        #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
        name: String,
    },
    /// Assume the role and run a command (or your $SHELL) with its credentials.
    ///
    /// The credentials are live: served to the child on 127.0.0.1 over the
    /// container credentials protocol every AWS SDK and the AWS CLI read, and
    /// renewed before they expire, for as long as the child runs. rolehop
    /// stays its parent and passes its exit code through.
    Exec {
        /// Bookmark name.
        #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
        name: String,
        /// Hand over plain AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
        /// AWS_SESSION_TOKEN instead (they end at expiry), for tools that
        /// read only those, or a Docker container.
        #[arg(long = "static")]
        static_: bool,
        /// Let the command control its live session as an interactive shell
        /// can: nested `rolehop exec` / `env --live` hops to other bookmarks,
        /// `rolehop mfa`, `rolehop whoami`. Without it a command's processes
        /// get only this role's credentials.
        #[arg(long)]
        allow_hops: bool,
        #[command(flatten)]
        mfa: MfaArgs,
        /// Command and arguments (after `--`, or from the first word without a
        /// leading `-`); default: an interactive $SHELL.
        // No allow_hyphen_values: a flag before the command is rolehop's, so
        // a mistyped one is a usage error, not a command run after the code
        // was used up.
        #[arg(trailing_var_arg = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Print shell code that exports the role's credentials (use with eval).
    Env {
        /// Bookmark name.
        #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
        name: String,
        /// Shell syntax; default from $SHELL.
        #[arg(long, value_enum)]
        shell: Option<Shell>,
        /// Export a live endpoint (served and renewed by rolehop's agent,
        /// started on demand) instead of credentials that end at expiry.
        #[arg(long)]
        live: bool,
        #[command(flatten)]
        mfa: MfaArgs,
    },
    /// Give the rolehop serving this shell the MFA code its renewal waits for.
    ///
    /// Inside a shell from `rolehop exec` (at any depth) or after `rolehop
    /// env --live`: asks for the code on the terminal unless given, and the
    /// serving rolehop renews at once. Outside one there is nothing to renew.
    Mfa {
        /// The 6-digit code (asked on the terminal if absent).
        code: Option<String>,
    },
    /// The per-user agent that serves `rolehop env --live` shells.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Write the role's credentials into a profile of ~/.aws/credentials.
    Write {
        /// Bookmark name.
        #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
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
        #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
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
        #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
        name: Option<String>,
    },
    /// Check the setup step by step and say how to fix what fails.
    ///
    /// Bookmarks file, base credentials, who you are (GetCallerIdentity), MFA
    /// device ARNs, the session cache, and with NAME whether the role can be
    /// assumed. Exits 1 if any check fails.
    Doctor {
        /// Also assume this bookmark's role.
        #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
        name: Option<String>,
        #[command(flatten)]
        mfa: MfaArgs,
    },
    /// Open the AWS console as the role (federation sign-in), or print its link.
    ///
    /// Assumes the role (reusing a cached session), gets a sign-in token from
    /// the AWS federation endpoint and opens the console in your browser
    /// ($BROWSER, else open / xdg-open / start). The sign-in link works for
    /// 15 minutes. With --switch-url, prints the console's own Switch Role
    /// link instead (no credentials needed; not for roles with an external ID).
    Console(ConsoleArgs),
    /// Print (or apply) the IAM policies the cross-account setup needs.
    ///
    /// The role's trust policy (in the trusting account, where the role is),
    /// the identity policy for the users who may assume it (in the trusted
    /// account), and the `aws iam` commands that apply them. --apply-trusting
    /// and --apply-trusted create or update them through IAM after showing
    /// the difference and asking.
    Policy(PolicyArgs),
    /// Show who the base credentials belong to (GetCallerIdentity).
    Whoami {
        /// Base profile to check (default: the standard credential chain).
        #[arg(long)]
        profile: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Turn existing role configurations into bookmarks.
    #[command(subcommand)]
    Import(ImportSource),
    /// IAM Identity Center: sign in once, and every account and permission
    /// set it gives you as bookmarks.
    ///
    /// `rolehop sso add corp --start-url URL --region REGION`, then
    /// `rolehop sso login corp` and `rolehop sso sync corp`. The login is the
    /// AWS CLI's: `aws sso login --sso-session corp` satisfies rolehop too.
    #[command(subcommand)]
    Sso(SsoCommand),
    /// Export NAME's credentials into this shell (needs `rolehop init`).
    ///
    /// Provided by the shell function of `rolehop init`: `rolehop use NAME`
    /// evals `rolehop env NAME`, `rolehop use` the picker (`rolehop pick`).
    Use {
        /// Bookmark name (default: pick one in the picker).
        #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
        name: Option<String>,
        /// Passed on to `rolehop env` (e.g. --mfa-code CODE).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        rest: Vec<String>,
    },
    /// Print the shell function that makes `rolehop use NAME` switch this shell.
    ///
    /// bash: eval "$(rolehop init bash)" in ~/.bashrc; zsh: eval "$(rolehop
    /// init zsh)" in ~/.zshrc; fish: rolehop init fish | source in
    /// ~/.config/fish/config.fish.
    Init {
        #[arg(value_enum)]
        shell: InitShell,
    },
    /// Print a completion script (bookmark names included).
    ///
    /// bash: source <(rolehop completions bash) in ~/.bashrc; zsh: source
    /// <(rolehop completions zsh) in ~/.zshrc; fish: rolehop completions fish
    /// | source; PowerShell: rolehop completions powershell | Out-String |
    /// Invoke-Expression in $PROFILE.
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff), generated from this command line.
    ///
    /// man <(rolehop man) to read it; --dir DIR writes rolehop.1 and one
    /// page per subcommand (rolehop-import.1, ...) for installing into
    /// a man1 directory.
    Man {
        /// Write the pages into this directory instead of printing rolehop.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
    /// Print a short prompt segment (`prod 42m`) in a rolehop environment.
    ///
    /// Prints nothing outside one. With static credentials it reads only the
    /// environment; in a live shell it asks the serving rolehop on loopback
    /// what it serves now (`prod 42m mfa` while a renewal waits for a code,
    /// `prod ?` if it does not answer within 0.25 s). No STS call, no files:
    /// fit for PS1 or starship's custom module.
    Prompt {
        /// Placeholders: {name} {left} {expiry} {account} {role}.
        #[arg(long, value_name = "TEXT", default_value = DEFAULT_PROMPT_FORMAT)]
        format: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Is an agent running, and what does it serve?
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stop the agent: the shells it served get no more credentials.
    Stop,
    /// Run the agent in the foreground (what `--live` starts on demand).
    Run,
}

#[derive(Debug, Subcommand)]
pub enum SsoCommand {
    /// Add (or update) `[sso.NAME]` in the bookmarks file.
    ///
    /// With only NAME, copies `[sso-session NAME]` (sso_start_url,
    /// sso_region) from ~/.aws/config.
    Add {
        /// The instance's name (the AWS CLI's sso-session name).
        name: String,
        /// Your AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start.
        #[arg(long, value_name = "URL", requires = "region")]
        start_url: Option<String>,
        /// The region of your IAM Identity Center instance.
        #[arg(long, value_name = "REGION", requires = "start_url")]
        region: Option<String>,
        /// The region handed to its roles (default: --region).
        #[arg(long, value_name = "REGION")]
        default_region: Option<String>,
    },
    /// Sign in in a browser; the token is written where the AWS CLI keeps it.
    ///
    /// Default: the authorization-code grant with PKCE, answered on
    /// 127.0.0.1. Live shells waiting for this instance's login renew again.
    Login {
        /// The instance (default: the only one).
        name: Option<String>,
        /// Sign in with a code shown here (from a browser on another device).
        #[arg(long)]
        use_device_code: bool,
        /// Print the URL; open no browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Every account × permission set the portal gives you, as bookmarks.
    ///
    /// Named ACCOUNT-PERMISSIONSET, displayed "Account · PermissionSet",
    /// sso = NAME. Re-runs update displays and keep your own keys (color,
    /// region, via...); roles the portal no longer lists are reported gone.
    Sync {
        /// The instance (default: the only one).
        name: Option<String>,
        /// Show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Remove this instance's bookmarks whose role the portal no longer
        /// lists (more than 3 are asked about first).
        #[arg(long)]
        prune: bool,
        /// Remove without asking.
        #[arg(long, requires = "prune")]
        yes: bool,
    },
    /// Login state, token and registration expiry, and the last sync.
    Status {
        /// The instance (default: all).
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Sign out at the portal and remove the token.
    Logout {
        /// The instance (default: the only one).
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Every profile of the AWS config file with a role_arn.
    ///
    /// Reads $AWS_CONFIG_FILE (default ~/.aws/config) and
    /// $AWS_SHARED_CREDENTIALS_FILE with the AWS SDK's own parser. A profile
    /// whose source_profile is itself a role profile becomes a `via` chain.
    AwsConfig {
        /// Config file to read instead of $AWS_CONFIG_FILE / ~/.aws/config.
        #[arg(long, value_name = "PATH")]
        file: Option<std::path::PathBuf>,
        /// With --file: import its mfa_process commands too. rolehop runs
        /// them later on its own (renewals, the agent), so from a file given
        /// with --file they are left out unless asked for; the report names
        /// each one either way.
        #[arg(long)]
        with_commands: bool,
        #[command(flatten)]
        opts: ImportOpts,
    },
    /// The configuration of the "AWS Extend Switch Roles" browser extension.
    ///
    /// Paste the extension's configuration text into FILE. Target roles
    /// (role_arn, or aws_account_id + role_name; color, region) become
    /// bookmarks; base accounts (no role) are skipped. A target's
    /// source_profile names a console base account, not an AWS profile, so
    /// it only supplies target_role_name / target_region.
    ExtendSwitchRoles {
        /// The configuration text, saved to a file.
        file: std::path::PathBuf,
        #[command(flatten)]
        opts: ImportOpts,
    },
    /// Every active account of your AWS Organization, as a bookmark for ROLE.
    ///
    /// Lists the organization with AWS Organizations (ListAccounts; with
    /// --ou, the accounts under those OUs and the OUs below them), as the base
    /// identity or --profile, which must be allowed to read it (the
    /// management account or a delegated administrator). Bookmarks are named
    /// from the account names and displayed as them; your own account,
    /// suspended and pending accounts are skipped. Run it again to update:
    /// bookmarks are matched by account ID and role, renamed accounts get the
    /// new display, and accounts that left are reported `gone`.
    Organization {
        /// The role to assume in each account.
        #[arg(long, value_name = "ROLE", default_value = crate::import::organization::DEFAULT_ROLE)]
        role: String,
        /// AWS profile that reads the organization; it also becomes the
        /// bookmarks' source_profile.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<String>,
        /// Only accounts under this OU (an ID like ou-ab12-cdef3456, or a
        /// path of OU names like Workloads/Prod); repeatable.
        #[arg(long = "ou", value_name = "OU_ID_OR_PATH")]
        ous: Vec<String>,
        /// Only accounts whose name or ID matches this glob (any case); repeatable.
        #[arg(long, value_name = "GLOB")]
        include: Vec<String>,
        /// Skip accounts whose name or ID matches this glob; repeatable.
        #[arg(long, value_name = "GLOB")]
        exclude: Vec<String>,
        /// Remove the bookmarks this import made (marked org = "o-...", for
        /// ROLE and this --profile) whose account the organization no longer
        /// lists; hand-written and other organizations' bookmarks are kept.
        /// More than 3 removals are asked about first.
        #[arg(long)]
        prune: bool,
        /// Remove without asking, however many --prune finds.
        #[arg(long, requires = "prune")]
        yes: bool,
        #[command(flatten)]
        opts: ImportOpts,
    },
}

#[derive(Debug, Args)]
pub struct ImportOpts {
    /// Show what would be imported; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace existing bookmarks of the same name (default: skip them).
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Bookmark name.
    #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
    pub name: String,
    /// Print the sign-in link (valid 15 minutes) instead of opening a browser.
    #[arg(long)]
    pub print: bool,
    /// Console region (default: the session's region).
    #[arg(long)]
    pub region: Option<String>,
    /// Where to land: a service (s3, ec2, iam) or a console URL.
    #[arg(long, value_name = "SERVICE_OR_URL")]
    pub destination: Option<String>,
    /// Print the console's Switch Role link (account, role, display name,
    /// color) for a console already signed in; nothing is assumed.
    #[arg(long, conflicts_with_all = ["print", "destination"])]
    pub switch_url: bool,
    #[command(flatten)]
    pub mfa: MfaArgs,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Bookmark name.
    #[arg(add = ArgValueCandidates::new(bookmark_candidates))]
    pub name: String,
    /// Principal the role trusts: a user or role ARN (default: the root of
    /// the base identity's account, from GetCallerIdentity).
    #[arg(long, value_name = "ARN")]
    pub principal: Option<String>,
    /// Print the documents and commands as JSON.
    #[arg(long)]
    pub json: bool,
    /// Create the role, or update its trust policy, in the trusting account
    /// (with the credentials of --profile).
    #[arg(long, requires = "profile")]
    pub apply_trusting: bool,
    /// Put the identity policy on a user or group of the trusted account
    /// (with the credentials of --profile; default: the calling user).
    #[arg(long, requires = "profile", conflicts_with = "apply_trusting")]
    pub apply_trusted: bool,
    /// AWS profile whose credentials make the IAM changes.
    #[arg(long)]
    pub profile: Option<String>,
    /// User to put the identity policy on (--apply-trusted).
    #[arg(long, conflicts_with = "group")]
    pub user: Option<String>,
    /// Group to put the identity policy on (--apply-trusted).
    #[arg(long)]
    pub group: Option<String>,
    /// With --apply-trusting: replace the role's whole trust policy with
    /// rolehop's (default: add rolehop's statement, keep the others).
    #[arg(long, requires = "apply_trusting")]
    pub replace: bool,
    /// Apply without asking.
    #[arg(long)]
    pub yes: bool,
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
    #[arg(long, value_name = "OTHER", add = ArgValueCandidates::new(bookmark_candidates))]
    pub via: Option<String>,
}

/// The default `rolehop prompt --format`.
pub const DEFAULT_PROMPT_FORMAT: &str = "{name} {left}";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InitShell {
    Bash,
    Zsh,
    Fish,
}

/// Bookmark names (with their display names as help) for completing a NAME
/// argument; nothing when the file is missing or does not load.
pub fn bookmark_candidates() -> Vec<CompletionCandidate> {
    let Ok(path) = crate::paths::bookmarks_path() else {
        return Vec::new();
    };
    let Ok(bookmarks) = Bookmarks::load(&path) else {
        return Vec::new();
    };
    std::sync::Arc::unwrap_or_clone(bookmarks.items)
        .into_iter()
        .map(|b| {
            let help = (b.display != b.name).then(|| crate::text::sanitize(&b.display).into());
            CompletionCandidate::new(b.name).help(help)
        })
        .collect()
}
