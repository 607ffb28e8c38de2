//! SSO OIDC: RegisterClient, StartDeviceAuthorization, CreateToken's three grants,
//! and `/authorize`, which plays the browser and the user of the PKCE flow.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::server::{Req, Resp, json, oidc_error, redirect, text};
use crate::state::{AuthCode, Client, Device, State, random_bytes, random_token, secs_ms};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// How long an authorization code may wait for its CreateToken.
const CODE_SECS: u64 = 300;
const REGISTRATION_SECS: i64 = 90 * 24 * 3600;

fn field<'a>(body: &'a Value, key: &str) -> Option<&'a str> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn strings(body: &Value, key: &str) -> Vec<String> {
    body.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// An OIDC error: the exception's code and its `error_description`.
type Fail = (&'static str, &'static str);
const INVALID_GRANT: &str = "InvalidGrantException";

fn reply(result: Result<Value, Fail>) -> Resp {
    match result {
        Ok(body) => json(StatusCode::OK, &body),
        Err((code, description)) => oidc_error(code, description),
    }
}

fn body(req: &Req) -> Result<Value, Fail> {
    req.json()
        .map_err(|_| ("InvalidRequestException", "Invalid request"))
}

/// The id of the client named in the body, if its secret matches.
fn client_id(state: &State, body: &Value) -> Result<String, Fail> {
    let invalid = ("InvalidClientException", "Invalid client");
    let id = field(body, "clientId").ok_or(invalid)?;
    let client = state.clients.get(id).ok_or(invalid)?;
    if field(body, "clientSecret") != Some(client.secret.as_str()) {
        return Err(invalid);
    }
    Ok(id.to_owned())
}

pub(crate) fn register(state: &mut State, req: &Req, base_url: &str) -> Resp {
    reply(registration(state, req, base_url))
}

fn registration(state: &mut State, req: &Req, base_url: &str) -> Result<Value, Fail> {
    let body = body(req)?;
    if field(&body, "clientName").is_none() || field(&body, "clientType").is_none() {
        return Err((
            "InvalidRequestException",
            "clientName and clientType are required",
        ));
    }
    if field(&body, "clientType") != Some("public") {
        return Err(("InvalidClientMetadataException", "Invalid client type"));
    }
    let grant_types = strings(&body, "grantTypes");
    let wants = |g: &str| grant_types.iter().any(|t| t == g);
    // What AWS does, per mairu's notes: one registration cannot hold both flows.
    if wants(DEVICE_GRANT) && wants("authorization_code") {
        return Err(("InternalServerException", "An unexpected error occurred"));
    }
    let redirect_uris = strings(&body, "redirectUris");
    if wants("authorization_code") && redirect_uris.is_empty() {
        return Err(("InvalidRedirectUriException", "redirectUris are required"));
    }
    let id = random_token("cid", 16);
    let secret = random_token("cs", 96);
    let now_s = state.now_ms() / 1000;
    let mut resp = json!({
        "clientId": id,
        "clientSecret": secret,
        "clientIdIssuedAt": now_s,
        "clientSecretExpiresAt": now_s + REGISTRATION_SECS,
    });
    if wants("authorization_code") {
        resp["authorizationEndpoint"] = format!("{base_url}/authorize").into();
        resp["tokenEndpoint"] = format!("{base_url}/token").into();
    }
    let scopes = strings(&body, "scopes");
    state.clients.insert(
        id,
        Client {
            secret,
            scopes,
            grant_types,
            redirect_uris,
        },
    );
    Ok(resp)
}

pub(crate) fn device_authorization(state: &mut State, req: &Req, base_url: &str) -> Resp {
    reply(start_device(state, req, base_url))
}

