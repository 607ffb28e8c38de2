//! Talking to a serving rolehop from inside its shell (`rolehop mfa`,
//! `rolehop prompt`, a nested `rolehop exec`) or to the agent over its
//! socket (`rolehop env --live`, `rolehop agent status|stop`).
//!
//! One request per connection (`Connection: close`), blocking, under one
//! deadline, the answer capped at [`MAX_ANSWER`]. Nothing is sent before
//! the listener is known to be the user's own: a port freed by an ended
//! `exec` can be bound by anyone, and processes the shell left behind still
//! point at it. What the server says is sanitized before any terminal sees
//! it. Hand-written on purpose: it is a few lines, and ureq, the HTTP client
//! rolehop already has, cannot speak over a Unix socket.

use crate::env::EnvView;
use crate::error::Error;
use secrecy::{ExposeSecret, SecretString};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// Answers are a few hundred bytes; a larger one is not ours.
pub const MAX_ANSWER: usize = 64 * 1024;

use crate::env::CONTROL_TOKEN_VAR as CONTROL_VAR;

/// The endpoint a live shell was given (from its environment).
#[derive(Clone)]
pub struct Live {
    pub uri: String,
    pub token: SecretString,
    /// The route's control token, in shells allowed to hop.
    pub control: Option<SecretString>,
    /// `127.0.0.1:PORT`
    addr: String,
    /// `/rolehop/v1/<id>`
    path: String,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("uri", &self.uri)
            .field("token", &"[REDACTED]")
            .field("control", &self.control.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

impl Live {
    /// The live endpoint of this environment, if a rolehop serves it: a
    /// `FULL_URI` of ours with its token, not shadowed by keys exported by hand.
    pub fn from_env(env: &EnvView) -> Option<Live> {
        let (uri, token, addr, path) = env.live_endpoint()?;
        Some(Live {
            uri: uri.to_owned(),
            token: SecretString::from(token.to_owned()),
            control: env
                .get(CONTROL_VAR)
                .map(|t| SecretString::from(t.to_owned())),
            addr: addr.to_owned(),
            path: path.to_owned(),
        })
    }

    /// From an assume answer's `uri`, `token` and `control`.
    pub fn new(uri: &str, token: SecretString, control: Option<SecretString>) -> Option<Live> {
        let env = EnvView::from_pairs([
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", token.expose_secret()),
        ]);
        Live::from_env(&env).map(|live| Live { control, ..live })
    }

    fn call(
        &self,
        method: &str,
        action: &str,
        body: &str,
        timeout: Duration,
    ) -> Result<Reply, Error> {
        let path = if action.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{action}", self.path)
        };
        // Reading is all the SDKs' token may do; the rest needs the control one.
        let reads = method == "GET" && (action.is_empty() || action == "status");
        let token = match (&self.control, reads) {
            (Some(control), false) => control,
            (None, false) => return Err(no_control_error()),
            (_, true) => &self.token,
        };
        let deadline = Instant::now() + timeout;
        let addr: std::net::SocketAddr = self
            .addr
            .parse()
            .map_err(|_| unreachable_error(&self.uri))?;
        let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)
            .map_err(|_| unreachable_error(&self.uri))?;
        check_listener(&stream, &self.addr)?;
        let _ = stream.set_nodelay(true);
        exchange(
            &mut stream,
            deadline,
            &self.addr,
            method,
            &path,
            Some(token.expose_secret()),
            body,
        )
        .map_err(|_| unreachable_error(&self.uri))
    }

    /// What the endpoint serves now (fast: no STS call behind it).
    pub fn status(&self, timeout: Duration) -> Result<super::Status, Error> {
        let reply = self.call("GET", "status", "", timeout)?;
        reply.json_ok().map(sanitized)
    }

    /// The serving rolehop's base identity and where it comes from.
    pub fn whoami(&self) -> Result<(crate::sts::Identity, String), Error> {
        let reply = self.call("GET", "whoami", "", Duration::from_secs(20))?;
        let v: serde_json::Value = reply.json_ok()?;
        let id = serde_json::from_value(v["identity"].clone()).map_err(|e| Error::Live {
            message: format!("unexpected answer from rolehop's endpoint: {e}"),
            hint: None,
        })?;
        Ok((id, v["source"].as_str().unwrap_or_default().to_owned()))
    }

    /// Hand a code to the serving rolehop; its sentence about the renewal.
    pub fn mfa(&self, code: &str) -> Result<String, Error> {
        // A renewal with a code is one or two STS calls: allow for a slow network.
        let reply = self.call("POST", "mfa", code, Duration::from_secs(40))?;
        let v: serde_json::Value = reply.json_ok()?;
        Ok(v["message"].as_str().unwrap_or_default().to_owned())
    }

