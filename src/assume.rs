//! What a switch gives (credentials and the hand-over's region) and the
//! AssumeRole request for a bookmark; the engine (`engine/`) makes the calls.

use crate::creds::Credentials;
use crate::env::EnvView;
use crate::sts::AssumeRequest;
use rolehop_files::bookmarks::Bookmark;

/// A successful switch.
#[derive(Debug, Clone)]
pub struct Assumed {
    pub creds: Credentials,
    /// Region for the hand-over (bookmark, original env, or base profile).
    pub region: Option<String>,
}

/// The AssumeRole parameters for `bookmark` (no I/O).
pub fn request(bookmark: &Bookmark, env: &EnvView, mfa_code: Option<String>) -> AssumeRequest {
    AssumeRequest {
        role_arn: bookmark.role_arn(),
        session_name: bookmark
            .session_name
            .as_deref()
            .map_or_else(|| env.default_session_name(), str::to_owned),
        duration: bookmark.duration,
        external_id: bookmark.external_id.as_deref().map(str::to_owned),
        mfa: bookmark
            .mfa_serial
            .as_deref()
            .map(str::to_owned)
            .zip(mfa_code),
    }
}
