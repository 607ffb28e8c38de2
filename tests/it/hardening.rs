//! A careful user's worst day: closed pipes, hostile servers, concurrent
//! switches, files rolehop did not make, secrets where they must not go.

use crate::common;

use common::{Moto, TestEnv};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn env_with(moto: &Moto, bookmarks: &str) -> TestEnv {
    let env = TestEnv::new(moto);
    std::fs::write(env.bookmarks_path(), bookmarks).unwrap();
    env
}

const DEV: &str = "[bookmarks.dev]\naccount = \"111122223333\"\nrole = \"HardDev\"\n";

#[test]
fn a_closed_stdout_ends_quietly() {
    let mut many = String::new();
    for i in 0..3000 {
        many.push_str(&format!(
            "[bookmarks.b{i:04}]\naccount = \"111122223333\"\nrole = \"R{i}\"\n"
        ));
    }
    let env = env_with(Moto::shared(), &many);
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["man"],
        &["completions", "bash"],
    ] {
        let mut cmd = env.cmd();
        cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // Read one line, then close the pipe, as `| head -1` does.
        let mut first = [0u8; 64];
        let _ = child.stdout.as_mut().unwrap().read(&mut first).unwrap();
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        child.wait().unwrap();
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.is_empty(), "{args:?}: quiet, got {stderr}");
    }
}

/// 40 cold switches at once make one AssumeRole: the others wait for the
/// one in flight and take its session from the cache.
#[test]
fn forty_concurrent_switches_make_one_sts_call() {
    let moto = Moto::start();
    let env = env_with(&moto, DEV);
    for args in [&["env", "dev"][..], &["credential-process", "dev"]] {
        let _ = std::fs::remove_dir_all(env.cache_dir());
        let before = moto.sts_request_count("AssumeRole");
        let children: Vec<_> = (0..40)
            .map(|_| {
                let mut cmd = env.cmd();
                cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
                cmd.spawn().unwrap()
            })
            .collect();
        let outputs: Vec<_> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        assert!(
            outputs.iter().all(|o| o.status.success()),
            "{:?}",
            outputs[0]
        );
        // Everyone got the same session.
        let first = String::from_utf8_lossy(&outputs[0].stdout).into_owned();
        assert!(
            outputs
                .iter()
                .all(|o| String::from_utf8_lossy(&o.stdout) == first),
            "{args:?}: different sessions"
        );
        assert_eq!(moto.sts_request_count("AssumeRole") - before, 1, "{args:?}");
    }
}

/// Accepts connections and never answers.
fn silent_server() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    (l, url)
}

/// Answers every request with `status` and `body`, `times` times at most.
fn canned_server(status: &'static str, body: &'static str) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in l.incoming().take(50) {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 65536];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

/// A server that sends half an answer and resets the connection.
fn resetting_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in l.incoming().take(50) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 65536];
            let _ = s.read(&mut buf);
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n<AssumeRoleResponse>");
            // SO_LINGER 0: the close sends RST.
            linger_zero(&s);
        }
    });
    url
}

fn linger_zero(s: &std::net::TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt on a valid socket with a correctly sized struct.
    unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const _ as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

const THROTTLE: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>";
const SKEW: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T001000Z - 5 min.)</Message></Error><RequestId>1</RequestId></ErrorResponse>";

