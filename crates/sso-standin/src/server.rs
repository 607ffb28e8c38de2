//! The HTTP/1.1 server: one accept loop, routing by path, the two error envelopes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::state::{State, roll};
use crate::{control, oidc, portal};

pub(crate) type Resp = Response<Full<Bytes>>;

pub(crate) struct Shared {
    pub base_url: String,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(base_url: String, state: State) -> Shared {
        Shared {
            base_url,
            state: Mutex::new(state),
        }
    }

    /// A panicking handler leaves the state as consistent as any single step.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub(crate) struct Req {
    pub method: Method,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// The JSON body, or `{}` when there is none.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::json!({}));
        }
        serde_json::from_slice(&self.body)
    }
}

pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        let stream = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle(&shared, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Resp {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return text(StatusCode::BAD_REQUEST, "unreadable body"),
    };
    let query = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query,
        headers: parts.headers,
        body,
    };
    if req.path.starts_with("/_standin/") {
        return control::handle(shared, &req);
    }
    let Some(op) = operation(&req.method, &req.path) else {
        return portal_error(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            "Unknown operation",
        );
    };
    let (latency, fail) = {
        let mut state = shared.lock();
        state.count(op);
        (state.cfg.latency_ms, roll(state.cfg.error_ratio))
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if fail {
        return if portal::is_portal(op) {
            portal_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerException",
                "Injected fault",
            )
        } else {
            oidc_error("InternalServerException", "Injected fault")
        };
    }
    match op {
        "Start" => start_page(shared),
        "Authorize" => oidc::authorize(&mut shared.lock(), &req),
        "RegisterClient" => oidc::register(&mut shared.lock(), &req, &shared.base_url),
        "StartDeviceAuthorization" => {
            oidc::device_authorization(&mut shared.lock(), &req, &shared.base_url)
        }
        "CreateToken" => oidc::token(&mut shared.lock(), &req),
        _ => portal::handle(shared, op, &req).await,
    }
}

fn operation(method: &Method, path: &str) -> Option<&'static str> {
    let op = match (method.as_str(), path) {
        ("GET", "/start") => "Start",
        ("GET", "/authorize") => "Authorize",
        ("POST", "/client/register") => "RegisterClient",
        ("POST", "/device_authorization") => "StartDeviceAuthorization",
        ("POST", "/token") => "CreateToken",
        ("GET", "/assignment/accounts") => "ListAccounts",
        ("GET", "/assignment/roles") => "ListAccountRoles",
        ("GET", "/federation/credentials") => "GetRoleCredentials",
        ("POST", "/logout") => "Logout",
        _ => return None,
    };
    Some(op)
}

/// The start URL's page; clients read the region from its meta tag.
fn start_page(shared: &Shared) -> Resp {
    let region = shared.lock().cfg.region.clone();
    let html = format!(
        "<!doctype html><html><head><meta name=\"region\" content=\"{region}\"/>\
         <title>AWS access portal</title></head><body></body></html>"
    );
    respond(
        StatusCode::OK,
        "text/html; charset=utf-8",
        html.into(),
        None,
    )
}

pub(crate) fn json(status: StatusCode, body: &serde_json::Value) -> Resp {
    respond(status, "application/json", body.to_string().into(), None)
}

pub(crate) fn text(status: StatusCode, body: &str) -> Resp {
    respond(
        status,
        "text/plain; charset=utf-8",
        Bytes::copy_from_slice(body.as_bytes()),
        None,
    )
}

pub(crate) fn redirect(location: &str) -> Resp {
    let mut resp = respond(StatusCode::FOUND, "text/plain", Bytes::new(), None);
    if let Ok(value) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(LOCATION, value);
    }
    resp
}

/// OIDC's envelope: the model's status for `code`, the code in `x-amzn-ErrorType`,
/// and `{"error": <oauth code>, "error_description": …}`.
pub(crate) fn oidc_error(code: &'static str, description: &str) -> Resp {
    let (status, error) = match code {
        "AuthorizationPendingException" => (400, "authorization_pending"),
        "SlowDownException" => (400, "slow_down"),
        "ExpiredTokenException" => (400, "expired_token"),
        "InvalidGrantException" => (400, "invalid_grant"),
        "InvalidClientException" => (401, "invalid_client"),
        "AccessDeniedException" => (400, "access_denied"),
        "InvalidScopeException" => (400, "invalid_scope"),
        "UnauthorizedClientException" => (400, "unauthorized_client"),
        "UnsupportedGrantTypeException" => (400, "unsupported_grant_type"),
        "InvalidClientMetadataException" => (400, "invalid_client_metadata"),
        "InvalidRedirectUriException" => (400, "invalid_redirect_uri"),
        "InternalServerException" => (500, "server_error"),
        _ => (400, "invalid_request"),
    };
    let body = serde_json::json!({ "error": error, "error_description": description });
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    respond(
        status,
        "application/json",
        body.to_string().into(),
        Some(code),
    )
}

/// The portal's envelope: status, `x-amzn-ErrorType: <code>`, `{"message": …}`.
pub(crate) fn portal_error(status: StatusCode, code: &'static str, message: &str) -> Resp {
    let body = serde_json::json!({ "message": message });
    respond(
        status,
        "application/json",
        body.to_string().into(),
        Some(code),
    )
}

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    error_type: Option<&'static str>,
) -> Resp {
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(code) = error_type {
        // HTTP/1 header names are case-insensitive; hyper sends them lower-case.
        headers.insert("x-amzn-errortype", HeaderValue::from_static(code));
    }
    resp
}
