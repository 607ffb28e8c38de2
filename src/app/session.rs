//! An active role session and its clock arithmetic: time left, the refresh
//! window, and the countdown's urgency.

use crate::assume::Assumed;
use crate::cache::Mode;
use crate::engine::Switched;
use crate::serve::registry::By;
use rolehop_files::bookmarks::Bookmark;
use std::time::{Duration, SystemTime};

// The refresh window is the engine's, so the CLI cache and the picker's
// auto-renew agree on when a session is "about to expire".
use crate::engine::window;

/// How the countdown should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    Calm,
    /// Under 15 minutes left.
    Soon,
    /// Under 5 minutes left.
    Urgent,
    Expired,
}

/// Where a session of the pane comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    /// The picker switched to it (or renewed it): it holds it and renews it.
    #[default]
    Picker,
    /// Found in the session cache every rolehop shares, made by another
    /// (`env`, `exec`, the agent, another picker, an earlier run): shown and
    /// handed over; the picker renews it only when asked (`r`).
    Cache,
}

/// Another rolehop serving a session live (its [`registry`] record).
///
/// [`registry`]: crate::serve::registry
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServedBy {
    pub by: By,
    pub pid: u32,
}

impl ServedBy {
    /// "exec pid 1234", "the agent (pid 99)", "a picker (pid 77)".
    pub fn describe(&self) -> String {
        match self.by {
            By::Exec => format!("exec pid {}", self.pid),
            By::Agent => format!("the agent (pid {})", self.pid),
            By::Picker => format!("a picker (pid {})", self.pid),
        }
    }

    /// Every server of `list`, "exec pid 1, the agent (pid 2)".
    pub fn describe_all(list: &[ServedBy]) -> String {
        let all: Vec<String> = list.iter().map(ServedBy::describe).collect();
        all.join(", ")
    }
}

/// A role session the picker shows: its own, or one from the cache.
#[derive(Clone, Debug)]
pub struct Session {
    pub bookmark: Bookmark,
    pub assumed: Assumed,
    /// When it was obtained (start of its lifetime, for the gauge and window).
    pub obtained: SystemTime,
    /// An automatic or manual renewal is in flight.
    pub renewing: bool,
    /// After a failed renewal, do not retry before this time.
    pub retry_after: Option<SystemTime>,
    /// Which STS limit shortened the session (e.g. the 1 h chaining cap).
    pub limit: Option<String>,
    /// Renewing takes a fresh one-time code (direct AssumeRole with MFA);
    /// sessions from an MFA session or without MFA renew silently.
    pub renew_needs_code: bool,
    /// Assumed with temporary credentials (MFA session or `via`): the
    /// console's federation endpoint then takes no SessionDuration.
    pub chained: bool,
    /// The region chosen with `R` for this session's hand-overs, over the
    /// one it was assumed with (`assumed.region`); kept across renewals.
    /// No STS call: only the hand-overs change.
    pub region_override: Option<String>,
    pub origin: Origin,
    /// This picker got it from STS (its switch, a renewal, its subshell's
    /// endpoint); false when it came out of the shared cache, made by
    /// another rolehop or an earlier run. `x` asks before forgetting those.
    pub made_here: bool,
    /// Other rolehops serving this bookmark live, as last seen.
    pub served_by: Vec<ServedBy>,
}

impl Session {
    pub fn new(bookmark: Bookmark, assumed: Assumed, now: SystemTime) -> Session {
        Session {
            bookmark,
            assumed,
            obtained: now,
            renewing: false,
            retry_after: None,
            limit: None,
            renew_needs_code: false,
            chained: false,
            region_override: None,
            origin: Origin::Picker,
            made_here: true,
            served_by: Vec::new(),
        }
    }

    /// The session a switch (or the cache) gave, with what its mode says
    /// about renewing and the console.
    pub fn from_switched(bookmark: Bookmark, switched: Switched, origin: Origin) -> Session {
        Session {
            limit: switched.limit,
            renew_needs_code: switched.mode == Mode::DirectMfa,
            chained: switched.mode.is_chained(),
            origin,
            made_here: origin == Origin::Picker && !switched.cached,
            ..Session::new(bookmark, switched.assumed, switched.obtained)
        }
    }

