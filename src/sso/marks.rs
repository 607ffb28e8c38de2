//! What rolehop remembers about an instance beside the shared token file,
//! in its own cache (`<cache>/sso/NAME.marks.json`): when it signed in, when
//! a refresh found the session ended, and the roles the portal refused
//! (GetRoleCredentials answered 403: the permission set was unassigned),
//! kept until the next sync has looked at them.
//!
//! AWS tells no client when an Identity Center session will end, and the
//! AWS CLI rewrites the token file without keys it does not know, so these
//! live here. The bookmarks file is the user's and is not edited behind
//! their back on a credentials call. A lost mark costs only a line of
//! `sso status` or of the next sync, so failed writes are not errors.

use std::path::PathBuf;
use std::time::SystemTime;

use super::Instance;
use crate::session::sso::{EndMark, SsoLogin, TokenFacts};

/// One refused role.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    pub account: String,
    pub role: String,
    /// Unix seconds of the last refusal.
    pub at: u64,
}

/// The marks of one instance.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Marks {
    start_url: String,
    /// Unix seconds of rolehop's last sign-in.
    #[serde(default)]
    pub signed_in: Option<u64>,
    /// Unix seconds when a refresh was refused: the session had ended.
    #[serde(default)]
    pub ended: Option<u64>,
    /// The `expiresAt` (Unix seconds) of the token whose refresh was refused:
    /// the file keeps that token, and a newer one means a new sign-in.
    #[serde(default)]
    pub ended_token: Option<u64>,
    #[serde(default)]
    pub refused: Vec<Refusal>,
}

fn path(inst: &Instance) -> Option<PathBuf> {
    Some(
        crate::paths::cache_dir()?
            .join("sso")
            .join(format!("{}.marks.json", inst.name)),
    )
}

/// The marks of `inst` (none when the file is missing, unreadable, or about
/// another start URL).
pub fn read(inst: &Instance) -> Marks {
    path(inst)
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str::<Marks>(&t).ok())
        .filter(|m| m.start_url == inst.config.start_url)
        .unwrap_or_default()
}

/// A sign-in just completed: a new session, nothing ended.
pub fn signed_in(inst: &Instance, now: SystemTime) {
    update(inst, |m| {
        m.signed_in = Some(crate::cache::unix(now));
        m.ended = None;
        m.ended_token = None;
    });
}

/// A refresh of the token that expires at `token_expires` was refused: the
/// session has ended.
pub fn ended(inst: &Instance, now: SystemTime, token_expires: SystemTime) {
    let token = crate::cache::unix(token_expires);
    update(inst, |m| {
        if m.ended_token != Some(token) {
            m.ended = Some(crate::cache::unix(now));
            m.ended_token = Some(token);
        }
    });
}

/// Where the sign-in of `inst` stands, from its token file and these marks.
pub fn login(inst: &Instance, now: SystemTime) -> Result<SsoLogin, super::SsoError> {
    let t = inst.cached_token()?;
    let m = read(inst);
    let secs = |s: u64| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(s);
    Ok(SsoLogin::of(
        t.as_ref().map(|t| TokenFacts {
            expires_at: t.expires_at,
            refreshable: t.refreshable(now),
        }),
        m.ended.map(|at| EndMark {
            at: secs(at),
            token_expires: m.ended_token.map(secs),
        }),
        m.signed_in.map(secs),
        now,
    ))
}

/// Mark `role` in `account` refused now.
pub fn refused(inst: &Instance, account: &str, role: &str, now: SystemTime) {
    update(inst, |m| {
        m.refused
            .retain(|r| !(r.account == account && r.role == role));
        m.refused.push(Refusal {
            account: account.to_owned(),
            role: role.to_owned(),
            at: crate::cache::unix(now),
        });
    });
}

/// Forget the refusals a finished sync has looked at.
pub fn clear_refused(inst: &Instance, seen: &[Refusal]) {
    update(inst, |m| m.refused.retain(|r| !seen.contains(r)));
}

/// Forget everything (`sso logout`).
pub fn remove(inst: &Instance) {
    if let Some(p) = path(inst) {
        let _ = std::fs::remove_file(p);
    }
}

fn update(inst: &Instance, change: impl FnOnce(&mut Marks)) {
    let Some(path) = path(inst) else { return };
    let Ok(_lock) = rolehop_files::fsutil::lock_for(&path) else {
        return;
    };
    let mut marks = read(inst);
    marks.start_url.clone_from(&inst.config.start_url);
    change(&mut marks);
    if let Ok(text) = serde_json::to_string(&marks) {
        let _ = rolehop_files::fsutil::atomic_write(&path, text.as_bytes(), 0o600, true);
    }
}