/// Every hostile server gives one line and a hint, in bounded time, and
/// leaves the cache and the user's files as they were.
#[test]
fn hostile_networks_get_one_clear_line_and_change_nothing() {
    let (_silent, silent) = silent_server();
    let refused = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        drop(l);
        url
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("refused", refused, "cannot reach sts"),
        ("silent", silent, "no answer within 3 s"),
        ("reset", resetting_server(), "sts"),
        (
            "500",
            canned_server("500 Internal Server Error", "<oops/>"),
            "sts",
        ),
        (
            "throttled",
            canned_server("400 Bad Request", THROTTLE),
            "throttling",
        ),
        (
            "malformed",
            canned_server("200 OK", "<AssumeRoleResponse><not-closed"),
            "sts",
        ),
        ("clock skew", canned_server("403 Forbidden", SKEW), "clock"),
    ];
    for (what, url, expect) in cases {
        let env = env_with(Moto::shared(), DEV);
        let creds_before = std::fs::read(env.credentials_path()).unwrap();
        let bookmarks_before = std::fs::read(env.bookmarks_path()).unwrap();
        let mut cmd = env.cmd();
        cmd.env("AWS_ENDPOINT_URL_STS", &url)
            .env("ROLEHOP_STS_TIMEOUT", "3")
            .args(["env", "dev"]);
        let start = Instant::now();
        let out = common::output(cmd);
        let took = start.elapsed();
        assert_ne!(out.code, 0, "{what}");
        assert!(out.stdout.is_empty(), "{what}: {}", out.stdout);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert!(
            lines.len() == 2
                && lines[0].starts_with("rolehop: error: ")
                && lines[1].starts_with("rolehop: hint: "),
            "{what}: one line and a hint:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.to_lowercase().contains(expect),
            "{what}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{what}");
        // Bounded: the 3 s limit plus process start, not the SDK's minutes.
        assert!(took < Duration::from_secs(20), "{what} took {took:?}");
        assert_eq!(std::fs::read(env.credentials_path()).unwrap(), creds_before);
        assert_eq!(
            std::fs::read(env.bookmarks_path()).unwrap(),
            bookmarks_before
        );
        let cached = std::fs::read_dir(env.cache_dir())
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                    .count()
            })
            .unwrap_or(0);
        assert_eq!(cached, 0, "{what}: nothing cached");
    }
}

/// An STS (or proxy) that answers an error with 100 MB of message: rolehop
/// reads at most 64 KiB of it and says a few hundred characters.
#[test]
fn a_huge_error_body_is_cut_short() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    const HUGE: usize = 100 << 20;
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    std::thread::spawn(move || {
        for stream in l.incoming().take(10) {
            let Ok(mut s) = stream else { continue };
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 65536];
                let _ = s.read(&mut buf);
                let head =
                    "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>";
                let _ = write!(
                    s,
                    "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {HUGE}\r\nConnection: close\r\n\r\n{head}"
                );
                let chunk = vec![b'A'; 64 * 1024];
                let mut left = HUGE - head.len();
                while left > 0 {
                    let n = left.min(chunk.len());
                    match s.write(&chunk[..n]) {
                        Ok(0) | Err(_) => break,
                        Ok(w) => {
                            counter.fetch_add(w, Ordering::Relaxed);
                            left -= w;
                        }
                    }
                }
            });
        }
    });
    let env = env_with(Moto::shared(), DEV);
    let mut cmd = env.cmd();
    cmd.env("AWS_ENDPOINT_URL_STS", &url)
        .env("ROLEHOP_STS_TIMEOUT", "20")
        .args(["env", "dev"]);
    let out = common::output(cmd);
    assert_ne!(out.code, 0);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("AAAA") && out.stderr.contains('…'),
        "the message's start, clipped: {}",
        out.stderr
    );
    assert!(
        out.stderr.len() < 1000,
        "a few hundred characters, not {} bytes",
        out.stderr.len()
    );
    // Let the writer notice the closed connection.
    std::thread::sleep(Duration::from_millis(500));
    let sent = sent.load(Ordering::Relaxed);
    // 64 KiB read; the rest is what the kernel's socket buffers took.
    assert!(
        sent < HUGE / 10,
        "the server got {sent} bytes out of {HUGE}"
    );
}

