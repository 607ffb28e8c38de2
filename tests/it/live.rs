//! Live credentials end to end: `rolehop exec` serving its child over the
//! container credentials protocol, read by real SDK clients (the AWS CLI,
//! boto3, the Rust SDK) against moto, across renewals; the endpoint's
//! checks; exit codes and signals; the MFA notice and `rolehop mfa`; nested
//! hops through the serving rolehop; `rolehop prompt`; the agent.
//!
//! Renewals are brought near with a 15-minute session and a refresh window
//! just under it (`890s`): the endpoint then renews every few seconds.

use crate::common;

use common::{Moto, TestEnv};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const MFA_SERIAL: &str = "arn:aws:iam::123456789012:mfa/tester";

fn venv_bin(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    assert!(
        p.exists(),
        "{} is missing: run scripts/test-deps",
        p.display()
    );
    p.display().to_string()
}

/// Bookmark `dev` (15 min sessions) renewed every few seconds, and `other`.
fn live_env() -> TestEnv {
    let env = TestEnv::new(Moto::shared());
    std::fs::write(
        env.bookmarks_path(),
        "[settings]\nrefresh_window = \"890s\"\n\n\
         [bookmarks.dev]\naccount = \"111111111111\"\nrole = \"LiveDev\"\nduration = \"15m\"\n\n\
         [bookmarks.other]\naccount = \"222222222222\"\nrole = \"LiveOther\"\nduration = \"15m\"\n",
    )
    .unwrap();
    env
}

/// A Python snippet that calls STS through the default chain every 0.3 s
/// for `secs` seconds and prints `keys=N fails=M last=ARN`.
pub(crate) fn boto_loop(secs: u32) -> String {
    format!(
        r#"
import boto3, time
s = boto3.session.Session()
sts = s.client("sts", region_name="us-east-1")
keys, fails, arn = set(), 0, ""
end = time.time() + {secs}
while time.time() < end:
    try:
        keys.add(s.get_credentials().get_frozen_credentials().access_key)
        arn = sts.get_caller_identity()["Arn"]
    except Exception as e:
        fails += 1
        print("fail", e)
    time.sleep(0.3)
print("keys=%d fails=%d last=%s" % (len(keys), fails, arn))
"#
    )
}

pub(crate) fn field<'a>(out: &'a str, key: &str) -> &'a str {
    out.split_whitespace()
        .find_map(|w| w.strip_prefix(key))
        .unwrap_or_else(|| panic!("no {key} in {out}"))
}

#[test]
fn boto3_and_the_aws_cli_keep_working_across_renewals() {
    let env = live_env();
    // boto3 calls throughout; the AWS CLI runs four times, a few seconds apart.
    let aws = venv_bin("aws");
    let script = format!(
        "{py} -c '{boto}' > boto.out &\n\
         for i in 1 2 3 4; do {aws} sts get-caller-identity --query Arn --output text || echo CLIFAIL; sleep 3; done\n\
         wait\ncat boto.out",
        py = venv_bin("python"),
        boto = boto_loop(13),
    );
    let out = env
        .run(&["exec", "dev", "--", "sh", "-c", &script])
        .success();
    let cli: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("arn:") || l.contains("CLIFAIL"))
        .collect();
    assert_eq!(
        cli,
        vec!["arn:aws:sts::111111111111:assumed-role/LiveDev/tester"; 4],
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let summary = out.stdout.lines().last().unwrap();
    assert_eq!(field(summary, "fails="), "0", "{}", out.stdout);
    // At least two renewals: three different keys seen by one client.
    let keys: u32 = field(summary, "keys=").parse().unwrap();
    assert!(keys >= 3, "{summary}");
    assert_eq!(
        field(summary, "last="),
        "arn:aws:sts::111111111111:assumed-role/LiveDev/tester"
    );
}

