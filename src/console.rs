//! The AWS console as a role: sign-in through the federation endpoint
//! (`rolehop console NAME`, the picker's `c`), and the console's own Switch
//! Role link (`rolehop console NAME --switch-url`). The subcommand itself is
//! `cmd/console.rs`.
//!
//! Federation is two steps: GET `{base}/federation?Action=getSigninToken`
//! with the credentials as a `Session` JSON parameter answers a sign-in token
//! (valid 15 minutes); the browser then opens
//! `{base}/federation?Action=login&Issuer=..&Destination=..&SigninToken=..`.
//! The `Session` parameter carries the secret key and session token: it is
//! never printed, logged or put in an error message.

use crate::creds::Credentials;
use crate::env::EnvView;
use crate::error::{Error, Result};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rolehop_files::bookmarks::Bookmark;
use std::time::Duration;

/// Overrides the federation base URL (`https://signin.aws.amazon.com` and the
/// partition's equivalents), for tests and private endpoints.
pub const FEDERATION_URL_VAR: &str = "ROLEHOP_FEDERATION_URL";

/// How long a sign-in token from getSigninToken may be used.
pub const SIGNIN_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// What the login URL names as the issuer (shown when the console session ends).
pub const ISSUER: &str = "rolehop";

/// SessionDuration bounds of the federation endpoint.
const MIN_SESSION: u64 = 900;
const MAX_SESSION: u64 = 43_200;

/// Percent-encode everything but RFC 3986's unreserved characters, so a
/// space is `%20` (never `+`) and `/` in a role path is `%2F`.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, QUERY).to_string()
}

/// The sign-in and console hosts of an AWS partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hosts {
    pub signin: &'static str,
    pub console: &'static str,
}

pub fn hosts(partition: &str) -> Hosts {
    match partition {
        "aws-cn" => Hosts {
            signin: "signin.amazonaws.cn",
            console: "console.amazonaws.cn",
        },
        "aws-us-gov" => Hosts {
            signin: "signin.amazonaws-us-gov.com",
            console: "console.amazonaws-us-gov.com",
        },
        _ => Hosts {
            signin: "signin.aws.amazon.com",
            console: "console.aws.amazon.com",
        },
    }
}

/// `https://signin.aws.amazon.com` for the partition, or `$ROLEHOP_FEDERATION_URL`,
/// which must be https (or http on loopback, for a local stand-in): the
/// request carries the session's secret key.
pub fn federation_base(partition: &str, env: &EnvView) -> Result<String> {
    let Some(base) = env.get(FEDERATION_URL_VAR).filter(|s| !s.is_empty()) else {
        return Ok(format!("https://{}", hosts(partition).signin));
    };
    let base = base.trim_end_matches('/');
    let loopback = base
        .strip_prefix("http://")
        .map(|rest| rest.split(['/', '?']).next().unwrap_or(""))
        .and_then(|authority| {
            let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
            let host = host.trim_start_matches('[').trim_end_matches(']');
            host.parse::<std::net::IpAddr>().ok()
        })
        .is_some_and(|ip| ip.is_loopback());
    if base.starts_with("https://") || loopback {
        return Ok(base.to_owned());
    }
    Err(usage(
        format!(
            "{FEDERATION_URL_VAR} must be an https:// URL (or http:// on 127.0.0.1 / [::1]), got {:?}",
            crate::text::sanitize(base)
        ),
        Some(format!(
            "the sign-in request carries the session's secret key; unset {FEDERATION_URL_VAR} to use AWS's own endpoint"
        )),
    ))
}

/// The `Session` parameter: `{"sessionId":..,"sessionKey":..,"sessionToken":..}`.
/// Secret: never print it.
pub fn session_json(creds: &Credentials) -> secrecy::SecretString {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Session<'a> {
        session_id: &'a str,
        session_key: &'a str,
        session_token: &'a str,
    }
    crate::creds::secret_json(&Session {
        session_id: &creds.access_key_id,
        session_key: creds.secret_access_key(),
        session_token: creds.session_token(),
    })
}

/// The getSigninToken URL. `session_duration` only for credentials that are
/// not chained: the endpoint answers 400 to it for chained role credentials
/// (roles assumed with session or other role credentials). Secret.
pub fn signin_token_url(base: &str, creds: &Credentials, session_duration: Option<u64>) -> String {
    let mut url = format!("{base}/federation?Action=getSigninToken");
    if let Some(d) = session_duration {
        url.push_str(&format!("&SessionDuration={d}"));
    }
    url.push_str("&Session=");
    url.push_str(&enc(secrecy::ExposeSecret::expose_secret(&session_json(
        creds,
    ))));
    url
}

