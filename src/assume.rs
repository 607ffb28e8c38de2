//! The assume-role engine shared by the CLI and the TUI: bookmark + base
//! environment + optional MFA code in, temporary credentials out.

use crate::config::bookmarks::Bookmark;
use crate::creds::Credentials;
use crate::env::EnvView;
use crate::sts::{self, AssumeRequest, StsError};

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
            .clone()
            .unwrap_or_else(|| env.default_session_name()),
        duration: bookmark.duration,
        external_id: bookmark.external_id.clone(),
        mfa: bookmark.mfa_serial.clone().zip(mfa_code),
    }
}

/// Assume the bookmark's role from the base identity. `mfa_code` must be a
/// validated code when the bookmark has `mfa_serial`.
pub async fn assume(
    bookmark: &Bookmark,
    env: &EnvView,
    mfa_code: Option<String>,
) -> Result<Assumed, StsError> {
    let source = env.base_source(bookmark.source_profile.as_deref());
    let region = sts::resolve_region(bookmark.region.as_deref(), env, &source).await;
    let client = sts::client(&source, region.as_deref().unwrap_or(sts::FALLBACK_REGION)).await;
    let req = request(bookmark, env, mfa_code);
    match sts::assume_role(&client, &req).await {
        Ok(creds) => Ok(Assumed { creds, region }),
        Err(e @ StsError::NoCredentials { .. }) => Err(sts::name_source(e, &source, env)),
        Err(e) => Err(sts::with_identity(&client, e).await),
    }
}
