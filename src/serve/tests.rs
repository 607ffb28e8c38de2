//! The endpoint over real sockets, with sessions set by hand (no STS: the
//! sessions are long, so no renewal starts while a test runs).

use super::*;
use crate::assume::Assumed;
use crate::cache::Mode;
use crate::creds::Credentials;
use crate::env::EnvView;
use rolehop_files::bookmarks::Bookmarks;
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
    start_notified(token, left, Arc::new(|_: &str| {}))
}

/// [`start_rt`] with the lines the server says going to `notify`.
fn start_notified(
    token: &str,
    left: Duration,
    notify: Notifier,
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
            let server = Server::bind(notify).await.unwrap();
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

    // DELETE (with the control token) closes the route; shutdown closes the port.
    let control = format!("Authorization: {}\r\n", opened.control.expose_secret());
    let (status, body) = request("DELETE", port, &path, &host, &control);
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
    let said = Arc::new(Mutex::new(Vec::<String>::new()));
    let to = said.clone();
    let (_dir, server, opened, _) = start_notified(
        "tok",
        Duration::from_secs(43_200),
        Arc::new(move |line: &str| to.lock().unwrap().push(line.to_owned())),
    );
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
    // Said on the terminal too (an SDK may hide the message), once: a
    // second refused request adds nothing.
    get(port, &path, &host, &auth);
    assert_eq!(
        *said.lock().unwrap(),
        [
            "rolehop: prod needs a fresh MFA code (device arn:aws:iam::123456789012:mfa/alice): run `rolehop mfa` in the shell rolehop started (a program's credentials request was refused: MfaRequired)"
        ]
    );
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
    // Another kind of refusal is said again.
    let said = said.lock().unwrap().clone();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[1].ends_with("refused: RenewalFailed)"), "{said:?}");
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
        let control = format!("Authorization: {}\r\n", opened.control.expose_secret());
        let answer = post(port, &format!("{path}/mfa"), &host, &control, "123456");
        let (status, body) = answer.expect("the endpoint answered the code");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("nothing needs a code"), "{body}");
        // Still serving credentials afterwards.
        let (status, body) = get(port, &path, &host, &auth);
        assert_eq!(status, 200, "{body}");
    }
    server.shutdown();
}

#[test]
fn a_second_host_header_is_refused() {
    let (_dir, server, opened) = start("tok", Duration::from_secs(43_200));
    let Addr {
        port,
        path,
        host,
        auth,
    } = addr(&server, &opened);
    let (status, body) = get(port, &path, &host, &format!("{auth}Host: evil.example\r\n"));
    assert_eq!(status, 403, "{body}");
    assert!(!body.contains("\"Token\""), "{body}");
    server.shutdown();
}

/// Read until the server closes: what it sent, or `None` if it did not close
/// within `limit` (the test's bound, not a speed check).
fn read_until_closed(s: &mut std::net::TcpStream, limit: Duration) -> Option<String> {
    s.set_read_timeout(Some(limit)).unwrap();
    let mut text = Vec::new();
    match s.read_to_end(&mut text) {
        Ok(_) => Some(String::from_utf8_lossy(&text).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
            Some(String::from_utf8_lossy(&text).into_owned())
        }
        Err(_) => None,
    }
}

#[test]
fn stalled_and_idle_connections_are_closed() {
    let (_dir, server, opened) = start("tok", Duration::from_secs(43_200));
    let Addr {
        port,
        path,
        host,
        auth,
    } = addr(&server, &opened);
    // Says nothing at all.
    let mut silent = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Sends its head one line a second, forever (a slowloris).
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Asks once, keeps the connection open and says nothing more.
    let mut idle = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(idle, "GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n").unwrap();
    let dribble = std::thread::spawn(move || {
        let _ = write!(slow, "GET / HTTP/1.1\r\n");
        for i in 0..30 {
            std::thread::sleep(Duration::from_secs(1));
            if write!(slow, "X-Line-{i}: x\r\n").is_err() {
                return true;
            }
        }
        false
    });
    assert!(read_until_closed(&mut silent, Duration::from_secs(20)).is_some());
    let idle_saw = read_until_closed(&mut idle, Duration::from_secs(20)).expect("idle closed");
    assert!(idle_saw.starts_with("HTTP/1.1 200"), "{idle_saw}");
    assert!(dribble.join().unwrap(), "the slow head was cut off");
    server.shutdown();
}