/// SessionDuration to ask for: the credentials' remaining life, within the
/// endpoint's 900-43200 s; None for chained credentials (not allowed there).
pub fn session_duration(chained: bool, remaining: Duration) -> Option<u64> {
    (!chained).then(|| remaining.as_secs().clamp(MIN_SESSION, MAX_SESSION))
}

/// The console page to land on: the home page, a service's home page
/// (`s3`, `ec2`, `cloudformation`), or a full console URL of the partition.
pub fn destination(partition: &str, region: Option<&str>, dest: Option<&str>) -> Result<String> {
    let console = hosts(partition).console;
    let query = region
        .map(|r| format!("?region={}", enc(r)))
        .unwrap_or_default();
    let Some(dest) = dest.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(format!("https://{console}/console/home{query}"));
    };
    if let Some(rest) = dest.strip_prefix("https://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host == console || host.ends_with(&format!(".{console}")) {
            return Ok(dest.to_owned());
        }
        return Err(usage(
            format!("--destination {dest} is not a page of the AWS console ({console})"),
            Some(format!(
                "give a service (s3, ec2, iam) or a URL starting with https://{console}/"
            )),
        ));
    }
    let service = dest.trim_matches('/');
    if service.is_empty()
        || !service
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        return Err(usage(
            format!("--destination {dest:?} is neither a service name nor a console URL"),
            Some(format!(
                "give a service (s3, ec2, iam) or a URL starting with https://{console}/"
            )),
        ));
    }
    Ok(format!("https://{console}/{service}/home{query}"))
}

/// The URL that signs the browser in with the token and lands on `destination`.
pub fn login_url(base: &str, destination: &str, token: &str) -> String {
    format!(
        "{base}/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        enc(ISSUER),
        enc(destination),
        enc(token)
    )
}

/// The console's own Switch Role link for a bookmark: it pre-fills the form of
/// a console already signed in to the trusted account. Roles that need an
/// external ID cannot be switched to there: refused with the reason.
pub fn switch_url(b: &Bookmark) -> Result<String> {
    if b.external_id.is_some() {
        return Err(usage(
            format!(
                "bookmark \"{}\" needs an external ID, and the console's Switch Role cannot pass one",
                b.name
            ),
            Some(format!(
                "sign in through federation instead: rolehop console {}",
                b.name
            )),
        ));
    }
    let mut url = format!(
        "https://{}/switchrole?account={}&roleName={}&displayName={}",
        hosts(b.partition()).signin,
        enc(&b.account),
        enc(&b.role),
        enc(&b.display)
    );
    if let Some(c) = &b.color {
        url.push_str(&format!("&color={}", c.console_hex()));
    }
    Ok(url)
}

/// The root certificates STS calls trust (the platform's store, with
/// `SSL_CERT_FILE` / `SSL_CERT_DIR`, as the AWS SDK's client loads them);
/// ureq's bundled roots only if the platform has none.
fn platform_roots() -> ureq::tls::RootCerts {
    let found = rustls_native_certs::load_native_certs();
    let certs: Vec<ureq::tls::Certificate<'static>> = found
        .certs
        .iter()
        .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    if certs.is_empty() {
        return ureq::tls::RootCerts::WebPki;
    }
    ureq::tls::RootCerts::Specific(std::sync::Arc::new(certs))
}

fn usage(message: String, hint: Option<String>) -> Error {
    Error::Usage { message, hint }
}

fn failed(message: String, hint: Option<String>) -> Error {
    Error::Console { message, hint }
}

/// Call getSigninToken; the answer's `SigninToken`. Errors never contain
/// the URL (it holds the secret key).
pub fn get_signin_token(url: &str, chained: bool) -> Result<String> {
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .user_agent(concat!("rolehop/", env!("CARGO_PKG_VERSION")));
    if url.starts_with("https://") {
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(platform_roots())
                .build(),
        );
    }
    let agent: ureq::Agent = config.build().into();
    let mut resp = agent.get(url).call().map_err(|e| {
        let why = match &e {
            ureq::Error::Io(io) => io.to_string(),
            ureq::Error::Timeout(_) => "no answer in 30 s".to_owned(),
            ureq::Error::HostNotFound => "host not found".to_owned(),
            ureq::Error::ConnectionFailed => "connection failed".to_owned(),
            ureq::Error::Tls(t) => format!("TLS: {t}"),
            _ => "request failed".to_owned(),
        };
        failed(
            format!("cannot reach the AWS sign-in (federation) endpoint: {why}"),
            Some("check the network (and HTTPS_PROXY); --switch-url works offline".into()),
        )
    })?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    if status != 200 {
        let hint = match status {
            400 if chained => "the endpoint refused these chained role credentials; try `rolehop logout NAME` and again".to_owned(),
            400 => "the credentials may have expired or not come from AssumeRole: `rolehop logout NAME` and try again".to_owned(),
            _ => "try again in a moment".to_owned(),
        };
        return Err(failed(
            format!("the AWS sign-in endpoint refused to issue a sign-in token (HTTP {status})"),
            Some(hint),
        ));
    }
    let v: serde_json::Value = serde_json::from_str(&body).map_err(|_| {
        failed(
            "the AWS sign-in endpoint answered something that is not a sign-in token".into(),
            None,
        )
    })?;
    v.get("SigninToken")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            failed(
                "the AWS sign-in endpoint answered without a SigninToken".into(),
                None,
            )
        })
}

