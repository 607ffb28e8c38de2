//! `rolehop console`: federation sign-in against a local stand-in for the AWS
//! federation endpoint (`ROLEHOP_FEDERATION_URL`), role credentials from moto;
//! and the offline Switch Role link.

use crate::common;

use common::{Moto, TestEnv};
use percent_encoding::percent_decode_str;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A stand-in for `https://signin.aws.amazon.com/federation`: answers every
/// GET with `status` and `body`, and records each request's path and query.
struct Federation {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Federation {
    fn start(status: u16, body: &'static str) -> Federation {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind stand-in");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                // Headers up to the blank line.
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if line == "\r\n" || line == "\n" => break,
                        Ok(_) => {}
                    }
                }
                let target = first.split_whitespace().nth(1).unwrap_or("").to_owned();
                seen.lock().unwrap().push(target);
                let reason = if status == 200 { "OK" } else { "Bad Request" };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Federation { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// `/federation?A=1&B=x%20y` -> ("/federation", {A: "1", B: "x y"}).
fn parse(target: &str) -> (String, BTreeMap<String, String>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                k.to_owned(),
                percent_decode_str(v).decode_utf8().unwrap().into_owned(),
            )
        })
        .collect();
    (path.to_owned(), params)
}

/// The exports of `rolehop env NAME` as a map.
fn exports(env: &TestEnv, name: &str) -> BTreeMap<String, String> {
    common::exports_of(&env.run(&["env", name, "--shell", "bash"]).success().stdout)
}

fn console_cmd(env: &TestEnv, fed: &Federation, args: &[&str]) -> common::Output {
    let mut cmd = env.cmd();
    cmd.env("ROLEHOP_FEDERATION_URL", &fed.url).args(args);
    common::output(cmd)
}

const TOKEN: &str = r#"{"SigninToken":"tok+en/1="}"#;

#[test]
fn console_print_signs_in_with_the_cached_session_and_session_duration() {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "prod",
        "--account",
        "210987654321",
        "--role",
        "Admin",
        "--region",
        "eu-west-1",
    ])
    .success();
    // A session first: the console must reuse it (moto issues new keys per AssumeRole).
    let vars = exports(&env, "prod");
    let fed = Federation::start(200, TOKEN);
    let out = console_cmd(&env, &fed, &["console", "prod", "--print"]).success();

    assert_eq!(
        out.stdout.trim(),
        format!(
            "{}/federation?Action=login&Issuer=rolehop&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1&SigninToken=tok%2Ben%2F1%3D",
            fed.url
        )
    );
    assert!(out.stderr.contains("within 15 minutes"), "{}", out.stderr);
    let secret = &vars["AWS_SECRET_ACCESS_KEY"];
    let token = &vars["AWS_SESSION_TOKEN"];
    assert!(!out.stderr.contains(secret.as_str()) && !out.stdout.contains(secret.as_str()));
    assert!(!out.stderr.contains(token.as_str()));

    let reqs = fed.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    let (path, q) = parse(&reqs[0]);
    assert_eq!(path, "/federation");
    assert_eq!(q["Action"], "getSigninToken");
    // Plain AssumeRole credentials: SessionDuration is allowed, within 900-43200.
    let d: u64 = q["SessionDuration"].parse().unwrap();
    assert!((900..=3600).contains(&d), "{d}");
    let session: serde_json::Value = serde_json::from_str(&q["Session"]).unwrap();
    assert_eq!(
        session,
        serde_json::json!({
            "sessionId": vars["AWS_ACCESS_KEY_ID"],
            "sessionKey": secret,
            "sessionToken": token,
        })
    );
}