#[test]
fn connections_beyond_the_cap_are_refused_not_queued() {
    let (_dir, server, opened) = start("tok", Duration::from_secs(43_200));
    let Addr {
        port,
        path,
        host,
        auth,
    } = addr(&server, &opened);
    // Every slot held by a connection that started a head.
    let mut held: Vec<std::net::TcpStream> = (0..http::MAX_CONNECTIONS)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    // Wait until the server has taken every one of them.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut extra = loop {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n"
        )
        .unwrap();
        let answer = read_until_closed(&mut s, Duration::from_secs(2)).unwrap_or_default();
        if answer.is_empty() {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "never refused");
    };
    assert_eq!(
        read_until_closed(&mut extra, Duration::from_secs(2)),
        Some(String::new())
    );
    // A held connection that finishes its request is still served.
    let first = &mut held[0];
    write!(first, "Host: {host}\r\n{auth}Connection: close\r\n\r\n").unwrap();
    let answer = read_until_closed(first, Duration::from_secs(10)).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(held);
    server.shutdown();
}

#[test]
fn the_sdks_token_only_reads_and_the_control_token_does_the_rest() {
    let (_dir, server, opened) = start("tok", Duration::from_secs(43_200));
    let Addr {
        port,
        path,
        host,
        auth,
    } = addr(&server, &opened);
    let control = format!("Authorization: {}\r\n", opened.control.expose_secret());
    assert_ne!(auth, control);
    // Reading works with either.
    for a in [&auth, &control] {
        assert_eq!(get(port, &path, &host, a).0, 200);
        assert_eq!(get(port, &format!("{path}/status"), &host, a).0, 200);
    }
    // Everything else is refused with the SDKs' token, before any work.
    let refused = [
        post(port, &format!("{path}/mfa"), &host, &auth, "123456"),
        post(
            port,
            &format!("{path}/assume"),
            &host,
            &auth,
            r#"{"bookmark":"prod","static":true}"#,
        ),
        Some(get(port, &format!("{path}/whoami"), &host, &auth)),
        Some(request("DELETE", port, &path, &host, &auth)),
    ];
    for answer in refused {
        let (status, body) = answer.unwrap();
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("--allow-hops"), "{body}");
        assert!(!body.contains("s3cr3t"), "{body}");
    }
    assert_eq!(server.route_count(), 1);
    // The control token hands in codes and closes the route.
    let (status, body) = post(port, &format!("{path}/mfa"), &host, &control, "123456").unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(request("DELETE", port, &path, &host, &control).0, 200);
    assert_eq!(server.route_count(), 0);
    server.shutdown();
}

#[test]
fn routes_are_capped_per_server() {
    let (_dir, server, first, rt) = start_rt("tok", Duration::from_secs(43_200));
    let route = server.route(&first.id).unwrap();
    let _in_rt = rt.enter();
    let open = || {
        server.open(
            route.engine.clone(),
            route.bookmark.clone(),
            session("t", Duration::from_secs(43_200)),
        )
    };
    for _ in 1..MAX_ROUTES {
        open().unwrap();
    }
    let refused = open().unwrap_err().to_string();
    assert!(refused.contains("leave some"), "{refused}");
    assert_eq!(server.route_count(), MAX_ROUTES);
    server.close(&first.id);
    open().unwrap();
    server.shutdown();
}

#[test]
fn a_route_closes_when_the_process_it_serves_is_gone() {
    let (_dir, server, opened, rt) = start_rt("tok", Duration::from_secs(43_200));
    let mut child = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    {
        let _in_rt = rt.enter();
        server.close_with(&opened.id, child.id());
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.route_count(), 1, "still open while the process runs");
    child.kill().unwrap();
    child.wait().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.route_count() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the route stayed open"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.shutdown();
}

#[test]
fn an_answer_that_is_already_over_is_not_a_renewal() {
    for left in [Duration::ZERO, Duration::from_secs(15)] {
        let mut s = session("t", Duration::from_secs(3600));
        s.assumed.creds.expiration = SystemTime::now() + left;
        let Err(e) = fresh_enough(s) else {
            panic!("accepted a session that is over")
        };
        assert!(
            e.to_string()
                .contains("STS answered with credentials that end at"),
            "{e}"
        );
        assert!(e.hint().unwrap().contains("clock"));
    }
    assert!(fresh_enough(session("t", Duration::from_secs(900))).is_ok());
}