/// Everything `console` needs besides the network.
pub struct SignIn<'a> {
    pub creds: &'a Credentials,
    pub chained: bool,
    pub partition: &'a str,
    pub region: Option<&'a str>,
    pub destination: Option<&'a str>,
}

/// The login URL for these credentials: getSigninToken, then the login link.
pub fn sign_in(s: &SignIn<'_>, env: &EnvView) -> Result<String> {
    if let Some(r) = s.region
        && rolehop_files::bookmarks::partition_of(r) != s.partition
    {
        return Err(usage(
            format!("region {r} is not in partition {} of the role", s.partition),
            Some("give a region of the role's partition with --region".into()),
        ));
    }
    let dest = destination(s.partition, s.region, s.destination)?;
    let base = federation_base(s.partition, env)?;
    let remaining = s.creds.remaining(std::time::SystemTime::now());
    let url = signin_token_url(&base, s.creds, session_duration(s.chained, remaining));
    let token = get_signin_token(&url, s.chained)?;
    Ok(login_url(&base, &dest, &token))
}

/// What the launcher is given for the sign-in link `url`: on Unix the
/// `file://` URL of a private redirect page ([`page`]), since any user can
/// read a launcher's argv; elsewhere the link itself.
fn handoff(url: &str) -> Result<String> {
    if !cfg!(unix) {
        return Ok(url.to_owned());
    }
    let hint = || Some("use --print and open the link yourself".to_owned());
    let dir = crate::paths::cache_dir()
        .map(|d| d.join("console"))
        .ok_or_else(|| {
            failed(
                "no directory for the sign-in page (no home directory; set ROLEHOP_CACHE_DIR)"
                    .into(),
                hint(),
            )
        })?;
    let path = page::write(&dir, url, SIGNIN_TOKEN_LIFETIME).map_err(|e| {
        failed(
            format!("cannot write the sign-in page in {}: {e}", dir.display()),
            hint(),
        )
    })?;
    Ok(page::file_url(&path))
}

/// Open the sign-in link `url` in the default browser: `$BROWSER` (the
/// first of a `:` list; `%s` is replaced by the page's URL), else `open`
/// (macOS), `start` (Windows) or `xdg-open`. The launcher gets the page
/// ([`handoff`]), never the link. Waits for the launcher; stdio is detached
/// from the terminal.
pub fn open_browser(url: &str, env: &EnvView) -> Result<String> {
    let target = handoff(url)?;
    launch_browser(target.as_str(), env)
}

/// Open `url` itself in the browser (`$BROWSER` first, as [`open_browser`]),
/// for pages that carry no secret (the IAM Identity Center sign-in).
pub fn launch_browser(url: &str, env: &EnvView) -> Result<String> {
    use std::process::{Command, Stdio};
    let mut cmd;
    let program: String;
    if let Some(browser) = env
        .get("BROWSER")
        .and_then(|b| b.split(':').find(|s| !s.trim().is_empty()))
    {
        let mut words = browser.split_whitespace();
        program = words.next().unwrap_or_default().to_owned();
        cmd = Command::new(&program);
        let mut had_placeholder = false;
        for w in words {
            if w.contains("%s") {
                had_placeholder = true;
                cmd.arg(w.replace("%s", url));
            } else {
                cmd.arg(w);
            }
        }
        if !had_placeholder {
            cmd.arg(url);
        }
    } else if cfg!(target_os = "macos") {
        program = "open".into();
        cmd = Command::new(&program);
        cmd.arg(url);
    } else if cfg!(windows) {
        program = "cmd".into();
        cmd = Command::new(&program);
        cmd.args(["/C", "start", ""]).arg(url);
    } else {
        program = "xdg-open".into();
        cmd = Command::new(&program);
        cmd.arg(url);
    }
    let status = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| {
            failed(
                format!("cannot open a browser ({program}: {e})"),
                Some("set $BROWSER, or use --print and open the link yourself".into()),
            )
        })?;
    if !status.success() {
        return Err(failed(
            format!("the browser launcher {program} failed ({status})"),
            Some("set $BROWSER, or use --print and open the link yourself".into()),
        ));
    }
    Ok(program)
}

mod page;

#[cfg(test)]
mod tests;
