//! Shared integration-test harness: a real STS-compatible server (moto in server
//! mode) and a throwaway user environment for running the `rolehop` binary.
//!
//! Every test file pulls this in with `mod common;` and uses only part of it;
//! the rest would warn as dead code in that test binary, hence the allow.
//!
//! moto is installed by `scripts/test-deps` into `<crate>/.venv`. What moto
//! really does (and where it differs from AWS) is in `tests/it/common/MOTO_NOTES.md`.

#![allow(dead_code)]

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// `skip(reason)` then return, or `skip_part(reason)`: what could not run here
/// is counted and listed by `scripts/test` (the unit tests use the same file).
#[path = "../../../src/testskip.rs"]
mod testskip;
pub use testskip::{skip, skip_part};

/// How long one moto start may take before we give up (it takes ~0.5 s here).
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How many fresh ports to try when another process grabs ours first.
const START_ATTEMPTS: usize = 5;

/// Runs the server as a child of `sh`, which kills it as soon as our end of its
/// stdin closes. That happens on `Drop`, but also when the test process exits
/// without dropping (the `shared()` server lives in a static, which is never
/// dropped), so no moto is ever left running behind a test binary. It then
/// removes the temp dir too (TempDir's own cleanup never runs for a static),
/// unless a `keep` file asks to keep the log of a failed start. It ignores
/// SIGHUP so that a closing terminal cannot stop it before it has cleaned up.
/// `$0` is the moto_server binary, `$@` its arguments; the exit status is moto's.
const WATCHDOG: &str = r#"exec 3<&0
"$0" "$@" </dev/null 3<&- &
pid=$!
echo "$pid" > "$ROLEHOP_MOTO_DIR/moto.pid"
(
  trap '' HUP
  read -r _ <&3
  kill "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  [ -e "$ROLEHOP_MOTO_DIR/keep" ] || rm -rf "$ROLEHOP_MOTO_DIR"
) &
wait "$pid"
"#;

/// Defines `client()`, `sts`, `iam` and `json` for `Moto::python` snippets.
/// argv: endpoint, access key, secret key, session token ("" for none), snippet.
const PY_PRELUDE: &str = r#"import sys, json, textwrap, boto3
_endpoint, _key, _secret, _token, _snippet = sys.argv[1:6]
def client(service, key=_key, secret=_secret, token=(_token or None)):
    return boto3.client(service, endpoint_url=_endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token)
sts = client("sts")
iam = client("iam")
del sys.argv[1:]
exec(compile(textwrap.dedent(_snippet), "<snippet>", "exec"))
"#;

/// A moto server on 127.0.0.1 owned by this test process.
pub struct Moto {
    /// The `sh` watchdog; moto itself is its child (pid in `<dir>/moto.pid`).
    child: Child,
    port: u16,
    /// Holds the log, the request recording and the pid file; removed on drop.
    dir: tempfile::TempDir,
    log_path: PathBuf,
    recording_path: PathBuf,
    server_bin: PathBuf,
}

impl Moto {
    /// Starts moto_server on a free port of 127.0.0.1 and waits until it answers
    /// `GET /moto-api/` with 200 (~0.5 s; gives up after 20 s).
    ///
    /// The port comes from binding port 0; since it is released before moto
    /// binds it, another process can take it first: then moto exits with
    /// "Address already in use" and we retry with a new port (5 attempts).
    ///
    /// Binary: `$ROLEHOP_MOTO_SERVER`, else `<CARGO_MANIFEST_DIR>/.venv/bin/moto_server`.
    /// moto runs with a cleared environment (only PATH, HOME=<temp>, LANG), so
    /// stray `AWS_*`/`MOTO_*` variables (e.g. `MOTO_ACCOUNT_ID`) cannot change
    /// its behaviour. Request recording is turned on for `sts_request_count`.
    pub fn start() -> Moto {
        let server_bin = server_binary();
        let mut last_log = String::new();
        for _ in 0..START_ATTEMPTS {
            match Moto::try_start(&server_bin) {
                Ok(moto) => return moto,
                Err(StartError::PortTaken(log)) => last_log = log,
                Err(StartError::Failed(msg)) => panic!("{msg}"),
            }
        }
        panic!(
            "moto_server could not bind a free port in {START_ATTEMPTS} attempts; last log:\n{}",
            tail(&last_log, 30)
        );
    }

