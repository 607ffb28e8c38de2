//! IAM Identity Center end to end: the real binary against the stand-in
//! portal and OIDC service (crates/sso-standin), roles assumed on moto.

use crate::common;

use crate::live::{boto_loop, field};
use common::{Moto, Output, TestEnv};
use sso_standin::{Config, Fixtures, Standin};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

const START_URL: &str = "https://d-1234567890.awsapps.com/start";

pub(crate) struct Sso {
    pub(crate) standin: Standin,
    pub(crate) env: TestEnv,
}

impl Sso {
    /// A stand-in (moto mode: its credentials are moto's) and a HOME with
    /// `[sso.corp]` added through `rolehop sso add`.
    pub(crate) fn new(config: Config) -> Sso {
        let moto = Moto::shared();
        let standin = Standin::start(Config {
            moto_url: Some(moto.url()),
            ..config
        })
        .unwrap();
        let sso = Sso {
            standin,
            env: TestEnv::new(moto),
        };
        let out = sso
            .run(&[
                "sso",
                "add",
                "corp",
                "--start-url",
                START_URL,
                "--region",
                "us-east-1",
            ])
            .success();
        assert!(out.stdout.starts_with("Added [sso.corp]"), "{}", out.stdout);
        sso
    }

    fn cmd(&self) -> std::process::Command {
        let mut cmd = self.env.cmd();
        cmd.env("AWS_ENDPOINT_URL_SSO", self.standin.url())
            .env("AWS_ENDPOINT_URL_SSO_OIDC", self.standin.url());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.cmd();
        cmd.args(args);
        common::output(cmd)
    }

    /// Sign in with the device code, approved by the stand-in after 2 polls.
    pub(crate) fn device_login(&self) -> Output {
        self.standin
            .configure(|c| c.auto_approve_after_polls = Some(2));
        self.run(&["sso", "login", "corp", "--use-device-code", "--no-browser"])
            .success()
    }

    fn token_path(&self) -> PathBuf {
        use sha1::Digest;
        let name = sso_hex(&sha1::Sha1::digest(b"corp"));
        self.env
            .home
            .path()
            .join(format!(".aws/sso/cache/{name}.json"))
    }

    fn token(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.token_path()).unwrap()).unwrap()
    }

    fn exports(&self, name: &str) -> BTreeMap<String, String> {
        common::exports_of(&self.run(&["env", name, "--shell", "bash"]).success().stdout)
    }
}

fn sso_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn two_accounts() -> Fixtures {
    let account = |id: &str, name: &str, roles: &[&str]| sso_standin::Account {
        account_id: id.into(),
        account_name: name.into(),
        email_address: format!("{id}@example.com"),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
    };
    Fixtures::List(vec![
        account(
            "000011112222",
            "Prod Payments",
            &["AdministratorAccess", "ReadOnlyAccess"],
        ),
        account("333344445555", "Dev", &["PowerUserAccess"]),
    ])
}

