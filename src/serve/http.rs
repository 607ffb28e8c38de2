//! The endpoint's HTTP side (hyper's HTTP/1 server): who may ask, and the
//! answers. Every route is under `/rolehop/v1/<id>`:
//!
//! | request | answer |
//! |---|---|
//! | `GET <id>` | the container credentials JSON (what the SDKs call) |
//! | `GET <id>/status` | [`Status`]: what is served, whether a code is wanted |
//! | `POST <id>/mfa` (body: the code) | renew with it (`rolehop mfa`) |
//! | `POST <id>/assume` (JSON [`AssumeRequest`]) | a nested hop: a new route (or static credentials) for another bookmark |
//! | `DELETE <id>` | stop serving it (the nested hop's child exited) |
//!
//! Each needs the route's token in `Authorization` (compared in constant
//! time), `Host: 127.0.0.1:PORT` (DNS rebinding) and no `Origin` (a browser).
//! On the agent's Unix socket, `/agent/...` control calls need no token: the
//! socket is 0600 in a 0700 directory.

use super::{Access, Route, Server, Status};
use crate::env::LIVE_PATH_PREFIX as PATH_PREFIX;
use crate::error::Error;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// Larger bodies are refused: codes and assume requests are tiny.
const MAX_BODY: usize = 64 * 1024;

pub(super) type Resp = Response<Full<Bytes>>;

/// Where a connection came from: the loopback port, or the agent's socket.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    Tcp,
    /// The agent's control socket.
    Unix,
}

/// Connections served at once by one listener. Beyond it a new connection
/// is closed at once rather than queued: a queue would let a flood delay the
/// child's own requests.
pub(super) const MAX_CONNECTIONS: usize = 256;

/// Clients are local and requests tiny: a request head that has not arrived
/// in this long is a stalled or hostile client, and a kept-alive connection
/// idle this long is closed (hyper runs one timer for both).
const HEADER_TIMEOUT: Duration = Duration::from_secs(3);

/// No request is worked on longer than this. The slowest (a code handed to
/// a renewal, a nested hop) are a code source's wait plus a few STS calls,
/// each bounded by its own timeout well under it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Room for one request head and the read buffer: hyper's smallest.
const MAX_BUF: usize = 8192;

/// At most [`MAX_CONNECTIONS`] at once; the rest are refused.
#[derive(Clone)]
pub(super) struct Slots(Arc<tokio::sync::Semaphore>);

impl Slots {
    pub(super) fn new() -> Slots {
        Slots(Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS)))
    }

    /// Serve `stream` on a task of its own if a slot is free; else drop it
    /// (the client sees the connection closed at once).
    pub(super) fn serve<S>(&self, stream: S, server: &Server, via: Via)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let Ok(slot) = self.0.clone().try_acquire_owned() else {
            return;
        };
        let server = server.clone();
        tokio::spawn(async move {
            serve_connection(stream, server, via).await;
            drop(slot);
        });
    }
}

/// Accept loopback connections until aborted.
pub(super) async fn accept_tcp(listener: tokio::net::TcpListener, server: Server) {
    let slots = Slots::new();
    let local = listener.local_addr().ok();
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            // Out of file descriptors and the like: wait, do not spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let (std::net::SocketAddr::V4(peer), Some(std::net::SocketAddr::V4(local))) = (peer, local)
        else {
            continue;
        };
        // Bound to 127.0.0.1, so this holds; checked anyway.
        if !peer.ip().is_loopback() {
            continue;
        }
        // Another user's connection is closed before it holds a slot. The
        // check (a netlink round trip, ~20 µs) runs on the connection's own
        // task: in this loop it queued every connection behind the one
        // before (50 paced clients: p99 0.7-0.9 ms without it, 1.3-2.2 ms
        // with it here).
        let (slots, server) = (slots.clone(), server.clone());
        tokio::spawn(async move {
            if let Some(uid) = super::peer::socket_uid(peer, local)
                && !super::peer::trusted(uid)
            {
                return;
            }
            let _ = stream.set_nodelay(true);
            slots.serve(stream, &server, Via::Tcp);
        });
    }
}