    /// Ask the serving rolehop to switch to another bookmark (a nested hop).
    pub fn assume(&self, req: &super::http::AssumeRequest) -> Result<Assumed, Error> {
        let body = serde_json::to_string(req).map_err(|e| Error::Io {
            context: "cannot encode the request".into(),
            source: std::io::Error::other(e),
        })?;
        let reply = self.call("POST", "assume", &body, Duration::from_secs(60))?;
        Assumed::from_reply(reply)
    }

    /// Stop serving this route (best effort: the parent may be gone).
    pub fn release(&self) {
        let _ = self.call("DELETE", "", "", Duration::from_secs(2));
    }
}

/// The listener must be the user's own (Linux: the kernel's answer for the
/// server's end of this connection); where that cannot be told, the token
/// and the path are the only check, as before.
fn check_listener(stream: &std::net::TcpStream, addr: &str) -> Result<(), Error> {
    let (Ok(std::net::SocketAddr::V4(ours)), Ok(std::net::SocketAddr::V4(theirs))) =
        (stream.local_addr(), stream.peer_addr())
    else {
        return Ok(());
    };
    match super::peer::socket_uid(theirs, ours) {
        Some(uid) if uid != super::peer::own_uid() => Err(Error::Live {
            message: format!(
                "the program listening on {addr} is not yours (uid {uid}): the rolehop that served this shell has ended and another user took its port; nothing was sent"
            ),
            hint: Some("leave this shell (`exit`) and switch again".into()),
        }),
        _ => Ok(()),
    }
}

fn no_control_error() -> Error {
    Error::Live {
        message: "this shell's credentials are served live, but it may not hop, hand in codes or ask who the base identity is".into(),
        hint: Some(
            "commands get only their own role's credentials; run `rolehop exec NAME --allow-hops -- CMD` to let one hop, or use an interactive `rolehop exec NAME`".into(),
        ),
    }
}

/// A status with every string made safe for a terminal: it is printed in
/// prompts and by `rolehop mfa`, and a server not ours could put escape
/// sequences in it.
fn sanitized(s: super::Status) -> super::Status {
    use crate::text::sanitize;
    let clean = |o: Option<String>| o.map(|v| sanitize(&v));
    super::Status {
        bookmark: sanitize(&s.bookmark),
        role_arn: sanitize(&s.role_arn),
        expiration: sanitize(&s.expiration),
        failure: clean(s.failure),
        limit: clean(s.limit),
        mfa_wanted: s.mfa_wanted.map(|w| super::Wanted {
            bookmark: sanitize(&w.bookmark),
            serial: sanitize(&w.serial),
            ..w
        }),
        ..s
    }
}

fn unreachable_error(uri: &str) -> Error {
    Error::Live {
        message: format!(
            "the rolehop that serves this shell's credentials ({uri}) does not answer"
        ),
        hint: Some(
            "it ends with the shell it started; leave this shell (`exit`) and switch again".into(),
        ),
    }
}

/// The answer to an assume request: a route, or static credentials.
pub struct Assumed {
    pub value: serde_json::Value,
}

impl Assumed {
    fn from_reply(reply: Reply) -> Result<Assumed, Error> {
        Ok(Assumed {
            value: reply.json_ok()?,
        })
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.value[key].as_str()
    }

    /// The new route, when one was opened.
    pub fn live(&self) -> Option<Live> {
        Live::new(
            self.str("uri")?,
            SecretString::from(self.str("token")?.to_owned()),
            self.str("control")
                .map(|t| SecretString::from(t.to_owned())),
        )
    }

    /// The credentials, for a `--static` hand-over.
    pub fn credentials(&self) -> Option<crate::creds::Credentials> {
        let c = &self.value["credentials"];
        let expiration = parse_time(c["Expiration"].as_str()?)?;
        Some(crate::creds::Credentials {
            access_key_id: c["AccessKeyId"].as_str()?.to_owned(),
            secret_access_key: SecretString::from(c["SecretAccessKey"].as_str()?.to_owned()),
            session_token: SecretString::from(c["Token"].as_str()?.to_owned()),
            expiration,
            assumed_role_arn: None,
        })
    }

    pub fn expiration(&self) -> Option<std::time::SystemTime> {
        parse_time(self.str("expiration")?)
    }
}

pub(crate) fn parse_time(s: &str) -> Option<std::time::SystemTime> {
    let t = aws_smithy_types::DateTime::from_str(s, aws_smithy_types::date_time::Format::DateTime)
        .ok()?;
    std::time::SystemTime::try_from(t).ok()
}

/// Status and body of one answer.
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    /// The body as JSON when the status is 2xx; otherwise the error it
    /// carries (`Code`/`Message`/`Hint`, `Need` for a code), as ours.
    pub fn json_ok<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let value: serde_json::Value =
            serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null);
        if (200..300).contains(&self.status) {
            return serde_json::from_value(value).map_err(|e| Error::Live {
                message: format!("unexpected answer from rolehop's endpoint: {e}"),
                hint: None,
            });
        }
        Err(error_from(&value, self.status))
    }
}

