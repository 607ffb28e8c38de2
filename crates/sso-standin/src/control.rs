//! The control plane over HTTP, under `/_standin/`, for the binary and scripts/bench.
//! Each route does what the `Standin` method of the same name does.

use std::time::Duration;

use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use crate::config::{Config, Fixtures};
use crate::server::{Req, Resp, Shared, json, text};

pub(crate) fn handle(shared: &Shared, req: &Req) -> Resp {
    let body = match req.json() {
        Ok(body) => body,
        Err(e) => return text(StatusCode::BAD_REQUEST, &format!("body is not JSON: {e}")),
    };
    let str_of = |key: &str| body.get(key).and_then(Value::as_str);
    let mut state = shared.lock();
    let route = req.path.trim_start_matches("/_standin/");
    let answer = match (&req.method, route) {
        (&Method::GET, "counters") => json!(state.counters()),
        (&Method::POST, "reset-counters") => {
            state.reset_counters();
            json!({})
        }
        (&Method::GET, "tokens") => json!({
            "accessTokens": state.issued,
            "currentRefreshToken": state.counters.current_refresh_token,
        }),
        (&Method::GET, "config") => json!(state.cfg),
        // A partial config: the keys given replace the current ones.
        (&Method::POST, "config") => {
            let mut merged = json!(state.cfg);
            if let (Some(current), Some(patch)) = (merged.as_object_mut(), body.as_object()) {
                current.extend(patch.clone());
            }
            match serde_json::from_value::<Config>(merged) {
                Ok(cfg) => state.set_config(cfg),
                Err(e) => return text(StatusCode::BAD_REQUEST, &format!("bad config: {e}")),
            }
            json!(state.cfg)
        }
        (&Method::GET, "accounts") => json!(state.accounts),
        (&Method::POST, "fixtures") => match serde_json::from_value::<Fixtures>(body.clone()) {
            Ok(fixtures) => {
                state.replace_fixtures(fixtures);
                json!({ "accounts": state.accounts.len() })
            }
            Err(e) => return text(StatusCode::BAD_REQUEST, &format!("bad fixtures: {e}")),
        },
        (&Method::POST, "advance") => {
            state.advance(Duration::from_secs(
                body.get("secs").and_then(Value::as_u64).unwrap_or(0),
            ));
            json!({ "nowMs": state.now_ms() })
        }
        // `{"endsInSecs": N}` moves the session's end; `{}` ends it now, revoking every token.
        (&Method::POST, "session") => {
            match body.get("endsInSecs").and_then(Value::as_u64) {
                Some(secs) => state.session_ends_in(Duration::from_secs(secs)),
                None => state.end_session(),
            }
            json!({ "sessionEndMs": state.session_end_ms })
        }
        (&Method::POST, "approve") => json!({ "approved": state.approve(str_of("userCode")) }),
        (&Method::POST, "deny-next") => {
            state.deny_next = true;
            json!({})
        }
        (&Method::POST, "unassign") => match (str_of("accountId"), str_of("roleName")) {
            (Some(account), Some(role)) => {
                state
                    .unassigned
                    .insert((account.to_owned(), role.to_owned()));
                json!({})
            }
            _ => {
                return text(
                    StatusCode::BAD_REQUEST,
                    "accountId and roleName are required",
                );
            }
        },
        _ => return text(StatusCode::NOT_FOUND, "unknown control route"),
    };
    json(StatusCode::OK, &answer)
}
