//! The AWS access portal (`awsssoportal`): the only code that calls it.
//! Every call carries the access token in `x-amz-sso_bearer_token`; none is
//! SigV4-signed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_sso::Client;
use secrecy::{ExposeSecret, SecretString};

use super::{Instance, SsoError, is_network, said};
use crate::creds::Credentials;

/// A portal client for `inst`. `retries`: false for the paced sync, which
/// handles throttling itself (the SDK's retry quota would run dry).
pub async fn client(inst: &Instance, retries: bool) -> Client {
    let conf = super::sdk_config(&inst.config.region).await;
    let mut b = aws_sdk_sso::config::Builder::from(&conf);
    if !retries {
        b = b.retry_config(aws_config::retry::RetryConfig::disabled());
    }
    Client::from_conf(b.build())
}

/// A portal failure in the user's words.
fn failed<E>(inst: &Instance, what: &str, e: &aws_sdk_sso::error::SdkError<E>) -> SsoError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    let (code, message, status) = said(e);
    if is_network(e) {
        return SsoError::Network {
            instance: inst.name.clone(),
            message,
        };
    }
    match (code.as_deref(), status) {
        (Some("UnauthorizedException"), _) | (_, Some(401)) => {
            inst.login_required("the portal refused the token")
        }
        (Some("TooManyRequestsException"), _) | (_, Some(429)) => SsoError::Throttled {
            instance: inst.name.clone(),
        },
        _ => SsoError::Refused {
            instance: inst.name.clone(),
            what: what.to_owned(),
            message: match code {
                Some(c) if c != message => format!("{c}: {message}"),
                _ => message,
            },
            hint: None,
        },
    }
}

/// GetRoleCredentials: `role` (a permission set) in `account`.
pub async fn role_credentials(
    client: &Client,
    inst: &Instance,
    token: &SecretString,
    account: &str,
    role: &str,
) -> Result<Credentials, SsoError> {
    let out = client
        .get_role_credentials()
        .access_token(token.expose_secret())
        .account_id(account)
        .role_name(role)
        .send()
        .await
        .map_err(|e| {
            if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) {
                // For the next sync to look at (and `sso status` to show).
                super::marks::refused(inst, account, role, SystemTime::now());
                SsoError::NoAccess {
                    instance: inst.name.clone(),
                    account: account.to_owned(),
                    role: role.to_owned(),
                }
            } else {
                failed(inst, "GetRoleCredentials", &e)
            }
        })?;
    let c = out.role_credentials().ok_or_else(|| SsoError::Refused {
        instance: inst.name.clone(),
        what: "GetRoleCredentials".into(),
        message: "the answer held no credentials".into(),
        hint: None,
    })?;
    let ms = u64::try_from(c.expiration()).unwrap_or_default();
    Ok(Credentials {
        access_key_id: c.access_key_id().unwrap_or_default().to_owned(),
        secret_access_key: SecretString::from(c.secret_access_key().unwrap_or_default().to_owned()),
        session_token: SecretString::from(c.session_token().unwrap_or_default().to_owned()),
        expiration: UNIX_EPOCH + Duration::from_millis(ms),
        assumed_role_arn: None,
    })
}

/// One account as the portal lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
}

/// One page of ListAccounts.
pub async fn accounts_page(
    client: &Client,
    inst: &Instance,
    token: &SecretString,
    next: Option<String>,
) -> Result<(Vec<Account>, Option<String>), SsoError> {
    let out = client
        .list_accounts()
        .access_token(token.expose_secret())
        .max_results(100)
        .set_next_token(next)
        .send()
        .await
        .map_err(|e| failed(inst, "ListAccounts", &e))?;
    let accounts = out
        .account_list()
        .iter()
        .map(|a| Account {
            id: a.account_id().unwrap_or_default().to_owned(),
            name: a.account_name().unwrap_or_default().to_owned(),
        })
        .collect();
    Ok((accounts, out.next_token().map(str::to_owned)))
}

/// One page of ListAccountRoles: the permission sets in `account`.
pub async fn roles_page(
    client: &Client,
    inst: &Instance,
    token: &SecretString,
    account: &str,
    next: Option<String>,
) -> Result<(Vec<String>, Option<String>), SsoError> {
    let out = client
        .list_account_roles()
        .access_token(token.expose_secret())
        .account_id(account)
        .max_results(100)
        .set_next_token(next)
        .send()
        .await
        .map_err(|e| failed(inst, "ListAccountRoles", &e))?;
    let roles = out
        .role_list()
        .iter()
        .filter_map(|r| r.role_name().map(str::to_owned))
        .collect();
    Ok((roles, out.next_token().map(str::to_owned)))
}

/// Logout: the portal revokes the token (and the refresh token with it).
pub async fn logout(inst: &Instance, token: &SecretString) -> Result<(), SsoError> {
    client(inst, true)
        .await
        .logout()
        .access_token(token.expose_secret())
        .send()
        .await
        .map(|_| ())
        .map_err(|e| failed(inst, "Logout", &e))
}

/// Seconds since the epoch, for status output.
pub fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}