#[test]
fn device_login_sync_and_a_role_from_the_portal() {
    let sso = Sso::new(Config {
        fixtures: two_accounts(),
        page_size: 1,
        ..Config::default()
    });
    // Nothing works before a login, and the error says what to do.
    let out = sso.run(&["sso", "sync", "corp"]).failure();
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("run rolehop sso login corp"),
        "{}",
        out.stderr
    );

    let out = sso.device_login();
    assert!(out.stderr.contains("user_code="), "{}", out.stderr);
    assert!(out.stderr.contains("signed in to corp"), "{}", out.stderr);
    // The AWS CLI's file, 0600, with everything another tool needs to refresh.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(sso.token_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let t = sso.token();
    for key in [
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ] {
        assert!(t.get(key).is_some(), "{key} in {t}");
    }
    assert_eq!(t["startUrl"], START_URL);

    // Every account × permission set, every page, one bookmark each.
    let out = sso.run(&["sso", "sync", "corp"]).success();
    assert!(out.stdout.contains("imported 3"), "{}", out.stdout);
    let text = std::fs::read_to_string(sso.env.bookmarks_path()).unwrap();
    assert!(
        text.contains("[bookmarks.prod-payments-administratoraccess]\naccount = \"000011112222\"\nrole = \"AdministratorAccess\"\ndisplay = \"Prod Payments · AdministratorAccess\"\nsso = \"corp\"\n"),
        "{text}"
    );
    assert!(text.contains("[bookmarks.dev-poweruseraccess]"), "{text}");

    // A role's credentials come from GetRoleCredentials: moto's keys for the
    // permission set's reserved role.
    let vars = sso.exports("prod-payments-administratoraccess");
    let key = &vars["AWS_ACCESS_KEY_ID"];
    assert_eq!(vars["AWS_REGION"], "us-east-1");
    let arn = Moto::shared().python_as(
        key,
        &vars["AWS_SECRET_ACCESS_KEY"],
        Some(&vars["AWS_SESSION_TOKEN"]),
        "print(client('sts').get_caller_identity()['Arn'])",
    );
    assert!(
        arn.contains("assumed-role/AWSReservedSSO_AdministratorAccess_"),
        "{arn}"
    );
    let counters = sso.standin.counters();
    assert_eq!(
        counters.calls.get("GetRoleCredentials").copied(),
        Some(1),
        "{counters:?}"
    );
    // Cached: a second env is the same session, no portal call.
    assert_eq!(
        &sso.exports("prod-payments-administratoraccess")["AWS_ACCESS_KEY_ID"],
        key
    );
    assert_eq!(
        sso.standin
            .counters()
            .calls
            .get("GetRoleCredentials")
            .copied(),
        Some(1)
    );

    // A re-run keeps what the user set and reports a role that went away.
    let edited = text.replace(
        "sso = \"corp\"\n\n[bookmarks.prod-payments-readonlyaccess]",
        "sso = \"corp\"\ncolor = \"red\"\n\n[bookmarks.prod-payments-readonlyaccess]",
    );
    std::fs::write(sso.env.bookmarks_path(), &edited).unwrap();
    sso.standin.unassign("000011112222", "ReadOnlyAccess");
    let out = sso.run(&["sso", "sync", "corp"]).success();
    assert!(out.stdout.contains("2 unchanged; 1 gone"), "{}", out.stdout);
    assert_eq!(
        std::fs::read_to_string(sso.env.bookmarks_path()).unwrap(),
        edited
    );
    // Unassigned: one error naming the account and permission set.
    let out = sso
        .run(&["--no-cache", "env", "prod-payments-readonlyaccess"])
        .failure();
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no longer gives you ReadOnlyAccess in account 000011112222"),
        "{}",
        out.stderr
    );
    // ...and marks the bookmark for the next sync, which says so.
    let out = sso.run(&["sso", "status", "--json"]).success();
    let status: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        status[0]["refused"][0]["bookmark"], "prod-payments-readonlyaccess",
        "{status}"
    );
    assert_eq!(status[0]["refused"][0]["role"], "ReadOnlyAccess");
    let out = sso.run(&["sso", "status"]).success();
    assert!(
        out.stdout.contains(
            "refused:      prod-payments-readonlyaccess (ReadOnlyAccess in account 000011112222)"
        ),
        "{}",
        out.stdout
    );
    let out = sso.run(&["sso", "sync", "corp", "--prune"]).success();
    assert!(out.stdout.contains("gone, refused 20"), "{}", out.stdout);
    let text = std::fs::read_to_string(sso.env.bookmarks_path()).unwrap();
    assert!(!text.contains("readonlyaccess"), "{text}");
    assert!(text.contains("color = \"red\""), "{text}");

    // Status, then logout: the portal revokes, the file goes.
    let out = sso.run(&["sso", "status", "--json"]).success();
    let status: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(status[0]["login"], "logged-in", "{status}");
    assert_eq!(status[0]["refreshable"], true);
    assert_eq!(status[0]["bookmarks"], 2);
    assert_eq!(status[0]["roles"], 2);
    assert_eq!(
        status[0]["refused"],
        serde_json::json!([]),
        "the sync looked"
    );
    // AWS says no session's end: rolehop's sign-in and the default 8 h.
    let since = status[0]["signed_in"].as_str().expect("rolehop signed in");
    let default_end = status[0]["session_end_default"].as_str().unwrap();
    let at = |t: &str| humantime::parse_rfc3339(t).unwrap();
    assert_eq!(
        at(default_end).duration_since(at(since)).unwrap(),
        std::time::Duration::from_secs(8 * 3600),
        "{status}"
    );
    assert_eq!(status[0]["session_end"], serde_json::Value::Null);
    let out = sso.run(&["sso", "logout", "corp"]).success();
    assert!(
        out.stdout.contains("signed out at the portal"),
        "{}",
        out.stdout
    );
    assert!(!sso.token_path().exists());
    assert!(sso.standin.counters().calls.contains_key("Logout"));
}

