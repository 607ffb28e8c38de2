//! The live endpoint under hostile or careless use: codes nobody waits for,
//! children that may not hop, the agent's refusals, floods from another
//! user, an STS that answers with sessions already over, and a long random
//! sequence of control calls. Every wait is bounded; traffic stays on loopback.

use crate::common::{self, Moto, TestEnv};
use crate::live::{StopAgent, port_and_path};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `dev` and `other`, 15-minute sessions renewed every few seconds.
fn env() -> TestEnv {
    let env = TestEnv::new(Moto::shared());
    std::fs::write(
        env.bookmarks_path(),
        "[settings]\nrefresh_window = \"890s\"\n\n\
         [bookmarks.dev]\naccount = \"111111111111\"\nrole = \"EndDev\"\nduration = \"15m\"\n\n\
         [bookmarks.other]\naccount = \"222222222222\"\nrole = \"EndOther\"\nduration = \"15m\"\n",
    )
    .unwrap();
    env
}

/// Run `cmd` to completion, failing the test (not hanging it) past `limit`.
fn bounded(mut cmd: Command, limit: Duration) -> common::Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let (mut o, mut e) = (String::new(), String::new());
        let t = std::thread::spawn(move || {
            let _ = err.read_to_string(&mut e);
            e
        });
        let _ = out.read_to_string(&mut o);
        (o, t.join().unwrap())
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running after {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = reader.join().unwrap();
    common::Output {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

#[test]
fn a_code_nobody_waits_for_never_hangs_the_serving_rolehop() {
    let env = env();
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    // Depth 1, then depth 2 (a nested hop), then depth 1 again: each answers
    // and the shell's credentials still work after it.
    let script = format!(
        "{rolehop} mfa 123456; \
         {rolehop} exec other --allow-hops -- {rolehop} mfa 123456; \
         {rolehop} mfa 123456; \
         {rolehop} prompt --format 'still={{name}}'"
    );
    let mut cmd = env.cmd();
    cmd.args(["exec", "dev", "--allow-hops", "--", "sh", "-c", &script]);
    let out = bounded(cmd, Duration::from_secs(60));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout.matches("nothing needs a code").count(),
        3,
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("still=dev"), "{}", out.stdout);
}

#[test]
fn a_command_gets_its_own_role_and_hops_only_when_allowed() {
    let env = env();
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    let script = format!(
        "echo control=${{ROLEHOP_CONTROL_TOKEN:+set}}; \
         {rolehop} exec other -- true; echo hop=$?; \
         {rolehop} whoami >/dev/null; echo who=$?"
    );
    let mut cmd = env.cmd();
    cmd.args(["exec", "dev", "--", "sh", "-c", &script]);
    let out = bounded(cmd, Duration::from_secs(60));
    assert!(out.stdout.contains("control=\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("hop=") && !out.stdout.contains("hop=0"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("who=0"), "{}", out.stdout);
    assert!(out.stderr.contains("--allow-hops"), "{}", out.stderr);

    let mut cmd = env.cmd();
    cmd.args(["exec", "dev", "--allow-hops", "--", "sh", "-c", &script]);
    let out = bounded(cmd, Duration::from_secs(60));
    assert!(out.stdout.contains("control=set"), "{}", out.stdout);
    assert!(
        out.stdout.contains("hop=0") && out.stdout.contains("who=0"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );

    // An interactive shell (no command) may hop: $SHELL here is a script
    // that records what it was given.
    let shell = env.home.path().join("record-shell");
    std::fs::write(
        &shell,
        "#!/bin/sh\necho control=${ROLEHOP_CONTROL_TOKEN:+set}\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&shell, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = env.cmd();
    cmd.env("SHELL", &shell).args(["exec", "dev"]);
    let out = bounded(cmd, Duration::from_secs(60));
    assert!(
        out.stdout.contains("control=set"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn processes_left_behind_are_told_about() {
    let env = env();
    let mut cmd = env.cmd();
    cmd.args([
        "exec",
        "dev",
        "--",
        "sh",
        "-c",
        "sleep 20 </dev/null >/dev/null 2>&1 & echo $! > bg.pid",
    ]);
    let out = bounded(cmd, Duration::from_secs(60));
    let pid = std::fs::read_to_string(env.home.path().join("bg.pid")).unwrap();
    let _ = Command::new("kill").arg(pid.trim()).status();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "1 process started in this shell is still running and loses its credentials now"
        ),
        "{}",
        out.stderr
    );
}

/// One request over the agent's socket; (status, body).
fn agent_call(socket: &Path, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = std::os::unix::net::UnixStream::connect(socket).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: rolehop-agent\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, text.split_once("\r\n\r\n").unwrap().1.to_owned())
}

#[test]
fn the_agent_serves_routes_only_and_takes_codes_without_hanging() {
    let env = env();
    let run_dir = env.home.path().join("run");
    let _stop = StopAgent(&env, run_dir.clone());
    let mut cmd = env.cmd();
    cmd.env("ROLEHOP_RUNTIME_DIR", &run_dir)
        .args(["env", "dev", "--live", "--shell", "bash"]);
    let exports = bounded(cmd, Duration::from_secs(60));
    assert_eq!(exports.code, 0, "{}", exports.stderr);
    assert!(
        exports.stdout.contains("ROLEHOP_CONTROL_TOKEN="),
        "exports go to a shell a person types in: {}",
        exports.stdout
    );
    let socket = run_dir.join("agent.sock");
    // Raw keys are never handed out by the agent, and every request names
    // the base identity it expects.
    let (status, body) = agent_call(
        &socket,
        "POST",
        "/agent/assume",
        r#"{"bookmark":"dev","static":true,"base":"x"}"#,
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("live routes only"), "{body}");
    assert!(!body.contains("SecretAccessKey"), "{body}");
    let (status, body) = agent_call(&socket, "POST", "/agent/assume", r#"{"bookmark":"dev"}"#);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("base identity"), "{body}");

    // `rolehop mfa` from the exported shell, with nothing waiting: answered,
    // and the agent still answers after it.
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    let script = format!("{}\n{rolehop} mfa 123456", exports.stdout);
    let mut bash = Command::new("bash");
    bash.env_clear()
        .env("PATH", common::inherited_path())
        .env("HOME", env.home.path())
        .env("ROLEHOP_RUNTIME_DIR", &run_dir)
        .env("ROLEHOP_CONFIG", env.bookmarks_path())
        .env("ROLEHOP_CACHE_DIR", env.cache_dir())
        .env("ROLEHOP_CACHE_BACKEND", "file")
        .current_dir(env.home.path())
        .arg("-c")
        .arg(&script);
    let out = bounded(bash, Duration::from_secs(60));
    assert!(
        out.stdout.contains("nothing needs a code"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let (status, body) = agent_call(&socket, "GET", "/agent/status", "");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn an_agent_that_holds_the_lock_but_does_not_answer_is_named() {
    let env = env();
    let run_dir = env.home.path().join("run");
    std::fs::create_dir_all(&run_dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&run_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    // This test process plays the stuck agent: the lock held, no socket.
    let lock = std::fs::File::create(run_dir.join("agent.lock")).unwrap();
    lock.try_lock().unwrap();
    write!(&lock, "{}", std::process::id()).unwrap();
    let mut cmd = env.cmd();
    cmd.env("ROLEHOP_RUNTIME_DIR", &run_dir)
        .args(["env", "dev", "--live"]);
    let out = bounded(cmd, Duration::from_secs(60));
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains(&format!(
            "holds the lock in {} but does not answer (pid {})",
            run_dir.display(),
            std::process::id()
        )),
        "{}",
        out.stderr
    );
    drop(lock);
}

/// A stand-in STS whose first AssumeRole session lasts 70 s and every later
/// one is already over: (URL, AssumeRole calls so far).
fn expiring_sts() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Head, then the body its Content-Length names.
            while let Ok(n) = s.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap_or(0))
                        })
                        .unwrap_or(0usize);
                    if body.len() >= len {
                        break;
                    }
                }
            }
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let end = if n == 0 {
                std::time::SystemTime::now() + Duration::from_secs(70)
            } else {
                std::time::SystemTime::now() - Duration::from_secs(10)
            };
            let end = humantime::format_rfc3339_seconds(end);
            let xml = format!(
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
                 <Credentials><AccessKeyId>ASIAEXPIRING{n:08}</AccessKeyId><SecretAccessKey>sk</SecretAccessKey>\
                 <SessionToken>tok</SessionToken><Expiration>{end}</Expiration></Credentials>\
                 <AssumedRoleUser><AssumedRoleId>AROA:tester</AssumedRoleId>\
                 <Arn>arn:aws:sts::111111111111:assumed-role/EndDev/tester</Arn></AssumedRoleUser>\
                 </AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>"
            );
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
                xml.len()
            );
        }
    });
    (url, calls)
}

