//! When a session is due for renewal: the refresh window, shared by the
//! cache lookup, `write --keep` and the picker's auto-renew. Pure functions
//! of their inputs (the clock comes in as `now`).

use std::time::{Duration, SystemTime};

/// Shortest and longest default window (botocore renews 10-15 min ahead; we
/// also serve 15-minute sessions, where 15 min ahead would mean "always").
pub const MIN_WINDOW: Duration = Duration::from_secs(60);
pub const MAX_WINDOW: Duration = Duration::from_secs(600);

/// How long before expiry a session of `lifetime` is renewed by default:
/// a quarter of its lifetime, at least 1 and at most 10 minutes.
pub fn refresh_window(lifetime: Duration) -> Duration {
    (lifetime / 4).clamp(MIN_WINDOW, MAX_WINDOW)
}

/// The window in force: the configured one (`[settings] refresh_window`), or
/// the default. It decides whether a cached session is still worth using.
pub fn window(lifetime: Duration, configured: Option<Duration>) -> Duration {
    configured.unwrap_or_else(|| refresh_window(lifetime))
}

/// The longest window a session of `lifetime` gets.
pub fn longest_window(lifetime: Duration) -> Duration {
    lifetime.saturating_sub((lifetime / 100).max(MIN_SERVED))
}

/// When a renewal loop (the picker, `write --keep`) clamps `configured` for
/// a session of `lifetime`: the window it uses instead, for a one-time note.
pub fn clamped(lifetime: Duration, configured: Option<Duration>) -> Option<Duration> {
    let c = configured?;
    let w = c.min(longest_window(lifetime));
    (w < c).then_some(w)
}

/// When a session obtained at `obtained` and expiring at `expires` is due
/// for renewal (never before it was obtained). A configured window never
/// covers the whole session here: at least `max(5 s, 1 %)` of it is used
/// first, so a window as long as the session does not renew every second.
pub fn renew_at(
    obtained: SystemTime,
    expires: SystemTime,
    configured: Option<Duration>,
) -> SystemTime {
    let lifetime = expires.duration_since(obtained).unwrap_or_default();
    let w = window(lifetime, configured).min(longest_window(lifetime));
    expires.checked_sub(w).unwrap_or(obtained).max(obtained)
}

/// Usable from the cache at `now`: more than the window is left.
pub fn is_fresh(
    obtained: SystemTime,
    expires: SystemTime,
    configured: Option<Duration>,
    now: SystemTime,
) -> bool {
    let lifetime = expires.duration_since(obtained).unwrap_or_default();
    expires
        .duration_since(now)
        .is_ok_and(|left| left > window(lifetime, configured))
}

/// The live endpoint's window (`rolehop exec`, the agent): SDKs start to
/// refresh 15 min (botocore, advisory) or 10 min (mandatory) before expiry,
/// so by default it never serves a session of an hour or more with less than
/// 20 min left, and a shorter one with less than half of its lifetime. A
/// configured window wins, but never covers the whole session: at least
/// `max(5 s, 1 %)` of it is served before renewal.
pub fn serve_window(lifetime: Duration, configured: Option<Duration>) -> Duration {
    let default = if lifetime >= Duration::from_secs(3600) {
        SERVE_WINDOW
    } else {
        lifetime / 2
    };
    configured.unwrap_or(default).min(longest_window(lifetime))
}

/// Default live-endpoint window for sessions of an hour or more.
pub const SERVE_WINDOW: Duration = Duration::from_secs(20 * 60);
/// A session is served at least this long before the endpoint renews it.
pub const MIN_SERVED: Duration = Duration::from_secs(5);
/// The endpoint starts renewing this much before the window (at most), so
/// the STS call is done before the window is reached.
pub const SERVE_LEAD: Duration = Duration::from_secs(30);

