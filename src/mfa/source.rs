//! MFA codes without typing: the output of a command (`mfa_process`, the
//! convention of aws-vault and of password managers' CLIs) or the OATH code
//! of a YubiKey (`mfa_yubikey`, read with Yubico's `ykman`).
//!
//! Blocking on purpose (a child process and two reader threads): the CLI
//! calls it directly, the picker and the live endpoint from
//! `spawn_blocking`. The command runs without a shell (its words split as a
//! shell would), in its own process group so a timeout kills all of it.

use crate::error::Error;
use rolehop_files::bookmarks::MfaSource;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a source may take (a password manager's unlock, a touch).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// `ROLEHOP_MFA_TIMEOUT` (a duration like "20s") or one minute.
pub fn timeout() -> Duration {
    std::env::var("ROLEHOP_MFA_TIMEOUT")
        .ok()
        .and_then(|v| humantime::parse_duration(v.trim()).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// What runs for `source`, and how messages name it.
fn command(source: &MfaSource, serial: &str) -> Option<(Vec<String>, String)> {
    let ykman = |account: &str| {
        (
            // `--`: an account name that starts with `-` is not an option.
            [
                "ykman", "oath", "accounts", "code", "--single", "--", account,
            ]
            .map(String::from)
            .to_vec(),
            format!("ykman (YubiKey OATH account {account:?})"),
        )
    };
    match source {
        // Checked when the file was loaded: it splits into at least one word.
        MfaSource::Process(text) => Some((
            shell_words::split(text).ok()?,
            format!("mfa_process `{text}`"),
        )),
        MfaSource::YubiKey(account) => Some(ykman(account)),
        MfaSource::YubiKeySerial => Some(ykman(serial)),
        MfaSource::Ask => None,
    }
}

/// Where the code for `bookmark` (device `serial`) comes from, for the prompt
/// line of the picker and the terminal: "your YubiKey", "mfa_process `op`".
pub fn describe(source: &MfaSource) -> String {
    match source {
        MfaSource::Process(text) => format!("mfa_process `{text}`"),
        MfaSource::YubiKey(_) | MfaSource::YubiKeySerial => "your YubiKey".into(),
        MfaSource::Ask => "you".into(),
    }
}

/// The code from `source`: after `wait` when the device's current code was
/// already used (the source would give the same one), within [`timeout`].
/// `say` gets what the user should see meanwhile: "touch your YubiKey", the
/// command's own stderr lines.
pub fn code(
    source: &MfaSource,
    bookmark: &str,
    serial: &str,
    wait: Option<Duration>,
    say: &(dyn Fn(String) + Sync),
) -> Result<String, Error> {
    let Some((argv, name)) = command(source, serial) else {
        return Err(Error::Mfa {
            message: format!("bookmark \"{bookmark}\" has no MFA code source"),
            hint: None,
        });
    };
    if let Some(w) = wait {
        say(format!(
            "waiting {} s for {bookmark}'s next MFA code (the current one was used)",
            w.as_secs()
        ));
        std::thread::sleep(w);
    }
    let yubikey = !matches!(source, MfaSource::Process(_));
    let run = run(&argv, timeout(), &|line: &str| {
        if yubikey && line.to_ascii_lowercase().contains("touch") {
            say(format!("touch your YubiKey for {bookmark}'s MFA code"));
        } else if !yubikey {
            say(format!("{name}: {line}"));
        }
    });
    let out = match run {
        Ok(out) => out,
        Err(RunError::NotFound) if yubikey => {
            return Err(Error::Mfa {
                message: format!("bookmark \"{bookmark}\" reads its MFA code from a YubiKey, but ykman (YubiKey Manager) is not on PATH"),
                hint: Some("install it (`pipx install yubikey-manager`, `brew install ykman`, or your distribution's yubikey-manager package), or remove mfa_yubikey to type codes".into()),
            });
        }
        Err(RunError::NotFound) => {
            return Err(Error::Mfa {
                message: format!("{name}: {:?} was not found on PATH", argv[0]),
                hint: Some("fix mfa_process in the bookmarks file (it runs without a shell; for pipes write sh -c '...')".into()),
            });
        }
        Err(RunError::Spawn(e)) => {
            return Err(Error::Mfa {
                message: format!("{name}: cannot run it: {e}"),
                hint: None,
            });
        }
        Err(RunError::OutputHeld) => {
            return Err(Error::Mfa {
                message: format!("{name} exited but left a process holding its output open"),
                hint: Some("the command must print the code and exit; do not leave background processes (`&`)".into()),
            });
        }
        Err(RunError::TimedOut(t)) => {
            return Err(Error::Mfa {
                message: format!(
                    "{name} gave no code within {} s and was stopped",
                    t.as_secs()
                ),
                hint: Some(if yubikey {
                    "touch the YubiKey when it blinks; ROLEHOP_MFA_TIMEOUT sets how long to wait"
                        .into()
                } else {
                    "ROLEHOP_MFA_TIMEOUT sets how long to wait (e.g. 2m)".into()
                }),
            });
        }
    };
    if !out.status.success() {
        let why = out
            .stderr
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!(": {}", crate::text::sanitize(l.trim())))
            .unwrap_or_default();
        let no_key = out
            .stderr
            .iter()
            .any(|l| l.to_ascii_lowercase().contains("no yubikey"));
        return Err(Error::Mfa {
            message: format!("{name} failed ({}){why}", describe_status(out.status)),
            hint: Some(if yubikey && no_key {
                "insert your YubiKey and try again".into()
            } else if yubikey {
                format!(
                    "check the account name with `ykman oath accounts list` (mfa_yubikey = true uses the MFA serial {serial:?})"
                )
            } else {
                "run the command yourself to see why; it must print only the current 6-digit code"
                    .into()
            }),
        });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let text = text.trim();
    if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(text.to_owned());
    }
    // Never echo the output: a misconfigured command may print a secret.
    Err(Error::Mfa {
        message: format!(
            "{name} printed {} characters, not a 6-digit MFA code",
            text.chars().count()
        ),
        hint: Some("it must print only the current code (a trailing newline is fine)".into()),
    })
}

/// [`code`] from async code (the picker, the live endpoint), for bookmark
/// `bookmark` with `source` (None: it has none, so None). The wait is a timer
/// that dies with its task, the command runs on a blocking thread, and what
/// the source says reaches `say` sanitized (it is shown on a screen).
pub async fn code_async(
    source: Option<&MfaSource>,
    bookmark: &str,
    serial: &str,
    wait: Option<Duration>,
    say: impl Fn(String) + Send + Sync + 'static,
) -> Option<Result<String, Error>> {
    let (source, bookmark, serial) = (source?.clone(), bookmark.to_owned(), serial.to_owned());
    let say = move |line: String| say(crate::text::sanitize(&line));
    Some(code_after(source, bookmark, serial, wait, say).await)
}

async fn code_after(
    source: MfaSource,
    bookmark: String,
    serial: String,
    wait: Option<Duration>,
    say: impl Fn(String) + Send + Sync + 'static,
) -> Result<String, Error> {
    if let Some(w) = wait {
        say(format!(
            "waiting {} s for {bookmark}'s next MFA code (the current one was used)",
            w.as_secs()
        ));
        tokio::time::sleep(w).await;
    }
    tokio::task::spawn_blocking(move || code(&source, &bookmark, &serial, None, &say))
        .await
        .unwrap_or_else(|e| {
            Err(Error::Mfa {
                message: format!("the MFA code source stopped: {e}"),
                hint: None,
            })
        })
}

fn describe_status(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit status {c}"),
        (None, Some(s)) => format!("killed by signal {s}"),
        _ => "failed".into(),
    }
}

struct Ran {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<String>,
}

enum RunError {
    NotFound,
    Spawn(std::io::Error),
    TimedOut(Duration),
    /// It exited, but something it started still holds its output open.
    OutputHeld,
}

/// Stderr lines kept for the error message: the last few tell why.
const KEPT_LINES: usize = 20;
/// Longer stderr lines are cut: a line is a sentence, not a stream.
const MAX_LINE: usize = 240;
/// Lines passed on as they come, at most one per this long (the rest are
/// still kept for the error), and no more than [`KEPT_LINES`] in all.
const RELAY_EVERY: Duration = Duration::from_millis(200);

/// `err`'s lines, each cut at [`MAX_LINE`] bytes, to `send` until it
/// refuses; memory stays bounded however much (and however long a line)
/// the command writes.
fn read_lines(err: impl Read, send: impl Fn(String) -> bool) {
    let mut reader = BufReader::new(err);
    let mut line = Vec::new();
    let mut chunk = Vec::new();
    loop {
        chunk.clear();
        // At most one buffer's worth at a time, whatever the line's length.
        let n = match (&mut reader).take(4096).read_until(b'\n', &mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let ends = chunk[n - 1] == b'\n';
        let room = MAX_LINE.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..n.min(room)]);
        if ends {
            let text = String::from_utf8_lossy(&line).trim_end().to_owned();
            line.clear();
            if !send(text) {
                return;
            }
        }
    }
    if !line.is_empty() {
        let _ = send(String::from_utf8_lossy(&line).trim_end().to_owned());
    }
}