/// Serve one connection until the client closes it, it stalls
/// ([`HEADER_TIMEOUT`]) or it has been idle that long.
async fn serve_connection<S>(stream: S, server: Server, via: Via)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req| {
        let server = server.clone();
        async move {
            let answer = tokio::time::timeout(REQUEST_TIMEOUT, handle(&server, req, via)).await;
            Ok::<_, Infallible>(answer.unwrap_or_else(|_| {
                error(
                    StatusCode::GATEWAY_TIMEOUT,
                    "Timeout",
                    "rolehop: the request took too long and was given up",
                )
            }))
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_BUF)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// `{"Code": .., "Message": ..}`, the error shape the SDKs print.
pub(super) fn error(status: StatusCode, code: &str, message: &str) -> Resp {
    json(
        status,
        &serde_json::json!({ "Code": code, "Message": message }),
    )
}

pub(super) fn json(status: StatusCode, value: &serde_json::Value) -> Resp {
    json_bytes(status, Bytes::from(value.to_string()))
}

fn json_bytes(status: StatusCode, body: Bytes) -> Resp {
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    resp
}

pub(super) fn bad_request(why: &str) -> Resp {
    error(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        &format!("rolehop: {why}"),
    )
}

fn forbidden(why: &str) -> Resp {
    error(
        StatusCode::FORBIDDEN,
        "AccessDenied",
        &format!("rolehop: request refused: {why}"),
    )
}

async fn handle(server: &Server, req: Request<Incoming>, via: Via) -> Resp {
    let path = req.uri().path().to_owned();
    if via == Via::Unix
        && let Some(call) = path.strip_prefix("/agent/")
    {
        // Control calls are not use: `agent status` must not keep it alive.
        return super::agent::control(server, call, req).await;
    }
    if req.headers().contains_key(hyper::header::ORIGIN) {
        return forbidden("requests from a web page (Origin header) are not served");
    }
    if via == Via::Tcp {
        // Exactly one Host, ours: a second one could name another site.
        let want = &server.inner.host;
        let mut hosts = req.headers().get_all(hyper::header::HOST).iter();
        let host = hosts.next();
        if host.map(|h| h.as_bytes()) != Some(want.as_bytes()) || hosts.next().is_some() {
            return forbidden(&format!("the Host header must be {want}, once"));
        }
    }
    let Some(rest) = path.strip_prefix(PATH_PREFIX) else {
        return error(StatusCode::NOT_FOUND, "NotFound", "rolehop: no such path");
    };
    let (id, action) = rest.split_once('/').unwrap_or((rest, ""));
    let given = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // An unknown route and a wrong token look the same from outside.
    let Some((route, access)) = server
        .route(id)
        .and_then(|r| r.access(given).map(|a| (r, a)))
    else {
        return forbidden("missing or wrong authorization token");
    };
    server.touch();
    let reads = matches!((req.method(), action), (&Method::GET, "" | "status"));
    if !reads && access != Access::Control {
        // The SDKs' token: a tool in the child reads its own role, no other.
        return forbidden(
            "this token only reads this session's credentials; hops, `rolehop mfa` and `whoami` work in a shell rolehop started (`rolehop exec NAME`), or in a command run with `rolehop exec NAME --allow-hops -- CMD`",
        );
    }
    match (req.method(), action) {
        (&Method::GET, "") => credentials(server, &route),
        (&Method::GET, "status") => {
            let mut s = route.status();
            // A hop of this shell waits for a code: `rolehop mfa` here gives it.
            if s.mfa_wanted.is_none()
                && let Some(w) = server.waiting_route()
            {
                s.mfa_wanted = w.status().mfa_wanted;
            }
            json(StatusCode::OK, &serde_json::json!(s))
        }
        (&Method::GET, "whoami") => {
            match crate::sts::base_identity(route.engine.env(), None).await {
                Ok((id, source)) => json(
                    StatusCode::OK,
                    &serde_json::json!({ "identity": id, "source": source }),
                ),
                Err(e) => failure(&e.into()),
            }
        }
        (&Method::POST, "mfa") => match body(req).await {
            Ok(code) => mfa(server, &route, &code).await,
            Err(resp) => resp,
        },
        (&Method::POST, "assume") => match body(req).await {
            Ok(text) => assume_from(server, route.engine.clone(), &text).await,
            Err(resp) => resp,
        },
        (&Method::DELETE, "") => {
            server.close(&route.id);
            json(StatusCode::OK, &serde_json::json!({ "closed": route.id }))
        }
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "rolehop: not a request this endpoint serves",
        ),
    }
}

/// The request body as text, at most [`MAX_BODY`].
pub(super) async fn body(req: Request<Incoming>) -> Result<String, Resp> {
    let bad = |why: &str| error(StatusCode::BAD_REQUEST, "BadRequest", why);
    let bytes = Limited::new(req.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|_| bad("rolehop: request body too large or unreadable"))?
        .to_bytes();
    String::from_utf8(bytes.to_vec()).map_err(|_| bad("rolehop: request body is not UTF-8"))
}

/// The container credentials answer, from memory.
fn credentials(server: &Server, route: &Route) -> Resp {
    match route.serve(server) {
        Ok(body) => json_bytes(StatusCode::OK, body),
        // 503: a condition the user can fix (a code, the network), not a bad request.
        Err((code, message)) => error(StatusCode::SERVICE_UNAVAILABLE, code, &message),
    }
}

