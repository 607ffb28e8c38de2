//! `rolehop sso login`: a person signs in in a browser, rolehop gets the
//! token and writes it where the AWS CLI keeps it.
//!
//! The default is the authorization-code grant with PKCE (S256), as the AWS
//! CLI's since 2024: rolehop listens on 127.0.0.1 on an ephemeral port
//! before the browser starts, serves exactly one callback, checks `state`,
//! and gives up after 10 minutes. `--use-device-code`: the device grant
//! (a URL and a code, for a browser on another machine). `--no-browser`:
//! print the URL only. No browser is ever opened from inside a request of
//! the live endpoint; only this command opens one.

use std::io::Write;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::oidc::{self, Grant, Poll, TokenGrant};
use super::token::{self, Token};
use super::{Instance, SsoError};
use crate::env::EnvView;

/// How long a login may take, start to finish.
pub const LOGIN_LIMIT: Duration = Duration::from_secs(10 * 60);
/// The most of the callback request that is read.
const MAX_REQUEST: usize = 8 * 1024;

/// The choices of `rolehop sso login`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub device_code: bool,
    pub no_browser: bool,
}

/// Sign in and write the token; `say` gets the lines for the person.
pub async fn login(
    inst: &Instance,
    opts: Options,
    env: &EnvView,
    say: &mut (dyn Write + Send),
) -> Result<Token, SsoError> {
    let token = if opts.device_code {
        device(inst, opts, env, say).await?
    } else {
        pkce(inst, opts, env, say).await?
    };
    let path = inst.token_path()?;
    let _lock = token::lock(&path)?;
    token::write(&path, &token)?;
    super::marks::signed_in(inst, std::time::SystemTime::now());
    Ok(token)
}

/// 64 characters from RFC 7636's unreserved set.
fn verifier() -> Result<String, SsoError> {
    const SET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    let mut bytes = [0u8; 64];
    getrandom::fill(&mut bytes).map_err(|e| SsoError::Login {
        message: format!("no randomness for the sign-in ({e})"),
        hint: None,
    })?;
    Ok(bytes
        .iter()
        .map(|b| SET[usize::from(*b) % SET.len()] as char)
        .collect())
}

/// S256: the unpadded base64url of the verifier's SHA-256.
pub fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn random_state() -> Result<String, SsoError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| SsoError::Login {
        message: format!("no randomness for the sign-in ({e})"),
        hint: None,
    })?;
    Ok(crate::text::hex(&bytes))
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn timed_out(inst: &Instance) -> SsoError {
    SsoError::Login {
        message: format!(
            "the sign-in to {} did not complete within {} minutes",
            inst.name,
            LOGIN_LIMIT.as_secs() / 60
        ),
        hint: Some(format!(
            "run rolehop sso login {} again (--use-device-code signs in from another device)",
            inst.name
        )),
    }
}

/// Open `url` unless told not to; a launcher that fails only costs the
/// person a copy and paste. Runs beside the wait: a text browser's launcher
/// returns only once the page (and so the callback) has loaded.
fn open(url: &str, opts: Options, env: &EnvView) {
    if opts.no_browser {
        return;
    }
    let (url, env) = (url.to_owned(), env.clone());
    tokio::task::spawn_blocking(move || {
        let _ = crate::console::launch_browser(&url, &env);
    });
}

async fn pkce(
    inst: &Instance,
    opts: Options,
    env: &EnvView,
    say: &mut (dyn Write + Send),
) -> Result<Token, SsoError> {
    let reg = oidc::registration(inst, Grant::AuthorizationCode, SystemTime::now()).await?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| SsoError::Login {
            message: format!("cannot listen on 127.0.0.1 for the sign-in's answer ({e})"),
            hint: Some("use --use-device-code".into()),
        })?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    let redirect_uri = format!("http://127.0.0.1:{port}/oauth/callback");
    let verifier = verifier()?;
    let state = random_state()?;
    let url = format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
        super::oidc_endpoint(&inst.config.region, env),
        enc(&reg.client_id),
        enc(&redirect_uri),
        state,
        enc(oidc::SCOPE),
        challenge(&verifier),
    );
    let _ = writeln!(
        say,
        "rolehop: sign in to {} ({}) in your browser{}:\n{url}",
        inst.name,
        inst.config.start_url,
        if opts.no_browser {
            ""
        } else {
            "; if none opens, open this URL"
        }
    );
    open(&url, opts, env);
    let code = tokio::time::timeout(LOGIN_LIMIT, callback(&listener, &state))
        .await
        .map_err(|_| timed_out(inst))??;
    drop(listener);
    let grant = TokenGrant::Code {
        code: &code,
        verifier: &verifier,
        redirect_uri: &redirect_uri,
    };
    match oidc::create_token(inst, &reg, grant, SystemTime::now()).await? {
        Poll::Token(t) => Ok(*t),
        Poll::Pending | Poll::SlowDown => Err(SsoError::Login {
            message: "IAM Identity Center did not issue a token for the sign-in code".into(),
            hint: Some(format!("run rolehop sso login {} again", inst.name)),
        }),
    }
}

