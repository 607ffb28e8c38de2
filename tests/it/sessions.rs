//! Sessions that last (issue 4), end to end: the real binary against moto,
//! counting the STS calls it makes. moto accepts any MFA code and any
//! DurationSeconds and never checks expiry, so short sessions and
//! `refresh_window` settings stand in for waiting.
//!
//! Tests that count calls exactly run their own `Moto::start()` server.

use crate::common;

use common::{Moto, Output, TestEnv};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::{Duration, Instant};

const SERIAL: &str = "arn:aws:iam::123456789012:mfa/alice";

fn python() -> String {
    format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR"))
}

/// A python one-liner printing the caller ARN of whatever credentials boto3 finds.
const WHO: &str = "import boto3; print(boto3.client('sts', region_name='us-east-1').get_caller_identity()['Arn'])";

/// Runs `args` with no terminal at all, so any attempt to ask for a code fails.
fn run_detached(env: &TestEnv, args: &[&str]) -> Output {
    let mut cmd = env.cmd();
    cmd.args(args);
    common::detach_from_terminal(&mut cmd);
    common::output(cmd)
}

fn write_bookmarks(env: &TestEnv, text: &str) {
    fs::write(env.bookmarks_path(), text).unwrap();
}

/// `[bookmarks.NAME]` with a role in account `acct`, plus extra lines.
fn bookmark(name: &str, acct: &str, role: &str, extra: &str) -> String {
    format!("\n[bookmarks.{name}]\naccount = \"{acct}\"\nrole = \"{role}\"\n{extra}")
}

/// (GetSessionToken, AssumeRole) calls so far.
fn calls(moto: &Moto) -> (usize, usize) {
    (
        moto.sts_request_count("GetSessionToken"),
        moto.sts_request_count("AssumeRole"),
    )
}

/// The `AWS_ACCESS_KEY_ID` an `env --shell bash` output exports.
fn exported_key(out: &Output) -> String {
    out.stdout
        .lines()
        .find_map(|l| l.strip_prefix("export AWS_ACCESS_KEY_ID='"))
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no key in {}", out.stdout))
        .to_owned()
}

fn ten_mfa_roles(env: &TestEnv) {
    let mut text = format!("[defaults]\nmfa_serial = \"{SERIAL}\"\n");
    for i in 0..10 {
        text.push_str(&bookmark(
            &format!("r{i}"),
            &format!("2000000000{i:02}"),
            "Admin",
            "",
        ));
    }
    write_bookmarks(env, &text);
}

#[test]
fn a_second_mfa_role_needs_no_code_and_no_second_session_token() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    ten_mfa_roles(&env);
    let out = env
        .run(&["env", "r0", "--shell", "bash", "--mfa-code", "123456"])
        .success();
    assert_eq!(calls(&moto), (1, 1));
    assert!(
        out.stderr
            .contains("r0: 1 h: role chaining limit (assumed with MFA-session credentials)"),
        "{}",
        out.stderr
    );
    // No code given, no terminal to ask on: it must not need one.
    let out = run_detached(&env, &["env", "r1", "--shell", "bash"]).success();
    assert_eq!(calls(&moto), (1, 2), "one GetSessionToken for both roles");
    assert!(out.stdout.contains("export AWS_SESSION_TOKEN="));
    // The credentials are r1's.
    let out = env
        .run(&["exec", "r1", "--", &python(), "-c", WHO])
        .success();
    assert_eq!(
        out.stdout.trim(),
        "arn:aws:sts::200000000001:assumed-role/Admin/tester"
    );
    assert_eq!(calls(&moto), (1, 2), "exec reused the cached session");
}

#[test]
fn cached_within_the_window_renewed_past_it() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    let plain = bookmark("p", "210000000001", "Admin", "duration = 900\n");
    write_bookmarks(&env, &plain);
    let first = exported_key(&env.run(&["env", "p", "--shell", "bash"]).success());
    let second = exported_key(&env.run(&["env", "p", "--shell", "bash"]).success());
    assert_eq!(
        calls(&moto),
        (0, 1),
        "the second switch came from the cache"
    );
    assert_eq!(first, second);

    // A refresh window as long as the session: the cached one is past it.
    write_bookmarks(
        &env,
        &format!("[settings]\nrefresh_window = \"15m\"\n{plain}"),
    );
    let third = exported_key(&env.run(&["env", "p", "--shell", "bash"]).success());
    assert_eq!(calls(&moto), (0, 2), "renewed");
    assert_ne!(third, first);
}

