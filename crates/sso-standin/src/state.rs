//! The stand-in's memory: clients, pending logins, tokens, the session, counters.
//! One `Mutex<State>` holds it all; no lock is held across an `.await`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::config::{Account, Config, Fixtures};
use crate::throttle::Throttle;

/// What the stand-in has counted since it started (or since `reset_counters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Calls received per operation: `RegisterClient`, `StartDeviceAuthorization`,
    /// `Authorize`, `CreateToken`, `ListAccounts`, `ListAccountRoles`,
    /// `GetRoleCredentials`, `Logout`, `Start`; throttled and failed calls included.
    pub calls: BTreeMap<String, u64>,
    /// The most portal calls that arrived within any 1-second window.
    pub max_portal_calls_per_second: u64,
    /// Portal calls answered 429.
    pub throttled: u64,
    /// `refresh_token` grants that issued a token.
    pub refresh_grants: u64,
    /// The refresh token a client should hold now (the last one issued).
    pub current_refresh_token: Option<String>,
}

pub(crate) struct Client {
    pub secret: String,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
}

pub(crate) struct Device {
    pub client_id: String,
    pub user_code: String,
    pub expires_ms: i64,
    pub last_poll_ms: Option<i64>,
    pub pending_answers: u32,
    pub approved: bool,
    pub denied: bool,
    pub consumed: bool,
}

pub(crate) struct AuthCode {
    pub client_id: String,
    pub challenge: String,
    pub redirect_uri: String,
    pub expires_ms: i64,
    pub used: bool,
}

pub(crate) struct AccessToken {
    pub expires_ms: i64,
    pub revoked: bool,
    pub refresh: Option<String>,
}

pub(crate) struct RefreshToken {
    pub client_id: String,
    pub revoked: bool,
}

pub(crate) struct State {
    pub cfg: Config,
    pub accounts: Vec<Account>,
    pub unassigned: HashSet<(String, String)>,
    /// Added to the wall clock: `advance` moves every expiry check forward.
    pub offset_ms: i64,
    pub session_end_ms: i64,
    pub deny_next: bool,
    pub clients: HashMap<String, Client>,
    pub devices: HashMap<String, Device>,
    pub codes: HashMap<String, AuthCode>,
    pub access: HashMap<String, AccessToken>,
    pub refresh: HashMap<String, RefreshToken>,
    pub issued: Vec<String>,
    pub counters: Counters,
    pub throttle: Throttle,
}

impl State {
    pub fn new(cfg: Config) -> State {
        let mut state = State {
            accounts: cfg.fixtures.accounts(),
            cfg,
            unassigned: HashSet::new(),
            offset_ms: 0,
            session_end_ms: 0,
            deny_next: false,
            clients: HashMap::new(),
            devices: HashMap::new(),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            issued: Vec::new(),
            counters: Counters::default(),
            throttle: Throttle::default(),
        };
        state.session_end_ms = state.now_ms() + secs_ms(state.cfg.session_secs);
        state
    }

