//! The AWS access portal API: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout.
//! Every call passes the throttle, then needs a live `x-amz-sso_bearer_token`.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::StatusCode;
use serde::Serialize;
use serde_json::json;

use crate::server::{Req, Resp, Shared, json, portal_error};
use crate::state::{State, random_bytes, random_token, roll, secs_ms};
use crate::{moto, role_arn};

const MAX_PAGE: u32 = 100;

pub(crate) fn is_portal(op: &str) -> bool {
    matches!(
        op,
        "ListAccounts" | "ListAccountRoles" | "GetRoleCredentials" | "Logout"
    )
}

fn invalid(message: &str) -> Resp {
    portal_error(StatusCode::BAD_REQUEST, "InvalidRequestException", message)
}

/// What GetRoleCredentials needs from moto, fetched without holding the lock.
struct MotoCall {
    url: String,
    arn: String,
    session_name: String,
    expiration_ms: i64,
    duration_secs: u64,
}

pub(crate) async fn handle(shared: &Shared, op: &str, req: &Req) -> Resp {
    let call = {
        let mut state = shared.lock();
        match answer(&mut state, op, req) {
            Ok(resp) => return resp,
            Err(call) => call,
        }
    };
    match moto::assume_role(&call.url, &call.arn, &call.session_name, call.duration_secs).await {
        Ok(creds) => credentials_body(creds, call.expiration_ms),
        Err(why) => portal_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            &why,
        ),
    }
}

/// The answer, or (moto mode) the AssumeRole to make for it.
fn answer(state: &mut State, op: &str, req: &Req) -> Result<Resp, MotoCall> {
    state.throttle.arrive(Instant::now());
    let tps = state.cfg.tps;
    if !state.throttle.admit(Instant::now(), tps) || roll(state.cfg.throttle_ratio) {
        state.counters.throttled += 1;
        return Ok(portal_error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequestsException",
            "Rate exceeded",
        ));
    }
    let now = state.now_ms();
    let bearer = req
        .headers
        .get("x-amz-sso_bearer_token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(token) = state
        .access
        .get_mut(bearer)
        .filter(|t| !t.revoked && now < t.expires_ms)
    else {
        return Ok(portal_error(
            StatusCode::UNAUTHORIZED,
            "UnauthorizedException",
            "Session token not found or invalid",
        ));
    };
    if op == "Logout" {
        token.revoked = true;
        if let Some(refresh) = token.refresh.take().and_then(|r| state.refresh.get_mut(&r)) {
            refresh.revoked = true;
        }
        return Ok(json(StatusCode::OK, &json!({})));
    }
    let default_size = state.cfg.page_size.clamp(1, MAX_PAGE);
    match op {
        "ListAccounts" => {
            let accounts: Vec<_> = state
                .accounts
                .iter()
                .map(|a| json!({"accountId": a.account_id, "accountName": a.account_name, "emailAddress": a.email_address}))
                .collect();
            Ok(page(&accounts, req, default_size, "accountList"))
        }
        "ListAccountRoles" => {
            let Some(account_id) = req.param("account_id") else {
                return Ok(invalid("account_id is required"));
            };
            let Some(account) = state.accounts.iter().find(|a| a.account_id == account_id) else {
                return Ok(portal_error(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFoundException",
                    "Account not found",
                ));
            };
            let roles: Vec<_> = account
                .roles
                .iter()
                .filter(|r| {
                    !state
                        .unassigned
                        .contains(&(account_id.to_owned(), (*r).clone()))
                })
                .map(|r| json!({"roleName": r, "accountId": account_id}))
                .collect();
            Ok(page(&roles, req, default_size, "roleList"))
        }
        _ => credentials(state, req, now),
    }
}

fn credentials(state: &State, req: &Req, now: i64) -> Result<Resp, MotoCall> {
    let (Some(account_id), Some(role_name)) = (req.param("account_id"), req.param("role_name"))
    else {
        return Ok(invalid("account_id and role_name are required"));
    };
    let assigned = state
        .accounts
        .iter()
        .any(|a| a.account_id == account_id && a.roles.iter().any(|r| r == role_name))
        && !state
            .unassigned
            .contains(&(account_id.to_owned(), role_name.to_owned()));
    if !assigned {
        // Not in the model, but what AWS answers for a role the user lost.
        return Ok(portal_error(
            StatusCode::FORBIDDEN,
            "ForbiddenException",
            "No access",
        ));
    }
    let expiration_ms = now + secs_ms(state.cfg.credential_secs);
    if let Some(url) = &state.cfg.moto_url {
        return Err(MotoCall {
            url: url.clone(),
            arn: role_arn(account_id, role_name),
            session_name: state.cfg.user_name.clone(),
            expiration_ms,
            duration_secs: state.cfg.credential_secs.clamp(900, 43_200),
        });
    }
    let key_id: String = random_bytes(16)
        .iter()
        .map(|b| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[usize::from(b % 32)]))
        .collect();
    let creds = moto::Credentials {
        access_key_id: format!("ASIA{key_id}"),
        secret_access_key: random_token("", 30),
        session_token: random_token("IQoJb3JpZ2luX2Vj", 300),
    };
    Ok(credentials_body(creds, expiration_ms))
}

fn credentials_body(creds: moto::Credentials, expiration_ms: i64) -> Resp {
    json(
        StatusCode::OK,
        &json!({"roleCredentials": {
            "accessKeyId": creds.access_key_id,
            "secretAccessKey": creds.secret_access_key,
            "sessionToken": creds.session_token,
            "expiration": expiration_ms,
        }}),
    )
}

/// One page of `items` under `key`, with an opaque `nextToken` when more follow.
fn page<T: Serialize>(items: &[T], req: &Req, default_size: u32, key: &str) -> Resp {
    let size = match req.param("max_result") {
        None => default_size,
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => return invalid("max_result must be between 1 and 100"),
        },
    };
    let start = match req.param("next_token") {
        None => 0,
        Some(token) => match decode_offset(token).filter(|o| *o <= items.len()) {
            Some(offset) => offset,
            None => return invalid("Invalid next_token"),
        },
    };
    let end = items.len().min(start + size as usize);
    let mut body = json!({ key: &items[start..end] });
    if end < items.len() {
        body["nextToken"] = URL_SAFE_NO_PAD.encode(format!("standin-page:{end}")).into();
    }
    json(StatusCode::OK, &body)
}

fn decode_offset(token: &str) -> Option<usize> {
    let raw = URL_SAFE_NO_PAD.decode(token).ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("standin-page:")?
        .parse()
        .ok()
}
