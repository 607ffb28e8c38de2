//! The picker end to end: the real binary in a pseudo-terminal, read back
//! through a vt100 screen parser, against moto. Waits poll the screen until
//! the expected text shows (or fail with a dump of it); nothing asserts
//! timings.

use crate::common;

use common::{Moto, TestEnv};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const ROWS: u16 = 30;
const COLS: u16 = 110;
/// Generous: the first test to run also starts moto.
const TIMEOUT: Duration = Duration::from_secs(30);

const MFA_SERIAL: &str = "arn:aws:iam::123456789012:mfa/tester";

/// A bookmarked environment: "prod-admin" needs MFA; the others do not. Their
/// names and display names share no letters in order with "prod", so the
/// filter leaves only the first.
fn env_with_bookmarks() -> TestEnv {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "prod-admin",
        "--account",
        "210987654321",
        "--role",
        "Admin",
        "--display",
        "Production",
        "--mfa-serial",
        MFA_SERIAL,
        "--color",
        "red",
    ])
    .success();
    env.run(&[
        "add",
        "sandbox",
        "--account",
        "011122223333",
        "--role",
        "Admin",
        "--display",
        "Sandbox",
    ])
    .success();
    env.run(&[
        "add",
        "billing",
        "--account",
        "444455556666",
        "--role",
        "ReadOnly",
        "--display",
        "Billing",
    ])
    .success();
    env
}

