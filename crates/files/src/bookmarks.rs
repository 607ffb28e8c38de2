//! The bookmarks file (`bookmarks.toml`): roles the user switches into.
//!
//! Users write this file by hand, so loading is strict (unknown keys are
//! errors with a suggestion, never silently ignored) and every error is one
//! line that points at the offending value as `PATH:LINE:COL`. Edits go
//! through `toml_edit` so the user's comments and layout survive, and a file
//! that does not load is never rewritten.
//!
//! The parts: `model` (what the file holds), `checks` (every field's rule),
//! `read` (the validating reader with positions), `fast` (the fast loader
//! for valid files), `via` (chains across the file, after either loader),
//! `edit` (the comment-keeping editor), `batch` (many bookmarks in one edit),
//! `error`.

mod batch;
mod checks;
mod edit;
mod error;
mod fast;
mod model;
#[cfg(test)]
mod props;
mod read;
mod sso;
#[cfg(test)]
mod tests;
mod via;

pub use checks::*;
pub use edit::*;
pub use error::*;
pub use model::*;
pub use read::fuzz_load;
use read::*;
pub use sso::{SsoConfig, check_start_url, set_sso};

pub use batch::{Changes, Outcome, add_many, add_many_with, plan_for_file, plan_many};

/// Keys a `[bookmarks.NAME]` table may hold, in the order new tables are written.
const BOOKMARK_KEYS: [&str; 10] = [
    "account",
    "role",
    "display",
    "color",
    "mfa_serial",
    "external_id",
    "region",
    "duration",
    "source_profile",
    "session_name",
];
/// Keys `[defaults]` may hold: everything that is not per-bookmark identity.
const DEFAULT_KEYS: [&str; 7] = [
    "color",
    "mfa_serial",
    "external_id",
    "region",
    "duration",
    "source_profile",
    "session_name",
];
/// Per-bookmark keys that are not form fields (yet): how the role is reached.
const EXTRA_KEYS: [&str; 7] = [
    "mfa_session",
    "via",
    "handover",
    "mfa_process",
    "mfa_yubikey",
    "org",
    "sso",
];
/// Keys of the top-level `[settings]` table.
const SETTINGS_KEYS: [&str; 9] = [
    "cache",
    "mfa_session",
    "mfa_session_duration",
    "refresh_window",
    "auto_renew",
    "handover",
    "colors",
    "mfa_process",
    "mfa_yubikey",
];
const TOP_KEYS: [&str; 4] = ["defaults", "bookmarks", "settings", "sso"];

const MIN_DURATION: u32 = 900;
const MAX_DURATION: u32 = 43_200;
/// GetSessionToken's limits for IAM users (root is capped at 1 h by STS itself).
const MIN_MFA_SESSION: u32 = 900;
const MAX_MFA_SESSION: u32 = 129_600;
/// A refresh window longer than any session would mean "always renew".
const MAX_REFRESH_WINDOW: u32 = 43_200;
const MFA_ARN_EXAMPLE: &str = "arn:aws:iam::123456789012:mfa/alice";

/// Written at the top of a file that `add` creates, so a user who finds the
/// file knows what it is and where its format is described.
const NEW_FILE_HEADER: &str = "# rolehop bookmarks: roles to switch into, like the AWS Console's \"Switch Role\".\n\
# Edit by hand or with `rolehop add`; `rolehop add --help` describes every field.\n";