/// Start `rolehop exec dev -- sh -c 'write the endpoint to a file; sleep'`
/// and wait for the file: (child, uri, token).
fn serving(
    env: &TestEnv,
    extra_env: &[(&str, &str)],
    secs: u32,
) -> (std::process::Child, String, String) {
    let file = env
        .home
        .path()
        .join(format!("endpoint-{}", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let script = format!(
        "printf '%s %s' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\" > {tmp}.tmp && mv {tmp}.tmp {tmp}; sleep {secs}",
        tmp = file.display()
    );
    let mut cmd = env.cmd();
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.args(["exec", "dev", "--", "sh", "-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
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
    let (uri, token) = text.split_once(' ').unwrap();
    (child, uri.to_owned(), token.to_owned())
}

/// One raw HTTP request; (status, body).
fn raw(port: u16, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

pub(crate) fn port_and_path(uri: &str) -> (u16, String) {
    let rest = uri.strip_prefix("http://127.0.0.1:").unwrap();
    let (port, path) = rest.split_at(rest.find('/').unwrap());
    (port.parse().unwrap(), path.to_owned())
}

#[test]
fn the_endpoint_refuses_strangers_and_closes_with_the_child() {
    let env = live_env();
    let (mut child, uri, token) = serving(&env, &[], 4);
    let (port, path) = port_and_path(&uri);
    assert!(token.len() >= 64, "32 random bytes, hex: {token}");
    let host = format!("127.0.0.1:{port}");
    let get = |host: &str, auth: Option<&str>, extra: &str| {
        let auth = auth
            .map(|t| format!("Authorization: {t}\r\n"))
            .unwrap_or_default();
        raw(
            port,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}{extra}Connection: close\r\n\r\n"
            ),
        )
    };
    let (status, body) = get(&host, Some(&token), "");
    assert_eq!(status, 200, "{body}");
    let creds: serde_json::Value = serde_json::from_str(&body).unwrap();
    let secret = creds["SecretAccessKey"].as_str().unwrap().to_owned();
    let session = creds["Token"].as_str().unwrap().to_owned();
    assert!(creds["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(creds["Expiration"].as_str().unwrap().ends_with('Z'));

    // Flip the last digit; appending a fixed one would equal the token 1 run in 16.
    let (head, last) = token.split_at(token.len() - 1);
    let wrong = format!("{head}{}", if last == "0" { "1" } else { "0" });
    assert_ne!(wrong, token);
    for (what, (status, body)) in [
        ("no token", get(&host, None, "")),
        ("a wrong token", get(&host, Some(&wrong), "")),
        (
            "a foreign Host",
            get(&format!("localhost:{port}"), Some(&token), ""),
        ),
        (
            "a rebinding Host",
            get("attacker.example:80", Some(&token), ""),
        ),
        (
            "an Origin",
            get(&host, Some(&token), "Origin: https://attacker.example\r\n"),
        ),
    ] {
        assert_eq!(status, 403, "{what}: {body}");
        assert!(body.contains("\"Code\":\"AccessDenied\""), "{what}: {body}");
        for s in [&token, &secret, &session] {
            assert!(!body.contains(s.as_str()), "{what} leaked a secret: {body}");
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    for s in [&token, &secret, &session] {
        assert!(
            !stderr.contains(s.as_str()),
            "stderr leaked a secret: {stderr}"
        );
    }
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port is closed once the child exited"
    );
}

/// Run inside the live shell by the test below (this test binary calls
/// itself): the Rust SDK's default chain, as any Rust program has it.
/// Ignored, so that a run of the suite does not count it as a passed test.
#[test]
#[ignore = "run by live::the_rust_sdk_reads_the_endpoint_across_renewals in its live shell"]
fn rust_sdk_probe() {
    if std::env::var_os("ROLEHOP_LIVE_PROBE").is_none() {
        common::skip("only runs inside the live shell of the test that starts it");
        return;
    }
    use aws_credential_types::provider::ProvideCredentials;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .load()
            .await;
        let provider = conf.credentials_provider().expect("a default chain");
        // Ask the chain on every call, as a client running for many sessions would.
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&conf)
                .identity_cache(aws_sdk_sts::config::IdentityCache::no_cache())
                .build(),
        );
        let (mut keys, mut fails, mut arn) = (std::collections::BTreeSet::new(), 0, String::new());
        let end = Instant::now() + Duration::from_secs(12);
        while Instant::now() < end {
            match provider.provide_credentials().await {
                Ok(c) => {
                    keys.insert(c.access_key_id().to_owned());
                }
                Err(e) => {
                    fails += 1;
                    eprintln!("provider: {e}");
                }
            }
            match sts.get_caller_identity().send().await {
                Ok(id) => arn = id.arn().unwrap_or_default().to_owned(),
                Err(e) => {
                    fails += 1;
                    eprintln!("sts: {e:?}");
                }
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        println!("PROBE keys={} fails={fails} last={arn}", keys.len());
    });
}

#[test]
fn the_rust_sdk_reads_the_endpoint_across_renewals() {
    let env = live_env();
    let me = std::env::current_exe().unwrap();
    let mut cmd = env.cmd();
    cmd.env("ROLEHOP_LIVE_PROBE", "1")
        .args(["exec", "dev", "--"])
        .arg(&me)
        .args([
            "live::rust_sdk_probe",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ]);
    let out = common::output(cmd).success();
    let line = out
        .stdout
        .lines()
        .find_map(|l| l.split_once("PROBE ").map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("no probe output:\n{}\n{}", out.stdout, out.stderr));
    assert_eq!(field(line, "fails="), "0", "{}", out.stderr);
    let keys: u32 = field(line, "keys=").parse().unwrap();
    assert!(keys >= 3, "at least two renewals: {line}");
    assert_eq!(
        field(line, "last="),
        "arn:aws:sts::111111111111:assumed-role/LiveDev/tester"
    );
}

#[test]
fn exit_codes_and_signals_pass_through() {
    let env = live_env();
    assert_eq!(
        env.run(&["exec", "dev", "--", "sh", "-c", "exit 42"]).code,
        42
    );
    assert_eq!(
        env.run(&["exec", "dev", "--", "sh", "-c", "kill -KILL $$"])
            .code,
        128 + 9,
        "a signal is 128+N, as in shells"
    );
    // Signals sent to rolehop reach the child (which exits with its own code).
    for (signal, name, code) in [
        (libc::SIGTERM, "TERM", 5),
        (libc::SIGINT, "INT", 6),
        (libc::SIGHUP, "HUP", 7),
    ] {
        let script = format!("trap 'exit {code}' {name}; echo ready; while :; do sleep 0.05; done");
        let mut cmd = env.cmd();
        cmd.args(["exec", "dev", "--", "sh", "-c", &script])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready");
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "SIG{name} forwarded");
    }
}

/// `rolehop exec` with a code, in a shell whose MFA session ends soon: the
/// notice comes once, the endpoint keeps serving, `rolehop mfa CODE`
/// renews inside the shell.
#[test]
fn a_renewal_that_needs_a_code_is_announced_and_rolehop_mfa_gives_it() {
    let env = live_env();
    std::fs::write(
        env.bookmarks_path(),
        format!(
            "[settings]\nrefresh_window = \"890s\"\nmfa_session_duration = \"15m\"\n\n\
             [bookmarks.prod]\naccount = \"333333333333\"\nrole = \"LiveProd\"\nduration = \"15m\"\nmfa_serial = \"{MFA_SERIAL}\"\n"
        ),
    )
    .unwrap();
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    // The MFA session (15 min, window 890 s) stops being usable 10 s in:
    // the renewal after that needs a code.
    let script = format!(
        "sleep 14; {rolehop} prompt; {rolehop} mfa 222222; {py} -c '{boto}'",
        py = venv_bin("python"),
        boto = boto_loop(2),
    );
    let mut cmd = env.cmd();
    common::detach_from_terminal(&mut cmd);
    cmd.args([
        "exec",
        "prod",
        "--allow-hops",
        "--mfa-code",
        "111111",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    let out = common::output(cmd).success();
    let notices: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("needs a fresh MFA code"))
        .collect();
    assert_eq!(notices.len(), 1, "told once: {}", out.stderr);
    assert!(
        notices[0].starts_with("rolehop: prod needs a fresh MFA code within ")
            && notices[0].ends_with(": run rolehop mfa"),
        "{}",
        notices[0]
    );
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("prod ") && lines[0].ends_with(" mfa"),
        "prompt: {}",
        out.stdout
    );
    assert!(
        lines[1].starts_with("rolehop: prod renewed with the new MFA code; live until "),
        "{}",
        out.stdout
    );
    let summary = lines.last().unwrap();
    assert_eq!(field(summary, "fails="), "0", "{}", out.stdout);
    assert_eq!(
        field(summary, "last="),
        "arn:aws:sts::333333333333:assumed-role/LiveProd/tester"
    );
    // Outside a live shell there is nothing to give a code to.
    let out = env.run(&["mfa"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("nothing to renew"), "{}", out.stdout);
}

#[test]
fn an_mfa_process_renews_across_the_end_of_the_mfa_session_with_no_one_typing() {
    use std::os::unix::fs::PermissionsExt;
    let env = live_env();
    let log = env.home.path().join("codes.log");
    let otp = env.home.path().join("otp");
    // Like a TOTP device: a new code every 30 s window.
    std::fs::write(
        &otp,
        format!(
            "#!/bin/sh\necho call >> {}\necho $(( $(date +%s) / 30 % 900000 + 100000 ))\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&otp, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(
        env.bookmarks_path(),
        format!(
            "[settings]\nrefresh_window = \"890s\"\nmfa_session_duration = \"15m\"\nmfa_process = \"{}\"\n\n\
             [bookmarks.prod]\naccount = \"333333333333\"\nrole = \"LiveProd\"\nduration = \"15m\"\nmfa_serial = \"{MFA_SERIAL}\"\n",
            otp.display()
        ),
    )
    .unwrap();
    // The MFA session stops being usable 10 s in; the next code may have to
    // wait for the device's next window (up to 30 s): 40 s sees at least one
    // renewal that needed a new MFA session.
    let mut cmd = env.cmd();
    common::detach_from_terminal(&mut cmd);
    cmd.args([
        "exec",
        "prod",
        "--",
        &venv_bin("python"),
        "-c",
        &boto_loop(40),
    ]);
    let out = common::output(cmd).success();
    assert!(
        !out.stderr.contains("needs a fresh MFA code"),
        "no one was asked: {}",
        out.stderr
    );
    // Nothing to act on, so nothing on the child's terminal (issue 18, 11).
    assert!(
        !out.stderr.contains("waiting") && !out.stderr.contains("MFA code"),
        "a renewal no one acts on is silent: {}",
        out.stderr
    );
    let summary = out.stdout.lines().last().unwrap();
    assert_eq!(field(summary, "fails="), "0", "{}", out.stdout);
    let keys: usize = field(summary, "keys=").parse().unwrap();
    assert!(keys >= 2, "renewed: {summary}");
    let calls = std::fs::read_to_string(&log).unwrap().lines().count();
    assert!(calls >= 2, "the first code and a renewal's: {calls}");
}

#[test]
fn nested_hops_go_through_the_serving_rolehop_and_carry_no_base_secret() {
    let env = live_env();
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    let who = "import boto3; print(boto3.client(\"sts\", region_name=\"us-east-1\").get_caller_identity()[\"Arn\"])";
    let script = format!(
        "echo outer=$AWS_CONTAINER_CREDENTIALS_FULL_URI; \
         {rolehop} exec other --allow-hops -- sh -c 'echo inner=$AWS_CONTAINER_CREDENTIALS_FULL_URI depth=$ROLEHOP_DEPTH; env > inner.env; {py} -c \"$0\"' '{who}'; \
         {rolehop} whoami | head -1",
        py = venv_bin("python"),
    );
    // Base keys in the environment, the case where copying them would leak.
    let mut cmd = env.cmd();
    cmd.env("AWS_ACCESS_KEY_ID", TestEnv::BASE_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", TestEnv::BASE_SECRET_ACCESS_KEY)
        .args(["exec", "dev", "--allow-hops", "--", "sh", "-c", &script]);
    let out = common::output(cmd).success();
    let get = |key: &str| {
        out.stdout
            .split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key}: {}\n{}", out.stdout, out.stderr))
            .to_owned()
    };
    let (outer, inner) = (get("outer="), get("inner="));
    assert_eq!(
        port_and_path(&outer).0,
        port_and_path(&inner).0,
        "one server"
    );
    assert_ne!(outer, inner, "a route of its own");
    assert_eq!(get("depth="), "2");
    assert!(
        out.stdout
            .contains("arn:aws:sts::222222222222:assumed-role/LiveOther/tester"),
        "{}",
        out.stdout
    );
    // whoami in the live shell: the base identity, from the serving rolehop.
    assert!(
        out.stdout.lines().last().unwrap().contains("user/"),
        "{}",
        out.stdout
    );
    let inner_env = std::fs::read_to_string(env.home.path().join("inner.env")).unwrap();
    assert!(
        !inner_env.contains(TestEnv::BASE_SECRET_ACCESS_KEY),
        "{inner_env}"
    );
    assert!(
        !inner_env.contains(TestEnv::BASE_ACCESS_KEY_ID),
        "{inner_env}"
    );
}

#[test]
fn prompt_shows_what_the_endpoint_serves() {
    let env = live_env();
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    let out = env
        .run(&[
            "exec",
            "dev",
            "--",
            rolehop,
            "prompt",
            "--format",
            "{name}|{left}|{account}",
        ])
        .success();
    let f: Vec<&str> = out.stdout.trim().split('|').collect();
    assert_eq!(f[0], "dev");
    assert!(f[1] == "14m" || f[1] == "15m", "{}", out.stdout);
    assert_eq!(f[2], "111111111111");
}

/// Stops the test's agent however the test ends (it is detached).
pub(crate) struct StopAgent<'a>(pub(crate) &'a TestEnv, pub(crate) PathBuf);

impl Drop for StopAgent<'_> {
    fn drop(&mut self) {
        let mut cmd = self.0.cmd();
        cmd.env("ROLEHOP_RUNTIME_DIR", &self.1)
            .args(["agent", "stop"]);
        let _ = cmd.output();
    }
}

/// `program` with exactly the environment `TestEnv::cmd` gives rolehop.
fn like_rolehop(env: &TestEnv, program: &str) -> std::process::Command {
    let template = env.cmd();
    let mut cmd = std::process::Command::new(program);
    cmd.env_clear().current_dir(env.home.path());
    for (k, v) in template.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    cmd
}

/// `ROLEHOP_RUNTIME_DIR` in a shared place where another user put a link to
/// the victim's home: the agent refuses it by name, the home keeps its mode
/// and gets no socket. A real directory that is not private is refused
/// too, not chmodded.
#[test]
fn the_agent_refuses_a_runtime_dir_that_is_a_link_or_not_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = live_env();
    let victim = env.home.path().join("victim-home");
    std::fs::create_dir(&victim).unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o755)).unwrap();
    let link = env.home.path().join("shared-run");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let open = env.home.path().join("open-run");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (dir, says) in [(&link, "is a symlink to"), (&open, "is mode 0755")] {
        for args in [
            &["agent", "run"][..],
            &["env", "dev", "--live", "--shell", "bash"],
        ] {
            let mut cmd = env.cmd();
            // Bounded even where the refusal is missing: the agent leaves at once.
            cmd.env("ROLEHOP_RUNTIME_DIR", dir)
                .env("ROLEHOP_AGENT_IDLE", "1s")
                .args(args);
            let out = common::output(cmd);
            assert_ne!(out.code, 0, "{args:?} in {}: {}", dir.display(), out.stderr);
            assert!(
                out.stderr.contains(&dir.display().to_string()) && out.stderr.contains(says),
                "{args:?}: {}",
                out.stderr
            );
        }
    }
    assert_eq!(mode(&victim), 0o755);
    assert_eq!(mode(&open), 0o755);
    for d in [&victim, &open] {
        let names: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(names.is_empty(), "{}: {names:?}", d.display());
    }
}

