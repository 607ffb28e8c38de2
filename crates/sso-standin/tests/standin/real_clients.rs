//! The shapes checked by real clients: boto3 (botocore's own parsers and
//! paginators), moto mode against a real moto, and the binary as scripts run it.
//! The Python tests skip, saying why, when the workspace's `.venv` is missing.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sso_standin::{Config, Fixtures, Standin, role_arn};

use crate::client::{access_token, login, portal, request};

/// `<workspace>/.venv/bin/<name>`, if it is there.
fn venv(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../.venv/bin")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        println!(
            "skipped: {} is missing (scripts/test-deps installs it)",
            path.display()
        );
        None
    }
}

/// Runs a Python snippet with `url` as `sys.argv[1]`; its stdout.
fn python(snippet: &str, args: &[&str]) -> Option<String> {
    let python = venv("python")?;
    let out = Command::new(python)
        .arg("-c")
        .arg(snippet)
        .args(args)
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "python failed\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(stdout)
}

const BOTO3_SESSION: &str = r#"
import json, sys, urllib.request
import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

url = sys.argv[1]
cfg = Config(signature_version=UNSIGNED, retries={"mode": "standard", "max_attempts": 1})
oidc = boto3.client("sso-oidc", endpoint_url=url, region_name="us-east-1", config=cfg)
sso = boto3.client("sso", endpoint_url=url, region_name="us-east-1", config=cfg)