#[test]
fn chaining_through_two_bookmarks() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    write_bookmarks(
        &env,
        &[
            bookmark(
                "hub",
                "210000000010",
                "Hub",
                &format!("mfa_serial = \"{SERIAL}\"\n"),
            ),
            bookmark("tooling", "210000000011", "Tooling", "via = \"hub\"\n"),
            bookmark(
                "prod",
                "210000000012",
                "Prod",
                "via = \"tooling\"\nduration = \"12h\"\n",
            ),
        ]
        .concat(),
    );
    let out = env
        .run(&[
            "exec",
            "prod",
            "--mfa-code",
            "123456",
            "--",
            &python(),
            "-c",
            WHO,
        ])
        .success();
    assert_eq!(
        out.stdout.trim(),
        "arn:aws:sts::210000000012:assumed-role/Prod/tester"
    );
    assert_eq!(calls(&moto), (1, 3), "MFA session, then hub, tooling, prod");

    // Each hop was cached; the chained one says which limit applied.
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["sessions", "--json"]).success().stdout).unwrap();
    let rows = json.as_array().unwrap();
    let prod = rows.iter().find(|r| r["bookmark"] == "prod").unwrap();
    assert_eq!(prod["via"], serde_json::json!(["tooling", "hub"]));
    assert_eq!(
        prod["limit"],
        "1 h: role chaining limit (assumed with the credentials of \"tooling\")"
    );
    assert!(prod["seconds_left"].as_u64().unwrap() <= 3600, "{prod}");
    assert_eq!(rows.iter().filter(|r| r["kind"] == "mfa").count(), 1);
    assert_eq!(rows.len(), 4);
    let out = run_detached(&env, &["env", "tooling"]).success();
    assert!(out.stdout.contains("AWS_ACCESS_KEY_ID"));
    assert_eq!(calls(&moto), (1, 3));
}