    /// The region its hand-overs use: the one chosen with `R`, else the one
    /// it was assumed with.
    pub fn region(&self) -> Option<&str> {
        self.region_override
            .as_deref()
            .or(self.assumed.region.as_deref())
    }

    /// What every hand-over (exports, subshell, console, profile) is built
    /// from: the session with its hand-over region.
    pub fn handover(&self) -> Assumed {
        Assumed {
            creds: self.assumed.creds.clone(),
            region: self.region().map(str::to_owned),
        }
    }

    /// The partition its credentials belong to: from the assumed-role ARN
    /// STS reported, else from its region, else from the bookmark.
    pub fn partition(&self) -> &str {
        let from_arn = self
            .assumed
            .creds
            .assumed_role_arn
            .as_deref()
            .and_then(|arn| arn.strip_prefix("arn:"))
            .and_then(|rest| rest.split(':').next())
            .filter(|p| !p.is_empty());
        match from_arn {
            Some(p) => p,
            None => match self.assumed.region.as_deref() {
                Some(r) => super::regions::partition_of(r),
                None => self.bookmark.partition(),
            },
        }
    }

    /// "Admin/alice" of `arn:aws:sts::ACCOUNT:assumed-role/Admin/alice`, if STS said.
    pub fn role_session(&self) -> Option<&str> {
        let arn = self.assumed.creds.assumed_role_arn.as_deref()?;
        let (_, rest) = arn.split_once(":assumed-role/")?;
        (!rest.is_empty()).then_some(rest)
    }

    /// The account of the assumed-role ARN, else the bookmark's.
    pub fn account(&self) -> &str {
        self.assumed
            .creds
            .assumed_role_arn
            .as_deref()
            .and_then(|arn| arn.split(':').nth(4))
            .filter(|a| !a.is_empty())
            .unwrap_or(&self.bookmark.account)
    }

    pub fn expires(&self) -> SystemTime {
        self.assumed.creds.expiration
    }

    pub fn lifetime(&self) -> Duration {
        self.expires()
            .duration_since(self.obtained)
            .unwrap_or(Duration::ZERO)
    }

    pub fn remaining(&self, now: SystemTime) -> Duration {
        self.assumed.creds.remaining(now)
    }

    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.remaining(now).is_zero()
    }

    /// When renewal is due, given an optional configured window.
    pub fn renew_at(&self, configured: Option<Duration>) -> SystemTime {
        window::renew_at(self.obtained, self.expires(), configured)
    }

    /// Due for automatic renewal at `now` (and not already renewing or backing off).
    pub fn due(&self, now: SystemTime, window: Option<Duration>) -> bool {
        !self.renewing
            && !self.is_expired(now)
            && now >= self.renew_at(window)
            && self.retry_after.is_none_or(|t| now >= t)
    }

    /// Share of the lifetime still left, 0.0..=1.0, for the gauge.
    pub fn fraction_left(&self, now: SystemTime) -> f64 {
        let total = self.lifetime().as_secs_f64();
        if total <= 0.0 {
            return 0.0;
        }
        (self.remaining(now).as_secs_f64() / total).clamp(0.0, 1.0)
    }

    pub fn urgency(&self, now: SystemTime) -> Urgency {
        urgency(self.remaining(now))
    }
}

pub fn urgency(left: Duration) -> Urgency {
    match left.as_secs() {
        0 => Urgency::Expired,
        1..300 => Urgency::Urgent,
        300..900 => Urgency::Soon,
        _ => Urgency::Calm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_and_urgency() {
        assert_eq!(urgency(Duration::from_secs(901)), Urgency::Calm);
        assert_eq!(urgency(Duration::from_secs(899)), Urgency::Soon);
        assert_eq!(urgency(Duration::from_secs(299)), Urgency::Urgent);
        assert_eq!(urgency(Duration::ZERO), Urgency::Expired);
    }
}