def control(route, body):
    req = urllib.request.Request(url + "/_standin/" + route, data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(req).read()

def code(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], type(e).__name__
    raise AssertionError("no error")

reg = oidc.register_client(clientName="boto3-check", clientType="public", scopes=["sso:account:access"])
client = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"])
assert isinstance(reg["clientSecretExpiresAt"], int), reg
dev = oidc.start_device_authorization(startUrl=url + "/start", **client)
assert dev["interval"] == 0 and dev["userCode"] in dev["verificationUriComplete"], dev
poll = lambda: oidc.create_token(grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=dev["deviceCode"], **client)
try:
    poll()
    raise AssertionError("not pending")
except oidc.exceptions.AuthorizationPendingException as e:
    print("pending", e.response["Error"]["Code"], e.response["error"])
control("approve", {"userCode": dev["userCode"]})
tok = poll()
print("token", tok["tokenType"], tok["expiresIn"], "refreshToken" in tok)
print("reused", *code(poll))
access = tok["accessToken"]

pages = list(sso.get_paginator("list_accounts").paginate(accessToken=access))
accounts = [a for p in pages for a in p["accountList"]]
print("accounts", len(pages), len(accounts), len({a["accountId"] for a in accounts}))
print("first", json.dumps(accounts[1], ensure_ascii=False))
acct = accounts[0]["accountId"]
rpages = list(sso.get_paginator("list_account_roles").paginate(accessToken=access, accountId=acct, PaginationConfig={"PageSize": 2}))
print("roles", len(rpages), [r["roleName"] for p in rpages for r in p["roleList"]])
creds = sso.get_role_credentials(accessToken=access, accountId=acct, roleName="ReadOnlyAccess")["roleCredentials"]
print("creds", creds["accessKeyId"][:4], type(creds["expiration"]).__name__)

control("unassign", {"accountId": acct, "roleName": "Billing"})
print("unassigned", *code(lambda: sso.get_role_credentials(accessToken=access, accountId=acct, roleName="Billing")))
print("unknown account", *code(lambda: sso.list_account_roles(accessToken=access, accountId="999999999999")))
control("config", {"throttleRatio": 1.0})
try:
    sso.list_accounts(accessToken=access)
    raise AssertionError("not throttled")
except sso.exceptions.TooManyRequestsException as e:
    print("throttled", e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"])
control("config", {"throttleRatio": 0.0})

new = oidc.create_token(grantType="refresh_token", refreshToken=tok["refreshToken"], **client)
print("refreshed", new["refreshToken"] != tok["refreshToken"])
print("old refresh", *code(lambda: oidc.create_token(grantType="refresh_token", refreshToken=tok["refreshToken"], **client)))
print("bad client", *code(lambda: oidc.create_token(grantType="refresh_token", refreshToken=new["refreshToken"], clientId=reg["clientId"], clientSecret="x")))
sso.logout(accessToken=new["accessToken"])
try:
    sso.list_accounts(accessToken=new["accessToken"])
    raise AssertionError("still logged in")
except sso.exceptions.UnauthorizedException as e:
    print("logged out", e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
try:
    oidc.create_token(grantType="refresh_token", refreshToken=new["refreshToken"], **client)
    raise AssertionError("refresh after logout")
except oidc.exceptions.InvalidGrantException as e:
    print("refresh after logout", e.response["Error"]["Code"], e.response["error"])
"#;

#[test]
fn boto3_parses_every_answer_and_error() {
    let s = Standin::start(Config {
        device_interval_secs: 0,
        tps: 0.0,
        fixtures: Fixtures::Generated {
            accounts: 45,
            roles: 5,
        },
        ..Config::default()
    })
    .expect("start");
    let Some(out) = python(BOTO3_SESSION, &[s.url()]) else {
        return;
    };
    let expected = [
        "pending AuthorizationPendingException authorization_pending",
        "token Bearer 3600 True",
        "reused InvalidGrantException 400 InvalidGrantException",
        "accounts 3 45 45",
        r#"first {"accountId": "000000001001", "accountName": "prod – Zürich 1", "emailAddress": "aws+000000001001@example.com"}"#,
        "roles 3 ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'Billing', 'ViewOnlyAccess']",
        "creds ASIA int",
        "unassigned ForbiddenException 403 ClientError",
        "unknown account ResourceNotFoundException 404 ResourceNotFoundException",
        "throttled TooManyRequestsException 429 Rate exceeded",
        "refreshed True",
        "old refresh InvalidGrantException 400 InvalidGrantException",
        "bad client InvalidClientException 401 InvalidClientException",
        "logged out UnauthorizedException 401",
        "refresh after logout InvalidGrantException invalid_grant",
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected, "{out}");
    assert_eq!(s.counters().refresh_grants, 1);
}

/// A moto_server on a free port, stopped on drop.
struct Moto(Child, String);

impl Moto {
    fn start() -> Option<Moto> {
        let bin = venv("moto_server")?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn moto_server");
        let moto = Moto(child, format!("http://127.0.0.1:{port}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(moto)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn moto_mode_credentials_are_the_permission_sets_assumed_role() {
    let Some(moto) = Moto::start() else { return };
    let s = Standin::start(Config {
        moto_url: Some(moto.1.clone()),
        ..Config::default()
    })
    .expect("start");
    let (_, tokens) = login(&s);
    let target = "/federation/credentials?account_id=000000001000&role_name=AdministratorAccess";
    let reply = portal(&s, target, access_token(&tokens)).ok();
    let creds = &reply["roleCredentials"];
    let snippet = r#"
import sys, boto3
endpoint, key, secret, token = sys.argv[1:5]
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)
print(sts.get_caller_identity()["Arn"])
"#;
    let args =
        ["accessKeyId", "secretAccessKey", "sessionToken"].map(|k| creds[k].as_str().expect(k));
    let Some(out) = python(snippet, &[&moto.1, args[0], args[1], args[2]]) else {
        return;
    };
    let arn = role_arn("000000001000", "AdministratorAccess");
    let role = arn.rsplit('/').next().expect("role name");
    assert!(
        role.starts_with("AWSReservedSSO_AdministratorAccess_") && role.len() == 35 + 16,
        "{arn}"
    );
    assert_eq!(
        out.trim(),
        format!("arn:aws:sts::000000001000:assumed-role/{role}/standin-user")
    );
}

#[test]
fn the_binary_prints_its_url_and_stops_when_stdin_closes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sso-standin"))
        .args([
            "--config",
            r#"{"accessTokenSecs": 9}"#,
            "--accounts",
            "3",
            "--roles",
            "1",
            "--tps",
            "50",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn sso-standin");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read the URL");
    let url = first.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first:?}");
    let cfg = request(&url, "GET", "/_standin/config", &[], "").ok();
    assert_eq!(
        (cfg["accessTokenSecs"].as_u64(), cfg["tps"].as_f64()),
        (Some(9), Some(50.0))
    );
    assert_eq!(
        request(&url, "GET", "/_standin/accounts", &[], "")
            .ok()
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    drop(child.stdin.take()); // closes its stdin
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "sso-standin kept running after stdin closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());

    let bad = Command::new(env!("CARGO_BIN_EXE_sso-standin"))
        .arg("--bogus")
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown argument --bogus"));
}

/// botocore's own SSO chain: an `[sso-session]` profile whose cached token has
/// expired makes SSOTokenProvider refresh it here (AWS_ENDPOINT_URL_SSO_OIDC)
/// and the SSO credential provider fetch role credentials (AWS_ENDPOINT_URL_SSO).
const BOTOCORE_REFRESH: &str = r#"
import datetime, hashlib, json, os, sys
import boto3
url, client_id, client_secret, refresh = sys.argv[1:5]
home = os.environ["HOME"]
os.makedirs(home + "/.aws/sso/cache")
with open(home + "/.aws/config", "w") as f:
    f.write(f"""[profile standin]
sso_session = corp
sso_account_id = 000000001000
sso_role_name = ReadOnlyAccess
[sso-session corp]
sso_start_url = {url}/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
""")
past = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
cache = home + "/.aws/sso/cache/" + hashlib.sha1(b"corp").hexdigest() + ".json"
with open(cache, "w") as f:
    json.dump({"startUrl": url + "/start", "region": "us-east-1", "accessToken": "expired", "expiresAt": past,
               "clientId": client_id, "clientSecret": client_secret, "registrationExpiresAt": later,
               "refreshToken": refresh}, f)
creds = boto3.Session(profile_name="standin").get_credentials().get_frozen_credentials()
print("creds", creds.access_key[:4])
written = json.load(open(cache))
print("cache", written["accessToken"] != "expired", written["refreshToken"] != refresh)
"#;

#[test]
fn botocore_refreshes_an_expired_cached_token_and_fetches_role_credentials() {
    let s = Standin::start(Config {
        tps: 0.0,
        ..Config::default()
    })
    .expect("start");
    let (client, tokens) = login(&s);
    let refresh = tokens["refreshToken"].as_str().expect("refresh token");
    let home = std::env::temp_dir().join(format!("sso-standin-botocore-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("temp HOME");
    let Some(python) = venv("python") else { return };
    let out = Command::new(python)
        .args([
            "-c",
            BOTOCORE_REFRESH,
            s.url(),
            &client.id,
            &client.secret,
            refresh,
        ])
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL_SSO", s.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", s.url())
        .output()
        .expect("run python");
    let _ = std::fs::remove_dir_all(&home);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["creds ASIA", "cache True True"]
    );
    let counters = s.counters();
    assert_eq!(
        (
            counters.refresh_grants,
            counters.calls.get("GetRoleCredentials")
        ),
        (1, Some(&1))
    );
}