fn start_device(state: &mut State, req: &Req, base_url: &str) -> Result<Value, Fail> {
    let body = body(req)?;
    let client_id = client_id(state, &body)?;
    if field(&body, "startUrl").is_none() {
        return Err(("InvalidRequestException", "startUrl is required"));
    }
    let letters: String = random_bytes(8)
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let user_code = format!("{}-{}", &letters[..4], &letters[4..]);
    let device_code = random_token("dc", 32);
    let expires_ms = state.now_ms() + secs_ms(state.cfg.device_expires_secs);
    let resp = json!({
        "deviceCode": device_code,
        "userCode": user_code,
        "verificationUri": format!("{base_url}/device"),
        "verificationUriComplete": format!("{base_url}/device?user_code={user_code}"),
        "expiresIn": state.cfg.device_expires_secs,
        "interval": state.cfg.device_interval_secs,
    });
    state.devices.insert(
        device_code,
        Device {
            client_id,
            user_code,
            expires_ms,
            last_poll_ms: None,
            pending_answers: 0,
            approved: false,
            denied: false,
            consumed: false,
        },
    );
    Ok(resp)
}

/// `http://127.0.0.1:<port>/p` → `http://127.0.0.1/p`: a portless loopback
/// registration accepts any port (RFC 8252 §7.3).
fn without_port(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("http://127.0.0.1:")?;
    let (port, path) = rest.split_at(rest.find('/')?);
    let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| format!("http://127.0.0.1{path}"))
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{query}")
}

/// `GET /authorize`: what the user's browser would do, then the redirect back.
/// Malformed requests get a 400 page (a browser shows it; nothing redirects).
pub(crate) fn authorize(state: &mut State, req: &Req) -> Resp {
    let bad = |why: &str| text(StatusCode::BAD_REQUEST, why);
    if req.param("response_type") != Some("code") {
        return bad("response_type must be code");
    }
    let Some(client) = req.param("client_id").and_then(|id| state.clients.get(id)) else {
        return bad("unknown client_id");
    };
    if !client.grant_types.iter().any(|g| g == "authorization_code") {
        return bad("client is not registered for authorization_code");
    }
    let redirect_uri = req.param("redirect_uri").unwrap_or_default();
    let registered = |uri: &str| client.redirect_uris.iter().any(|r| r == uri);
    if !registered(redirect_uri) && !without_port(redirect_uri).is_some_and(|u| registered(&u)) {
        return bad("redirect_uri is not registered");
    }
    if req.param("code_challenge_method") != Some("S256") {
        return bad("code_challenge_method must be S256");
    }
    let (Some(challenge), Some(st)) = (req.param("code_challenge"), req.param("state")) else {
        return bad("code_challenge and state are required");
    };
    let scopes = req
        .param("scopes")
        .or(req.param("scope"))
        .unwrap_or_default();
    if scopes
        .split(' ')
        .any(|s| !s.is_empty() && !client.scopes.iter().any(|c| c == s))
    {
        return redirect(&with_query(
            redirect_uri,
            &[("error", "invalid_scope"), ("state", st)],
        ));
    }
    if std::mem::take(&mut state.deny_next) {
        let denied = [
            ("error", "access_denied"),
            ("error_description", "The user denied the request"),
            ("state", st),
        ];
        return redirect(&with_query(redirect_uri, &denied));
    }
    let code = random_token("ac", 32);
    let entry = AuthCode {
        client_id: req.param("client_id").unwrap_or_default().to_owned(),
        challenge: challenge.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        expires_ms: state.now_ms() + secs_ms(CODE_SECS),
        used: false,
    };
    let location = with_query(redirect_uri, &[("code", &code), ("state", st)]);
    state.codes.insert(code, entry);
    state.login();
    redirect(&location)
}

pub(crate) fn token(state: &mut State, req: &Req) -> Resp {
    reply(create_token(state, req))
}

fn create_token(state: &mut State, req: &Req) -> Result<Value, Fail> {
    let body = body(req)?;
    let client_id = client_id(state, &body)?;
    match field(&body, "grantType") {
        Some(DEVICE_GRANT) => device_grant(state, &client_id, &body),
        Some("authorization_code") => code_grant(state, &client_id, &body),
        Some("refresh_token") => refresh_grant(state, &client_id, &body),
        Some(_) => Err(("UnsupportedGrantTypeException", "Unsupported grant type")),
        None => Err(("InvalidRequestException", "grantType is required")),
    }
}