async fn mfa(server: &Server, asked: &Arc<Route>, code: &str) -> Resp {
    let code = match crate::mfa::validate_code(code) {
        Ok(c) => c,
        Err(e) => return failure(&e),
    };
    // The code is for whichever route of this server waits for one (a
    // nested shell's `rolehop mfa` serves the outer session too).
    // Each state lock is taken and dropped in a statement of its own:
    // `waiting_route` locks every route's state, this one's included, and a
    // std mutex locked twice on one thread never returns.
    let asked_waits = asked.waits_for_code();
    let waiting_elsewhere = if asked_waits {
        None
    } else {
        server.waiting_route()
    };
    let route: &Route = waiting_elsewhere.as_deref().unwrap_or(asked);
    let waiting = route.waits_for_code();
    let needed = route
        .engine
        .needs_code_to_renew(&route.bookmark.name, route.engine.now());
    if !waiting && matches!(needed, Ok(None)) {
        let s: Status = route.status();
        return json(
            StatusCode::OK,
            &serde_json::json!({ "message": format!(
                "rolehop: nothing needs a code: {} is live until {} and renews on its own",
                s.bookmark, s.expiration
            )}),
        );
    }
    match server.renew_with_code(route, code).await {
        Ok(line) => json(StatusCode::OK, &serde_json::json!({ "message": line })),
        Err(e) => failure(&e),
    }
}

/// An error as JSON with the CLI's sentence and hint; `CodeNeeded` carries
/// what the client needs to ask for the code.
pub(super) fn failure(e: &Error) -> Resp {
    let mut v = serde_json::json!({
        "Code": match e { Error::CodeNeeded(_) => "MfaRequired", _ => "Failed" },
        "Message": crate::text::sanitize(&e.to_string()),
        "Hint": e.hint().map(|h| crate::text::sanitize(&h)),
    });
    if let Error::CodeNeeded(n) = e {
        v["Need"] = serde_json::json!({
            "bookmark": n.bookmark,
            "serial": n.serial,
            "for_mfa_session": n.for_mfa_session,
            "wait_secs": n.wait.map(|w| w.as_secs()),
        });
    }
    let status = match e {
        Error::CodeNeeded(_) => StatusCode::UNAUTHORIZED,
        Error::Config(_) | Error::Usage { .. } | Error::Mfa { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::BAD_GATEWAY,
    };
    json(status, &v)
}

/// What a nested hop or `rolehop env --live` asks for.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct AssumeRequest {
    pub bookmark: String,
    pub code: Option<String>,
    /// Hand the credentials themselves over (`--static`) instead of a route.
    #[serde(default)]
    pub r#static: bool,
    /// The asker's base identity key ([`crate::engine::base_key`]); the
    /// agent refuses to serve a shell with another identity than its own.
    #[serde(default)]
    pub base: Option<String>,
    /// The process the route serves (a nested hop's rolehop): the route is
    /// closed when it is gone, even if it was killed before saying so.
    #[serde(default)]
    pub owner: Option<u32>,
}

/// Switch to another bookmark with `engine` (the serving process's base
/// identity) and serve it on a new route of `server`.
pub(super) async fn assume_from(
    server: &Server,
    engine: Arc<crate::engine::Engine>,
    text: &str,
) -> Resp {
    let req: AssumeRequest = match serde_json::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("rolehop: not an assume request: {e}"),
            );
        }
    };
    let code = match req
        .code
        .as_deref()
        .map(crate::mfa::validate_code)
        .transpose()
    {
        Ok(c) => c,
        Err(e) => return failure(&e),
    };
    let bookmark = match engine.bookmarks.get(&req.bookmark) {
        Ok(b) => b.clone(),
        Err(e) => return failure(&e.into()),
    };
    if code.is_none() {
        match engine
            .needs_code(&req.bookmark, engine.now())
            .map_err(crate::error::Error::from)
        {
            Ok(Some(need)) => return failure(&Error::CodeNeeded(need)),
            Ok(None) => {}
            Err(e) => return failure(&e),
        }
    }
    let switched = match engine
        .switch(&req.bookmark, code)
        .await
        .map_err(crate::error::Error::from)
    {
        Ok(s) => s,
        Err(e) => return failure(&e),
    };
    let c = &switched.assumed.creds;
    let mut answer = serde_json::json!({
        "bookmark": bookmark.name,
        "role_arn": bookmark.role_arn(),
        "region": switched.assumed.region,
        "expiration": c.expiration_rfc3339(),
        "limit": switched.limit,
        "cached": switched.cached,
    });
    if req.r#static {
        answer["credentials"] = serde_json::json!({
            "AccessKeyId": c.access_key_id,
            "SecretAccessKey": c.secret_access_key(),
            "Token": c.session_token(),
            "Expiration": c.expiration_rfc3339(),
        });
        return json(StatusCode::OK, &answer);
    }
    match server.open(engine, bookmark, switched) {
        Ok(opened) => {
            use secrecy::ExposeSecret;
            if let Some(pid) = req.owner {
                server.close_with(&opened.id, pid);
            }
            answer["id"] = opened.id.clone().into();
            answer["uri"] = opened.uri.clone().into();
            answer["token"] = opened.token.expose_secret().into();
            answer["control"] = opened.control.expose_secret().into();
            json(StatusCode::OK, &answer)
        }
        Err(e) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Failed",
            &format!("rolehop: cannot open a route: {e}"),
        ),
    }
}
