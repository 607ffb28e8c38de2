//! Where an IAM Identity Center sign-in stands: what `rolehop sso status`
//! says of the session and the picker's detail pane shows beside an SSO role.
//!
//! AWS tells no client when an Identity Center session will end (8 h by
//! default, up to 90 days), so an open session is described by when rolehop
//! signed in, where that is known.

use std::time::{Duration, SystemTime};

/// Identity Center's default session length, and its longest.
pub const DEFAULT_SESSION: Duration = Duration::from_secs(8 * 3600);
pub const LONGEST_SESSION: Duration = Duration::from_secs(90 * 86_400);

/// The sign-in of one instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsoLogin {
    /// No token: never signed in on this machine, or signed out.
    SignedOut,
    /// Over: a refresh was refused at `at`, or the token expired at `at`
    /// with no way to refresh it.
    Ended { at: SystemTime },
    /// Ends when its token does (`at`): the token cannot be refreshed.
    EndsAt(SystemTime),
    /// Refreshed without a browser until the session ends; `since` is
    /// rolehop's sign-in (unknown after another tool's `aws sso login`).
    Open { since: Option<SystemTime> },
}

/// rolehop's mark that a refresh was refused at `at`, for the token that
/// expired at `token_expires` (unknown in marks older than the field).
#[derive(Clone, Copy, Debug)]
pub struct EndMark {
    pub at: SystemTime,
    pub token_expires: Option<SystemTime>,
}

/// What the shared token file says of a sign-in.
#[derive(Clone, Copy, Debug)]
pub struct TokenFacts {
    pub expires_at: SystemTime,
    /// It has a refresh token and a registration that has not expired.
    pub refreshable: bool,
}

impl SsoLogin {
    /// The state from the token file (`None`: no token) and rolehop's own
    /// marks: when a refresh found the session ended, and its last sign-in.
    pub fn of(
        token: Option<TokenFacts>,
        ended: Option<EndMark>,
        signed_in: Option<SystemTime>,
        now: SystemTime,
    ) -> Self {
        let Some(t) = token else {
            return SsoLogin::SignedOut;
        };
        // A refused refresh leaves the refresh token in the file, so the
        // mark counts while the file holds the token it was about; a token
        // written since (a new sign-in, by any tool) outweighs it.
        let ended = ended.filter(|m| match m.token_expires {
            Some(e) => secs(e) == secs(t.expires_at),
            None => !t.refreshable,
        });
        match ended {
            Some(m) => SsoLogin::Ended { at: m.at },
            None if t.refreshable => SsoLogin::Open { since: signed_in },
            None if t.expires_at > now => SsoLogin::EndsAt(t.expires_at),
            None => SsoLogin::Ended { at: t.expires_at },
        }
    }

    /// When the session ends with Identity Center's default length, and at
    /// the latest: known only for an open session rolehop signed in.
    pub fn open_ends(&self) -> Option<(SystemTime, SystemTime)> {
        match self {
            SsoLogin::Open { since: Some(s) } => Some((*s + DEFAULT_SESSION, *s + LONGEST_SESSION)),
            _ => None,
        }
    }
}

/// Whole seconds: the token file and the marks keep no more.
fn secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_SESSION, EndMark, LONGEST_SESSION, SsoLogin, TokenFacts};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    fn token(expires: u64, refreshable: bool) -> Option<TokenFacts> {
        Some(TokenFacts {
            expires_at: at(expires),
            refreshable,
        })
    }

    #[test]
    fn no_token_is_signed_out() {
        assert_eq!(
            SsoLogin::of(None, None, Some(at(0)), at(5)),
            SsoLogin::SignedOut
        );
    }

    #[test]
    fn a_refreshable_token_is_an_open_session_ending_8h_to_90d_after_the_sign_in() {
        let s = SsoLogin::of(token(3600, true), None, Some(at(0)), at(60));
        assert_eq!(s, SsoLogin::Open { since: Some(at(0)) });
        assert_eq!(
            s.open_ends(),
            Some((at(0) + DEFAULT_SESSION, at(0) + LONGEST_SESSION))
        );
        // Signed in by another tool: open, with no known start.
        let s = SsoLogin::of(token(3600, true), None, None, at(60));
        assert_eq!(s, SsoLogin::Open { since: None });
        assert_eq!(s.open_ends(), None);
    }

    #[test]
    fn a_token_without_refresh_ends_with_itself() {
        assert_eq!(
            SsoLogin::of(token(3600, false), None, None, at(60)),
            SsoLogin::EndsAt(at(3600))
        );
        assert_eq!(
            SsoLogin::of(token(3600, false), None, None, at(3601)),
            SsoLogin::Ended { at: at(3600) }
        );
    }

    /// The refresh token stays in the file after a refused refresh, so the
    /// mark decides, until another token is written.
    #[test]
    fn a_refused_refresh_ends_the_session_until_a_new_token_is_written() {
        let mark = Some(EndMark {
            at: at(3000),
            token_expires: Some(at(3600)),
        });
        assert_eq!(
            SsoLogin::of(token(3600, true), mark, Some(at(0)), at(3100)),
            SsoLogin::Ended { at: at(3000) }
        );
        // `aws sso login` since: a new token, an open session.
        assert_eq!(
            SsoLogin::of(token(9000, true), mark, Some(at(0)), at(5400)),
            SsoLogin::Open { since: Some(at(0)) }
        );
        // A mark of an older rolehop (no token named) counts only for a
        // token that cannot be refreshed.
        let old = Some(EndMark {
            at: at(3000),
            token_expires: None,
        });
        assert_eq!(
            SsoLogin::of(token(3600, true), old, None, at(3100)),
            SsoLogin::Open { since: None }
        );
        assert_eq!(
            SsoLogin::of(token(3600, false), old, None, at(3100)),
            SsoLogin::Ended { at: at(3000) }
        );
    }
}
