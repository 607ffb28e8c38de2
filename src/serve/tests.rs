//! The endpoint over real sockets, with sessions set by hand (no STS: the
//! sessions are long, so no renewal starts while a test runs).

use super::*;
use crate::assume::Assumed;
use crate::cache::Mode;
use crate::config::bookmarks::Bookmarks;
use crate::creds::Credentials;
use crate::env::EnvView;
use std::io::{Read, Write};

fn engine() -> (tempfile::TempDir, Arc<Engine>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bookmarks.toml");
    std::fs::write(
        &path,
        "[bookmarks.prod]\naccount = \"210987654321\"\nrole = \"Admin\"\n",
    )
    .unwrap();
    let bookmarks = Bookmarks::load(&path).unwrap();
    (
        dir,
        Arc::new(Engine::new(bookmarks, EnvView::default(), None)),
    )
}

fn session(token: &str, left: Duration) -> Switched {
    Switched {
        assumed: Assumed {
            creds: Credentials {
                access_key_id: "ASIATESTKEY".into(),
                secret_access_key: SecretString::from("s3cr3t/key+value".to_owned()),
                session_token: SecretString::from(token.to_owned()),
                expiration: SystemTime::now() + left,
                assumed_role_arn: None,
            },
            region: None,
        },
        obtained: SystemTime::now(),
        limit: None,
        cached: false,
        mode: Mode::Plain,
    }
}

/// Where a route is, and its `Authorization` header line.
struct Addr {
    port: u16,
    path: String,
    host: String,
    auth: String,
}

fn addr(server: &Server, opened: &Opened) -> Addr {
    let port = server.port();
    let path = opened
        .uri
        .split_once(&format!(":{port}"))
        .unwrap()
        .1
        .to_owned();
    Addr {
        port,
        path,
        host: format!("127.0.0.1:{port}"),
        auth: format!("Authorization: {}\r\n", opened.token.expose_secret()),
    }
}

/// One GET on a fresh connection: (status, body).
fn get(port: u16, path: &str, host: &str, headers: &str) -> (u16, String) {
    request("GET", port, path, host, headers)
}

fn request(method: &str, port: u16, path: &str, host: &str, headers: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, text.split_once("\r\n\r\n").unwrap().1.to_owned())
}

/// A server with one route serving `token` for `left`, driven by a runtime
/// on a thread of its own (the tests make blocking requests).
fn start(token: &str, left: Duration) -> (tempfile::TempDir, Server, Opened) {
    let (dir, server, opened, _) = start_rt(token, left);
    (dir, server, opened)
}

/// [`start`], and a handle to the server's runtime (to open more routes).
fn start_rt(
    token: &str,
    left: Duration,
) -> (tempfile::TempDir, Server, Opened, tokio::runtime::Handle) {
    let (dir, engine) = engine();
    let token = token.to_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let server = Server::bind(Arc::new(|_: &str| {})).await.unwrap();
            let b = engine.bookmarks.get("prod").unwrap().clone();
            let opened = server
                .open(engine.clone(), b, session(&token, left))
                .unwrap();
            tx.send((server, opened, tokio::runtime::Handle::current()))
                .unwrap();
            std::future::pending::<()>().await
        })
    });
    let (server, opened, handle) = rx.recv().unwrap();
    (dir, server, opened, handle)
}

