//! The HTTP client of every STS client rolehop builds: the SDK's own hyper +
//! rustls (aws-lc) connector, with TLS set up only for `https://` requests.
//!
//! Why: the SDK's default client builds its TLS connector when the STS client
//! is created (`validate_base_client_config`), and that reads and parses the
//! system's root certificates: every file of `/etc/ssl/certs` when
//! `SSL_CERT_DIR` points there, ~150 certificates. Callgrind on
//! `rolehop env NAME` against an `http://` endpoint (moto, LocalStack, a VPC
//! proxy): 19.6 M of 23.2 M instructions (84 %) and most of the 6.5 ms of
//! system time were that, for a connection that never uses TLS. Here an
//! `http://` request gets a connector with an empty trust store (nothing is
//! read; TLS would fail, and is never attempted), and the first `https://`
//! request builds the SDK's usual connector, native roots and all, exactly as
//! the default client does (same builder, same crypto, same proxy settings
//! from the environment). Connectors are cached per timeout settings and kept
//! for the process, so the picker reuses connections as the SDK's client would.
//!
//! Every answer that is not a success is read here, up to [`MAX_ERROR_BODY`],
//! before the SDK sees it: the SDK reads an error body whole into memory, and
//! a broken proxy or a hostile endpoint can send 100 MB of "message".

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Connector, ConnectorBuilder};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The process-wide client (connectors and their connection pools are shared).
pub fn client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            SharedHttpClient::new(SchemeClient {
                connectors: Mutex::new(HashMap::new()),
            })
        })
        .clone()
}

type Key = (Option<Duration>, Option<Duration>);

#[derive(Debug)]
struct SchemeClient {
    /// By (connect, read) timeout, as the SDK's own client caches them.
    connectors: Mutex<HashMap<Key, SharedHttpConnector>>,
}

impl HttpClient for SchemeClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let key = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self
            .connectors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        connectors
            .entry(key)
            .or_insert_with(|| {
                SharedHttpConnector::new(SchemeConnector {
                    settings: settings.clone(),
                    components: components.clone(),
                    plain: OnceLock::new(),
                    tls: OnceLock::new(),
                })
            })
            .clone()
    }

    // No `validate_base_client_config`: building a connector there is what
    // loaded the root certificates up front.

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        // What the SDK's client reports (it goes into the user agent).
        Some(ConnectorMetadata::new("hyper", Some(Cow::Borrowed("1.x"))))
    }
}

#[derive(Debug)]
struct SchemeConnector {
    settings: HttpConnectorSettings,
    components: RuntimeComponents,
    /// For `http://`: no trust store, so no certificate is read.
    plain: OnceLock<Connector>,
    /// For everything else: the SDK's default TLS setup.
    tls: OnceLock<Connector>,
}

impl SchemeConnector {
    /// The SDK's default connector (see aws-smithy-runtime's
    /// `default_https_client`) for these settings, with `tls` if given.
    fn build(&self, tls: Option<TlsContext>) -> Connector {
        let mut b = ConnectorBuilder::default();
        b.set_connector_settings(Some(self.settings.clone()));
        b.set_sleep_impl(self.components.sleep_impl());
        b.set_proxy_config(Some(ProxyConfig::from_env()));
        let b = b.tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        match tls {
            Some(ctx) => b.tls_context(ctx).build(),
            None => b.build(),
        }
    }
}

impl HttpConnector for SchemeConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let connector = if is_plain_http(request.uri()) {
            self.plain.get_or_init(|| {
                let no_roots = TlsContext::builder()
                    .with_trust_store(TrustStore::empty().with_native_roots(false))
                    .build()
                    .unwrap_or_default();
                self.build(Some(no_roots))
            })
        } else {
            self.tls.get_or_init(|| self.build(None))
        };
        let answer = connector.call(request);
        HttpConnectorFuture::new(async move { Ok(capped(answer.await?).await) })
    }
}

/// The most of an error answer rolehop reads (STS, Organizations and the
/// portal say what went wrong in well under 1 KiB).
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// How long an error answer's body may take to arrive, once its status has.
const ERROR_BODY_TIME: Duration = Duration::from_secs(10);

/// `response` with an error body cut at [`MAX_ERROR_BODY`]; the rest is never
/// read (dropping the body closes the connection). Successes pass untouched.
async fn capped(mut response: HttpResponse) -> HttpResponse {
    if response.status().is_success() {
        return response;
    }
    let mut body = response.take_body();
    let mut kept = BytesMut::new();
    let read = async {
        while kept.len() < MAX_ERROR_BODY {
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        kept.extend_from_slice(&data);
                    }
                }
                // A body that breaks off says what it said so far.
                Some(Err(_)) | None => break,
            }
        }
    };
    let _ = tokio::time::timeout(ERROR_BODY_TIME, read).await;
    kept.truncate(MAX_ERROR_BODY);
    *response.body_mut() = SdkBody::from(Bytes::from(kept));
    response
}

fn is_plain_http(uri: &str) -> bool {
    uri.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_config::{BehaviorVersion, Region};
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn scheme_decides() {
        assert!(is_plain_http("http://127.0.0.1:5000/"));
        assert!(is_plain_http("HTTP://localhost"));
        assert!(!is_plain_http("https://sts.amazonaws.com/"));
        assert!(!is_plain_http("http"));
    }

    const IDENTITY: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn><UserId>AIDAT</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

    /// Both paths really connect through an STS client: plain HTTP gets its
    /// answer, and HTTPS starts a TLS handshake (the listener is no TLS
    /// server, so that call fails after its ClientHello).
    #[tokio::test]
    async fn sts_over_http_and_https() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let mut first_bytes = Vec::new();
            for _ in 0..2 {
                let (mut s, _) = listener.accept().unwrap();
                let mut buf = [0u8; 8192];
                let n = s.read(&mut buf).unwrap_or(0);
                first_bytes.push(buf.first().copied().filter(|_| n > 0));
                if buf[..n].starts_with(b"POST") {
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n{IDENTITY}",
                        IDENTITY.len()
                    );
                    let _ = s.write_all(reply.as_bytes());
                }
            }
            first_bytes
        });
        let sts = |scheme: &str| {
            let conf = aws_sdk_sts::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(aws_credential_types::Credentials::new(
                    "AKIDTEST", "secret", None, None, "test",
                ))
                .retry_config(aws_config::retry::RetryConfig::disabled())
                .endpoint_url(format!("{scheme}://127.0.0.1:{port}"))
                .http_client(client())
                .build();
            aws_sdk_sts::Client::from_conf(conf)
        };
        let id = sts("http").get_caller_identity().send().await.unwrap();
        assert_eq!(id.account(), Some("123456789012"));
        assert!(sts("https").get_caller_identity().send().await.is_err());
        // 0x16: a TLS handshake record.
        assert_eq!(server.join().unwrap(), [Some(b'P'), Some(0x16)]);
    }
}