/// The binary (or `program`) in a pseudo-terminal.
struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    reader: Option<JoinHandle<()>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Screen {
    /// `rolehop ARGS` with the harness's clean environment.
    fn rolehop(env: &TestEnv, args: &[&str]) -> Screen {
        let mut cmd = builder(env, env!("CARGO_BIN_EXE_rolehop"));
        cmd.args(args);
        Screen::spawn(cmd)
    }

    fn spawn(cmd: CommandBuilder) -> Screen {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pty.slave.spawn_command(cmd).expect("spawn in the pty");
        // Only the child holds the slave now, so the reader sees EOF when it exits.
        drop(pty.slave);
        let rows = std::num::NonZeroU16::new(ROWS).expect("rows");
        let cols = std::num::NonZeroU16::new(COLS).expect("cols");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let feed = Arc::clone(&parser);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().expect("parser lock").process(&buf[..n]);
            }
        });
        Screen {
            parser,
            writer: pty.master.take_writer().expect("pty writer"),
            child,
            reader: Some(reader),
            _master: pty.master,
        }
    }

    fn contents(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    fn alternate_screen(&self) -> bool {
        self.parser
            .lock()
            .expect("parser lock")
            .screen()
            .alternate_screen()
    }

    /// Wait until `pred` holds for the screen text; fail with the screen.
    #[track_caller]
    fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.contents();
            if pred(&text) {
                return text;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {what}; the screen shows:\n{}",
                    frame(&text)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[track_caller]
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    #[track_caller]
    fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} to disappear"), |s| !s.contains(text))
    }

    /// Type keys (raw bytes: "\r" is Enter, "\x03" Ctrl-C, "\x1b" Esc).
    fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Wait for the program to exit and its last output to be parsed.
    #[track_caller]
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                break status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!(
                    "the program did not exit; the screen shows:\n{}",
                    frame(&self.contents())
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        status
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        // A failed test must not leave the binary running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// A pty command with exactly the environment of the harness's `cmd()`.
fn builder(env: &TestEnv, program: &str) -> CommandBuilder {
    let template = env.cmd();
    let mut cmd = CommandBuilder::new(program);
    cmd.env_clear();
    for (key, value) in template.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("SHELL", "/bin/sh");
    cmd.cwd(template.get_current_dir().unwrap_or(env.home.path()));
    cmd
}

/// The screen with a border, for failure messages.
fn frame(text: &str) -> String {
    let rule = "-".repeat(COLS as usize);
    format!("{rule}\n{text}\n{rule}")
}

/// A countdown such as `59:12` or `42s` on the screen: a token of digits,
/// one colon and two digits (an expiry time like `10:32:45Z` has two colons).
fn countdown(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == ':'))
        .find(|t| {
            matches!(t.split_once(':'), Some((m, s)) if !m.is_empty() && s.len() == 2
                && !s.contains(':') && m.bytes().all(|b| b.is_ascii_digit()) && s.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_owned)
}

fn python() -> String {
    format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Filter, pick, MFA code, and a live countdown.
#[test]
fn filter_pick_mfa_and_countdown() {
    let env = env_with_bookmarks();
    let mut s = Screen::rolehop(&env, &[]);
    s.wait_for("Sandbox");
    s.wait_for("Billing");
    s.send("prod");
    s.wait_gone("Billing");
    s.wait_gone("Sandbox");
    s.wait_for("Production");
    s.send("\r");
    // The modal names the bookmark and its MFA device.
    s.wait_until("the MFA prompt", |t| {
        t.contains("MFA code") && t.contains("Switch to Production") && t.contains(MFA_SERIAL)
    });
    s.send("123456\r");
    let shown = s.wait_until("a countdown", |t| countdown(t).is_some());
    let first = countdown(&shown);
    // It is live: a later frame shows another value, with no key pressed.
    s.wait_until("the countdown to move", |t| {
        countdown(t).is_some() && countdown(t) != first
    });
    s.send("\x03");
    assert!(s.wait_exit().success());
}

/// One code starts an MFA session: a second role on the same device, and
/// a second picker run, need none (the session cache is shared with the CLI).
#[test]
fn one_mfa_code_serves_the_next_role_and_the_next_run() {
    let env = env_with_bookmarks();
    env.run(&[
        "add",
        "prod-read",
        "--account",
        "210987654321",
        "--role",
        "ReadOnly",
        "--display",
        "Prod reader",
        "--mfa-serial",
        MFA_SERIAL,
    ])
    .success();
    let mut s = Screen::rolehop(&env, &[]);
    s.wait_for("Sandbox");
    s.send("prod-admin\r");
    s.wait_for("MFA code");
    s.send("123456\r");
    s.wait_until("the first session", |t| countdown(t).is_some());
    // Back to the list, pick the other MFA role: no prompt this time.
    s.send("\t\x15prod-read\r");
    s.wait_until("the second session", |t| {
        t.contains("switched to prod-read") && !t.contains("MFA code")
    });
    s.send("\x03");
    assert!(s.wait_exit().success());
    // The CLI sees the same cache: no code asked, no terminal needed.
    let out = env.run(&["env", "prod-read", "--shell", "bash"]).success();
    assert!(
        out.stdout.contains("export AWS_SESSION_TOKEN="),
        "{}",
        out.stdout
    );
}

/// `w` writes the session into a profile of ~/.aws/credentials.
#[test]
fn write_profile_from_the_picker() {
    let env = env_with_bookmarks();
    let mut s = Screen::rolehop(&env, &[]);
    s.wait_for("Sandbox");
    s.send("sandbox\r");
    s.wait_until("a countdown", |t| countdown(t).is_some());
    // After a switch the sessions pane has the focus: letters act on it.
    s.send("w");
    // The profile name is asked for, with the bookmark name as default.
    s.wait_for("[sandbox]");
    s.send("\r");
    s.wait_for("wrote profile sandbox");
    let text = read(&env.credentials_path());
    let section = text
        .split("[sandbox]")
        .nth(1)
        .unwrap_or_else(|| panic!("no [sandbox] in:\n{text}"));
    assert!(section.contains("aws_session_token = "), "{text}");
    assert!(section.contains("x_security_token_expires = "), "{text}");
    assert!(
        section.contains("x_principal_arn = arn:aws:sts::011122223333:assumed-role/Admin/tester"),
        "{text}"
    );
    assert!(
        text.contains(TestEnv::BASE_SECRET_ACCESS_KEY),
        "the base profile is kept:\n{text}"
    );
    s.send("\x03");
    assert!(s.wait_exit().success());
}

/// `s` opens a shell holding the role; `exit` comes back to the picker.
#[test]
fn subshell_has_the_role_and_returns() {
    let env = env_with_bookmarks();
    let who = env.home.path().join("who.py");
    std::fs::write(
        &who,
        "import boto3\nprint('WHO=' + boto3.client('sts', region_name='us-east-1').get_caller_identity()['Arn'])\n",
    )
    .expect("write who.py");
    let mut s = Screen::rolehop(&env, &[]);
    s.wait_for("Sandbox");
    s.send("sandbox\r");
    s.wait_until("a countdown", |t| countdown(t).is_some());
    s.send("s");
    s.wait_until("the normal screen", |_| !s.alternate_screen());
    s.send("echo \"BM=$ROLEHOP_BOOKMARK\"\r");
    s.wait_for("BM=sandbox");
    s.send(&format!("{} {}\r", python(), who.display()));
    s.wait_for("WHO=arn:aws:sts::011122223333:assumed-role/Admin/tester");
    s.send("exit\r");
    s.wait_until("the picker's screen", |_| s.alternate_screen());
    // The same screen as before: the filter, the list and the live session.
    s.wait_until("the list and the session", |t| {
        t.contains("› sandbox")
            && t.contains("Bookmarks")
            && t.contains("Sessions")
            && countdown(t).is_some()
    });
    s.send("\x03");
    assert!(s.wait_exit().success());
}

/// The subshell's credentials are live: the picker serves and renews them
/// while the shell runs (a 15 min session, renewed every few seconds here),
/// and back in the picker the list shows the renewed session.
#[test]
fn subshell_credentials_are_renewed_while_it_runs() {
    let env = TestEnv::new(Moto::shared());
    std::fs::write(
        env.bookmarks_path(),
        "[settings]\nrefresh_window = \"890s\"\n\n[bookmarks.live]\naccount = \"055566667777\"\nrole = \"Live\"\nduration = \"15m\"\n",
    )
    .expect("write bookmarks");
    let probe = env.home.path().join("probe.py");
    std::fs::write(
        &probe,
        "import boto3, time\ns = boto3.session.Session()\nsts = s.client('sts', region_name='us-east-1')\nkeys, arn = set(), ''\nfor _ in range(30):\n    keys.add(s.get_credentials().get_frozen_credentials().access_key)\n    arn = sts.get_caller_identity()['Arn']\n    time.sleep(0.3)\nprint('KEYS=%d %s' % (len(keys), arn))\n",
    )
    .expect("write probe.py");
    let mut s = Screen::rolehop(&env, &[]);
    s.wait_for("live");
    s.send("\r");
    s.wait_until("a countdown", |t| countdown(t).is_some());
    s.send("s");
    s.wait_until("the normal screen", |_| !s.alternate_screen());
    s.wait_for("renewed live");
    s.send(&format!("{} {}\r", python(), probe.display()));
    let text = s.wait_for("KEYS=");
    let keys: u32 = text
        .split("KEYS=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(keys >= 2, "renewed while the shell ran:\n{}", frame(&text));
    assert!(
        text.contains("assumed-role/Live/tester"),
        "{}",
        frame(&text)
    );
    s.send("exit\r");
    s.wait_until("the picker's screen", |_| s.alternate_screen());
    s.wait_for("its credentials were renewed");
    s.send("\x03");
    assert!(s.wait_exit().success());
}

/// Ctrl-C quits and leaves the terminal as it found it.
#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let env = env_with_bookmarks();
    let mut s = Screen::rolehop(&env, &[]);
    s.wait_for("Sandbox");
    assert!(s.alternate_screen());
    s.send("\x03");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    let parser = s.parser.lock().expect("parser lock");
    assert!(
        !parser.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!parser.screen().hide_cursor(), "the cursor is still hidden");
    assert_eq!(
        parser.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None
    );
}

/// `rolehop pick` draws on the terminal and prints only the exports on stdout.
#[test]
fn pick_prints_exports_on_stdout() {
    let env = env_with_bookmarks();
    let out = env.home.path().join("exports.sh");
    let mut cmd = builder(&env, "/bin/sh");
    cmd.args([
        "-c",
        "exec \"$0\" pick > \"$1\"",
        env!("CARGO_BIN_EXE_rolehop"),
    ]);
    cmd.arg(&out);
    let mut s = Screen::spawn(cmd);
    s.wait_for("Sandbox");
    s.send("sandbox\r");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}\n{}", frame(&s.contents()));
    assert!(!s.alternate_screen());
    let text = read(&out);
    assert!(text.contains("export AWS_ACCESS_KEY_ID="), "{text}");
    assert!(text.contains("export ROLEHOP_BOOKMARK='sandbox'"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no terminal codes in the exports:\n{text:?}"
    );
}

/// SIGTERM quits through the normal path: the terminal is restored.
#[test]
fn sigterm_restores_the_terminal() {
    let env = env_with_bookmarks();
    let mut s = Screen::rolehop(&env, &[]);
    s.wait_for("Sandbox");
    let pid = s.child.process_id().expect("child pid");
    // SAFETY: kill(2) on the pid of our own child, which is not reaped yet.
    let sent = unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0);
    s.wait_exit();
    assert!(
        !s.alternate_screen(),
        "still on the alternate screen:\n{}",
        frame(&s.contents())
    );
}

/// Without any terminal the picker refuses with one line, before drawing.
#[test]
fn no_terminal_is_a_clear_error() {
    let env = env_with_bookmarks();
    let mut cmd = env.cmd();
    common::detach_from_terminal(&mut cmd);
    let out = common::output(cmd);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .starts_with("rolehop: error: the picker needs a terminal"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

/// `c` on the sessions pane signs in to the console (a local stand-in for
/// the federation endpoint) and opens the link with $BROWSER.
#[test]
fn console_key_opens_the_browser() {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind stand-in");
    let federation = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let body = r#"{"SigninToken":"picker-token"}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let env = env_with_bookmarks();
    let opened = env.home.path().join("opened.txt");
    let page = env.home.path().join("page.html");
    let browser = env.home.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{}'\ncat \"${{1#file://}}\" > '{}'\n",
            opened.display(),
            page.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut cmd = builder(&env, env!("CARGO_BIN_EXE_rolehop"));
    cmd.env("ROLEHOP_FEDERATION_URL", &federation);
    cmd.env("BROWSER", &browser);
    let mut s = Screen::spawn(cmd);
    s.wait_for("Sandbox");
    s.send("sandbox\r");
    s.wait_until("a countdown", |t| countdown(t).is_some());
    s.send("c");
    s.wait_for("opened the console as sandbox");
    // The launcher gets the private page, the page the link.
    let arg = read(&opened);
    assert!(
        arg.starts_with("file://") && !arg.contains("picker-token"),
        "{arg}"
    );
    let html = read(&page);
    assert!(
        html.contains(&format!(
            "url={federation}/federation?Action=login&amp;Issuer=rolehop&amp;"
        )) && html.contains("&amp;SigninToken=picker-token\""),
        "{html}"
    );
    s.send("\x03");
    assert!(s.wait_exit().success());
}

/// The header row of the screen.
fn header(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// `R` moves a session's hand-overs to another region with no new session:
/// the header shows it, and the exports `e` prints carry it.
#[test]
fn region_key_moves_the_handovers_to_another_region() {
    let env = env_with_bookmarks();
    let out = env.home.path().join("exports.sh");
    let mut cmd = builder(&env, "/bin/sh");
    cmd.args(["-c", "exec \"$0\" > \"$1\"", env!("CARGO_BIN_EXE_rolehop")]);
    cmd.arg(&out);
    let mut s = Screen::spawn(cmd);
    s.wait_for("Sandbox");
    s.send("sandbox\r");
    s.wait_until("a countdown", |t| countdown(t).is_some());
    // The header shows the selected session, in the region of ~/.aws/config.
    s.wait_until("the session in the header", |t| {
        header(t).contains("Admin/tester")
            && header(t).contains("011122223333")
            && header(t).contains("us-east-1")
    });
    s.send("R");
    s.wait_for("Region for hand-overs");
    s.send("frank");
    s.wait_for("› eu-central-1");
    s.send("\r");
    s.wait_for("sandbox: hand-overs now use eu-central-1 (no new session)");
    let text = s.wait_gone("Region for hand-overs");
    assert!(
        header(&text).contains("eu-central-1") && !header(&text).contains("us-east-1"),
        "{}",
        frame(&text)
    );
    s.send("e");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}\n{}", frame(&s.contents()));
    let exports = read(&out);
    assert!(
        exports.contains("export AWS_REGION='eu-central-1'")
            && exports.contains("export AWS_DEFAULT_REGION='eu-central-1'"),
        "{exports}"
    );
    assert!(
        exports.contains("export ROLEHOP_BOOKMARK='sandbox'"),
        "{exports}"
    );
}

/// A bookmark whose codes come from a YubiKey: Enter assumes it with no MFA
/// prompt, the picker says to touch the key, and ykman was asked for the
/// code of the device's OATH account (a stand-in `ykman` on PATH).
#[test]
fn a_yubikey_gives_the_code_in_the_picker() {
    use std::os::unix::fs::PermissionsExt;
    let env = env_with_bookmarks();
    let bin = env.home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = env.home.path().join("ykman.log");
    let ykman = bin.join("ykman");
    std::fs::write(
        &ykman,
        format!(
            "#!/bin/sh\necho \"$*\" >> {}\necho 'Touch your YubiKey...' >&2\nsleep 1\necho 654321\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&ykman, std::fs::Permissions::from_mode(0o755)).unwrap();
    let text = read(&env.bookmarks_path());
    std::fs::write(
        env.bookmarks_path(),
        format!("[settings]\nmfa_yubikey = true\n\n{text}"),
    )
    .unwrap();
    let mut cmd = builder(&env, env!("CARGO_BIN_EXE_rolehop"));
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.env("PATH", path);
    let mut s = Screen::spawn(cmd);
    s.wait_for("Production");
    s.send("prod");
    s.wait_gone("Sandbox");
    s.send("\r");
    s.wait_for("touch your YubiKey for prod-admin's MFA code");
    let shown = s.wait_until("a countdown", |t| countdown(t).is_some());
    assert!(
        !shown.contains("Switch to Production"),
        "no prompt: {}",
        frame(&shown)
    );
    assert_eq!(
        read(&log),
        format!("oath accounts code --single -- {MFA_SERIAL}\n")
    );
    s.send("\x03");
    assert!(s.wait_exit().success());
}

/// The terminal prompt of `rolehop env` asks again after a code that is not
/// 6 digits, saying what was wrong, three tries in all, as the picker does.
#[test]
fn the_terminal_prompt_asks_again_after_a_mistyped_code() {
    let env = env_with_bookmarks();
    let mut s = Screen::rolehop(&env, &["env", "prod-admin", "--shell", "bash"]);
    s.wait_for("MFA code for prod-admin");
    s.send("12345\r");
    s.wait_for("(an MFA code is 6 digits, got 5 characters; 2 tries left)");
    s.send("12a456\r");
    s.wait_for("(not all digits); 1 try left)");
    s.send("123456\r");
    let status = s.wait_exit();
    assert!(status.success(), "{}", frame(&s.contents()));
    assert!(s.contents().contains("export AWS_ACCESS_KEY_ID="));

    // Three mistakes end the run with the last one (exit 7).
    let env = env_with_bookmarks();
    let mut s = Screen::rolehop(&env, &["env", "prod-admin", "--shell", "bash"]);
    for typed in ["1\r", "22\r"] {
        s.wait_for("MFA code for prod-admin");
        s.send(typed);
    }
    s.wait_for("1 try left)");
    s.send("333\r");
    let status = s.wait_exit();
    assert_eq!(status.exit_code(), 7, "{}", frame(&s.contents()));
    assert!(
        s.contents()
            .contains("rolehop: error: an MFA code is 6 digits, got 3 characters"),
        "{}",
        frame(&s.contents())
    );
}

/// Ctrl-S lists the portal's roles into the picker (empty at first: a new
/// Identity Center user's first run), and the picker stays usable meanwhile.
#[test]
fn ctrl_s_syncs_identity_center_roles_into_the_picker() {
    let sso = crate::sso::Sso::new(sso_standin::Config {
        fixtures: crate::sso::two_accounts(),
        page_size: 1,
        ..sso_standin::Config::default()
    });
    sso.device_login();
    let mut cmd = builder(&sso.env, env!("CARGO_BIN_EXE_rolehop"));
    cmd.env("AWS_ENDPOINT_URL_SSO", sso.standin.url());
    cmd.env("AWS_ENDPOINT_URL_SSO_OIDC", sso.standin.url());
    let mut s = Screen::spawn(cmd);
    s.wait_for("Ctrl-S lists the roles of corp");
    s.send("\x13");
    s.wait_for("sso corp: imported 3");
    let text = s.wait_for("ReadOnlyAcce");
    assert!(text.contains("333344445555"), "{}", frame(&text));
    // They are bookmarks like any other: filter, and switch.
    s.send("dev");
    s.wait_gone("000011112222");
    s.send("\r");
    s.wait_until("a countdown", |t| countdown(t).is_some());
    let file = read(&sso.env.bookmarks_path());
    assert_eq!(file.matches("sso = \"corp\"").count(), 3, "{file}");
    s.send("\x03");
    assert!(s.wait_exit().success());
}

/// Sessions other rolehops made are in the picker too: one `rolehop env`
/// left in the shared cache shows in the Sessions pane with its countdown
/// and its bookmark's `●`; one a running `rolehop exec` serves says so, with
/// the pid, until that exec ends; `x` asks before it forgets one, then the
/// CLI finds it gone from the cache.
#[test]
fn the_picker_shows_sessions_other_rolehops_made() {
    let env = env_with_bookmarks();
    let out = env.run(&["env", "sandbox", "--shell", "bash"]).success();
    assert!(out.stdout.contains("export AWS_SESSION_TOKEN="), "{out:?}");
    let mut s = Screen::rolehop(&env, &[]);
    let text = s.wait_until("sandbox's session from the cache", |t| {
        sessions_pane(t).contains("Sandbox") && t.contains("cached · r renews here")
    });
    assert!(
        countdown(&sessions_pane(&text)).is_some(),
        "{}",
        frame(&text)
    );
    let row = text
        .lines()
        .find(|l| l.contains("Sandbox") && l.contains("Admin"))
        .unwrap_or_default();
    assert!(
        row.contains('●'),
        "the bookmark is marked:\n{}",
        frame(&text)
    );

    // `rolehop exec billing` in another terminal, serving its command.
    let mut exec = env.cmd();
    exec.args(["exec", "billing", "--", "sleep", "60"]);
    exec.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut exec = exec.spawn().expect("start rolehop exec");
    s.wait_for(&format!("served by exec pid {}", exec.id()));
    // Its record, in the runtime directory (`run/` of the cache without XDG_RUNTIME_DIR).
    let record = env
        .cache_dir()
        .join(format!("run/serving/{}.json", exec.id()));
    assert!(read(&record).contains("\"billing\""), "{}", read(&record));
    // SIGTERM: exec passes it to its command, then stops serving.
    // SAFETY: kill(2) on the pid of our own child, which is not reaped yet.
    assert_eq!(
        unsafe { libc::kill(exec.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    exec.wait().expect("wait for rolehop exec");
    assert!(
        !record.exists(),
        "exec removes its record as it stops serving"
    );
    s.wait_gone("served by exec");

    // The first row is sandbox's: the picker did not make it, so x asks.
    s.send("\tx");
    s.wait_for("Forget the session of Sandbox (sandbox)?");
    s.send("y");
    s.wait_for("forgot sandbox's session (removed from the session cache)");
    s.send("\x03");
    assert!(s.wait_exit().success());
    let listed = env.run(&["sessions"]).success().stdout;
    assert!(
        !listed.contains("sandbox") && listed.contains("billing"),
        "{listed}"
    );
}

/// The Sessions pane's rows of the screen text (between its title and the
/// status line).
fn sessions_pane(text: &str) -> String {
    text.lines()
        .skip_while(|l| !l.contains("Sessions"))
        .skip(1)
        .take_while(|l| l.starts_with('│'))
        .collect::<Vec<_>>()
        .join("\n")
}