#[test]
fn serves_a_4_kib_token_intact_and_only_with_the_token() {
    let big: String = (0..4096).map(|i| (b'A' + (i % 26) as u8) as char).collect();
    let (_dir, server, opened) = start(&big, Duration::from_secs(43_200));
    let Addr {
        port,
        path,
        host,
        auth,
    } = addr(&server, &opened);
    let token = opened.token.expose_secret().to_owned();
    assert_eq!(token.len(), 64);
    assert!(
        !format!("{opened:?}").contains(&token),
        "Debug hides the token"
    );
    let (status, body) = get(port, &path, &host, &auth);
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["Token"].as_str().unwrap(), big);
    assert_eq!(v["AccessKeyId"], "ASIATESTKEY");
    assert_eq!(v["SecretAccessKey"], "s3cr3t/key+value");
    assert!(v["Expiration"].as_str().unwrap().ends_with('Z'));

    let (status, body) = get(port, &format!("{path}/status"), &host, &auth);
    assert_eq!(status, 200, "{body}");
    let s: Status = serde_json::from_str(&body).unwrap();
    assert_eq!(s.bookmark, "prod");
    assert!(s.seconds_left > 43_000);
    assert!(!body.contains(&big) && !body.contains("s3cr3t"), "{body}");

    // Refusals: the same 403 for every reason, nothing secret in it.
    let other = format!("{path}x");
    let cases: [(&str, &str, String); 5] = [
        (path.as_str(), host.as_str(), String::new()),
        (
            path.as_str(),
            host.as_str(),
            format!("Authorization: {}\r\n", &token[1..]),
        ),
        (path.as_str(), "localhost", auth.clone()),
        (
            path.as_str(),
            host.as_str(),
            format!("{auth}Origin: null\r\n"),
        ),
        (other.as_str(), host.as_str(), auth.clone()),
    ];
    for (p, h, extra) in cases {
        let (status, body) = get(port, p, h, &extra);
        assert_eq!(status, 403, "{p} {h} {extra:?}: {body}");
        assert!(!body.contains(&token) && !body.contains(&big), "{body}");
    }
    let (status, _) = get(port, "/", &host, &auth);
    assert_eq!(status, 404);

    // DELETE closes the route; shutdown closes the port.
    let (status, body) = request("DELETE", port, &path, &host, &auth);
    assert_eq!(status, 200, "{body}");
    assert_eq!(get(port, &path, &host, &auth).0, 403);
    assert_eq!(server.route_count(), 0);
    server.shutdown();
    // The accept task ends at its next poll.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(std::time::Instant::now() < deadline, "port still open");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn an_expired_session_is_explained_at_once() {
    let (_dir, server, opened) = start("tok", Duration::from_secs(43_200));
    let route = server.route(&opened.id).unwrap();
    let Addr {
        port,
        path,
        host,
        auth,
    } = addr(&server, &opened);
    {
        let mut st = lock(&route.state);
        st.current.assumed.creds.expiration = SystemTime::now() - Duration::from_secs(1);
        st.wanted = Some(CodeNeeded {
            bookmark: "prod".into(),
            serial: "arn:aws:iam::123456789012:mfa/alice".into(),
            wait: None,
            for_mfa_session: true,
        });
    }
    let (status, body) = get(port, &path, &host, &auth);
    assert_eq!(status, 503);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["Code"], "MfaRequired");
    assert!(
        v["Message"].as_str().unwrap().contains("run `rolehop mfa`"),
        "{body}"
    );
    assert!(!body.contains("tok\""), "{body}");
    let (_, status_body) = get(port, &format!("{path}/status"), &host, &auth);
    let s: Status = serde_json::from_str(&status_body).unwrap();
    assert_eq!(
        s.mfa_wanted.unwrap().serial,
        "arn:aws:iam::123456789012:mfa/alice"
    );
    {
        let mut st = lock(&route.state);
        st.wanted = None;
        st.failure = Some("STS could not be reached".into());
    }
    let (status, body) = get(port, &path, &host, &auth);
    assert_eq!(status, 503);
    assert!(
        body.contains("\"Code\":\"RenewalFailed\"") && body.contains("could not be reached"),
        "{body}"
    );
    server.shutdown();
}

#[test]
fn fifty_concurrent_clients_get_the_same_answer() {
    let (_dir, server, opened) = start("shared-token", Duration::from_secs(43_200));
    let Addr {
        port,
        path,
        host,
        auth,
    } = addr(&server, &opened);
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|_| {
                s.spawn(|| {
                    (0..10)
                        .map(|_| get(port, &path, &host, &auth))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(answers.len(), 500);
    assert!(answers.iter().all(|(s, b)| *s == 200 && b == &answers[0].1));
    server.shutdown();
}

/// A POST with a body on a fresh connection; `None` when no answer came
/// within 10 s (a handler that hangs).
fn post(port: u16, path: &str, host: &str, headers: &str, body: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, text.split_once("\r\n\r\n")?.1.to_owned()))
}

#[test]
fn a_code_nobody_waits_for_is_answered_and_the_endpoint_lives_on() {
    // Depth 1: the shell's own route; depth 2: a nested hop's route on the
    // same server. Each once deadlocked the server (its state locked twice).
    let (_dir, server, outer, rt) = start_rt("outer-token", Duration::from_secs(43_200));
    let route = server.route(&outer.id).unwrap();
    let inner = {
        let _in_rt = rt.enter();
        server
            .open(
                route.engine.clone(),
                route.bookmark.clone(),
                session("inner-token", Duration::from_secs(43_200)),
            )
            .unwrap()
    };
    for opened in [&outer, &inner, &outer] {
        let Addr {
            port,
            path,
            host,
            auth,
        } = addr(&server, opened);
        let answer = post(port, &format!("{path}/mfa"), &host, &auth, "123456");
        let (status, body) = answer.expect("the endpoint answered the code");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("nothing needs a code"), "{body}");
        // Still serving credentials afterwards.
        let (status, body) = get(port, &path, &host, &auth);
        assert_eq!(status, 200, "{body}");
    }
    server.shutdown();
}