/// A static shell whose base identity was environment keys carries no
/// secret of it; a nested hop there says why it cannot call STS.
#[test]
fn static_shells_never_carry_the_base_secret() {
    let env = env_with(
        Moto::shared(),
        "[bookmarks.dev]\naccount = \"111122223333\"\nrole = \"HardDev\"\n\n[bookmarks.ops]\naccount = \"444455556666\"\nrole = \"HardOps\"\n",
    );
    std::fs::write(env.credentials_path(), "").unwrap();
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    let script = format!("env > static.env; {rolehop} env ops > nested.out; echo code=$?");
    let mut cmd = env.cmd();
    cmd.env("AWS_ACCESS_KEY_ID", TestEnv::BASE_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", TestEnv::BASE_SECRET_ACCESS_KEY)
        .args(["exec", "dev", "--static", "--", "sh", "-c", &script]);
    let out = common::output(cmd).success();
    let inner = std::fs::read_to_string(env.home.path().join("static.env")).unwrap();
    assert!(!inner.contains(TestEnv::BASE_SECRET_ACCESS_KEY), "{inner}");
    assert!(
        out.stdout.contains("code=2"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr
            .contains("were environment variables of the shell outside this rolehop shell"),
        "{}",
        out.stderr
    );
    // `env` output and the exports never hold it either.
    let mut cmd = env.cmd();
    cmd.env("AWS_ACCESS_KEY_ID", TestEnv::BASE_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", TestEnv::BASE_SECRET_ACCESS_KEY)
        .args(["env", "dev"]);
    let out = common::output(cmd).success();
    assert!(
        !out.stdout.contains(TestEnv::BASE_SECRET_ACCESS_KEY),
        "{}",
        out.stdout
    );
}

#[test]
fn write_refuses_profile_names_the_sdks_cannot_read() {
    let env = env_with(Moto::shared(), DEV);
    let before = std::fs::read(env.credentials_path()).unwrap();
    for name in ["a#b", "a;b", "a b", "a=b"] {
        let out = env.run(&["write", "dev", "--profile", name]);
        assert_ne!(out.code, 0, "{name}");
        assert!(
            out.stderr
                .contains("only letters, digits and - / . % @ _ : +"),
            "{name}: {}",
            out.stderr
        );
    }
    assert_eq!(std::fs::read(env.credentials_path()).unwrap(), before);
}

#[test]
fn the_federation_endpoint_must_be_https() {
    let env = env_with(Moto::shared(), DEV);
    let mut cmd = env.cmd();
    cmd.env("ROLEHOP_FEDERATION_URL", "http://signin.example.com")
        .args(["console", "dev", "--print"]);
    let out = common::output(cmd);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("must be an https:// URL"),
        "{}",
        out.stderr
    );
}

/// A desktop shell, cron, sudo and SSH see different runtime directories
/// (`XDG_RUNTIME_DIR`, `ROLEHOP_RUNTIME_DIR`), yet writers of one file must
/// take one lock. This process holds the lock of the bookmarks file (then of
/// `~/.aws/credentials`) as a writer in one context would, and starts `add`
/// (`write`) in another: it must wait, and both updates must survive.
#[test]
fn writers_with_different_runtime_dirs_still_serialise() {
    let env = env_with(Moto::shared(), DEV);
    env.run(&["env", "dev"]).success();
    let creds = env.credentials_path();
    let marks = env.bookmarks_path();
    let cases: [(&std::path::Path, Vec<&str>, &str); 2] = [
        (
            &marks,
            vec![
                "add",
                "theirs",
                "--account",
                "111122223333",
                "--role",
                "Theirs",
            ],
            "[bookmarks.mine]\naccount = \"111122223333\"\nrole = \"Mine\"\n",
        ),
        (
            &creds,
            vec!["write", "dev", "--profile", "theirs"],
            "\n[mine]\nregion = eu-west-1\n",
        ),
    ];
    for (i, (path, args, ours)) in cases.into_iter().enumerate() {
        let real = rolehop_files::fsutil::real_path(path).unwrap();
        let lock = rolehop_files::fsutil::lock_for(&real).unwrap();
        // Read as the lock holder does before its update.
        let before = std::fs::read_to_string(path).unwrap();
        let other = env.home.path().join(format!("login-{i}"));
        for d in ["xdg", "run"] {
            std::fs::create_dir_all(other.join(d)).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(other.join(d), std::fs::Permissions::from_mode(0o700))
                .unwrap();
        }
        let mut cmd = env.cmd();
        cmd.env("XDG_RUNTIME_DIR", other.join("xdg"))
            .env("ROLEHOP_RUNTIME_DIR", other.join("run"))
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // Bounded: 30 looks, 50 ms apart. A writer that does not wait for
        // the lock is done long before (the runs take a few ms).
        let mut waited = true;
        for _ in 0..30 {
            if child.try_wait().unwrap().is_some() {
                waited = false;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        rolehop_files::fsutil::atomic_write(
            &real,
            format!("{before}{ours}").as_bytes(),
            0o600,
            false,
        )
        .unwrap();
        drop(lock);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let after = std::fs::read_to_string(path).unwrap();
        assert!(
            waited,
            "{args:?} did not wait for the lock held by another runtime directory's writer"
        );
        assert!(
            after.contains(ours) && after.contains("theirs"),
            "{args:?}: an update was lost:\n{after}"
        );
    }
}

/// Kill `write`, `add`, `import` and cache writes with SIGKILL at random
/// points: every file stays whole (old or new), the next writer is never
/// blocked, and no temp file outlives the next run. `runs` of them.
fn killed_writers(runs: usize) {
    let env = env_with(Moto::shared(), DEV);
    let creds_head = "# hand-written\n[default]\naws_access_key_id = AKIABASEEXAMPLE0001\naws_secret_access_key = base-secret\n\n; keep me\n[other]\nregion = eu-west-1\n";
    std::fs::write(env.credentials_path(), creds_head).unwrap();
    let mut config = String::from("[default]\nregion = us-east-1\n");
    for i in 0..20 {
        config.push_str(&format!(
            "\n[profile imp{i}]\nrole_arn = arn:aws:iam::1111222233{i:02}:role/Imp\nsource_profile = default\n"
        ));
    }
    std::fs::write(env.config_path(), &config).unwrap();
    env.run(&["env", "dev"]).success();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..runs {
        let args: Vec<String> = match i % 4 {
            0 => vec![
                "write".into(),
                "dev".into(),
                "--profile".into(),
                format!("p{}", i % 7),
            ],
            1 => vec![
                "add".into(),
                format!("k{i}"),
                "--account".into(),
                "111122223333".into(),
                "--role".into(),
                "Kill".into(),
            ],
            2 => vec!["import".into(), "aws-config".into(), "--replace".into()],
            _ => vec!["env".into(), "dev".into(), "--no-cache".into()],
        };
        let mut cmd = env.cmd();
        cmd.args(&args).stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_micros(next() % 25_000));
        let _ = child.kill();
        let _ = child.wait();
        // Whole files: the bookmarks file loads, the credentials file keeps
        // what it had and every written profile is complete.
        let marks = rolehop_files::bookmarks::Bookmarks::load(&env.bookmarks_path())
            .unwrap_or_else(|e| panic!("run {i} ({args:?}) tore the bookmarks file: {e}"));
        assert!(marks.get("dev").is_ok(), "run {i}: dev lost");
        let creds = std::fs::read_to_string(env.credentials_path()).unwrap();
        assert!(creds.starts_with(creds_head), "run {i} ({args:?}): {creds}");
        for p in 0..7 {
            if let Some(kvs) =
                rolehop_files::credentials::read_profile(&env.credentials_path(), &format!("p{p}"))
                    .unwrap()
            {
                // The session's five keys and its region, or nothing.
                assert_eq!(kvs.len(), 6, "run {i}: profile p{p} is partial: {kvs:?}");
            }
        }
    }
    // The next runs are not blocked, and they sweep what killed runs left.
    let start = Instant::now();
    env.run(&["write", "dev", "--profile", "p0"]).success();
    env.run(&[
        "add",
        "after",
        "--account",
        "111122223333",
        "--role",
        "After",
    ])
    .success();
    env.run(&["import", "aws-config", "--replace"]).success();
    env.run(&["env", "dev"]).success();
    assert!(start.elapsed() < Duration::from_secs(30));
    let out = env.run(&["sessions", "--json"]).success();
    assert!(!out.stderr.contains("unreadable"), "{}", out.stderr);
    for dir in [
        env.home.path().to_path_buf(),
        env.home.path().join(".aws"),
        env.cache_dir(),
    ] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let sweepable = ["bookmarks.toml", "credentials", "config"]
                .iter()
                .any(|f| name.starts_with(&format!(".{f}.rolehop-")));
            assert!(!sweepable, "{name} left in {}", dir.display());
            if name.ends_with(".rolehop.lock") {
                // The writers' lock: empty and private, never swept.
                let meta = std::fs::metadata(dir.join(&name)).unwrap();
                use std::os::unix::fs::PermissionsExt;
                assert_eq!(meta.len(), 0, "{name}");
                assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
            }
        }
    }
}

#[test]
fn killed_writers_leave_whole_files() {
    killed_writers(24);
}

/// The full run: `cargo test --test it hardening:: -- --ignored`.
#[test]
#[ignore]
fn killed_writers_leave_whole_files_200_runs() {
    killed_writers(200);
}

/// Every command and error path, with known secret values: only the outputs
/// whose purpose is to hand credentials over may hold them.
#[test]
fn secrets_appear_only_where_they_are_handed_over() {
    let env = env_with(
        Moto::shared(),
        "[bookmarks.dev]\naccount = \"111122223333\"\nrole = \"HardDev\"\n\n[bookmarks.mfa]\naccount = \"111122223334\"\nrole = \"HardMfa\"\nmfa_serial = \"arn:aws:iam::123456789012:mfa/tester\"\n",
    );
    // The role session's secrets, from the output meant to hand them over.
    let cp = env.run(&["credential-process", "dev"]).success();
    let v: serde_json::Value = serde_json::from_str(cp.stdout.trim()).unwrap();
    let secrets = [
        TestEnv::BASE_SECRET_ACCESS_KEY.to_owned(),
        v["SecretAccessKey"].as_str().unwrap().to_owned(),
        v["SessionToken"].as_str().unwrap().to_owned(),
    ];
    let leaks = |what: &str, text: &str| {
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{what} shows a secret:\n{text}");
        }
        assert!(!text.contains("panicked"), "{what} panicked:\n{text}");
    };
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    let quiet: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--json"],
        vec!["sessions"],
        vec!["sessions", "--json"],
        vec!["doctor"],
        vec!["doctor", "dev"],
        vec!["whoami"],
        vec!["whoami", "--json"],
        vec!["prompt"],
        vec!["policy", "dev"],
        vec!["console", "dev", "--switch-url"],
        vec!["import", "aws-config", "--dry-run"],
        vec!["write", "dev", "--profile", "probe"],
        vec!["write", "dev", "--profile", "a b"],
        vec!["env", "nosuch"],
        vec!["env", "mfa", "--mfa-code", "12"],
        vec!["credential-process", "mfa"],
        vec!["exec", "dev", "--", "true"],
        vec!["exec", "dev", "--", "no-such-program-rolehop"],
        vec!["exec", "dev", "--allow-hops", "--", rolehop, "whoami"],
        vec!["exec", "dev", "--", rolehop, "prompt"],
        vec!["exec", "dev", "--allow-hops", "--", rolehop, "mfa"],
        vec!["exec", "dev", "--", rolehop, "sessions"],
        vec!["add", "bad", "--account", "12", "--role", "R"],
        vec!["logout", "dev"],
        vec!["logout"],
    ];
    for args in &quiet {
        let mut cmd = env.cmd();
        cmd.env("AWS_ACCESS_KEY_ID", TestEnv::BASE_ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", TestEnv::BASE_SECRET_ACCESS_KEY)
            .args(args);
        let out = common::output(cmd);
        leaks(&format!("rolehop {args:?} (stdout)"), &out.stdout);
        leaks(&format!("rolehop {args:?} (stderr)"), &out.stderr);
    }
    // The hand-overs hold the role's secrets, never the base secret.
    for args in [
        &["env", "dev"][..],
        &["env", "dev", "--shell", "fish"],
        &["credential-process", "dev"],
    ] {
        let mut cmd = env.cmd();
        cmd.env("AWS_ACCESS_KEY_ID", TestEnv::BASE_ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", TestEnv::BASE_SECRET_ACCESS_KEY)
            .args(args);
        let out = common::output(cmd).success();
        assert!(
            !out.stdout.contains(TestEnv::BASE_SECRET_ACCESS_KEY),
            "{args:?}"
        );
        leaks(&format!("{args:?} (stderr)"), &out.stderr);
    }
    // Files rolehop wrote besides the credentials file and the cache (whose
    // job is to hold sessions): bookmarks, history, locks, the agent's log.
    let mut files = Vec::new();
    let mut stack = vec![env.home.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if p != env.cache_dir() {
                    stack.push(p);
                }
            } else if p != env.credentials_path() {
                files.push(p);
            }
        }
    }
    for f in files {
        if let Ok(text) = std::fs::read_to_string(&f) {
            leaks(&f.display().to_string(), &text);
        }
    }
}

/// `write` stores the session's region in the profile: with the region only
/// in `[default]` of ~/.aws/config, `aws --profile NAME` works as written.
#[test]
fn a_written_profile_works_in_the_aws_cli_as_written() {
    let env = env_with(Moto::shared(), DEV);
    env.run(&["write", "dev"]).success();
    let creds = std::fs::read_to_string(env.credentials_path()).unwrap();
    assert!(creds.contains("\nregion = us-east-1\n"), "{creds}");
    let aws = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/aws");
    let mut cmd = std::process::Command::new(aws);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.home.path())
        .env("AWS_SHARED_CREDENTIALS_FILE", env.credentials_path())
        .env("AWS_CONFIG_FILE", env.config_path())
        .env("AWS_ENDPOINT_URL_STS", &env.endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "--profile",
            "dev",
            "sts",
            "get-caller-identity",
            "--query",
            "Arn",
            "--output",
            "text",
        ]);
    let out = common::output(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "arn:aws:sts::111122223333:assumed-role/HardDev/tester"
    );
}
