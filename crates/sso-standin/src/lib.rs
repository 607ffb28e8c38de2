//! A loopback stand-in for IAM Identity Center's two APIs, which moto lacks: the
//! OIDC service (`sso-oidc`: RegisterClient, StartDeviceAuthorization, CreateToken,
//! plus the unmodelled `GET /authorize` of the PKCE flow) and the access portal
//! (`sso`: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout), with the
//! state machines, error envelopes, paging and throttle of the real services.
//!
//! One HTTP/1.1 server on `127.0.0.1:<ephemeral>` serves both: point
//! `AWS_ENDPOINT_URL_SSO` and `AWS_ENDPOINT_URL_SSO_OIDC` at [`Standin::url`],
//! and use [`Standin::start_url`] (whose page carries `<meta name="region">`) as
//! the start URL. Nothing is signed: tokens travel in bodies and in the
//! `x-amz-sso_bearer_token` header.
//!
//! Behaviour worth knowing when writing tests:
//! - A client registered with scopes gets refreshable tokens (`accessTokenSecs`,
//!   capped at the session's end); one without gets a legacy token
//!   (`legacyTokenSecs`) and no refresh token.
//! - Device codes answer `AuthorizationPendingException` until
//!   [`Standin::approve_device`] (or `autoApproveAfterPolls`), `SlowDownException`
//!   when polled within `deviceIntervalSecs`, `ExpiredTokenException` after
//!   `deviceExpiresSecs`, and are good for one token.
//! - `GET /authorize` checks the client, a `http://127.0.0.1:<any port>/…` redirect
//!   for a portless registration, S256 and `state`, then answers 302 with
//!   `code` + `state` (or `error=access_denied` after
//!   [`Standin::deny_next_authorization`]). Codes are single-use and checked
//!   against `codeVerifier` and `redirectUri`.
//! - A login starts a session of `sessionSecs` unless one is running; refresh
//!   grants fail (`InvalidGrantException`) once it is over, after
//!   [`Standin::end_session`] (which also revokes every access token) or Logout.
//! - Portal calls pass a token bucket of `tps` (429 `TooManyRequestsException`),
//!   then need a live token (401 `UnauthorizedException`). An unassigned role
//!   gets 403 `ForbiddenException`; an unknown account in ListAccountRoles 404.
//! - With `motoUrl` set, GetRoleCredentials returns moto's AssumeRole keys for
//!   [`role_arn`] (moto must run with auth off, its default).
//!
//! ```no_run
//! use std::time::Duration;
//! use sso_standin::{Config, Fixtures, Standin};
//!
//! let standin = Standin::start(Config { access_token_secs: 5, tps: 20.0, ..Config::default() })?;
//! standin.set_fixtures(Fixtures::Generated { accounts: 45, roles: 3 });
//! // run the client with AWS_ENDPOINT_URL_SSO(_OIDC)=standin.url(), then:
//! standin.approve_device(None);
//! standin.advance(Duration::from_secs(10)); // the access token has expired now
//! let counters = standin.counters();
//! assert!(counters.max_portal_calls_per_second <= 20);
//! println!("{:?} refreshes={}", counters.calls, counters.refresh_grants);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The binary `sso-standin` runs one for scripts: see `src/main.rs` and the
//! `/_standin/` control routes in `control.rs`.

#![deny(clippy::unwrap_used, clippy::expect_used)]

mod config;
mod control;
mod moto;
mod oidc;
mod portal;
mod server;
mod state;
mod throttle;

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

pub use config::{Account, Config, Fixtures, RefreshMode};
pub use state::Counters;

use server::Shared;
use state::State;

/// A running stand-in; stopped when dropped.
pub struct Standin {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Standin {
    /// Binds 127.0.0.1 on an ephemeral port and serves from a thread of its own,
    /// so sync and async tests alike can use it.
    pub fn start(config: Config) -> std::io::Result<Standin> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let shared = Arc::new(Shared::new(base_url, State::new(config)));
        let (stop, stopped) = oneshot::channel();
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("sso-standin".into())
            .spawn(move || runtime.block_on(server::serve(listener, serving, stopped)))?;
        Ok(Standin {
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL_SSO` and `AWS_ENDPOINT_URL_SSO_OIDC`.
    pub fn url(&self) -> &str {
        &self.shared.base_url
    }

    /// A start URL served here (`GET /start`, with the region's meta tag).
    pub fn start_url(&self) -> String {
        format!("{}/start", self.shared.base_url)
    }

    pub fn config(&self) -> Config {
        self.shared.lock().cfg.clone()
    }

    /// Changes lifetimes, faults or the throttle from now on (a changed
    /// `fixtures` replaces the accounts).
    pub fn configure(&self, change: impl FnOnce(&mut Config)) {
        let mut state = self.shared.lock();
        let mut cfg = state.cfg.clone();
        change(&mut cfg);
        state.set_config(cfg);
    }

    /// New accounts and roles; every role is assigned again.
    pub fn set_fixtures(&self, fixtures: Fixtures) {
        self.shared.lock().replace_fixtures(fixtures);
    }

    /// The accounts served, in ListAccounts order.
    pub fn accounts(&self) -> Vec<Account> {
        self.shared.lock().accounts.clone()
    }

    /// Moves the stand-in's clock forward: every expiry (tokens, device codes,
    /// session, credentials' `expiration`) comes closer by `by`.
    pub fn advance(&self, by: Duration) {
        self.shared.lock().advance(by);
    }

    /// Ends the session `from_now`: refresh grants fail after it.
    pub fn set_session_end_in(&self, from_now: Duration) {
        self.shared.lock().session_ends_in(from_now);
    }

    /// "Session ended" now: every access and refresh token is revoked.
    pub fn end_session(&self) {
        self.shared.lock().end_session();
    }

    /// Approves the pending device code with this user code, or all of them;
    /// returns how many.
    pub fn approve_device(&self, user_code: Option<&str>) -> usize {
        self.shared.lock().approve(user_code)
    }

    /// The next `/authorize` redirects with `error=access_denied`, or the next
    /// poll of a pending device code gets `AccessDeniedException`.
    pub fn deny_next_authorization(&self) {
        self.shared.lock().deny_next = true;
    }

    /// The user loses this role: ListAccountRoles omits it, GetRoleCredentials answers 403.
    pub fn unassign(&self, account_id: &str, role_name: &str) {
        self.shared
            .lock()
            .unassigned
            .insert((account_id.to_owned(), role_name.to_owned()));
    }

    pub fn counters(&self) -> Counters {
        self.shared.lock().counters()
    }

    /// Zeroes the counters and the throttle (keeps the current refresh token).
    pub fn reset_counters(&self) {
        self.shared.lock().reset_counters();
    }

    /// Every access token issued so far, oldest first.
    pub fn access_tokens(&self) -> Vec<String> {
        self.shared.lock().issued.clone()
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The IAM role Identity Center provisions for a permission set:
/// `arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{set}_{hex16}`,
/// the suffix stable per account and set.
pub fn role_arn(account_id: &str, permission_set: &str) -> String {
    let digest = Sha256::digest(format!("{account_id}/{permission_set}").as_bytes());
    let suffix: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!(
        "arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{permission_set}_{suffix}"
    )
}
