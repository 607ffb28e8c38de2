//! The one-time-code guard. AWS accepts each TOTP code once, so a code typed
//! again (a re-run command from shell history, a device that has not moved on
//! yet) fails with a confusing MFA error, and may count against the device.
//! We remember, per MFA device, the 30-second step in which a code was last
//! accepted and a keyed hash of that code:
//! - the same code again within [`REUSE_STEPS`] steps is refused before any call;
//! - when a new code is needed in the step that just used one, the prompt says
//!   how many seconds until the device shows the next code.
//!
//! Only codes STS accepted are recorded: those are spent and worth nothing to
//! anyone. Still, six digits are easy to brute-force from a plain or salted
//! hash, so the hash is keyed with 32 random bytes kept as their own cache
//! entry (in the OS keyring when there is one), never next to the records.

use super::{Cache, Entry, hex, short_hash};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime};

/// TOTP's time step (RFC 6238 default, used by every virtual MFA app).
pub const STEP_SECS: u64 = 30;
/// AWS also accepts codes of neighbouring steps, so a spent code stays
/// refused for this many steps after its own.
pub const REUSE_STEPS: u64 = 2;
const KEY_NAME: &str = "totp-key";

/// The last accepted code of one MFA device.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TotpRecord {
    pub serial: String,
    pub step: u64,
    /// Keyed hash of the code (hex).
    pub mac: String,
}

/// The guard's hash key.
#[derive(Clone, Serialize, Deserialize)]
pub struct TotpKey {
    key: String,
}

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey([REDACTED])")
    }
}

/// The code was already used: wait this long for the device's next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reused {
    pub wait: Duration,
}

pub fn step(now: SystemTime) -> u64 {
    super::unix(now) / STEP_SECS
}

/// Time until the next step starts, at least one second.
pub fn until_next_step(now: SystemTime) -> Duration {
    let since_epoch = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let into_step = since_epoch.as_secs() % STEP_SECS;
    Duration::from_secs((STEP_SECS - into_step).max(1))
}

/// Keyed SHA-256 of the code, bound to the device.
pub fn mac(key: &[u8], serial: &str, code: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(key);
    h.update(serial.as_bytes());
    h.update([0u8]);
    h.update(code.as_bytes());
    hex(&h.finalize()[..16])
}

/// Pure decision: may a code with hash `mac` be sent at `now`?
pub fn verdict(last: Option<&TotpRecord>, mac: &str, now: SystemTime) -> Result<(), Reused> {
    match last {
        Some(r) if r.mac == mac && step(now) <= r.step + REUSE_STEPS => Err(Reused {
            wait: until_next_step(now),
        }),
        _ => Ok(()),
    }
}

/// Pure decision: a new code is needed at `now`; must the user wait for the
/// device to show one (the current step's code was already accepted)?
pub fn wait_for_next(last: Option<&TotpRecord>, now: SystemTime) -> Option<Duration> {
    last.filter(|r| r.step == step(now))
        .map(|_| until_next_step(now))
}

/// The guard over a cache's records.
pub struct Guard<'a> {
    cache: &'a Cache,
}

impl<'a> Guard<'a> {
    pub fn new(cache: &'a Cache) -> Guard<'a> {
        Guard { cache }
    }

    fn record_name(serial: &str) -> String {
        format!("totp.{}", short_hash(&[serial]))
    }

    fn last(&self, serial: &str) -> Option<TotpRecord> {
        match self.cache.get(&Guard::record_name(serial))? {
            Entry::Totp(r) if r.serial == serial => Some(r),
            _ => None,
        }
    }

    /// The key, created on first use. None if no randomness is available
    /// (then nothing is recorded and the guard stays out of the way).
    fn key(&self) -> Option<Vec<u8>> {
        if let Some(Entry::TotpKey(k)) = self.cache.get(KEY_NAME)
            && let Some(bytes) = unhex(&k.key)
        {
            return Some(bytes);
        }
        let mut bytes = vec![0u8; 32];
        getrandom::fill(&mut bytes).ok()?;
        self.cache
            .put_or_warn(KEY_NAME, &Entry::TotpKey(TotpKey { key: hex(&bytes) }));
        Some(bytes)
    }

    /// Refuse `code` for `serial` if it was accepted moments ago.
    pub fn check(&self, serial: &str, code: &str, now: SystemTime) -> Result<(), Reused> {
        let Some(last) = self.last(serial) else {
            return Ok(());
        };
        let Some(key) = self.key() else {
            return Ok(());
        };
        verdict(Some(&last), &mac(&key, serial, code), now)
    }

    /// Remember that STS accepted `code` for `serial` at `now`.
    pub fn record(&self, serial: &str, code: &str, now: SystemTime) {
        let Some(key) = self.key() else { return };
        let rec = TotpRecord {
            serial: serial.to_owned(),
            step: step(now),
            mac: mac(&key, serial, code),
        };
        self.cache
            .put_or_warn(&Guard::record_name(serial), &Entry::Totp(rec));
    }

    /// See [`wait_for_next`].
    pub fn wait(&self, serial: &str, now: SystemTime) -> Option<Duration> {
        wait_for_next(self.last(serial).as_ref(), now)
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}