#[test]
fn the_agent_starts_on_demand_serves_env_live_and_exits_when_idle() {
    let env = live_env();
    let run_dir = env.home.path().join("run");
    let _stop = StopAgent(&env, run_dir.clone());
    let with = |args: &[&str], idle: &str| {
        let mut cmd = env.cmd();
        cmd.env("ROLEHOP_RUNTIME_DIR", &run_dir)
            .env("ROLEHOP_AGENT_IDLE", idle)
            .args(args);
        common::output(cmd)
    };
    assert_eq!(with(&["agent", "status"], "1h").code, 3, "no agent yet");
    // A stale socket from a killed agent is no obstacle.
    // `agent status` made the directory (0700): the socket goes in it.
    drop(std::os::unix::net::UnixListener::bind(run_dir.join("agent.sock")).unwrap());

    let first = with(&["env", "dev", "--live", "--shell", "bash"], "1h").success();
    assert!(
        first
            .stdout
            .contains("export AWS_CONTAINER_CREDENTIALS_FULL_URI=")
            && first.stdout.contains("unset AWS_ACCESS_KEY_ID"),
        "{}",
        first.stdout
    );
    let status = with(&["agent", "status", "--json"], "1h").success();
    let v: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let pid = v["pid"].as_u64().unwrap();
    assert_eq!(v["routes"].as_array().unwrap().len(), 1);
    let mode = std::fs::metadata(run_dir.join("agent.sock")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(mode.permissions().mode() & 0o777, 0o600);

    // Sourced by bash: an AWS call in "this shell" runs as the role.
    let script = format!(
        "{exports}\n{py} -c 'import boto3; print(boto3.client(\"sts\", region_name=\"us-east-1\").get_caller_identity()[\"Arn\"])'",
        exports = first.stdout,
        py = venv_bin("python"),
    );
    let mut bash = like_rolehop(&env, "bash");
    bash.arg("-c").arg(&script);
    let out = common::output(bash).success();
    assert_eq!(
        out.stdout.trim(),
        "arn:aws:sts::111111111111:assumed-role/LiveDev/tester"
    );

    // A second export reuses the same agent.
    with(&["env", "other", "--live", "--shell", "bash"], "1h").success();
    let v: serde_json::Value =
        serde_json::from_str(&with(&["agent", "status", "--json"], "1h").stdout).unwrap();
    assert_eq!(v["pid"].as_u64().unwrap(), pid);
    assert_eq!(v["routes"].as_array().unwrap().len(), 2);
    assert!(with(&["agent", "stop"], "1h").stdout.contains("Stopped"));
    assert_eq!(with(&["agent", "status"], "1h").code, 3);

    // Idle exit: an agent nobody asks leaves by itself.
    with(&["env", "dev", "--live"], "1s").success();
    let deadline = Instant::now() + Duration::from_secs(15);
    while with(&["agent", "status"], "1s").code == 0 {
        assert!(
            Instant::now() < deadline,
            "the agent did not exit when idle"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        !run_dir.join("agent.sock").exists(),
        "its socket is removed"
    );
}

/// However many clients ask, one renewal is one STS call: 50 boto3
/// sessions polling the endpoint while it renews every few seconds.
#[test]
fn fifty_clients_cost_one_sts_call_per_renewal() {
    let moto = Moto::start();
    let env = TestEnv::new(&moto);
    std::fs::write(
        env.bookmarks_path(),
        "[settings]\nrefresh_window = \"890s\"\n\n\
         [bookmarks.dev]\naccount = \"111111111111\"\nrole = \"LiveDev\"\nduration = \"15m\"\n",
    )
    .unwrap();
    let clients = r#"
import boto3, threading, time
keys, fails, lock = set(), [0], threading.Lock()
def client():
    s = boto3.session.Session()
    end = time.time() + 11
    while time.time() < end:
        try:
            k = s.get_credentials().get_frozen_credentials().access_key
            with lock:
                keys.add(k)
        except Exception as e:
            with lock:
                fails[0] += 1
        time.sleep(0.1)
threads = [threading.Thread(target=client) for _ in range(50)]
[t.start() for t in threads]
[t.join() for t in threads]
print("keys=%d fails=%d" % (len(keys), fails[0]))
"#;
    let before = moto.sts_request_count("AssumeRole");
    let out = env
        .run(&["exec", "dev", "--", &venv_bin("python"), "-c", clients])
        .success();
    let assumed = moto.sts_request_count("AssumeRole") - before;
    let line = out.stdout.lines().last().unwrap();
    assert_eq!(field(line, "fails="), "0", "{}", out.stdout);
    let keys: usize = field(line, "keys=").parse().unwrap();
    assert!(keys >= 3, "renewed at least twice: {line}");
    // Every session the clients saw came from one AssumeRole, and nothing
    // else was asked of STS; a renewal done just as the child exits may
    // not have been seen.
    assert!(
        assumed == keys || assumed == keys + 1,
        "{assumed} AssumeRole calls for {keys} sessions seen"
    );
}

/// The AWS SDK for JavaScript v2 in a live shell whose `[default]` profile
/// holds base keys: its chain tries that profile before the container
/// endpoint, and honours the hidden credentials file only with
/// AWS_SDK_LOAD_CONFIG set. Every call must run as the role.
#[test]
fn the_js_sdk_v2_runs_as_the_role_not_the_base_identity() {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/node/node_modules/aws-sdk");
    let node_ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !sdk.exists() || !node_ok {
        common::skip(
            "node or the JS SDK v2 is missing (scripts/test-deps installs it where npm exists)",
        );
        return;
    }
    let env = live_env();
    let script = format!(
        r#"const AWS = require({sdk:?});
const sts = new AWS.STS({{ region: "us-east-1", endpoint: process.env.AWS_ENDPOINT_URL_STS }});
sts.getCallerIdentity({{}}, (err, data) => {{
  if (err) {{ console.log("fail " + err.code); process.exit(1); }}
  console.log("arn=" + data.Arn);
}});"#,
        sdk = sdk.display().to_string()
    );
    let out = env
        .run(&["exec", "dev", "--", "node", "-e", &script])
        .success();
    assert!(
        out.stdout
            .contains("arn=arn:aws:sts::111111111111:assumed-role/LiveDev/"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}