#[test]
fn console_omits_session_duration_for_chained_credentials() {
    let env = TestEnv::new(Moto::shared());
    env.run(&["add", "hub", "--account", "111122223333", "--role", "Hub"])
        .success();
    env.run(&[
        "add",
        "spoke",
        "--account",
        "210987654321",
        "--role",
        "Spoke",
        "--via",
        "hub",
    ])
    .success();
    env.run(&[
        "add",
        "mfa",
        "--account",
        "210987654322",
        "--role",
        "Admin",
        "--mfa-serial",
        "arn:aws:iam::123456789012:mfa/alice",
    ])
    .success();
    let fed = Federation::start(200, TOKEN);
    let out = console_cmd(
        &env,
        &fed,
        &[
            "console",
            "spoke",
            "--print",
            "--destination",
            "s3",
            "--region",
            "us-west-2",
        ],
    )
    .success();
    assert!(
        out.stdout.contains(
            "Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Dus-west-2&"
        ),
        "{}",
        out.stdout
    );
    // Through an MFA session: chained as well.
    console_cmd(
        &env,
        &fed,
        &["console", "mfa", "--print", "--mfa-code", "123456"],
    )
    .success();
    let reqs = fed.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    for r in &reqs {
        let (_, q) = parse(r);
        assert_eq!(q["Action"], "getSigninToken");
        assert!(!q.contains_key("SessionDuration"), "{r}");
        let session: serde_json::Value = serde_json::from_str(&q["Session"]).unwrap();
        for k in ["sessionId", "sessionKey", "sessionToken"] {
            assert!(session[k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
        }
    }
}

#[test]
fn console_opens_the_browser_and_reports_endpoint_refusals_without_secrets() {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "prod",
        "--account",
        "210987654321",
        "--role",
        "Admin",
    ])
    .success();
    // The stand-in records its whole argv (what `ps` shows every user), and
    // reads the page it is given as a browser would.
    let argv = env.home.path().join("argv.txt");
    let page = env.home.path().join("page.html");
    let browser = env.home.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" > '{}'\nfor a in \"$@\"; do case \"$a\" in file://*) cat \"${{a#file://}}\" > '{}';; esac; done\n",
            argv.display(),
            page.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();

    let fed = Federation::start(200, TOKEN);
    let login = format!(
        "url={}/federation?Action=login&amp;Issuer=rolehop&amp;Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome",
        fed.url
    );
    // `$BROWSER` as a word list with `%s`, and as a bare program.
    for browser_var in [
        format!("{} --new-window %s", browser.display()),
        browser.display().to_string(),
    ] {
        let mut cmd = env.cmd();
        cmd.env("ROLEHOP_FEDERATION_URL", &fed.url)
            .env("BROWSER", &browser_var)
            .args(["console", "prod"]);
        let out = common::output(cmd).success();
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(
            out.stderr
                .contains("opened the console as arn:aws:iam::210987654321:role/Admin"),
            "{}",
            out.stderr
        );
        let args = std::fs::read_to_string(&argv).unwrap();
        assert!(
            !args.contains("SigninToken") && !args.contains("tok%2Ben") && !args.contains("tok+en"),
            "the sign-in link is in the launcher's argv: {args}"
        );
        let file = args
            .lines()
            .find_map(|a| a.strip_prefix("file://"))
            .unwrap_or_else(|| panic!("no file:// URL in {args}"));
        if browser_var.contains("%s") {
            assert!(args.contains("--new-window\nfile://"), "{args}");
        }
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}");
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            html.contains(&login) && html.contains("&amp;SigninToken=tok%2Ben%2F1%3D\""),
            "{html}"
        );
    }

    let vars = exports(&env, "prod");
    let refusing = Federation::start(400, "Invalid credentials parameter");
    let out = console_cmd(&env, &refusing, &["console", "prod", "--print"]).failure();
    assert!(
        out.stderr
            .contains("refused to issue a sign-in token (HTTP 400)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(vars["AWS_SECRET_ACCESS_KEY"].as_str()));
    assert!(!out.stderr.contains("sessionKey"), "{}", out.stderr);

    // A destination that is not a console page is refused before any call.
    let out = console_cmd(
        &env,
        &refusing,
        &[
            "console",
            "prod",
            "--print",
            "--destination",
            "https://example.com/",
        ],
    )
    .failure();
    assert!(
        out.stderr.contains("not a page of the AWS console"),
        "{}",
        out.stderr
    );
    assert_eq!(refusing.requests().len(), 1);
}

#[test]
fn switch_url_is_the_consoles_link_and_refuses_external_ids() {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "prod",
        "--account",
        "210987654321",
        "--role",
        "ops/Admin",
        "--display",
        "Prod (admin)",
        "--color",
        "blue",
    ])
    .success();
    env.run(&[
        "add",
        "gov",
        "--account",
        "210987654329",
        "--role",
        "Admin",
        "--region",
        "us-gov-west-1",
        "--color",
        "#0a0B0c",
    ])
    .success();
    env.run(&[
        "add",
        "vendor",
        "--account",
        "210987654320",
        "--role",
        "Vendor",
        "--external-id",
        "x-1",
    ])
    .success();
    let out = env.run(&["console", "prod", "--switch-url"]).success();
    assert_eq!(
        out.stdout,
        "https://signin.aws.amazon.com/switchrole?account=210987654321&roleName=ops%2FAdmin&displayName=Prod%20%28admin%29&color=83d4e8\n"
    );
    let out = env.run(&["console", "gov", "--switch-url"]).success();
    assert_eq!(
        out.stdout,
        "https://signin.amazonaws-us-gov.com/switchrole?account=210987654329&roleName=Admin&displayName=gov&color=0a0b0c\n"
    );
    let out = env.run(&["console", "vendor", "--switch-url"]).failure();
    assert!(
        out.stderr.contains("needs an external ID")
            && out.stderr.contains("Switch Role cannot pass one"),
        "{}",
        out.stderr
    );
}