/// When the endpoint starts renewing a session obtained at `obtained` and
/// expiring at `expires`: a short lead before its window starts, never
/// before the session is `MIN_SERVED` / 2 old.
pub fn serve_renew_at(
    obtained: SystemTime,
    expires: SystemTime,
    configured: Option<Duration>,
) -> SystemTime {
    let lifetime = expires.duration_since(obtained).unwrap_or_default();
    let w = serve_window(lifetime, configured);
    let lead = SERVE_LEAD.min(lifetime.saturating_sub(w) / 2);
    let at = expires.checked_sub(w + lead).unwrap_or(obtained);
    at.max(obtained)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_window_defaults_and_clamps() {
        let secs = Duration::from_secs;
        assert_eq!(serve_window(secs(3600), None), secs(1200));
        assert_eq!(serve_window(secs(43_200), None), secs(1200));
        assert_eq!(serve_window(secs(900), None), secs(450));
        // Configured, but never the whole session.
        assert_eq!(serve_window(secs(900), Some(secs(890))), secs(890));
        assert_eq!(serve_window(secs(900), Some(secs(5000))), secs(891));
        assert_eq!(serve_window(secs(3600), Some(secs(300))), secs(300));
        // An hour: renew 20 min + 30 s before expiry.
        assert_eq!(serve_renew_at(t(0), t(3600), None), t(3600 - 1230));
        // 15 min with a window just under it: 10 s served, renewal after 5.
        assert_eq!(serve_renew_at(t(0), t(900), Some(secs(890))), t(5));
        // Already inside the window (a cached session): renew at once.
        assert_eq!(
            serve_renew_at(t(0), t(60), Some(secs(600))),
            t(2) + Duration::from_millis(500)
        );
        assert!(serve_renew_at(t(100), t(50), None) >= t(100));
    }

    fn t(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    #[test]
    fn default_window_is_a_quarter_clamped() {
        assert_eq!(
            refresh_window(Duration::from_secs(900)),
            Duration::from_secs(225)
        );
        assert_eq!(refresh_window(Duration::from_secs(3600)), MAX_WINDOW);
        assert_eq!(refresh_window(Duration::from_secs(43_200)), MAX_WINDOW);
        assert_eq!(refresh_window(Duration::from_secs(120)), MIN_WINDOW);
    }

    #[test]
    fn fresh_until_the_window_starts() {
        // A 1 h session: window 10 min, so fresh until 50 min in.
        let (got, exp) = (t(0), t(3600));
        assert!(is_fresh(got, exp, None, t(0)));
        assert!(is_fresh(got, exp, None, t(2999)));
        assert!(!is_fresh(got, exp, None, t(3000)));
        assert!(!is_fresh(got, exp, None, t(4000)), "expired");
        assert_eq!(renew_at(got, exp, None), t(3000));
        // A 15 min session renews with 225 s left.
        assert!(is_fresh(t(0), t(900), None, t(674)));
        assert!(!is_fresh(t(0), t(900), None, t(675)));
    }

    #[test]
    fn configured_window_wins_but_renewals_never_cover_the_session() {
        let w = Some(Duration::from_secs(890));
        assert!(is_fresh(t(0), t(900), w, t(9)));
        assert!(!is_fresh(t(0), t(900), w, t(10)));
        assert_eq!(renew_at(t(0), t(900), w), t(10));
        assert_eq!(clamped(Duration::from_secs(900), w), None);
        // A window as long as the session or longer: the cache never serves
        // it, but a renewal loop waits 9 s (1 %, at least 5 s), not "renew
        // at once, every second".
        for long in [900, 5000] {
            let long = Some(Duration::from_secs(long));
            assert_eq!(renew_at(t(0), t(900), long), t(9));
            assert!(!is_fresh(t(0), t(900), long, t(0)));
            assert_eq!(
                clamped(Duration::from_secs(900), long),
                Some(Duration::from_secs(891))
            );
        }
        // A short session: at least 5 s.
        assert_eq!(renew_at(t(0), t(60), Some(Duration::from_secs(60))), t(5));
    }

    #[test]
    fn clock_before_obtained_is_not_a_panic() {
        // A clock stepped back: still fresh, window from the full lifetime.
        assert!(is_fresh(t(100), t(1000), None, t(0)));
    }
}
