//! A minimal blocking HTTP/1.1 client (one request per connection) and the
//! login steps the tests share.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};
use sso_standin::Standin;

pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    /// The AWS error code (`x-amzn-ErrorType`).
    pub fn error_type(&self) -> &str {
        self.header("x-amzn-ErrorType").unwrap_or("")
    }

    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(self.status, 200, "{self:?}");
        self.json()
    }
}

pub fn request(
    base: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let authority = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).expect("connect to the stand-in");
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send");
    stream.write_all(body.as_bytes()).expect("send body");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read reply");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete reply");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub fn post(standin: &Standin, path: &str, body: &Value) -> Reply {
    request(
        standin.url(),
        "POST",
        path,
        &[("content-type", "application/json")],
        &body.to_string(),
    )
}

pub fn get(standin: &Standin, target: &str) -> Reply {
    request(standin.url(), "GET", target, &[], "")
}

/// A portal GET with the bearer token.
pub fn portal(standin: &Standin, target: &str, token: &str) -> Reply {
    request(
        standin.url(),
        "GET",
        target,
        &[("x-amz-sso_bearer_token", token)],
        "",
    )
}

pub struct Registered {
    pub id: String,
    pub secret: String,
}

impl Registered {
    /// CreateToken's body with this client's credentials and `extra`.
    pub fn token_body(&self, extra: Value) -> Value {
        let mut body = json!({ "clientId": self.id, "clientSecret": self.secret });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        body
    }
}

pub fn register(
    standin: &Standin,
    scopes: &[&str],
    grants: &[&str],
    redirects: &[&str],
) -> Registered {
    let reply = post(
        standin,
        "/client/register",
        &json!({
            "clientName": "rolehop-test",
            "clientType": "public",
            "scopes": scopes,
            "grantTypes": grants,
            "redirectUris": redirects,
            "issuerUrl": standin.start_url(),
        }),
    )
    .ok();
    Registered {
        id: reply["clientId"].as_str().expect("clientId").to_owned(),
        secret: reply["clientSecret"]
            .as_str()
            .expect("clientSecret")
            .to_owned(),
    }
}

/// StartDeviceAuthorization: (deviceCode, userCode).
pub fn start_device(standin: &Standin, client: &Registered) -> (String, String) {
    let body = client.token_body(json!({ "startUrl": standin.start_url() }));
    let reply = post(standin, "/device_authorization", &body).ok();
    let code = |k: &str| reply[k].as_str().expect(k).to_owned();
    (code("deviceCode"), code("userCode"))
}

pub fn poll_device(standin: &Standin, client: &Registered, device_code: &str) -> Reply {
    let body = client.token_body(json!({ "grantType": DEVICE_GRANT, "deviceCode": device_code }));
    post(standin, "/token", &body)
}

/// A whole device-code login with a refreshable registration: CreateToken's body.
pub fn login(standin: &Standin) -> (Registered, Value) {
    let client = register(standin, &["sso:account:access"], &[], &[]);
    let (device_code, _) = start_device(standin, &client);
    standin.approve_device(None);
    let tokens = poll_device(standin, &client, &device_code).ok();
    (client, tokens)
}

pub fn access_token(tokens: &Value) -> &str {
    tokens["accessToken"].as_str().expect("accessToken")
}
