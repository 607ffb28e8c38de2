//! The CLI end to end: the real binary against a real STS-compatible server
//! (moto on loopback), in a throwaway HOME.

use crate::common;

use common::{Moto, TestEnv};
use std::fs;
use std::io::Write;
use std::process::Stdio;

const PROD: &[&str] = &[
    "add",
    "prod",
    "--account",
    "210987654321",
    "--role",
    "Admin",
    "--color",
    "red",
    "--region",
    "eu-west-1",
];
const BASE_SECRET: &str = "base-secret";

/// An env with bookmark "prod" (and optionally more) added.
fn env_with_prod() -> TestEnv {
    let env = TestEnv::new(Moto::shared());
    env.run(PROD).success();
    env
}

fn python() -> String {
    format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR"))
}

/// A python one-liner printing the caller ARN of whatever credentials boto3 finds.
const WHO: &str = "import boto3; print(boto3.client('sts', region_name='us-east-1').get_caller_identity()['Arn'])";

/// `list` names the region each switch uses and where it comes from, and a
/// switch hands over that region.
#[test]
fn list_shows_each_region_and_where_it_comes_from() {
    let env = env_with_prod();
    fs::write(
        env.config_path(),
        "[default]\nregion = eu-north-1\n[profile ops]\nsource_profile = default\nregion = ap-southeast-2\n",
    )
    .unwrap();
    let add = |name: &str, more: &[&str]| {
        let mut args = vec!["add", name, "--account", "011122223333", "--role", "Dev"];
        args.extend_from_slice(more);
        env.run(&args).success();
    };
    add("plain", &[]);
    add("ops", &["--source-profile", "ops"]);
    add("chained", &["--via", "ops"]);
    let region_of = |out: &str, name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in:\n{out}"))
            .to_owned()
    };
    let out = env.run(&["list"]).success().stdout;
    for (name, region) in [
        ("prod", "eu-west-1 (bookmark)"),
        ("plain", "eu-north-1 (~/.aws/config)"),
        ("ops", "ap-southeast-2 (~/.aws/config, profile ops)"),
        ("chained", "ap-southeast-2 (~/.aws/config, profile ops)"),
    ] {
        let row = region_of(&out, name);
        assert!(row.contains(region), "{name}: {row}");
    }
    // The switch uses it: the hand-over names the same region.
    let exports = env.run(&["env", "plain"]).success().stdout;
    assert!(
        exports.contains("export AWS_REGION='eu-north-1'"),
        "{exports}"
    );
    // The environment's region comes before the profile's.
    let mut cmd = env.cmd();
    cmd.env("AWS_REGION", "sa-east-1").arg("list");
    let out = common::output(cmd).success().stdout;
    assert!(
        region_of(&out, "plain").contains("sa-east-1 (AWS_REGION)"),
        "{out}"
    );
    // Nothing names one: rolehop's default, said as such.
    fs::write(env.config_path(), "").unwrap();
    let out = env.run(&["list"]).success().stdout;
    assert!(
        region_of(&out, "plain").contains("us-east-1 (rolehop's default)"),
        "{out}"
    );
}

#[test]
fn add_list_remove_round_trip() {
    let env = TestEnv::new(Moto::shared());
    let out = env.run(&["list"]).success();
    assert!(out.stdout.contains("No bookmarks yet"), "{}", out.stdout);

    env.run(PROD).success();
    env.run(&[
        "add",
        "dev",
        "--account",
        "011122223333",
        "--role",
        "ops/Dev",
        "--mfa-serial",
        "arn:aws:iam::123456789012:mfa/alice",
        "--duration",
        "1h",
    ])
    .success();
    let out = env.run(&["list"]).success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{}", out.stdout);
    assert!(
        lines[1].starts_with("prod")
            && lines[1].contains("210987654321")
            && lines[1].contains("eu-west-1")
    );
    assert!(
        lines[2].starts_with("dev")
            && lines[2].contains("011122223333")
            && lines[2].contains("mfa")
    );

    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json"]).success().stdout).unwrap();
    assert_eq!(json[1]["account"], "011122223333", "leading zero kept");
    assert_eq!(json[1]["role"], "ops/Dev");
    assert_eq!(json[1]["duration"], 3600);
    assert_eq!(json[1]["display"], "dev");

    let out = env.run(PROD);
    assert_eq!(out.code, 3, "duplicate name: {}", out.stderr);
    assert!(out.stderr.contains("prod"), "{}", out.stderr);

    env.run(&["remove", "prod"]).success();
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(
        !text.contains("210987654321") && text.contains("[bookmarks.dev]"),
        "{text}"
    );
    let out = env.run(&["remove", "prod"]);
    assert_eq!(out.code, 3);
}