#[test]
fn an_ended_session_is_one_clear_error_and_a_new_login_fixes_it() {
    // 20-s tokens are always within the 15-min refresh window: every use refreshes.
    let sso = Sso::new(Config {
        fixtures: two_accounts(),
        access_token_secs: 20,
        ..Config::default()
    });
    sso.device_login();
    sso.run(&["sso", "sync", "corp"]).success();
    let first = sso.token()["refreshToken"].clone();
    sso.run(&["--no-cache", "env", "dev-poweruseraccess"])
        .success();
    // Refreshed, and the rotated refresh token was written.
    assert!(sso.standin.counters().refresh_grants >= 1);
    assert_ne!(sso.token()["refreshToken"], first);

    sso.standin.end_session();
    let out = sso
        .run(&["--no-cache", "env", "dev-poweruseraccess"])
        .failure();
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "rolehop: error: corp's IAM Identity Center session has ended (the refresh was refused)\nrolehop: hint: run rolehop sso login corp\n"
    );
    // The file still holds the refused refresh token: status says ended.
    assert!(sso.token()["refreshToken"].is_string());
    let status = |sso: &Sso| -> serde_json::Value {
        let out = sso.run(&["sso", "status", "--json"]).success();
        serde_json::from_str(&out.stdout).unwrap()
    };
    let s = status(&sso);
    assert_eq!(s[0]["login"], "expired", "{s}");
    assert_eq!(s[0]["session_ended"], true, "{s}");
    assert!(s[0]["session_end"].is_string(), "{s}");
    let out = sso.run(&["sso", "status"]).success();
    assert!(
        out.stdout
            .contains("session ended: run rolehop sso login corp"),
        "{}",
        out.stdout
    );
    sso.device_login();
    sso.run(&["--no-cache", "env", "dev-poweruseraccess"])
        .success();
    let s = status(&sso);
    assert_eq!(s[0]["login"], "logged-in", "{s}");
    assert_eq!(s[0]["session_ended"], false, "{s}");
}