/// Serve `GET /oauth/callback` once: the code, if `state` is ours. Other
/// paths (a favicon, a probe) get 404 and the wait goes on.
async fn callback(listener: &tokio::net::TcpListener, state: &str) -> Result<String, SsoError> {
    loop {
        let Ok((mut conn, _)) = listener.accept().await else {
            continue;
        };
        let mut buf = Vec::with_capacity(1024);
        let read = tokio::time::timeout(Duration::from_secs(10), async {
            let mut chunk = [0u8; 1024];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_REQUEST {
                match conn.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
        })
        .await;
        if read.is_err() {
            continue;
        }
        let head = String::from_utf8_lossy(&buf);
        let target = head
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("GET "))
            .and_then(|l| l.split(' ').next())
            .unwrap_or("");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path != "/oauth/callback" {
            let _ = answer(&mut conn, "404 Not Found", "Not found.").await;
            continue;
        }
        let param = |k: &str| {
            query.split('&').find_map(|kv| {
                let (key, v) = kv.split_once('=')?;
                (key == k).then(|| {
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned()
                })
            })
        };
        let result = if param("state").as_deref() != Some(state) {
            Err(SsoError::Login {
                message: "the sign-in answer did not carry this login's state; it was refused (another page may have tried to sign you in)".into(),
                hint: Some("run rolehop sso login again".into()),
            })
        } else if let Some(err) = param("error") {
            Err(SsoError::Login {
                message: format!(
                    "the sign-in was not approved ({err}{})",
                    param("error_description")
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ),
                hint: None,
            })
        } else {
            param("code")
                .filter(|c| !c.is_empty())
                .ok_or_else(|| SsoError::Login {
                    message: "the sign-in answer held no code".into(),
                    hint: None,
                })
        };
        let page = match &result {
            Ok(_) => "rolehop: signed in. You can close this tab and go back to the terminal.",
            Err(_) => "rolehop: this sign-in was refused. Go back to the terminal.",
        };
        let status = if result.is_ok() {
            "200 OK"
        } else {
            "400 Bad Request"
        };
        let _ = answer(&mut conn, status, page).await;
        return result;
    }
}

async fn answer(conn: &mut tokio::net::TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let body = format!("<!doctype html><meta charset=utf-8><title>rolehop</title><p>{text}</p>\n");
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await?;
    conn.write_all(body.as_bytes()).await?;
    conn.shutdown().await
}

async fn device(
    inst: &Instance,
    opts: Options,
    env: &EnvView,
    say: &mut (dyn Write + Send),
) -> Result<Token, SsoError> {
    let now = SystemTime::now();
    let reg = oidc::registration(inst, Grant::DeviceCode, now).await?;
    let auth = oidc::start_device(inst, &reg).await?;
    let url = auth
        .verification_uri_complete
        .clone()
        .unwrap_or_else(|| auth.verification_uri.clone());
    let _ = writeln!(
        say,
        "rolehop: sign in to {} ({}) at\n{url}\nand check that it shows the code {}",
        inst.name, inst.config.start_url, auth.user_code
    );
    open(&url, opts, env);
    let deadline = tokio::time::Instant::now() + auth.expires_in.min(LOGIN_LIMIT);
    let mut interval = auth.interval;
    loop {
        tokio::time::sleep(interval).await;
        if tokio::time::Instant::now() >= deadline {
            return Err(timed_out(inst));
        }
        match oidc::create_token(
            inst,
            &reg,
            TokenGrant::Device(&auth.device_code),
            SystemTime::now(),
        )
        .await?
        {
            Poll::Token(t) => return Ok(*t),
            Poll::Pending => {}
            // RFC 8628 §3.5: five more seconds from now on.
            Poll::SlowDown => interval += Duration::from_secs(5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s() {
        // RFC 7636, appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let v = verifier().unwrap();
        assert_eq!(v.len(), 64);
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        );
        assert_ne!(v, verifier().unwrap());
    }
}