#[test]
fn bad_bookmarks_file_is_reported_and_never_rewritten() {
    let env = TestEnv::new(Moto::shared());
    let original = "# mine\n[bookmarks.prod]\naccount = \"12345\"\nrole = \"Admin\"\n";
    fs::write(env.bookmarks_path(), original).unwrap();
    let out = env.run(&["list"]);
    assert_eq!(out.code, 3);
    let first = out.stderr.lines().next().unwrap();
    assert!(
        first.contains("bookmarks.toml:3:11: bookmark \"prod\": account must be 12 digits"),
        "{first}"
    );
    let out = env.run(&["add", "dev", "--account", "111122223333", "--role", "Dev"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(fs::read_to_string(env.bookmarks_path()).unwrap(), original);

    let out = env.run(&["add", "x", "--account", "1234", "--role", "R"]);
    assert_eq!(out.code, 3);
}

#[test]
fn exec_runs_a_command_as_the_role() {
    let env = env_with_prod();
    let out = env
        .run(&["exec", "prod", "--", &python(), "-c", WHO])
        .success();
    assert_eq!(
        out.stdout.trim(),
        "arn:aws:sts::210987654321:assumed-role/Admin/tester"
    );

    let script = "echo \"$ROLEHOP_BOOKMARK|$ROLEHOP_ROLE_ARN|$ROLEHOP_DEPTH|${AWS_PROFILE-unset}|$AWS_REGION|$AWS_DEFAULT_REGION|$AWS_CREDENTIAL_EXPIRATION|$AWS_SESSION_EXPIRATION|${AWS_ACCESS_KEY_ID-unset}|${AWS_CONTAINER_CREDENTIALS_FULL_URI-unset}\"";
    let fields = |extra: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("AWS_PROFILE", "default")
            .args(["exec", "prod"])
            .args(extra)
            .args(["--", "sh", "-c", script]);
        let out = common::output(cmd).success();
        out.stdout
            .trim()
            .split('|')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let expected = [
        "prod",
        "arn:aws:iam::210987654321:role/Admin",
        "1",
        "unset",
        "eu-west-1",
        "eu-west-1",
    ];
    // Live (the default): an endpoint, no keys, no expiry variables.
    let f = fields(&[]);
    assert_eq!(&f[..6], expected);
    assert_eq!(
        (f[6].as_str(), f[7].as_str(), f[8].as_str()),
        ("", "", "unset")
    );
    assert!(f[9].starts_with("http://127.0.0.1:"), "{}", f[9]);
    // --static: today's plain variables.
    let f = fields(&["--static"]);
    assert_eq!(&f[..6], expected);
    assert_eq!(f[9], "unset");
    assert_eq!(f[6], f[7]);
    assert!(
        f[6].ends_with('Z') && f[6].len() == 20,
        "RFC 3339 UTC: {}",
        f[6]
    );
}

#[test]
fn exec_passes_the_exit_code_through() {
    let env = env_with_prod();
    assert_eq!(
        env.run(&["exec", "prod", "--", "sh", "-c", "exit 42"]).code,
        42
    );
    let out = env.run(&["exec", "prod", "--", "no-such-command-rolehop"]);
    assert_eq!(out.code, 127, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot run no-such-command-rolehop"),
        "{}",
        out.stderr
    );
}

#[test]
fn nested_shells_assume_from_the_base_identity() {
    let env = env_with_prod();
    env.run(&["add", "dev", "--account", "111122223333", "--role", "Dev"])
        .success();
    let rolehop = env!("CARGO_BIN_EXE_rolehop");
    // A subshell (no command) reading its commands from stdin.
    let mut cmd = env.cmd();
    cmd.args(["exec", "prod"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let inner = format!(
        "{rolehop} whoami\n{rolehop} exec dev -- sh -c 'echo depth=$ROLEHOP_DEPTH bookmark=$ROLEHOP_BOOKMARK'\n{py} -c \"{WHO}\"\n{rolehop} exec dev </dev/null\nexit 3\n",
        py = python()
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(inner.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(3),
        "exit status of the shell: {stderr}"
    );
    assert!(
        stderr.contains("rolehop: prod as arn:aws:iam::210987654321:role/Admin"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`exit` goes back to your base identity"),
        "{stderr}"
    );
    // whoami inside shows the base user, not the role.
    assert!(
        stdout.contains("user/") && stdout.contains("shown is the base identity"),
        "{stdout}"
    );
    assert!(stdout.contains("depth=2 bookmark=dev"), "{stdout}");
    assert!(stdout.contains("assumed-role/Admin/tester"), "{stdout}");
    assert!(
        stderr.contains("nested shell, depth 2: dev as arn:aws:iam::111122223333:role/Dev"),
        "{stderr}"
    );
    assert!(stderr.contains("`exit` goes back to prod"), "{stderr}");
}

#[test]
fn env_exports_work_in_each_shell() {
    let env = env_with_prod();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = env.run(&["env", "prod", "--shell", shell]).success();
        let text = out.stdout;
        assert!(text.contains("AWS_SECRET_ACCESS_KEY"), "{shell}: {text}");
        match shell {
            "powershell" => {
                assert!(text.contains("$Env:AWS_ACCESS_KEY_ID = '"), "{text}");
                assert!(text.contains("Remove-Item Env:AWS_PROFILE"), "{text}");
                continue;
            }
            "fish" => assert!(text.contains("set -gx AWS_SESSION_TOKEN '")),
            _ => assert!(text.contains("export AWS_SESSION_TOKEN='")),
        }
        if which(shell).is_none() {
            common::skip_part(&format!(
                "{shell} is not installed: its exports were not sourced"
            ));
            continue;
        }
        let file = env.home.path().join(format!("exports.{shell}"));
        fs::write(&file, &text).unwrap();
        let check = format!(
            "source {}; {} -c \"{WHO}\"; echo $ROLEHOP_BOOKMARK",
            file.display(),
            python()
        );
        let mut cmd = std::process::Command::new(shell);
        cmd.arg("-c")
            .arg(check)
            .env("AWS_ENDPOINT_URL_STS", Moto::shared().url())
            .env("AWS_PROFILE", "nope");
        let out = common::output(cmd).success();
        assert!(
            out.stdout.contains("assumed-role/Admin/tester"),
            "{shell}: {}",
            out.stdout
        );
        assert!(
            out.stdout.trim_end().ends_with("prod"),
            "{shell}: {}",
            out.stdout
        );
    }
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

const CREDS_FIXTURE: &str = "# my credentials, hand-written\n[default]\naws_access_key_id = AKIABASEEXAMPLE0001\naws_secret_access_key = base-secret\n\n; staging keys below\n[staging]\nregion=eu-west-1\ns3 =\n  max_concurrent_requests = 10\naws_session_token = old\n\n[long]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = long-secret\n";

#[test]
fn write_keeps_every_other_byte() {
    let env = env_with_prod();
    fs::write(env.credentials_path(), CREDS_FIXTURE).unwrap();
    let out = env.run(&["write", "prod"]).success();
    assert!(
        out.stdout.contains("Wrote profile \"prod\""),
        "{}",
        out.stdout
    );
    let text = fs::read_to_string(env.credentials_path()).unwrap();
    assert!(
        text.starts_with(CREDS_FIXTURE),
        "original content must be a byte-identical prefix:\n{text}"
    );
    let added = &text[CREDS_FIXTURE.len()..];
    assert!(
        added.starts_with("\n[prod]\naws_access_key_id = "),
        "{added}"
    );
    for key in [
        "aws_secret_access_key",
        "aws_session_token",
        "x_security_token_expires",
        "x_principal_arn = arn:aws:sts::210987654321:assumed-role/Admin/tester",
    ] {
        assert!(added.contains(key), "{key} missing: {added}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(env.credentials_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Rewriting updates in place: still one [prod], the rest identical.
    env.run(&["write", "prod"]).success();
    let again = fs::read_to_string(env.credentials_path()).unwrap();
    assert_eq!(again.matches("[prod]").count(), 1);
    assert!(again.starts_with(CREDS_FIXTURE));

    // The written profile works for the SDK (rolehop whoami reads it through aws-config).
    let out = env.run(&["whoami", "--profile", "prod"]).success();
    assert!(
        out.stdout.contains("assumed-role/Admin/tester"),
        "{}",
        out.stdout
    );
}

#[test]
fn write_refuses_long_term_keys_without_force() {
    let env = env_with_prod();
    fs::write(env.credentials_path(), CREDS_FIXTURE).unwrap();
    let out = env.run(&["write", "prod", "--profile", "long"]);
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert!(
        out.stderr.contains("long") && out.stderr.contains("--force"),
        "{}",
        out.stderr
    );
    assert_eq!(
        fs::read_to_string(env.credentials_path()).unwrap(),
        CREDS_FIXTURE
    );
    env.run(&["write", "prod", "--profile", "long", "--force"])
        .success();
    let text = fs::read_to_string(env.credentials_path()).unwrap();
    assert!(!text.contains("AKIALONGTERM") && text.contains("# my credentials, hand-written"));
}

#[test]
fn fifty_concurrent_writers_lose_nothing() {
    let env = env_with_prod();
    fs::write(env.credentials_path(), CREDS_FIXTURE).unwrap();
    let children: Vec<_> = (0..50)
        .map(|i| {
            let mut cmd = env.cmd();
            cmd.args(["write", "prod", "--profile", &format!("p{i:02}")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = fs::read_to_string(env.credentials_path()).unwrap();
    assert!(text.starts_with(CREDS_FIXTURE));
    for i in 0..50 {
        assert_eq!(
            text.matches(&format!("[p{i:02}]")).count(),
            1,
            "profile p{i:02}:\n{text}"
        );
    }
    assert_eq!(text.matches("aws_session_token").count(), 51);
}

#[test]
fn credential_process_feeds_real_sdks() {
    let env = env_with_prod();
    let out = env.run(&["credential-process", "prod"]).success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["Version"], 1);
    assert!(json["Expiration"].as_str().unwrap().ends_with('Z'));
    let mut config = fs::read_to_string(env.config_path()).unwrap();
    config.push_str(&format!(
        "\n[profile viaproc]\ncredential_process = {} credential-process prod\n",
        env!("CARGO_BIN_EXE_rolehop")
    ));
    fs::write(env.config_path(), config).unwrap();
    // The Rust SDK (aws-config inside rolehop whoami) ...
    let out = env.run(&["whoami", "--profile", "viaproc"]).success();
    assert!(
        out.stdout.contains("assumed-role/Admin/tester"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("source   profile \"viaproc\" (credential_process)"),
        "{}",
        out.stdout
    );
    // ... and botocore.
    let mut cmd = env.cmd();
    cmd.env_remove("AWS_ENDPOINT_URL_STS");
    let mut py = std::process::Command::new(python());
    py.args(["-c", WHO]);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => py.env(k, v),
            None => py.env_remove(k),
        };
    }
    py.env("AWS_PROFILE", "viaproc")
        .env("AWS_ENDPOINT_URL_STS", Moto::shared().url());
    let out = common::output(py).success();
    assert_eq!(
        out.stdout.trim(),
        "arn:aws:sts::210987654321:assumed-role/Admin/tester"
    );
}

#[test]
fn whoami_shows_the_base_identity() {
    let env = TestEnv::new(Moto::shared());
    let out = env.run(&["whoami"]).success();
    assert!(
        out.stdout.lines().next().unwrap().starts_with("arn:aws:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("account  123456789012"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("source   the environment or profile \"default\" (profile keys)"),
        "{}",
        out.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["whoami", "--json"]).success().stdout).unwrap();
    assert_eq!(json["account"], "123456789012");
}

/// `aws login` (the AWS CLI's console sign-in) leaves a token in
/// `~/.aws/login/cache/<sha256 of login_session>.json`; the SDK's login
/// provider reads it. Written here as the CLI writes it (moto then answers
/// GetCallerIdentity with its keys); an expired one, and an SSO profile that
/// never signed in, say what to run.
#[test]
fn aws_login_and_identity_center_sessions_are_named_and_explained() {
    use sha2::Digest;
    let env = TestEnv::new(Moto::shared());
    let session = "arn:aws:iam::123456789012:user/alice";
    fs::write(
        env.config_path(),
        format!(
            "[default]\nregion = us-east-1\n\n[profile signin]\nlogin_session = {session}\nregion = us-east-1\n\n\
             [profile corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    let cache = env.home.path().join("login-cache");
    fs::create_dir_all(&cache).unwrap();
    let file = cache.join(format!(
        "{}.json",
        sha2::Sha256::digest(session.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ));
    let token = |expires: &str| {
        format!(
            r#"{{"accessToken": {{"accessKeyId": "ASIALOGINEXAMPLE0001", "secretAccessKey": "login-secret", "sessionToken": "login-token", "accountId": "123456789012", "expiresAt": "{expires}"}}, "tokenType": "aws_sigv4", "refreshToken": "refresh", "idToken": "id", "clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nnot-a-key\n-----END EC PRIVATE KEY-----\n"}}"#
        )
    };
    let run = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("AWS_LOGIN_CACHE_DIRECTORY", &cache)
            .env("AWS_SSO_CACHE_DIRECTORY", env.home.path().join("sso-cache"))
            // Nothing may leave loopback, even a refresh.
            .env("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:9")
            .env("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9")
            .args(args);
        common::output(cmd)
    };
    fs::write(&file, token("2099-01-01T00:00:00Z")).unwrap();
    let out = run(&["whoami", "--profile", "signin"]).success();
    assert!(
        out.stdout
            .contains("source   profile \"signin\" (aws login session)"),
        "{}",
        out.stdout
    );
    let mut cmd = env.cmd();
    cmd.env("AWS_LOGIN_CACHE_DIRECTORY", &cache)
        .env("AWS_PROFILE", "signin")
        .arg("doctor");
    let out = common::output(cmd);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("base credentials"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        line.contains("ASIA…0001 from the environment or profile \"signin\" (aws login session)"),
        "{}",
        out.stdout
    );

    fs::write(&file, token("2020-01-01T00:00:00Z")).unwrap();
    let out = run(&["whoami", "--profile", "signin"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let first = out.stderr.lines().next().unwrap();
    assert!(
        first.starts_with(
            "rolehop: error: the aws login session of profile \"signin\" has expired or was never started"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("rolehop: hint: run `aws login --profile signin`, then try again"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("login-secret") && !out.stderr.contains("login-token"));

    let out = run(&["whoami", "--profile", "corp"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "the IAM Identity Center session of profile \"corp\" has expired or was never started"
        ) && out
            .stderr
            .contains("rolehop: hint: run `aws sso login --profile corp`, then try again"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_base_credentials_are_one_clear_line() {
    let env = env_with_prod();
    fs::remove_file(env.credentials_path()).unwrap();
    for args in [&["whoami"][..], &["env", "prod"][..]] {
        let out = env.run(args);
        assert_eq!(out.code, 4, "{}", out.stderr);
        let first = out.stderr.lines().next().unwrap();
        assert!(
            first.starts_with("rolehop: error: no base AWS credentials found"),
            "{first}"
        );
        assert!(
            out.stderr
                .lines()
                .nth(1)
                .unwrap()
                .starts_with("rolehop: hint: "),
            "{}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    }
}

#[test]
fn mfa_codes_are_checked_before_any_call() {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "secure",
        "--account",
        "210987654321",
        "--role",
        "Admin",
        "--mfa-serial",
        "arn:aws:iam::123456789012:mfa/alice",
    ])
    .success();
    // Point STS at a closed port: a call would fail with a network error (6), not 7.
    let mut cmd = env.cmd();
    cmd.env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9").args([
        "env",
        "secure",
        "--mfa-code",
        "12345",
    ]);
    let out = common::output(cmd);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("an MFA code is 6 digits, got 5 characters"),
        "{}",
        out.stderr
    );

    // No code and no terminal to ask on.
    let mut cmd = env.cmd();
    cmd.args(["env", "secure"]);
    common::detach_from_terminal(&mut cmd);
    let out = common::output(cmd);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("needs an MFA code and there is no terminal to ask on"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--mfa-code"), "{}", out.stderr);

    // With a code, moto (which does not check codes) hands out the session.
    let out = env
        .run(&["env", "secure", "--mfa-code", "123456", "--shell", "bash"])
        .success();
    assert!(out.stdout.contains("export AWS_ACCESS_KEY_ID="));
}

#[test]
fn unknown_bookmark_suggests_the_closest() {
    let env = env_with_prod();
    let out = env.run(&["env", "prd"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("did you mean \"prod\""),
        "{}",
        out.stderr
    );
}

#[test]
fn unreachable_sts_is_a_network_error() {
    let env = env_with_prod();
    let mut cmd = env.cmd();
    cmd.env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
        .args(["env", "prod"]);
    let out = common::output(cmd);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("rolehop: error: cannot reach STS: "),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(BASE_SECRET));
}

/// With IAM enforcement on, moto checks signatures, policies, trust and external IDs.
#[test]
fn sts_refusals_are_explained() {
    let moto = Moto::start();
    let fx = common::setup_auth_fixture(&moto);
    moto.enable_auth();
    let env = TestEnv::new(&moto);
    env.set_base_keys(&fx.user_access_key, &fx.user_secret_key);
    let (acct, ext_role) = split_role(&fx.ext_role_arn);
    let (_, open_role) = split_role(&fx.open_role_arn);
    env.run(&["add", "open", "--account", acct, "--role", open_role])
        .success();
    env.run(&[
        "add",
        "ext-ok",
        "--account",
        acct,
        "--role",
        ext_role,
        "--external-id",
        "ext-123",
    ])
    .success();
    env.run(&[
        "add",
        "ext-wrong",
        "--account",
        acct,
        "--role",
        ext_role,
        "--external-id",
        "not-the-one",
    ])
    .success();

    env.run(&["env", "open"]).success();
    env.run(&["env", "ext-ok"]).success();

    let out = env.run(&["env", "ext-wrong"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    let first = out.stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "rolehop: error: access denied assuming {}",
            fx.ext_role_arn
        )),
        "{first}"
    );
    assert!(
        first.contains(" as arn:aws:iam::"),
        "names the caller: {first}"
    );
    assert!(out.stderr.contains("external ID"), "{}", out.stderr);

    env.set_base_keys("AKIAUNKNOWNKEY000000", "whatever");
    let out = env.run(&["env", "open"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("AWS does not recognise the base credentials (InvalidClientTokenId)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("whatever"));
}

fn split_role(arn: &str) -> (&str, &str) {
    let rest = arn.strip_prefix("arn:aws:iam::").unwrap();
    let (acct, role) = rest.split_once(":role/").unwrap();
    (acct, role)
}

/// `doctor` quotes the environment and the user's files: none of it may
/// drive the terminal (ESC c resets it).
#[test]
fn doctor_prints_no_control_characters() {
    let env = TestEnv::new(Moto::shared());
    std::fs::write(
        env.bookmarks_path(),
        "[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\n",
    )
    .unwrap();
    let mut cmd = env.cmd();
    cmd.env("AWS_PROFILE", "evil\u{1b}c\u{7}").args(["doctor"]);
    let out = common::output(cmd);
    assert!(out.stdout.contains("evil"), "{}", out.stdout);
    for text in [&out.stdout, &out.stderr] {
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
    }
}

/// Flags between NAME and the command are rolehop's: a mistyped one is
/// clap's usage error (exit 2) before any prompt or STS call, instead of
/// being run as the command after the code was used up.
#[test]
fn exec_rejects_unknown_flags_before_the_command() {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "secure",
        "--account",
        "210987654321",
        "--role",
        "Admin",
        "--mfa-serial",
        "arn:aws:iam::123456789012:mfa/alice",
    ])
    .success();
    // STS on a closed port and no terminal: a call would exit 6, a prompt 7.
    let mut cmd = env.cmd();
    cmd.env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9").args([
        "exec", "secure", "--mfa", "333333", "--", "sh", "-c", "echo ran",
    ]);
    common::detach_from_terminal(&mut cmd);
    let out = common::output(cmd);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unexpected argument '--mfa' found")
            && out
                .stderr
                .contains("a similar argument exists: '--mfa-code'"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("ran"), "{}", out.stdout);

    // The first word without a dash starts the command; its flags are its own,
    // after it as after `--`.
    env.run(PROD).success();
    let script = "printf '%s|' \"$@\"";
    let out = env
        .run(&["exec", "prod", "sh", "-c", script, "sh", "--version", "-x"])
        .success();
    assert_eq!(out.stdout, "--version|-x|");
    let out = env
        .run(&["exec", "prod", "--", "sh", "-c", script, "sh", "--mfa", "1"])
        .success();
    assert_eq!(out.stdout, "--mfa|1|");
}

/// A newcomer's `rolehop --help` (and `-h`) says at once what rolehop is and
/// that plain `rolehop` opens the picker.
#[test]
fn help_says_what_rolehop_is_and_that_alone_it_opens_the_picker() {
    for flag in ["--help", "-h"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rolehop"))
            .arg(flag)
            .output()
            .unwrap();
        assert!(out.status.success());
        let stdout = String::from_utf8(out.stdout).unwrap();
        let first = stdout.lines().next().unwrap();
        assert!(
            first.starts_with("The AWS Console's Switch Role, for the terminal")
                && first.contains("`rolehop` alone opens the picker"),
            "{flag}: {stdout}"
        );
    }
}

/// A `via` loop or a `via` to no bookmark is the same error, at the same
/// place, whichever command reads the file.
#[test]
fn broken_via_chains_are_reported_by_every_command() {
    let env = TestEnv::new(Moto::shared());
    let table = |name: &str, via: &str| {
        format!("[bookmarks.{name}]\naccount = \"111111111111\"\nrole = \"R\"\nvia = \"{via}\"\n\n")
    };
    let looped = format!("{}{}{}", table("a", "b"), table("b", "c"), table("c", "a"));
    let unknown = format!(
        "{}[bookmarks.tooling]\naccount = \"444444444444\"\nrole = \"T\"\n",
        table("c", "tolling")
    );
    for (text, expected) in [
        (
            looped,
            "bookmarks.toml:14:7: bookmark \"c\": via makes a loop: a -> b -> c -> a",
        ),
        (
            unknown,
            "bookmarks.toml:4:7: bookmark \"c\": via names no bookmark \"tolling\"; did you mean \"tooling\"?",
        ),
    ] {
        fs::write(env.bookmarks_path(), &text).unwrap();
        for args in [&["list"][..], &["env", "tooling"], &["env", "c"]] {
            if text.contains("[bookmarks.a]") && args == ["env", "tooling"] {
                continue;
            }
            let out = env.run(args);
            assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
            let first = out.stderr.lines().next().unwrap();
            assert!(
                first.starts_with("rolehop: error: ") && first.ends_with(expected),
                "{args:?}: {first}"
            );
        }
        let out = env.run(&["doctor"]);
        assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
        assert!(
            out.stdout
                .lines()
                .any(|l| l.contains("bookmarks") && l.ends_with(expected)),
            "{}",
            out.stdout
        );
        assert_eq!(fs::read_to_string(env.bookmarks_path()).unwrap(), text);
    }
}

/// A line of `~/.aws/config` or `~/.aws/credentials` the AWS SDK cannot
/// parse is named by file and line, whichever command meets it.
#[test]
fn malformed_aws_files_are_named_by_file_and_line() {
    let env = env_with_prod();
    let config = env.config_path().display().to_string();
    fs::write(
        env.config_path(),
        "[default]\nregion = us-east-1\n\n[profile x\nregion = eu-west-1\n",
    )
    .unwrap();
    let expected =
        format!("{config}:4: Profile definition must end with ']'; fix or remove that line");
    for args in [
        &["whoami"][..],
        &["env", "prod"],
        &["exec", "prod", "--", "true"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 4, "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.lines().next().unwrap(),
            format!("rolehop: error: {expected}"),
            "{args:?}"
        );
    }
    let out = env.run(&["doctor"]);
    assert!(
        out.stdout
            .contains(&format!("FAIL  base credentials: {expected}")),
        "{}",
        out.stdout
    );
    let out = env.run(&["import", "aws-config", "--dry-run"]);
    assert!(out.stderr.contains(&expected), "{}", out.stderr);

    fs::write(env.config_path(), "[default]\n").unwrap();
    fs::write(
        env.credentials_path(),
        format!(
            "aws_access_key_id = AKIAEXAMPLE\n[default]\naws_secret_access_key = {BASE_SECRET}\n"
        ),
    )
    .unwrap();
    let out = env.run(&["env", "prod"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        format!(
            "rolehop: error: {}:1: Expected a profile definition; fix or remove that line",
            env.credentials_path().display()
        )
    );
    assert!(!out.stderr.contains(BASE_SECRET) && !out.stderr.contains("AKIAEXAMPLE"));
}

/// `prompt --help` says what the command really reads: the environment, and
/// in a live shell the serving rolehop on loopback.
#[test]
fn prompt_help_says_it_asks_the_serving_rolehop_in_a_live_shell() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rolehop"))
        .args(["prompt", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap().replace('\n', " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("in a live shell it asks the serving rolehop on loopback")
            && help.contains("No STS call, no files")
            && !help.contains("no network"),
        "{help}"
    );
}

/// `list` marks a role with an external ID as the picker does: `ext`.
#[test]
fn list_marks_an_external_id_with_the_pickers_word() {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "vendor",
        "--account",
        "210987654321",
        "--role",
        "Audit",
        "--external-id",
        "ext-123",
    ])
    .success();
    let out = env.run(&["list"]).success();
    let row = out.stdout.lines().nth(1).unwrap();
    assert!(
        row.split_whitespace().last() == Some("ext"),
        "{}",
        out.stdout
    );
}

/// README's Commands block names every subcommand, and its sample config
/// has as many sections as it says.
#[test]
fn readme_lists_every_command_and_counts_the_sample_right() {
    use clap::CommandFactory;
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("## Commands\n\n```\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    let cli = rolehop::cli::Cli::command();
    for sub in cli.get_subcommands() {
        let nested: Vec<_> = sub.get_subcommands().map(|s| s.get_name()).collect();
        if nested.is_empty() || sub.get_name() == "agent" {
            let line = format!("rolehop {}", sub.get_name());
            assert!(block.contains(&line), "README's Commands lack {line:?}");
        } else {
            for n in nested {
                let line = format!("rolehop {} {n}", sub.get_name());
                assert!(block.contains(&line), "README's Commands lack {line:?}");
            }
        }
    }

    let sample = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/aws-config.example"
    ))
    .unwrap();
    let sections = sample
        .lines()
        .filter(|l| l.trim_start().starts_with('['))
        .count();
    assert!(
        readme.contains(&format!(
            "`assets/aws-config.example` is a {sections}-section sample"
        )),
        "README miscounts the {sections} sections"
    );
}
