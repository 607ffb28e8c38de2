//! What a stand-in serves: lifetimes, faults, throttle and the fixture accounts.

use serde::{Deserialize, Serialize};

/// Everything tunable, in seconds so that tests run in seconds. JSON keys are
/// camelCase (`{"accessTokenSecs": 5, "tps": 20}`); missing keys keep their default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Config {
    /// Served in `GET /start`'s `<meta name="region">`.
    pub region: String,
    /// Lifetime of a refreshable access token (client registered `sso:account:access`).
    pub access_token_secs: u64,
    /// Lifetime of a legacy token (client registered without scopes): no refresh token.
    pub legacy_token_secs: u64,
    /// Length of an Identity Center session, started by a login; refresh fails after it.
    pub session_secs: u64,
    /// What a refresh grant answers about the refresh token.
    pub refresh_mode: RefreshMode,
    /// Lifetime of GetRoleCredentials' keys.
    pub credential_secs: u64,
    /// StartDeviceAuthorization's `expiresIn`.
    pub device_expires_secs: u64,
    /// StartDeviceAuthorization's `interval`; polling faster gets SlowDownException (0: never).
    pub device_interval_secs: u64,
    /// Approve a device code by itself after this many pending answers (0: on the first poll).
    pub auto_approve_after_polls: Option<u32>,
    /// Page size of the portal's lists when the client sends no `max_result`.
    pub page_size: u32,
    /// Token bucket rate across all portal operations (0: unlimited).
    pub tps: f64,
    /// Share of portal calls answered 429 on top of the bucket (0.0–1.0).
    pub throttle_ratio: f64,
    /// Share of OIDC and portal calls answered 500 (0.0–1.0).
    pub error_ratio: f64,
    /// Delay before answering any OIDC or portal call.
    pub latency_ms: u64,
    /// moto's base URL: GetRoleCredentials then AssumeRoles the `AWSReservedSSO_*` role there.
    pub moto_url: Option<String>,
    /// RoleSessionName of moto-mode credentials (the user's name in real AWS).
    pub user_name: String,
    pub fixtures: Fixtures,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: "us-east-1".into(),
            access_token_secs: 3600,
            legacy_token_secs: 8 * 3600,
            session_secs: 8 * 3600,
            refresh_mode: RefreshMode::Rotate,
            credential_secs: 3600,
            device_expires_secs: 600,
            device_interval_secs: 1,
            auto_approve_after_polls: None,
            page_size: 20,
            tps: 20.0,
            throttle_ratio: 0.0,
            error_ratio: 0.0,
            latency_ms: 0,
            moto_url: None,
            user_name: "standin-user".into(),
            fixtures: Fixtures::default(),
        }
    }
}

/// The refresh token a `refresh_token` grant sends back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RefreshMode {
    /// A new one; the old one is revoked.
    Rotate,
    /// The same one again.
    Same,
    /// None at all (the client must keep the old one, as aws-config and botocore do).
    Omit,
}

/// The accounts and permission sets assigned to the (one) user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Fixtures {
    /// `accounts` × `roles`, with awkward names: spaces, unicode, duplicate account
    /// names ("Shared Services" from the 3rd account on) and 12-digit ids with leading zeros.
    Generated { accounts: usize, roles: usize },
    /// Exactly these.
    List(Vec<Account>),
}

impl Default for Fixtures {
    fn default() -> Self {
        Fixtures::Generated {
            accounts: 6,
            roles: 3,
        }
    }
}

/// One assigned account and its permission sets (= ListAccountRoles' `roleName`s).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub account_id: String,
    pub account_name: String,
    pub email_address: String,
    pub roles: Vec<String>,
}

const PERMISSION_SETS: [&str; 6] = [
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "Billing",
    "ViewOnlyAccess",
    "DataScientist",
];

impl Fixtures {
    /// The accounts, in ListAccounts order.
    pub fn accounts(&self) -> Vec<Account> {
        match self {
            Fixtures::List(list) => list.clone(),
            Fixtures::Generated { accounts, roles } => (0..*accounts)
                .map(|i| {
                    let id = if i % 4 == 3 {
                        900_000_000_000 + i
                    } else {
                        1_000 + i
                    };
                    let account_id = format!("{id:012}");
                    let account_name = match i % 6 {
                        0 => format!("Account {i}"),
                        1 => format!("prod – Zürich {i}"),
                        2 | 5 => "Shared Services".into(),
                        3 => format!("開発 dev {i}"),
                        _ => format!("sandbox {i}"),
                    };
                    Account {
                        email_address: format!("aws+{account_id}@example.com"),
                        account_id,
                        account_name,
                        roles: (0..*roles)
                            .map(|j| match PERMISSION_SETS.get(j) {
                                Some(name) => (*name).into(),
                                None => format!("PermissionSet{j}"),
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}
