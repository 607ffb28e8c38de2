//! Moto mode: role credentials from moto's STS, so that GetCallerIdentity shows
//! the `AWSReservedSSO_*` assumed-role ARN an Identity Center login really gives.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

pub(crate) struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

/// Unsigned Query-API AssumeRole. moto (with auth off, its default) picks the
/// service from the Authorization header's credential scope and checks nothing
/// else, so a dummy one routes the call to STS.
pub(crate) async fn assume_role(
    moto_url: &str,
    role_arn: &str,
    session_name: &str,
    duration_secs: u64,
) -> Result<Credentials, String> {
    let authority = moto_url
        .strip_prefix("http://")
        .ok_or_else(|| format!("moto URL {moto_url} is not http://host:port"))?
        .trim_end_matches('/');
    let fail = |e: &dyn std::fmt::Display| format!("moto AssumeRole at {moto_url}: {e}");
    let stream = TcpStream::connect(authority).await.map_err(|e| fail(&e))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| fail(&e))?;
    tokio::spawn(conn);
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "AssumeRole")
        .append_pair("Version", "2011-06-15")
        .append_pair("RoleArn", role_arn)
        .append_pair("RoleSessionName", session_name)
        .append_pair("DurationSeconds", &duration_secs.to_string())
        .finish();
    let request = Request::post("/")
        .header("host", authority)
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=ASIASTANDIN/20240101/us-east-1/sts/aws4_request, \
             SignedHeaders=host, Signature=0",
        )
        .body(Full::new(Bytes::from(form)))
        .map_err(|e| fail(&e))?;
    let response = sender.send_request(request).await.map_err(|e| fail(&e))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| fail(&e))?
        .to_bytes();
    let xml = String::from_utf8_lossy(&body);
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = xml.find(&open)? + open.len();
        let len = xml[start..].find(&format!("</{name}>"))?;
        Some(xml[start..start + len].to_owned())
    };
    match (
        status.is_success(),
        tag("AccessKeyId"),
        tag("SecretAccessKey"),
        tag("SessionToken"),
    ) {
        (true, Some(access_key_id), Some(secret_access_key), Some(session_token)) => {
            Ok(Credentials {
                access_key_id,
                secret_access_key,
                session_token,
            })
        }
        _ => Err(fail(&format!(
            "HTTP {status}: {}",
            tag("Message").unwrap_or_default()
        ))),
    }
}