fn device_grant(state: &mut State, client_id: &str, body: &Value) -> Result<Value, Fail> {
    let now = state.now_ms();
    let interval_ms = secs_ms(state.cfg.device_interval_secs);
    let auto_approve = state.cfg.auto_approve_after_polls;
    let deny = state.deny_next;
    let code =
        field(body, "deviceCode").ok_or(("InvalidRequestException", "deviceCode is required"))?;
    let device = state
        .devices
        .get_mut(code)
        .filter(|d| d.client_id == client_id);
    let device = device.ok_or((INVALID_GRANT, "Invalid device code"))?;
    if device.consumed {
        return Err((INVALID_GRANT, "Device code already used"));
    }
    if now >= device.expires_ms {
        return Err(("ExpiredTokenException", "Device code has expired"));
    }
    if device.denied {
        return Err(("AccessDeniedException", "The user denied the request"));
    }
    if !device.approved {
        let last = device.last_poll_ms.replace(now);
        if interval_ms > 0 && last.is_some_and(|last| now - last < interval_ms) {
            return Err(("SlowDownException", "Client is polling too fast"));
        }
        if deny {
            device.denied = true;
            state.deny_next = false;
            return Err(("AccessDeniedException", "The user denied the request"));
        }
        if auto_approve.is_none_or(|n| device.pending_answers < n) {
            device.pending_answers += 1;
            return Err(("AuthorizationPendingException", "Authorization pending"));
        }
        device.approved = true;
        state.login();
    }
    if let Some(device) = state.devices.get_mut(code) {
        device.consumed = true;
    }
    Ok(state.issue(client_id, None))
}

fn code_grant(state: &mut State, client_id: &str, body: &Value) -> Result<Value, Fail> {
    let now = state.now_ms();
    let (Some(code), Some(verifier), Some(redirect_uri)) = (
        field(body, "code"),
        field(body, "codeVerifier"),
        field(body, "redirectUri"),
    ) else {
        return Err((
            "InvalidRequestException",
            "code, codeVerifier and redirectUri are required",
        ));
    };
    let entry = state
        .codes
        .get_mut(code)
        .ok_or((INVALID_GRANT, "Invalid authorization code"))?;
    // Single use, even when this attempt fails (RFC 6749 §4.1.2).
    if std::mem::replace(&mut entry.used, true) {
        return Err((INVALID_GRANT, "Authorization code already used"));
    }
    let s256 = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if entry.client_id != client_id
        || now >= entry.expires_ms
        || entry.redirect_uri != redirect_uri
        || entry.challenge != s256
    {
        return Err((INVALID_GRANT, "Invalid authorization code"));
    }
    Ok(state.issue(client_id, None))
}

fn refresh_grant(state: &mut State, client_id: &str, body: &Value) -> Result<Value, Fail> {
    let token = field(body, "refreshToken")
        .ok_or(("InvalidRequestException", "refreshToken is required"))?;
    let valid = state
        .refresh
        .get(token)
        .is_some_and(|t| !t.revoked && t.client_id == client_id);
    if !valid || state.now_ms() >= state.session_end_ms {
        return Err((INVALID_GRANT, "Invalid refresh token"));
    }
    state.counters.refresh_grants += 1;
    Ok(match state.cfg.refresh_mode {
        crate::RefreshMode::Rotate => {
            if let Some(old) = state.refresh.get_mut(token) {
                old.revoked = true;
            }
            state.issue(client_id, None)
        }
        crate::RefreshMode::Same => state.issue(client_id, Some(token.to_owned())),
        crate::RefreshMode::Omit => {
            let mut resp = state.issue(client_id, Some(token.to_owned()));
            if let Some(obj) = resp.as_object_mut() {
                obj.remove("refreshToken");
            }
            resp
        }
    })
}