/// Run `argv` to its end or `limit`: stdout kept (at most 4 KiB), stderr
/// lines passed to `line` as they come (rate-limited) and the last
/// [`KEPT_LINES`] kept for the error.
fn run(argv: &[String], limit: Duration, line: &dyn Fn(&str)) -> Result<Ran, RunError> {
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RunError::NotFound,
            _ => RunError::Spawn(e),
        })?;
    let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(RunError::Spawn(std::io::Error::other("no pipes")));
    };
    let (out_tx, out_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.take(4096).read_to_end(&mut buf);
        let _ = out_tx.send(buf);
    });
    // Stderr lines and the exit arrive on one channel: no polling delay.
    enum Event {
        Line(String),
        Exit(std::io::Result<ExitStatus>),
    }
    // Bounded: a command that floods stderr waits for us, not we for it.
    let (tx, rx) = mpsc::sync_channel::<Event>(64);
    let lines = tx.clone();
    std::thread::spawn(move || read_lines(err, |l| lines.send(Event::Line(l)).is_ok()));
    let pgid = child.id() as libc::pid_t;
    std::thread::spawn(move || {
        let _ = tx.send(Event::Exit(child.wait()));
    });
    let deadline = Instant::now() + limit;
    let mut stderr = std::collections::VecDeque::new();
    let mut relayed = 0;
    let mut last_relayed: Option<Instant> = None;
    let mut keep = |l: String| {
        let due = last_relayed.is_none_or(|t| t.elapsed() >= RELAY_EVERY);
        if due && relayed < KEPT_LINES {
            line(&l);
            relayed += 1;
            last_relayed = Some(Instant::now());
        }
        if stderr.len() == KEPT_LINES {
            stderr.pop_front();
        }
        stderr.push_back(l);
    };
    let status = loop {
        // Checked before every receive: a flood of lines never lets the
        // receive itself time out.
        let left = deadline.saturating_duration_since(Instant::now());
        let event = if left.is_zero() {
            Err(mpsc::RecvTimeoutError::Timeout)
        } else {
            rx.recv_timeout(left)
        };
        match event {
            Ok(Event::Line(l)) => keep(l),
            Ok(Event::Exit(Ok(status))) => break status,
            Ok(Event::Exit(Err(e))) => return Err(RunError::Spawn(e)),
            Err(_) => {
                // The whole group: a shell's children hold the pipes too.
                // SAFETY: kill(2) on our own child's process group.
                unsafe { libc::kill(-pgid, libc::SIGKILL) };
                return Err(RunError::TimedOut(limit));
            }
        }
    };
    // Its last lines; a child it left behind may hold the pipe: not for long.
    let end = Instant::now() + Duration::from_millis(100);
    while let Some(left) = end.checked_duration_since(Instant::now())
        && let Ok(Event::Line(l)) = rx.recv_timeout(left)
    {
        keep(l);
    }
    let stderr: Vec<String> = stderr.into();
    // A process it left running in the background may hold stdout open:
    // what it printed is in the pipe, but the end never comes.
    let stdout = out_rx
        .recv_timeout(Duration::from_secs(1))
        .map_err(|_| RunError::OutputHeld)?;
    Ok(Ran {
        status,
        stdout,
        stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    }

    fn get(source: &MfaSource) -> (Result<String, Error>, Vec<String>) {
        let said = Mutex::new(Vec::new());
        let r = code(source, "prod", "arn:aws:iam::1:mfa/alice", None, &|s| {
            said.lock().unwrap().push(s)
        });
        (r, said.into_inner().unwrap())
    }

    #[test]
    fn a_command_that_prints_a_code() {
        let dir = tempfile::tempdir().unwrap();
        let ok = script(dir.path(), "ok", "echo 'unlocking vault' >&2; echo 123456");
        let (r, said) = get(&MfaSource::Process(format!("{ok} --otp 'a b'")));
        assert_eq!(r.unwrap(), "123456");
        assert_eq!(
            said,
            [format!("mfa_process `{ok} --otp 'a b'`: unlocking vault")]
        );
    }

    #[test]
    fn failures_name_the_command_and_never_echo_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let fails = script(dir.path(), "fails", "echo 'vault is locked' >&2; exit 3");
        let (r, _) = get(&MfaSource::Process(fails.clone()));
        assert_eq!(
            r.unwrap_err().to_string(),
            format!("mfa_process `{fails}` failed (exit status 3): vault is locked")
        );
        let chatty = script(dir.path(), "chatty", "echo 'secret-ish words'");
        let (r, _) = get(&MfaSource::Process(chatty.clone()));
        let e = r.unwrap_err().to_string();
        assert_eq!(
            e,
            format!("mfa_process `{chatty}` printed 16 characters, not a 6-digit MFA code")
        );
        let (r, _) = get(&MfaSource::Process("no-such-command-xyz".into()));
        assert!(
            r.unwrap_err()
                .to_string()
                .contains("\"no-such-command-xyz\" was not found on PATH")
        );
    }

    #[test]
    fn a_hanging_command_is_stopped_with_its_children() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let hangs = script(
            dir.path(),
            "hangs",
            &format!("sleep 30 & echo $! > {}; wait", pidfile.display()),
        );
        let started = Instant::now();
        let r = run(&[hangs], Duration::from_millis(500), &|_| {});
        assert!(matches!(r, Err(RunError::TimedOut(_))));
        assert!(started.elapsed() < Duration::from_secs(10));
        // The grandchild (which holds the pipes) is gone too.
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let mut gone = false;
        for _ in 0..100 {
            // A zombie is dead too (whoever adopted it may reap it late).
            let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|st| {
                    st.rsplit(')')
                        .next()
                        .unwrap_or("")
                        .trim_start()
                        .starts_with('Z')
                })
                .unwrap_or(false);
            // SAFETY: signal 0 only checks that the process exists.
            if zombie || unsafe { libc::kill(pid, 0) } != 0 {
                gone = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(gone, "sleep {pid} survived the timeout");
    }

    #[test]
    fn a_command_flooding_stderr_still_meets_its_deadline() {
        // `yes` writes lines as fast as it can; one endless line is the other way.
        for flood in ["yes 1234567890 >&2", "tr '\\0' x < /dev/zero >&2"] {
            let dir = tempfile::tempdir().unwrap();
            let floods = script(dir.path(), "floods", flood);
            let relayed = Mutex::new(0usize);
            let started = Instant::now();
            let r = run(&[floods], Duration::from_millis(700), &|_| {
                *relayed.lock().unwrap() += 1
            });
            assert!(matches!(r, Err(RunError::TimedOut(_))), "{flood}");
            // The limit plus the kill, not the flood's whim.
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{flood}: {:?}",
                started.elapsed()
            );
            let relayed = relayed.into_inner().unwrap();
            assert!(relayed <= KEPT_LINES, "{flood}: {relayed} lines relayed");
        }
    }

    #[test]
    fn only_the_last_lines_are_kept_and_each_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let chatty = script(
            dir.path(),
            "chatty",
            "i=0; while [ $i -lt 100 ]; do echo line $i >&2; i=$((i+1)); done; \
             head -c 10000 /dev/zero | tr '\\0' y >&2; echo >&2; exit 3",
        );
        let r = run(&[chatty], Duration::from_secs(20), &|_| {}).unwrap_or_else(|_| panic!("ran"));
        assert_eq!(r.stderr.len(), KEPT_LINES);
        assert!(r.stderr.iter().all(|l| l.len() <= MAX_LINE));
        assert_eq!(r.stderr[KEPT_LINES - 2], "line 99");
        assert!(r.stderr[KEPT_LINES - 1].starts_with("yyy"));
    }

    #[test]
    fn a_yubikey_account_is_never_an_option() {
        let (argv, _) = command(&MfaSource::YubiKey("--password=x".into()), "serial").unwrap();
        let dashes = argv
            .iter()
            .position(|a| a == "--")
            .expect("a -- in the argv");
        assert_eq!(argv.last().unwrap(), "--password=x");
        assert_eq!(dashes, argv.len() - 2);
    }
}