/// Rebuild the error the server sent (a code needed stays `CodeNeeded`, so
/// the caller can ask for one and try again).
fn error_from(v: &serde_json::Value, status: u16) -> Error {
    let text = |k: &str| v[k].as_str().map(crate::text::sanitize);
    if let Some(need) = v.get("Need").filter(|n| n.is_object()) {
        return Error::CodeNeeded(crate::engine::CodeNeeded {
            bookmark: need["bookmark"].as_str().unwrap_or_default().to_owned(),
            serial: need["serial"].as_str().unwrap_or_default().to_owned(),
            wait: need["wait_secs"].as_u64().map(Duration::from_secs),
            for_mfa_session: need["for_mfa_session"].as_bool().unwrap_or(false),
        });
    }
    Error::Live {
        message: text("Message").unwrap_or_else(|| format!("rolehop's endpoint answered {status}")),
        hint: text("Hint"),
    }
}

/// A stream whose reads and writes can be bounded by a deadline.
pub(crate) trait Timed: Read + Write {
    fn set_timeouts(&self, left: Duration) -> std::io::Result<()>;
}

impl Timed for std::net::TcpStream {
    fn set_timeouts(&self, left: Duration) -> std::io::Result<()> {
        self.set_read_timeout(Some(left))?;
        self.set_write_timeout(Some(left))
    }
}

impl Timed for std::os::unix::net::UnixStream {
    fn set_timeouts(&self, left: Duration) -> std::io::Result<()> {
        self.set_read_timeout(Some(left))?;
        self.set_write_timeout(Some(left))
    }
}

/// Time left before `deadline`, or a timeout error once it has passed.
fn left(deadline: Instant) -> std::io::Result<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in time"))
}

/// Write one request, read the answer (at most [`MAX_ANSWER`] bytes),
/// all before `deadline`: a server that dribbles cannot hold us past it.
pub(crate) fn exchange<S: Timed>(
    stream: &mut S,
    deadline: Instant,
    host: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> std::io::Result<Reply> {
    let auth = token
        .map(|t| format!("Authorization: {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.set_timeouts(left(deadline)?)?;
    stream.write_all(request.as_bytes())?;
    stream.flush()?;
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        stream.set_timeouts(left(deadline)?)?;
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&chunk[..n]);
        if raw.len() > MAX_ANSWER {
            return Err(std::io::Error::other("answer too large"));
        }
    }
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("incomplete HTTP answer"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP answer"))?;
    Ok(Reply {
        status,
        body: rest.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A server that answers each connection with `answer(stream)`.
    fn server(answer: fn(std::net::TcpStream)) -> Live {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                std::thread::spawn(move || answer(s));
            }
        });
        Live::new(
            &format!("http://127.0.0.1:{port}/rolehop/v1/abc"),
            SecretString::from("t".to_owned()),
            Some(SecretString::from("c".to_owned())),
        )
        .unwrap()
    }

    fn read_head(s: &mut std::net::TcpStream) {
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
    }

    #[test]
    fn a_server_that_dribbles_is_given_up_at_the_deadline() {
        let live = server(|mut s| {
            read_head(&mut s);
            let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
            for b in answer {
                if s.write_all(&[*b]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        let start = Instant::now();
        assert!(live.status(Duration::from_millis(250)).is_err());
        // Bounded by the deadline, not by the server's 10 s of dribbling.
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn an_answer_larger_than_the_cap_is_refused() {
        let live = server(|mut s| {
            read_head(&mut s);
            let body = "x".repeat(MAX_ANSWER + 10);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        });
        assert!(live.status(Duration::from_secs(5)).is_err());
    }

    #[test]
    fn a_status_is_sanitized_before_any_terminal_sees_it() {
        let live = server(|mut s| {
            read_head(&mut s);
            let body = r#"{"bookmark":"\u001b]0;pwned\u0007dev","role_arn":"arn\u001b[2J","expiration":"2030-01-01T00:00:00Z","seconds_left":60,"mfa_wanted":{"bookmark":"\u001bc","serial":"s\u0007","for_mfa_session":false,"wait_secs":null},"failure":"\u001b[31mred","limit":null,"pid":1}"#;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        });
        let st = live.status(Duration::from_secs(5)).unwrap();
        let w = st.mfa_wanted.clone().unwrap();
        for text in [
            &st.bookmark,
            &st.role_arn,
            &w.bookmark,
            &w.serial,
            st.failure.as_ref().unwrap(),
        ] {
            assert!(!text.chars().any(char::is_control), "{text:?}");
        }
        assert!(st.bookmark.ends_with("dev"));
    }

    #[test]
    fn control_calls_need_the_control_token_and_say_how_to_get_one() {
        let live = Live::new(
            "http://127.0.0.1:9/rolehop/v1/abc",
            SecretString::from("t".to_owned()),
            None,
        )
        .unwrap();
        // Refused before anything is sent (nothing listens on port 9).
        let e = live.mfa("123456").unwrap_err();
        assert!(e.hint().unwrap().contains("--allow-hops"), "{e}");
    }
}