    fn try_start(server_bin: &Path) -> Result<Moto, StartError> {
        let port = free_port();
        let dir = tempfile::Builder::new()
            .prefix("rolehop-moto-")
            .tempdir()
            .expect("create moto temp dir");
        let log_path = dir.path().join("moto.log");
        let recording_path = dir.path().join("recording.jsonl");
        let log = fs::File::create(&log_path).expect("create moto log");
        let log_err = log.try_clone().expect("clone moto log handle");
        let child = Command::new("sh")
            .arg("-c")
            .arg(WATCHDOG)
            .arg(server_bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env_clear()
            .env("PATH", inherited_path())
            .env("HOME", dir.path())
            .env("LANG", "C.UTF-8")
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("MOTO_ENABLE_RECORDING", "1")
            .env("MOTO_RECORDER_FILEPATH", &recording_path)
            .env("ROLEHOP_MOTO_DIR", dir.path())
            .stdin(Stdio::piped())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn sh to run {}: {e}", server_bin.display()));
        // From here on `moto` owns the child: any early return drops (stops) it.
        let mut moto = Moto {
            child,
            port,
            dir,
            log_path,
            recording_path,
            server_bin: server_bin.into(),
        };

        // werkzeug prints this line only once it has bound the port; checking it
        // (and that our child is alive) makes sure the 200 comes from our moto,
        // not from some other server that took the port.
        let banner = format!("Running on http://127.0.0.1:{port}");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = moto.child.try_wait() {
                let log = moto.log();
                if log.contains("Address already in use")
                    || log.contains("is in use by another program")
                {
                    return Err(StartError::PortTaken(log));
                }
                moto.keep_dir();
                return Err(StartError::Failed(format!(
                    "moto_server ({}) exited with {status} before answering; log {}:\n{}",
                    moto.server_bin.display(),
                    moto.log_path.display(),
                    tail(&log, 30)
                )));
            }
            if moto.log().contains(&banner)
                && matches!(http(port, "GET", "/moto-api/", ""), Ok((200, _)))
            {
                return Ok(moto);
            }
            if Instant::now() > deadline {
                moto.keep_dir();
                return Err(StartError::Failed(format!(
                    "moto_server did not answer on port {port} within {START_TIMEOUT:?}; log {}:\n{}",
                    moto.log_path.display(),
                    tail(&moto.log(), 30)
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Keeps the temp dir (with the log) after a failed start, for a post-mortem.
    fn keep_dir(&mut self) {
        self.dir.disable_cleanup(true);
        let _ = fs::write(self.dir.path().join("keep"), "");
    }

    /// One server for every test of this test binary (= one `tests/*.rs` file),
    /// started on first use and killed when the process exits.
    ///
    /// State is shared: tests run in parallel against it, so each test must use
    /// its own account ids, role names, user names and session names, and must
    /// compare `sts_request_count` before/after rather than expect absolute
    /// numbers. Never call `enable_auth` on it (use `Moto::start()` instead).
    pub fn shared() -> &'static Moto {
        static SHARED: OnceLock<Moto> = OnceLock::new();
        SHARED.get_or_init(Moto::start)
    }

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL_STS` / `endpoint_url`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's combined stdout/stderr (werkzeug writes one line per request).
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Runs a Python snippet with boto3 in moto's venv and returns its stdout.
    /// The snippet sees `sts` and `iam` clients for this server (region
    /// us-east-1, keys "testing"/"testing"), `json`, and
    /// `client(service, key=..., secret=..., token=None)` for other credentials.
    /// It is dedented first, so an indented raw string literal is fine.
    /// Panics with stderr if Python fails. Note: once `enable_auth` was called,
    /// "testing" is an unknown key: use `python_as` with real keys.
    pub fn python(&self, snippet: &str) -> String {
        self.python_as("testing", "testing", None, snippet)
    }

    /// `python` with `sts`/`iam` (and `client()`'s default) signed by these keys.
    pub fn python_as(
        &self,
        access_key: &str,
        secret_key: &str,
        session_token: Option<&str>,
        snippet: &str,
    ) -> String {
        let out = Command::new(self.python_binary())
            .arg("-c")
            .arg(PY_PRELUDE)
            .args([
                &self.url(),
                access_key,
                secret_key,
                session_token.unwrap_or(""),
                snippet,
            ])
            // Only what we pass may configure boto3: no profile, file or env keys.
            .env_clear()
            .env("PATH", inherited_path())
            .env("HOME", self.dir.path())
            .env("LANG", "C.UTF-8")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .output()
            .expect("run python");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            panic!(
                "python snippet failed ({}):\n--- snippet ---\n{snippet}\n--- stderr ---\n{}\n--- stdout ---\n{stdout}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        stdout
    }

    /// The venv's python next to moto_server (it has boto3), else python3.
    fn python_binary(&self) -> PathBuf {
        let sibling = self.server_bin.with_file_name("python");
        if sibling.exists() {
            sibling
        } else {
            PathBuf::from("python3")
        }
    }

    /// Makes moto enforce IAM auth from now on: SigV4 signatures against known
    /// access keys, identity policies, role trust policies (incl. an
    /// `sts:ExternalId` StringEquals condition; note moto 5.2.5 lets a request
    /// with *no* ExternalId through). Auth errors come in moto's own XML (see MOTO_NOTES.md).
    /// It is a server-wide switch (posting "inf" turns it off again, but every
    /// concurrent test would see the flip), so only on a server of your own
    /// from `Moto::start()`, never on `shared()`. Create users, keys and roles
    /// *before* calling it: afterwards "testing"/"testing" is rejected too.
    pub fn enable_auth(&self) {
        // Body = number of requests still allowed without auth. No form
        // Content-Type: Flask would parse the body as a form and moto would
        // then read an empty string (500).
        match http(self.port, "POST", "/moto-api/reset-auth", "0") {
            Ok((200, _)) => {}
            other => panic!(
                "POST /moto-api/reset-auth failed: {other:?}\nlog tail:\n{}",
                tail(&self.log(), 20)
            ),
        }
    }

    /// How many STS requests with this `Action` (e.g. "AssumeRole",
    /// "GetCallerIdentity") the server has received so far, failed ones included.
    ///
    /// Not from the werkzeug log: it only says `"POST / HTTP/1.1" 200 -` for
    /// every STS *and* IAM call (the action is in the form body). Instead moto's
    /// request recorder (on for our servers) writes every request with its body
    /// to a JSON-lines file before handling it, so a request is counted by the
    /// time the client has its response. Requests signed for another service
    /// (e.g. `python()`'s IAM calls) are not counted.
    pub fn sts_request_count(&self, action: &str) -> usize {
        let text = fs::read_to_string(&self.recording_path).unwrap_or_default();
        // A stream of JSON values rather than lines: concurrent requests may
        // interleave their newlines.
        serde_json::Deserializer::from_str(&text)
            .into_iter::<serde_json::Value>()
            .filter_map(Result::ok)
            .filter(|entry| recorded_sts_action(entry).as_deref() == Some(action))
            .count()
    }
}

impl Drop for Moto {
    /// Closing the watchdog's stdin makes it kill moto; then reap it. If that
    /// hangs, kill moto and the watchdog directly.
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Ok(pid) = fs::read_to_string(self.dir.path().join("moto.pid")) {
            let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

enum StartError {
    /// moto lost the race for the port; the log, to show if every attempt does.
    PortTaken(String),
    Failed(String),
}

fn server_binary() -> PathBuf {
    let bin = match std::env::var_os("ROLEHOP_MOTO_SERVER") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server"),
    };
    if !bin.is_file() {
        panic!(
            "moto is not installed: run scripts/test-deps (README: Tests) [looked for {}]",
            bin.display()
        );
    }
    bin
}

/// Children get a cleared environment but still need to find sh, python, etc.
pub fn inherited_path() -> std::ffi::OsString {
    std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// Minimal HTTP/1.1 request to 127.0.0.1 (enough for moto-api): status + body.
fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response:.200}")))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// The `Action` of one recorded request, if it was an STS query request.
fn recorded_sts_action(entry: &serde_json::Value) -> Option<String> {
    if entry["url"]
        .as_str()
        .is_some_and(|url| url.contains("/moto-api/"))
    {
        return None;
    }
    // SigV4 credential scope: .../<region>/<service>/aws4_request. Unsigned
    // requests (e.g. AssumeRoleWithWebIdentity) carry none and are kept.
    let headers = entry["headers"].as_object()?;
    let auth = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.as_str());
    if auth.is_some_and(|a| !a.contains("/sts/aws4_request")) {
        return None;
    }
    let raw = entry["body"].as_str()?;
    let body = if entry["body_encoded"].as_bool() == Some(true) {
        String::from_utf8(base64_decode(raw)?).ok()?
    } else {
        raw.to_string()
    };
    body.split('&')
        .find_map(|pair| pair.strip_prefix("Action=").map(str::to_string))
}

/// Standard base64 (the recorder's body encoding); None on invalid input.
fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in input.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The last `n` lines of a log, for panic messages.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A throwaway user environment for running the real binary: a temp HOME with
/// a base profile in `~/.aws`, pointed at a moto server.
pub struct TestEnv {
    pub home: tempfile::TempDir,
    /// Moto's URL, given to the binary as `AWS_ENDPOINT_URL_STS`.
    pub endpoint: String,
}

impl TestEnv {
    /// Base credentials (not known to moto's IAM: fine while auth is off).
    pub const BASE_ACCESS_KEY_ID: &'static str = "AKIABASEEXAMPLE0001";
    pub const BASE_SECRET_ACCESS_KEY: &'static str = "base-secret";

    /// Temp HOME with `~/.aws/credentials` ([default] base keys) and
    /// `~/.aws/config` ([default] region=us-east-1). Bookmarks go to
    /// `$HOME/bookmarks.toml`, which is not created.
    pub fn new(moto: &Moto) -> TestEnv {
        let home = tempfile::Builder::new()
            .prefix("rolehop-home-")
            .tempdir()
            .expect("create temp HOME");
        let env = TestEnv {
            home,
            endpoint: moto.url(),
        };
        fs::create_dir_all(env.home.path().join(".aws")).expect("create ~/.aws");
        env.set_base_keys(Self::BASE_ACCESS_KEY_ID, Self::BASE_SECRET_ACCESS_KEY);
        fs::write(env.config_path(), "[default]\nregion = us-east-1\n")
            .expect("write ~/.aws/config");
        env
    }

    /// Rewrites `~/.aws/credentials` with a [default] profile holding these keys
    /// (e.g. an `AuthFixture` user's, for a server with auth enabled).
    pub fn set_base_keys(&self, access_key_id: &str, secret_access_key: &str) {
        fs::write(
            self.credentials_path(),
            format!("[default]\naws_access_key_id = {access_key_id}\naws_secret_access_key = {secret_access_key}\n"),
        )
        .expect("write ~/.aws/credentials");
    }

    pub fn bookmarks_path(&self) -> PathBuf {
        self.home.path().join("bookmarks.toml")
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.home.path().join(".aws/credentials")
    }

    pub fn config_path(&self) -> PathBuf {
        self.home.path().join(".aws/config")
    }

    /// `ROLEHOP_DATA_DIR` (not created: that is the binary's job).
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data")
    }

    /// `ROLEHOP_CACHE_DIR` (not created).
    pub fn cache_dir(&self) -> PathBuf {
        self.home.path().join("cache")
    }

    /// The rolehop binary with a clean environment (nothing of the developer's
    /// AWS setup leaks in), cwd = temp HOME, stdin null.
    /// `ROLEHOP_CONFIG` is the bookmarks file.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolehop"));
        cmd.env_clear()
            .env("PATH", inherited_path())
            .env("HOME", self.home.path())
            .env("USER", "tester")
            .env("LANG", "C.UTF-8")
            .env("TERM", "dumb")
            .env("SHELL", "/bin/sh")
            .env("ROLEHOP_CONFIG", self.bookmarks_path())
            .env("ROLEHOP_DATA_DIR", self.data_dir())
            .env("ROLEHOP_CACHE_DIR", self.cache_dir())
            // Never the developer's real keyring (macOS would use it).
            .env("ROLEHOP_CACHE_BACKEND", "file")
            .env("AWS_SHARED_CREDENTIALS_FILE", self.credentials_path())
            .env("AWS_CONFIG_FILE", self.config_path())
            .env("AWS_ENDPOINT_URL_STS", &self.endpoint)
            // `import organization`; also keeps any test off the internet.
            .env("AWS_ENDPOINT_URL_ORGANIZATIONS", &self.endpoint)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .current_dir(self.home.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the binary with `args` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.cmd();
        cmd.args(args);
        output(cmd)
    }
}

/// Makes `cmd` run in a new session without a controlling terminal (setsid),
/// so that opening /dev/tty fails as it does under CI, even when the tests
/// run in a developer's terminal.
pub fn detach_from_terminal(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    unsafe extern "C" {
        // From the C library std already links; no extra crate.
        fn setsid() -> i32;
    }
    // SAFETY: setsid is async-signal-safe, the only kind of call allowed
    // between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Runs any command to completion (stdin null unless the command set one),
/// e.g. a customised `TestEnv::cmd()` or a shell sourcing rolehop's output.
pub fn output(mut cmd: Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", cmd.get_program()));
    Output {
        // -1: killed by a signal.
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Result of `TestEnv::run` / `output`.
#[derive(Debug, Clone)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panics, showing both streams, unless the exit code is 0. Returns self,
    /// so `let out = env.run(..).success();` works.
    #[track_caller]
    pub fn success(self) -> Output {
        if self.code != 0 {
            panic!(
                "exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
                self.code, self.stdout, self.stderr
            );
        }
        self
    }

    /// Panics, showing both streams, if the exit code is 0.
    #[track_caller]
    pub fn failure(self) -> Output {
        if self.code == 0 {
            panic!(
                "unexpectedly succeeded\n--- stdout ---\n{}\n--- stderr ---\n{}",
                self.stdout, self.stderr
            );
        }
        self
    }
}

/// IAM principals for auth tests, in moto's default account 123456789012
/// (where moto puts every IAM user and role).
#[derive(Debug, Clone)]
pub struct AuthFixture {
    /// User `tester`: may assume both roles (identity policy + trust policies).
    pub user_arn: String,
    pub user_access_key: String,
    pub user_secret_key: String,
    /// User `nobody`: trusted by `OpenRole` but has no identity policy.
    pub nobody_arn: String,
    pub nobody_access_key: String,
    pub nobody_secret_key: String,
    /// `ExtRole`: trusts `tester` only with `sts:ExternalId` = `EXTERNAL_ID`.
    pub ext_role_arn: String,
    /// `OpenRole`: trusts `tester` and `nobody`, no conditions.
    pub open_role_arn: String,
}

impl AuthFixture {
    pub const EXTERNAL_ID: &'static str = "ext-123";
}

/// Creates the `AuthFixture` principals through IAM. Call it on a fresh
/// `Moto::start()` server *before* `enable_auth()` (the caller enables auth;
/// afterwards only these keys are accepted). Names are fixed, so once per server.
pub fn setup_auth_fixture(moto: &Moto) -> AuthFixture {
    let out = moto.python(
        r#"
        def user(name):
            arn = iam.create_user(UserName=name)["User"]["Arn"]
            key = iam.create_access_key(UserName=name)["AccessKey"]
            return arn, key["AccessKeyId"], key["SecretAccessKey"]
        def role(name, principals, condition=None):
            stmt = {"Effect": "Allow", "Principal": {"AWS": principals}, "Action": "sts:AssumeRole"}
            if condition:
                stmt["Condition"] = condition
            doc = {"Version": "2012-10-17", "Statement": [stmt]}
            return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(doc))["Role"]["Arn"]
        tester = user("tester")
        nobody = user("nobody")
        ext = role("ExtRole", tester[0], {"StringEquals": {"sts:ExternalId": "ext-123"}})
        open_ = role("OpenRole", [tester[0], nobody[0]])
        iam.put_user_policy(UserName="tester", PolicyName="assume-roles", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [ext, open_]}],
        }))
        print(json.dumps({"tester": tester, "nobody": nobody, "ext": ext, "open": open_}))
        "#,
    );
    let v: serde_json::Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("fixture output {out:?}: {e}"));
    let s = |v: &serde_json::Value| v.as_str().expect("fixture string").to_string();
    AuthFixture {
        user_arn: s(&v["tester"][0]),
        user_access_key: s(&v["tester"][1]),
        user_secret_key: s(&v["tester"][2]),
        nobody_arn: s(&v["nobody"][0]),
        nobody_access_key: s(&v["nobody"][1]),
        nobody_secret_key: s(&v["nobody"][2]),
        ext_role_arn: s(&v["ext"]),
        open_role_arn: s(&v["open"]),
    }
}

/// `export K='V'` lines (the bash syntax of `rolehop env`) as a map.
pub fn exports_of(stdout: &str) -> std::collections::BTreeMap<String, String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('\'').to_owned()))
        .collect()
}