#[test]
fn an_sts_answer_already_over_is_retried_with_back_off_not_in_a_loop() {
    use std::sync::atomic::Ordering;
    let env = env();
    let (url, calls) = expiring_sts();
    let mut cmd = env.cmd();
    cmd.env("AWS_ENDPOINT_URL_STS", &url)
        .args(["--no-cache", "exec", "dev", "--", "sleep", "12"]);
    let out = bounded(cmd, Duration::from_secs(60));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let n = calls.load(Ordering::SeqCst);
    // The switch, a renewal at once (the window is wider than the session),
    // then retries after 5 and 15 s: a loop made hundreds.
    assert!((2..=5).contains(&n), "{n} AssumeRole calls in 12 s");
    assert_eq!(
        out.stderr
            .matches("STS answered with credentials that end at")
            .count(),
        1,
        "told once: {}",
        out.stderr
    );
}

/// `exec dev --allow-hops -- sh -c 'write uri, tokens; sleep'`: (child, uri,
/// token, control token).
fn serving(env: &TestEnv, secs: u32) -> (std::process::Child, String, String, String) {
    let file = env.home.path().join("endpoint");
    let script = format!(
        "printf '%s %s %s' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"$ROLEHOP_CONTROL_TOKEN\" > {f}.tmp && mv {f}.tmp {f}; sleep {secs}",
        f = file.display()
    );
    let mut cmd = env.cmd();
    cmd.args(["exec", "dev", "--allow-hops", "--", "sh", "-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !file.exists() {
        assert!(
            Instant::now() < deadline,
            "the child never wrote its endpoint"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let mut parts = text.split(' ').map(str::to_owned);
    let (uri, token, control) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    (child, uri, token, control)
}

/// One request; (status, body), or `None` when no whole answer came within 20 s.
fn exchange(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {token}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    Some((
        head.split_whitespace().nth(1)?.parse().ok()?,
        body.to_owned(),
    ))
}

/// [`exchange`]'s status alone.
fn call(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<u16> {
    exchange(port, method, path, token, body).map(|(status, _)| status)
}

#[test]
fn a_random_sequence_of_control_calls_never_hangs_the_endpoint() {
    let calls: usize = std::env::var("ROLEHOP_ENDPOINT_FUZZ_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let env = env();
    let (mut child, uri, token, control) = serving(&env, 600);
    let (port, path) = port_and_path(&uri);
    // Routes known so far: (path, control token); nested ones come from assume.
    let mut routes: Vec<(String, String)> = vec![(path.clone(), control.clone())];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..calls {
        let r = next();
        let (p, c) = routes[(r as usize / 7) % routes.len()].clone();
        let bookmark = if r & 1 == 0 { "dev" } else { "other" };
        let answered = match r % 6 {
            0 => call(port, "POST", &format!("{p}/mfa"), &c, "123456"),
            1 => {
                // A nested hop: its answer is a new route to call later.
                let body = format!(r#"{{"bookmark":"{bookmark}","static":{}}}"#, r & 2 == 0);
                exchange(port, "POST", &format!("{p}/assume"), &c, &body).map(|(status, json)| {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&json)
                        && let (Some(u), Some(t)) = (v["uri"].as_str(), v["control"].as_str())
                    {
                        routes.push((port_and_path(u).1, t.to_owned()));
                    }
                    status
                })
            }
            2 if p != path => {
                routes.retain(|(q, _)| q != &p);
                call(port, "DELETE", &p, &c, "")
            }
            3 => call(port, "GET", &format!("{p}/whoami"), &c, ""),
            4 => call(port, "GET", &format!("{p}/status"), &c, ""),
            _ => call(port, "GET", &p, &c, ""),
        };
        assert!(
            answered.is_some(),
            "call {i} (kind {}) got no answer",
            r % 6
        );
    }
    // The shell's own route still serves.
    assert_eq!(call(port, "GET", &path, &token, ""), Some(200));
    let _ = child.kill();
    let _ = child.wait();
}

/// The user the flood runs as, when this test may switch users (root).
fn other_user() -> Option<u32> {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    root.then_some(65534)
}

#[test]
fn another_users_flood_of_connections_costs_the_child_nothing() {
    let Some(uid) = other_user() else {
        common::skip("switching to another user needs root");
        return;
    };
    let env = env();
    let (mut child, uri, token, _) = serving(&env, 60);
    let (port, path) = port_and_path(&uri);
    // 2,000 connections held open for 8 s by another user (bash's /dev/tcp).
    let flood = format!(
        "ulimit -n 4096 2>/dev/null || ulimit -n $(ulimit -Hn); \
         for i in $(seq 2000); do exec {{fd}}<>/dev/tcp/127.0.0.1/{port} || break; done; \
         echo opened; sleep 8"
    );
    use std::os::unix::process::CommandExt;
    let mut flooder = Command::new("bash")
        .arg("-c")
        .arg(&flood)
        .uid(uid)
        .gid(uid)
        .current_dir("/")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut opened = String::new();
    let mut line = [0u8; 7];
    let _ = flooder.stdout.as_mut().unwrap().read_exact(&mut line);
    opened.push_str(&String::from_utf8_lossy(&line));
    assert_eq!(opened, "opened\n", "the flood did not start");
    // The child's SDK fetches every 100 ms for 5 s while the flood holds.
    let mut failed = 0;
    for _ in 0..50 {
        if call(port, "GET", &path, &token, "") != Some(200) {
            failed += 1;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = flooder.kill();
    let _ = flooder.wait();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(failed, 0, "fetches failed during the flood");
}

#[test]
fn rolehop_sends_nothing_to_a_listener_of_another_user() {
    let Some(uid) = other_user() else {
        common::skip("switching to another user needs root");
        return;
    };
    // Another user binds the port an ended `exec` freed, and records what
    // it is sent.
    use std::os::unix::process::CommandExt;
    let mut thief = Command::new("perl")
        .args([
            "-MIO::Socket::INET",
            "-e",
            "$|=1; my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 5, ReuseAddr => 1) or die; \
             print $s->sockport, \"\\n\"; while (my $c = $s->accept) { my $got = ''; $c->recv($got, 4096); print \"got \", length($got), \"\\n\"; close $c }",
        ])
        .uid(uid)
        .gid(uid)
        .current_dir("/")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(thief.stdout.take().unwrap());
    let mut port = String::new();
    std::io::BufRead::read_line(&mut out, &mut port).unwrap();
    let env = env();
    let mut cmd = env.cmd();
    cmd.env(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("http://127.0.0.1:{}/rolehop/v1/abc", port.trim()),
    )
    .env(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "route-token-of-the-victim",
    )
    .env("ROLEHOP_CONTROL_TOKEN", "control-token-of-the-victim")
    .args(["mfa", "123456"]);
    let result = bounded(cmd, Duration::from_secs(30));
    let _ = thief.kill();
    let mut rest = String::new();
    let _ = out.read_to_string(&mut rest);
    let _ = thief.wait();
    assert_ne!(result.code, 0);
    assert!(
        result.stderr.contains(&format!("is not yours (uid {uid})")),
        "{}",
        result.stderr
    );
    assert!(
        !rest.contains("got") || rest.contains("got 0"),
        "it was sent: {rest}"
    );
}

#[test]
fn a_child_gets_the_users_limits_back() {
    let env = env();
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    // rolehop runs with no core file and, serving, with its descriptor limit
    // raised: the child gets what the user had, `unlimited` included.
    let script = format!(
        "ulimit -c unlimited 2>/dev/null || {{ echo skip; exit 0; }}; ulimit -S -n 512; \
         {rolehop} exec dev -- sh -c 'echo core=$(ulimit -c) files=$(ulimit -S -n)'"
    );
    let mut cmd = env.cmd();
    cmd.args(["--version"]);
    let mut sh = Command::new("sh");
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    sh.env_remove("ROLEHOP_DEPTH")
        .current_dir(env.home.path())
        .arg("-c")
        .arg(&script);
    let out = bounded(sh, Duration::from_secs(60));
    if out.stdout.trim() == "skip" {
        common::skip("the hard core-file limit is not unlimited here");
        return;
    }
    assert!(
        out.stdout.contains("core=unlimited files=512"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}