/// The default login: authorization code with PKCE, the browser a script
/// that fetches the page and follows its redirect to rolehop's callback
/// (a launcher that returns only once the page has loaded).
#[test]
fn pkce_login_through_a_text_browser_and_a_forged_state_refused() {
    let sso = Sso::new(Config::default());
    let browser = sso.env.home.path().join("browser");
    std::fs::write(&browser, "#!/bin/sh\nexec curl -s -L -o /dev/null \"$1\"\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = sso.cmd();
    cmd.env("BROWSER", &browser).args(["sso", "login", "corp"]);
    let out = common::output(cmd).success();
    assert!(
        out.stderr.contains("code_challenge_method=S256"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("signed in to corp"), "{}", out.stderr);
    assert!(sso.token()["refreshToken"].is_string());

    // A page that answers with another state: refused, and nothing listens after.
    let forged = sso.env.home.path().join("forger");
    std::fs::write(
        &forged,
        "#!/bin/sh\nexec curl -s -L -o /dev/null \"$(printf %s \"$1\" | sed 's/state=[0-9a-f]*/state=forged/')\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&forged, std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = std::fs::read(sso.token_path()).unwrap();
    let mut cmd = sso.cmd();
    cmd.env("BROWSER", &forged).args(["sso", "login", "corp"]);
    let out = common::output(cmd);
    // State is opaque to the stand-in: rolehop's callback is what refuses.
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("did not carry this login's state"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(sso.token_path()).unwrap(),
        before,
        "the old token stays"
    );
    let port: u16 = out
        .stderr
        .split("redirect_uri=http%3A%2F%2F127%2E0%2E0%2E1%3A")
        .nth(1)
        .and_then(|r| r.split('%').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("a port in {}", out.stderr));
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no listener left"
    );
}

#[test]
fn sso_add_copies_the_aws_clis_session_and_errors_name_the_line() {
    let env = TestEnv::new(Moto::shared());
    std::fs::write(
        env.config_path(),
        format!("[default]\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"),
    )
    .unwrap();
    std::fs::write(
        env.bookmarks_path(),
        "# my roles\n[bookmarks.x]\naccount = \"111111111111\"\nrole = \"R\"\n",
    )
    .unwrap();
    let out = env.run(&["sso", "add", "corp"]).success();
    assert!(
        out.stdout.contains("from [sso-session corp]"),
        "{}",
        out.stdout
    );
    let text = std::fs::read_to_string(env.bookmarks_path()).unwrap();
    assert_eq!(
        text,
        format!(
            "# my roles\n[bookmarks.x]\naccount = \"111111111111\"\nrole = \"R\"\n\n[sso.corp]\nstart_url = \"{START_URL}\"\nregion = \"eu-west-1\"\n"
        )
    );
    // Updating keeps the rest byte for byte.
    env.run(&[
        "sso",
        "add",
        "corp",
        "--start-url",
        START_URL,
        "--region",
        "eu-west-2",
    ])
    .success();
    assert_eq!(
        std::fs::read_to_string(env.bookmarks_path()).unwrap(),
        text.replace("eu-west-1", "eu-west-2")
    );
    let out = env.run(&["sso", "add", "nope"]).failure();
    assert!(
        out.stderr.contains("no [sso-session nope]"),
        "{}",
        out.stderr
    );

    std::fs::write(
        env.bookmarks_path(),
        format!("[sso.corp]\nstart_url = \"{START_URL}\"\nregion = \"eu-west-1\"\n\n[bookmarks.a]\naccount = \"111111111111\"\nrole = \"Admin\"\nsso = \"crop\"\n"),
    )
    .unwrap();
    let out = env.run(&["list"]).failure();
    assert!(
        out.stderr.contains("bookmarks.toml:8:7: bookmark \"a\": sso names no [sso.crop] table; did you mean \"corp\"?"),
        "{}",
        out.stderr
    );
}

/// A live shell on an SSO role with 30-s credentials and a 20-s access
/// token: boto3 keeps working across renewals (each one refreshes the
/// token), the session's end is said once and answered SsoLoginRequired
/// once the credentials run out, and a new login re-arms the shell.
#[test]
fn a_live_shell_lasts_as_long_as_the_identity_center_session() {
    let sso = Sso::new(Config {
        fixtures: two_accounts(),
        credential_secs: 30,
        access_token_secs: 20,
        ..Config::default()
    });
    sso.device_login();
    sso.run(&["sso", "sync", "corp"]).success();
    let dir = sso.env.home.path();
    let py = format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR"));
    let fetch = "curl -s -H \"Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"";
    let wait_for = |f: &str| {
        format!("n=0; while [ ! -e {f} ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done")
    };
    let script = format!(
        "{py} -c '{boto}' > boto.out\n\
         touch ended\n\
         sleep 33\n\
         echo; echo AFTER: $({fetch})\n\
         touch expired\n\
         {wait}\n\
         sleep 4\n\
         echo; echo REARMED: $({fetch})\n\
         cat boto.out",
        boto = boto_loop(60),
        wait = wait_for("relogged"),
    );
    let mut cmd = sso.cmd();
    cmd.args(["exec", "dev-poweruseraccess", "--", "sh", "-c", &script])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let appear = |f: &str| {
        let path = dir.join(f);
        for _ in 0..1200 {
            if path.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{f} never appeared");
    };
    appear("ended");
    let refreshes = sso.standin.counters().refresh_grants;
    sso.standin.end_session();
    appear("expired");
    sso.device_login();
    std::fs::write(dir.join("relogged"), "").unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let summary = stdout.lines().last().unwrap_or("");
    assert_eq!(field(summary, "fails="), "0", "{stdout}");
    let keys: u32 = field(summary, "keys=").parse().unwrap();
    assert!(keys >= 2, "{summary}");
    assert!(
        refreshes >= 1,
        "the access token was refreshed: {refreshes}"
    );
    assert!(
        field(summary, "last=").contains("AWSReservedSSO_PowerUserAccess_"),
        "{summary}"
    );
    assert_eq!(
        stderr
            .matches(
                "rolehop: corp's IAM Identity Center session has ended: run rolehop sso login corp"
            )
            .count(),
        1,
        "said once: {stderr}"
    );
    let after = stdout
        .lines()
        .find(|l| l.starts_with("AFTER:"))
        .unwrap_or("");
    assert!(after.contains("SsoLoginRequired"), "{stdout}");
    let rearmed = stdout
        .lines()
        .find(|l| l.starts_with("REARMED:"))
        .unwrap_or("");
    assert!(rearmed.contains("AccessKeyId"), "{stdout}\n{stderr}");
}

/// boto3 `[sso-session]` profiles read the token rolehop wrote (and refresh
/// it, rotating the refresh token); rolehop then refreshes with the
/// rotated one boto3 wrote.
#[test]
fn boto3_and_rolehop_share_one_login() {
    let sso = Sso::new(Config {
        fixtures: two_accounts(),
        access_token_secs: 20,
        ..Config::default()
    });
    sso.device_login();
    let before = sso.token()["refreshToken"].clone();
    let config = sso.env.home.path().join("boto-config");
    std::fs::write(
        &config,
        format!("[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n[profile dev]\nsso_session = corp\nsso_account_id = 333344445555\nsso_role_name = PowerUserAccess\nregion = us-east-1\n"),
    )
    .unwrap();
    let py = format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(py)
        .args(["-c", "import boto3; print(boto3.Session(profile_name='dev').client('sts').get_caller_identity()['Arn'])"])
        .env_clear()
        .env("PATH", common::inherited_path())
        .env("HOME", sso.env.home.path())
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_ENDPOINT_URL_SSO", sso.standin.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", sso.standin.url())
        .env("AWS_ENDPOINT_URL_STS", Moto::shared().url())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    let arn = String::from_utf8_lossy(&out.stdout);
    assert!(
        arn.contains("AWSReservedSSO_PowerUserAccess_"),
        "{arn}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rotated = sso.token()["refreshToken"].clone();
    assert_ne!(
        rotated, before,
        "boto3 refreshed the 20-s token and wrote the new refresh token"
    );
    // rolehop refreshes with boto3's token (the old one is dead).
    sso.run(&["sso", "sync", "corp"]).success();
    sso.run(&["--no-cache", "env", "dev-poweruseraccess"])
        .success();
    assert_ne!(sso.token()["refreshToken"], rotated);
}

/// `import aws-config` brings `[sso-session]`s along as `[sso.*]` and
/// `sso_account_id` / `sso_role_name` profiles as bookmarks of them.
#[test]
fn import_aws_config_brings_sso_sessions_and_profiles() {
    let sso = Sso::new(Config {
        fixtures: two_accounts(),
        ..Config::default()
    });
    std::fs::remove_file(sso.env.bookmarks_path()).unwrap();
    std::fs::write(
        sso.env.config_path(),
        format!(
            "[default]\nregion = us-east-1\n\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n\
             [profile dev]\nsso_session = corp\nsso_account_id = 333344445555\nsso_role_name = PowerUserAccess\nregion = eu-west-1\n\n\
             [profile old]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_account_id = 333344445555\nsso_role_name = PowerUserAccess\n\n\
             [profile lost]\nsso_session = nowhere\nsso_account_id = 333344445555\nsso_role_name = PowerUserAccess\n"
        ),
    )
    .unwrap();
    let out = sso.run(&["import", "aws-config"]).success();
    let row = |p: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(p))
            .unwrap_or_else(|| panic!("{p} in {}", out.stdout))
            .to_owned()
    };
    assert!(row("old").contains("legacy SSO profile"), "{}", out.stdout);
    assert!(
        row("lost").contains("no [sso-session nowhere]"),
        "{}",
        out.stdout
    );
    let text = std::fs::read_to_string(sso.env.bookmarks_path()).unwrap();
    assert!(
        text.contains(&format!(
            "[sso.corp]\nstart_url = \"{START_URL}\"\nregion = \"us-east-1\"\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("[bookmarks.dev]\naccount = \"333344445555\"\nrole = \"PowerUserAccess\"\nregion = \"eu-west-1\"\nsso = \"corp\"\n"),
        "{text}"
    );
    // And it works: the login is the AWS CLI's, by the session's name.
    sso.device_login();
    let vars = sso.exports("dev");
    assert_eq!(vars["AWS_REGION"], "eu-west-1");
    assert!(vars["AWS_ACCESS_KEY_ID"].len() >= 16, "{vars:?}");
}

/// `via` from an SSO bookmark: the next role is assumed (on moto) with the
/// portal's credentials.
#[test]
fn a_role_via_an_sso_role() {
    let sso = Sso::new(Config {
        fixtures: two_accounts(),
        ..Config::default()
    });
    sso.device_login();
    sso.run(&["sso", "sync", "corp"]).success();
    let mut text = std::fs::read_to_string(sso.env.bookmarks_path()).unwrap();
    text.push_str("\n[bookmarks.deploy]\naccount = \"444455556666\"\nrole = \"Deployer\"\nvia = \"dev-poweruseraccess\"\n");
    std::fs::write(sso.env.bookmarks_path(), &text).unwrap();
    let vars = sso.exports("deploy");
    let arn = Moto::shared().python_as(
        &vars["AWS_ACCESS_KEY_ID"],
        &vars["AWS_SECRET_ACCESS_KEY"],
        Some(&vars["AWS_SESSION_TOKEN"]),
        "print(client('sts').get_caller_identity()['Arn'])",
    );
    assert!(arn.contains("444455556666:assumed-role/Deployer/"), "{arn}");
    assert_eq!(
        sso.standin
            .counters()
            .calls
            .get("GetRoleCredentials")
            .copied(),
        Some(1)
    );
}