#[test]
fn via_loops_are_reported_with_the_path() {
    let moto = Moto::shared();
    let env = TestEnv::new(moto);
    write_bookmarks(
        &env,
        &[
            bookmark("a", "210000000020", "A", "via = \"b\"\n"),
            bookmark("b", "210000000021", "B", "via = \"c\"\n"),
            bookmark("c", "210000000022", "C", "via = \"a\"\n"),
        ]
        .concat(),
    );
    let out = env.run(&["env", "a"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let first = out.stderr.lines().next().unwrap();
    assert!(
        first.ends_with("bookmarks.toml:15:7: bookmark \"c\": via makes a loop: a -> b -> c -> a"),
        "{first}"
    );
    // Every command reads the file so: `list` says the same, and `add` edits
    // no file with a broken chain.
    let out = env.run(&["list"]);
    assert_eq!(out.stderr.lines().next(), Some(first), "{}", out.stderr);
    let out = env.run(&["add", "d", "--account", "210000000023", "--role", "D"]);
    assert_eq!(out.stderr.lines().next(), Some(first), "{}", out.stderr);
    write_bookmarks(
        &env,
        &[
            bookmark("a", "210000000020", "A", "via = \"b\"\n"),
            bookmark("b", "210000000021", "B", "via = \"c\"\n"),
            bookmark("c", "210000000022", "C", ""),
        ]
        .concat(),
    );
    // `add --via` refuses a bookmark that does not exist.
    let out = env.run(&[
        "add",
        "d",
        "--account",
        "210000000023",
        "--role",
        "D",
        "--via",
        "nope",
    ]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("via names no bookmark \"nope\""),
        "{}",
        out.stderr
    );
    env.run(&[
        "add",
        "d",
        "--account",
        "210000000023",
        "--role",
        "D",
        "--via",
        "a",
        "--mfa-session",
        "false",
    ])
    .success();
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(
        text.ends_with("role = \"D\"\nmfa_session = false\nvia = \"a\"\n"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn cache_files_are_0600_in_a_0700_directory() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new(Moto::shared());
    write_bookmarks(&env, &bookmark("p", "210000000030", "Admin", ""));
    // A directory made too open by someone: tightened, with a warning.
    fs::create_dir_all(env.cache_dir()).unwrap();
    fs::set_permissions(env.cache_dir(), fs::Permissions::from_mode(0o755)).unwrap();
    let out = env.run(&["env", "p"]).success();
    assert!(
        out.stderr
            .contains("cache directory was mode 0755; changed it to 0700"),
        "{}",
        out.stderr
    );
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.cache_dir()), 0o700);
    let files: Vec<_> = fs::read_dir(env.cache_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("role.p.json")),
        "{files:?}"
    );
    // Entry files 0600; the fill and write locks in their own 0700
    // directories below, 0600 too.
    let mut stack = files;
    while let Some(f) = stack.pop() {
        if f.is_dir() {
            assert_eq!(mode(&f), 0o700, "{}", f.display());
            stack.extend(fs::read_dir(&f).unwrap().map(|e| e.unwrap().path()));
        } else {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
}

#[test]
fn a_corrupted_cache_file_is_replaced_with_a_warning() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    write_bookmarks(&env, &bookmark("p", "210000000040", "Admin", ""));
    env.run(&["env", "p"]).success();
    let file = env.cache_dir().join("role.p.json");
    fs::write(
        &file,
        "{\"version\":1,\"kind\":\"role\",\"creds\":{\"secret_access_key\":[",
    )
    .unwrap();
    let out = env.run(&["env", "p"]).success();
    assert_eq!(calls(&moto), (0, 2), "a fresh call instead");
    let warning: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(warning.len(), 1, "{}", out.stderr);
    assert!(
        warning[0]
            .starts_with("rolehop: warning: cached role.p is unreadable (truncated at line 1"),
        "{}",
        out.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["bookmark"], "p", "replaced by a good entry");
}

#[test]
fn no_cache_calls_sts_every_time_and_stores_nothing() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    write_bookmarks(
        &env,
        &bookmark(
            "p",
            "210000000050",
            "Admin",
            &format!("mfa_serial = \"{SERIAL}\"\n"),
        ),
    );
    env.run(&["--no-cache", "env", "p", "--mfa-code", "123456"])
        .success();
    env.run(&["env", "p", "--no-cache", "--mfa-code", "234567"])
        .success();
    // Without a cache there is no MFA session to reuse: the code goes direct.
    assert_eq!(calls(&moto), (0, 2));
    assert!(!env.cache_dir().exists());
    // `cache = false` in the file does the same.
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    write_bookmarks(&env, &format!("[settings]\ncache = false\n{text}"));
    env.run(&["env", "p", "--mfa-code", "345678"]).success();
    assert_eq!(calls(&moto), (0, 3));
    assert!(!env.cache_dir().exists());
}

#[test]
fn credential_process_fails_fast_when_a_code_is_needed() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    write_bookmarks(
        &env,
        &bookmark(
            "p",
            "210000000060",
            "Admin",
            &format!("mfa_serial = \"{SERIAL}\"\n"),
        ),
    );
    // Even with a terminal around, it never asks: stdin is the SDK's pipe.
    let out = env.run(&["credential-process", "p"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "rolehop: error: credential-process p: a fresh MFA code is needed (device arn:aws:iam::123456789012:mfa/alice) and credential-process never asks"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("rolehop: hint: run `rolehop env p`"),
        "{}",
        out.stderr
    );
    assert_eq!(calls(&moto), (0, 0), "failed before any call");
    assert!(out.stdout.is_empty());

    // Once a code started an MFA session, it serves credential-process alone.
    env.run(&["env", "p", "--mfa-code", "123456"]).success();
    let out = run_detached(&env, &["credential-process", "p"]).success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["Version"], 1);
    assert_eq!(calls(&moto), (1, 1));
}