    /// Epoch milliseconds on the stand-in's (advanceable) clock.
    pub fn now_ms(&self) -> i64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        i64::try_from(wall.as_millis()).unwrap_or(i64::MAX) + self.offset_ms
    }

    pub fn count(&mut self, op: &str) {
        *self.counters.calls.entry(op.to_owned()).or_default() += 1;
    }

    /// A user just logged in: a session that is over (or was revoked) starts anew.
    pub fn login(&mut self) {
        let now = self.now_ms();
        if self.session_end_ms <= now {
            self.session_end_ms = now + secs_ms(self.cfg.session_secs);
        }
    }

    /// CreateToken's success body. A refreshable token never outlives the session.
    pub fn issue(&mut self, client_id: &str, refresh: Option<String>) -> serde_json::Value {
        let refreshable = self
            .clients
            .get(client_id)
            .is_some_and(|c| !c.scopes.is_empty());
        let now = self.now_ms();
        let (secs, refresh) = if refreshable {
            let refresh = refresh.unwrap_or_else(|| random_token("aor", 48));
            self.refresh.entry(refresh.clone()).or_insert(RefreshToken {
                client_id: client_id.to_owned(),
                revoked: false,
            });
            self.counters.current_refresh_token = Some(refresh.clone());
            (self.cfg.access_token_secs, Some(refresh))
        } else {
            (self.cfg.legacy_token_secs, None)
        };
        let mut expires_ms = now + secs_ms(secs);
        if refreshable {
            expires_ms = expires_ms.min(self.session_end_ms.max(now + 1000));
        }
        let access = random_token("aoa", 64);
        self.access.insert(
            access.clone(),
            AccessToken {
                expires_ms,
                revoked: false,
                refresh: refresh.clone(),
            },
        );
        self.issued.push(access.clone());
        let mut body = serde_json::json!({
            "accessToken": access,
            "tokenType": "Bearer",
            "expiresIn": (expires_ms - now + 999) / 1000,
        });
        if let Some(refresh) = refresh {
            body["refreshToken"] = refresh.into();
        }
        body
    }

    /// "Session ended": every access and refresh token stops working; the next login starts a new session.
    pub fn end_session(&mut self) {
        self.session_end_ms = self.now_ms();
        self.access.values_mut().for_each(|t| t.revoked = true);
        self.refresh.values_mut().for_each(|t| t.revoked = true);
    }

    /// Approves pending device codes (all, or the one with this user code); how many.
    pub fn approve(&mut self, user_code: Option<&str>) -> usize {
        let mut approved = 0;
        for device in self.devices.values_mut() {
            if !device.approved && user_code.is_none_or(|code| code == device.user_code) {
                device.approved = true;
                approved += 1;
            }
        }
        if approved > 0 {
            self.login();
        }
        approved
    }

    fn set_fixtures(&mut self, accounts: Vec<Account>) {
        self.accounts = accounts;
        self.unassigned.clear();
    }

    pub fn replace_fixtures(&mut self, fixtures: Fixtures) {
        self.set_fixtures(fixtures.accounts());
        self.cfg.fixtures = fixtures;
    }

    pub fn advance(&mut self, by: Duration) {
        self.offset_ms += duration_ms(by);
    }

    /// Refresh grants fail from then on; tokens already issued keep their expiry.
    pub fn session_ends_in(&mut self, from_now: Duration) {
        self.session_end_ms = self.now_ms() + duration_ms(from_now);
    }

    /// The counters, with the busiest second so far.
    pub fn counters(&self) -> Counters {
        let mut counters = self.counters.clone();
        counters.max_portal_calls_per_second = self.throttle.max_in_window as u64;
        counters
    }

    /// A new config; new fixtures replace the accounts.
    pub fn set_config(&mut self, cfg: Config) {
        if cfg.fixtures != self.cfg.fixtures {
            self.set_fixtures(cfg.fixtures.accounts());
        }
        self.cfg = cfg;
    }

    pub fn reset_counters(&mut self) {
        let current = self.counters.current_refresh_token.take();
        self.counters = Counters {
            current_refresh_token: current,
            ..Counters::default()
        };
        self.throttle = Throttle::default();
    }
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)
}

pub(crate) fn secs_ms(secs: u64) -> i64 {
    i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX / 2)
}

/// `prefix` + base64url of `bytes` random bytes.
pub(crate) fn random_token(prefix: &str, bytes: usize) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_bytes(bytes)))
}

pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    static FALLBACK: AtomicU64 = AtomicU64::new(1);
    let mut buf = vec![0; n];
    // Should the OS RNG ever fail, a counter still keeps tokens distinct.
    if getrandom::fill(&mut buf).is_err() {
        let unique = FALLBACK.fetch_add(1, Ordering::Relaxed).to_le_bytes();
        buf.iter_mut()
            .zip(unique.iter().cycle())
            .for_each(|(b, u)| *b = *u);
    }
    buf
}

/// True with probability `ratio`.
pub(crate) fn roll(ratio: f64) -> bool {
    if ratio <= 0.0 {
        return false;
    }
    let mut raw = [0u8; 8];
    raw.copy_from_slice(&random_bytes(8));
    (u64::from_le_bytes(raw) as f64 / u64::MAX as f64) < ratio
}