#[test]
fn the_same_code_twice_is_refused_before_any_call() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    write_bookmarks(
        &env,
        &[
            format!("[settings]\nmfa_session = false\n[defaults]\nmfa_serial = \"{SERIAL}\"\n"),
            bookmark("a", "210000000070", "A", ""),
            bookmark("b", "210000000071", "B", ""),
        ]
        .concat(),
    );
    env.run(&["env", "a", "--mfa-code", "111111"]).success();
    let out = env.run(&["env", "b", "--mfa-code", "111111"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("was already used; AWS accepts each code only once"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("rolehop: hint: wait "),
        "{}",
        out.stderr
    );
    assert_eq!(calls(&moto), (0, 1));
    env.run(&["env", "b", "--mfa-code", "222222"]).success();
    assert_eq!(calls(&moto), (0, 2));
}

#[test]
fn write_keep_renews_and_stops_cleanly() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    // 900 s MFA-session roles renewed 899 s ahead: a renewal every second,
    // each without a code (and there is no terminal to ask on).
    write_bookmarks(
        &env,
        &[
            "[settings]\nrefresh_window = \"899s\"\n".to_owned(),
            bookmark(
                "k",
                "210000000080",
                "Keep",
                &format!("mfa_serial = \"{SERIAL}\"\nduration = 900\n"),
            ),
        ]
        .concat(),
    );
    let mut cmd = env.cmd();
    cmd.args(["write", "k", "--keep", "--mfa-code", "123456"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    common::detach_from_terminal(&mut cmd);
    let mut child = cmd.spawn().unwrap();
    // A watchdog, so a hung child fails the test instead of hanging it.
    let pid = child.id() as i32;
    let (done, watch) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if watch.recv_timeout(Duration::from_secs(60)).is_err() {
            // SAFETY: kill(2) on our child, which has not been waited for yet.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines: Vec<String> = Vec::new();
    while lines
        .iter()
        .filter(|l| l.contains(" renewed \"k\": "))
        .count()
        < 2
    {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        lines.push(line.trim_end().to_owned());
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{lines:?}\n{rest}\n{stderr}");
    let renewals: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" renewed \"k\": "))
        .collect();
    assert_eq!(renewals.len(), 2, "{lines:?}");
    for r in &renewals {
        // One line each, with the expiry and the time left.
        assert!(r.contains("expires ") && r.contains(", in "), "{r}");
    }
    assert!(
        rest.contains("Stopped. Profile \"k\" keeps credentials valid until"),
        "{rest}"
    );
    let (gst, ar) = calls(&moto);
    assert_eq!(gst, 1, "one MFA session for every renewal");
    assert!(ar >= 3, "initial write + 2 renewals, got {ar}");
    // The profile holds the last renewal's credentials.
    let text = fs::read_to_string(env.credentials_path()).unwrap();
    assert!(
        text.contains("[k]") && text.contains("aws_session_token = "),
        "{text}"
    );
}

#[test]
fn logout_drops_one_bookmark_or_everything() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    ten_mfa_roles(&env);
    env.run(&["env", "r0", "--mfa-code", "123456"]).success();
    env.run(&["env", "r1"]).success();
    let out = env.run(&["logout", "r0"]).success();
    assert!(
        out.stdout
            .starts_with("Dropped the cached session of \"r0\""),
        "{}",
        out.stdout
    );
    assert!(!env.cache_dir().join("role.r0.json").exists());
    assert!(env.cache_dir().join("role.r1.json").exists());
    // r0 again: the MFA session is still there, so no code.
    run_detached(&env, &["env", "r0"]).success();
    assert_eq!(calls(&moto), (1, 3));

    let out = env.run(&["logout"]).success();
    assert_eq!(
        out.stdout.trim(),
        "Dropped 2 role sessions and 1 MFA session (they stay valid at AWS until they expire)."
    );
    let out = run_detached(&env, &["env", "r1"]);
    assert_eq!(out.code, 7, "a code is needed again: {}", out.stderr);
    assert_eq!(
        env.run(&["logout", "r5"]).success().stdout.trim(),
        "No cached session for \"r5\"."
    );
}

#[test]
fn sessions_show_time_left_and_expired_ones() {
    let env = TestEnv::new(Moto::shared());
    write_bookmarks(
        &env,
        &[
            bookmark(
                "live",
                "210000000090",
                "Admin",
                &format!("mfa_serial = \"{SERIAL}\"\n"),
            ),
            bookmark("old", "210000000091", "Admin", ""),
        ]
        .concat(),
    );
    assert!(
        env.run(&["sessions"])
            .success()
            .stdout
            .starts_with("No cached sessions")
    );
    env.run(&["env", "live", "--mfa-code", "123456"]).success();
    env.run(&["env", "old"]).success();
    // Age "old" past its expiry.
    let file = env.cache_dir().join("role.old.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    v["creds"]["expires"] = serde_json::json!(1_000_000_000u64);
    v["obtained"] = serde_json::json!(999_996_400u64);
    fs::write(&file, v.to_string()).unwrap();

    let out = env.run(&["sessions"]).success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("NAME") && lines[0].contains("LEFT"),
        "{}",
        out.stdout
    );
    let live = lines.iter().find(|l| l.starts_with("live ")).unwrap();
    assert!(
        live.contains("arn:aws:iam::210000000090:role/Admin")
            && live.contains("1 h: role chaining limit"),
        "{live}"
    );
    assert!(live.contains("59m") || live.contains("1h00m"), "{live}");
    let old = lines.iter().find(|l| l.starts_with("old ")).unwrap();
    assert!(
        old.contains("expired") && old.contains("2001-09-09T01:46:40Z"),
        "{old}"
    );
    let mfa = lines
        .iter()
        .find(|l| l.starts_with("(MFA session)"))
        .unwrap();
    assert!(
        mfa.contains(SERIAL) && (mfa.contains("11h") || mfa.contains("12h00m")),
        "{mfa}"
    );
    assert!(
        lines.last().unwrap().starts_with("(files in "),
        "{}",
        out.stdout
    );

    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["sessions", "--json"]).success().stdout).unwrap();
    let old = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["bookmark"] == "old")
        .unwrap();
    assert_eq!(old["expired"], true);
    assert_eq!(old["seconds_left"], 0);
    assert!(!out.stdout.contains("secret"), "no secrets in listings");
    // An expired session is not used: a new one is fetched.
    let before = Moto::shared().sts_request_count("AssumeRole");
    env.run(&["env", "old"]).success();
    assert!(Moto::shared().sts_request_count("AssumeRole") > before);
}

#[test]
fn doctor_checks_each_step_and_says_how_to_fix() {
    let env = TestEnv::new(Moto::shared());
    write_bookmarks(
        &env,
        &[
            bookmark(
                "good",
                "210000000100",
                "Admin",
                &format!("mfa_serial = \"{SERIAL}\"\n"),
            ),
            bookmark(
                "elsewhere",
                "210000000101",
                "Admin",
                "mfa_serial = \"arn:aws:iam::999999999999:mfa/alice\"\n",
            ),
        ]
        .concat(),
    );
    let out = env.run(&["doctor", "good", "--mfa-code", "123456"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let checks: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.split_once(':').map(|(head, _)| head))
        .collect();
    assert_eq!(
        checks,
        [
            "ok    bookmarks",
            "ok    base credentials",
            "ok    identity",
            "ok    MFA device",
            "ok    cache",
            "ok    assume good"
        ],
        "{}",
        out.stdout
    );
    assert!(
        lines[1].contains("AKIA…0001 from the environment or profile \"default\""),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("(account 123456789012)"), "{}", lines[2]);
    assert!(
        lines[4].contains("files in ") && lines[4].contains("0600"),
        "{}",
        lines[4]
    );
    assert!(
        lines[5].contains("assumed-role/Admin/tester")
            && lines[5].contains("1 h: role chaining limit"),
        "{}",
        lines[5]
    );

    // Without NAME every device is checked: one is in the wrong account.
    let out = env.run(&["doctor"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let fail = out
        .stdout
        .lines()
        .position(|l| l.starts_with("FAIL  MFA device"))
        .unwrap();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[fail]
            .contains("in account 999999999999, but your base identity is in account 123456789012"),
        "{}",
        lines[fail]
    );
    assert!(
        lines[fail + 1].starts_with("      fix: "),
        "{}",
        lines[fail + 1]
    );
    assert!(out.stdout.ends_with("1 check failed.\n"), "{}", out.stdout);

    // No base credentials: that check fails, the rest still runs.
    fs::remove_file(env.credentials_path()).unwrap();
    let out = env.run(&["doctor"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("FAIL  base credentials: no base AWS credentials found"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("ok    cache: "), "{}", out.stdout);
}

/// The figure for the issue: ten switches between ten MFA roles with no
/// cache, a cold (empty) cache and a warm one, counting STS calls and wall
/// time (process start included). Run with
/// `cargo test --test it sessions:: -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn measure_ten_switches_warm_vs_cold() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    ten_mfa_roles(&env);
    let pass = |label: &str, no_cache: bool| {
        let before = calls(&moto);
        let start = Instant::now();
        for i in 0..10 {
            let (name, code) = (format!("r{i}"), format!("{:06}", 100_000 + i * 7));
            let mut args = vec!["env", name.as_str(), "--shell", "bash"];
            if no_cache {
                args.insert(0, "--no-cache");
            }
            // Give a code exactly when one is needed (none is asked for otherwise).
            let needed = no_cache || (i == 0 && !env.cache_dir().join("role.r0.json").exists());
            if needed {
                args.extend(["--mfa-code", code.as_str()]);
            }
            run_detached(&env, &args).success();
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let after = calls(&moto);
        println!(
            "{label}: {} STS calls (GetSessionToken {}, AssumeRole {}), {ms:.0} ms for 10 switches",
            (after.0 - before.0) + (after.1 - before.1),
            after.0 - before.0,
            after.1 - before.1,
        );
    };
    pass("no cache (a code per switch)", true);
    pass("cold cache (one code)", false);
    pass("warm cache", false);
}

/// A directory of stand-in MFA sources for `PATH`: `ykman` (logs its
/// arguments, asks for a touch on stderr, prints a code), `code-ok`,
/// `code-fails`, `code-hangs`.
fn mfa_stand_ins(env: &TestEnv) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = env.home.path().join("bin");
    fs::create_dir_all(&dir).unwrap();
    let log = env.home.path().join("mfa.log");
    for (name, body) in [
        (
            "ykman",
            format!(
                "echo \"ykman $*\" >> {log}\necho 'Touch your YubiKey...' >&2\necho 246810",
                log = log.display()
            ),
        ),
        (
            "code-ok",
            format!("echo \"code-ok $*\" >> {}\necho 135791", log.display()),
        ),
        (
            "code-fails",
            "echo 'vault is locked' >&2\nexit 2".to_owned(),
        ),
        ("code-hangs", "sleep 30".to_owned()),
    ] {
        let path = dir.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

fn with_path(env: &TestEnv, bin: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = env.cmd();
    let mut path = std::ffi::OsString::from(bin);
    path.push(":");
    path.push(common::inherited_path());
    cmd.env("PATH", path)
        .env("ROLEHOP_MFA_TIMEOUT", "2s")
        .args(args);
    common::detach_from_terminal(&mut cmd);
    common::output(cmd)
}

#[test]
fn codes_come_from_a_yubikey_or_a_command_without_a_terminal() {
    let env = TestEnv::new(Moto::shared());
    let bin = mfa_stand_ins(&env);
    // A device each: a code is used once per 30 s window per device.
    let bookmark = |name: &str, extra: &str| {
        format!(
            "[bookmarks.{name}]\naccount = \"210987654321\"\nrole = \"Src{name}\"\nmfa_serial = \"{SERIAL}-{name}\"\nmfa_session = false\n{extra}\n"
        )
    };
    fs::write(
        env.bookmarks_path(),
        [
            bookmark("yk", "mfa_yubikey = true"),
            bookmark("yk-named", "mfa_yubikey = \"AWS:alice\""),
            bookmark("cmd", "mfa_process = \"code-ok --otp 'AWS prod'\""),
            bookmark("fails", "mfa_process = \"code-fails\""),
            bookmark("hangs", "mfa_process = \"code-hangs\""),
            bookmark("missing", "mfa_process = \"no-such-otp-tool\""),
            bookmark("yk-nokey", "mfa_yubikey = true"),
        ]
        .join("\n"),
    )
    .unwrap();
    let log = env.home.path().join("mfa.log");

    // The YubiKey: ykman's OATH code for the MFA serial; the touch is said.
    let out = with_path(&env, &bin, &["env", "yk"]).success();
    assert!(out.stdout.contains("AWS_SESSION_TOKEN"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("rolehop: touch your YubiKey for yk's MFA code"),
        "{}",
        out.stderr
    );
    let out = with_path(&env, &bin, &["env", "yk-named"]).success();
    assert!(out.stdout.contains("AWS_SESSION_TOKEN"));
    // A command, its words split as a shell would, no shell run.
    with_path(&env, &bin, &["env", "cmd"]).success();
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        format!(
            "ykman oath accounts code --single -- {SERIAL}-yk\nykman oath accounts code --single -- AWS:alice\ncode-ok --otp AWS prod\n"
        )
    );
    // credential-process never asks, but a source needs no one to ask.
    let out = with_path(&env, &bin, &["credential-process", "cmd"]).success();
    assert!(out.stdout.contains("\"SessionToken\""), "{}", out.stdout);

    // Failures: one error naming the command, exit code 7 (MFA).
    let out = with_path(&env, &bin, &["env", "fails"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "rolehop: error: mfa_process `code-fails` failed (exit status 2): vault is locked"
        ),
        "{}",
        out.stderr
    );
    let out = with_path(&env, &bin, &["env", "hangs"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("mfa_process `code-hangs` gave no code within 2 s and was stopped"),
        "{}",
        out.stderr
    );
    let out = with_path(&env, &bin, &["env", "missing"]);
    assert!(
        out.stderr
            .contains("\"no-such-otp-tool\" was not found on PATH"),
        "{}",
        out.stderr
    );
    // No ykman on PATH at all: one error with the fix.
    let out = run_detached(&env, &["env", "yk-nokey"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("ykman (YubiKey Manager) is not on PATH")
            && out.stderr.contains("pipx install yubikey-manager"),
        "{}",
        out.stderr
    );
}
