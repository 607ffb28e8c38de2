//! What to change in an environment to hand credentials over: the static
//! variables (`AWS_ACCESS_KEY_ID`...) or a live endpoint, with the nesting
//! markers of [`crate::env`] (`ROLEHOP_BASE_*`, `ROLEHOP_DEPTH`).

use super::Credentials;
use crate::env::{BASE_PREFIX, CONTROL_TOKEN_VAR, EnvView, MANAGED, SECRET_VARS, redacted};
use rolehop_files::bookmarks::Bookmark;

/// What to change in an environment to hand credentials over. `Debug`
/// shows secret values as `[REDACTED]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Handover {
    /// Variables to set, in a stable, readable order.
    pub set: Vec<(String, String)>,
    /// Variables to remove so nothing stale shadows the new credentials.
    pub unset: Vec<String>,
}

/// The values are credentials (or the endpoint's token): wiped when dropped.
impl Drop for Handover {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for (_, value) in &mut self.set {
            value.zeroize();
        }
    }
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handover")
            .field("set", &redacted(self.set.iter().map(|(k, v)| (k, v))))
            .field("unset", &self.unset)
            .finish()
    }
}

impl Handover {
    /// Build the hand-over of `creds` for `bookmark` from environment `env`.
    /// `new_shell` is true for a subshell or command (depth goes up), false
    /// for exports into the current shell.
    pub fn new(
        env: &EnvView,
        bookmark: &Bookmark,
        creds: &Credentials,
        region: Option<&str>,
        new_shell: bool,
    ) -> Handover {
        let base = env.base();
        let expiry = creds.expiration_rfc3339();
        let mut set: Vec<(String, String)> = vec![
            ("AWS_ACCESS_KEY_ID".into(), creds.access_key_id.clone()),
            (
                "AWS_SECRET_ACCESS_KEY".into(),
                creds.secret_access_key().to_owned(),
            ),
            ("AWS_SESSION_TOKEN".into(), creds.session_token().to_owned()),
            ("AWS_CREDENTIAL_EXPIRATION".into(), expiry.clone()),
            ("AWS_SESSION_EXPIRATION".into(), expiry),
        ];
        let mut unset: Vec<String> = vec![
            "AWS_SECURITY_TOKEN".into(),
            "AWS_PROFILE".into(),
            "AWS_DEFAULT_PROFILE".into(),
        ];
        match region {
            Some(r) => {
                set.push(("AWS_REGION".into(), r.to_owned()));
                set.push(("AWS_DEFAULT_REGION".into(), r.to_owned()));
            }
            None => unset.extend(["AWS_REGION".into(), "AWS_DEFAULT_REGION".into()]),
        }
        set.push(("ROLEHOP_BOOKMARK".into(), bookmark.name.to_string()));
        set.push(("ROLEHOP_ROLE_ARN".into(), bookmark.role_arn()));
        set.push(("ROLEHOP_ACCESS_KEY_ID".into(), creds.access_key_id.clone()));
        if new_shell {
            set.push(("ROLEHOP_DEPTH".into(), (env.depth() + 1).to_string()));
        }
        for var in MANAGED {
            let stash = format!("{BASE_PREFIX}{var}");
            // Never a secret: a nested hop from a static shell whose base was
            // environment keys says why it cannot call STS (the key ID, not
            // secret, still finds the sessions that identity cached).
            if SECRET_VARS.contains(&var) {
                if env.get(&stash).is_some() {
                    unset.push(stash);
                }
                continue;
            }
            match base.get(var) {
                Some(v) => set.push((stash, v.to_owned())),
                None if env.get(&stash).is_some() => unset.push(stash),
                None => {}
            }
        }
        Handover { set, unset }
    }
}

/// What an SDK reads before the container provider, and so must not reach a
/// live child: keys, profiles, other container or web-identity settings, and
/// our own static markers.
const SHADOWS_LIVE: [&str; 14] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "ROLEHOP_ACCESS_KEY_ID",
];

impl Handover {
    /// The hand-over of a live endpoint (`uri`, `token`) for `bookmark`.
    ///
    /// The SDKs try the `[default]` profile of the shared credentials file
    /// before the container provider, so when that profile holds keys the
    /// child is pointed at an empty credentials file (`hide_credentials_file`):
    /// otherwise every AWS call in it would run as the base identity.
    pub fn live(
        env: &EnvView,
        bookmark: &Bookmark,
        uri: &str,
        token: &str,
        region: Option<&str>,
        new_shell: bool,
        hide_credentials_file: bool,
    ) -> Handover {
        let mut set: Vec<(String, String)> = vec![
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI".into(), uri.to_owned()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN".into(), token.to_owned()),
        ];
        let mut unset: Vec<String> = SHADOWS_LIVE.iter().map(|v| v.to_string()).collect();
        match region {
            Some(r) => {
                set.push(("AWS_REGION".into(), r.to_owned()));
                set.push(("AWS_DEFAULT_REGION".into(), r.to_owned()));
            }
            None => unset.extend(["AWS_REGION".into(), "AWS_DEFAULT_REGION".into()]),
        }
        if hide_credentials_file {
            set.push(("AWS_SHARED_CREDENTIALS_FILE".into(), "/dev/null".into()));
            // The JS SDK v2 reads that variable only with AWS_SDK_LOAD_CONFIG
            // set (without it, [default]'s keys win and every call runs as
            // the base identity); the Java SDK v1 reads its own variable.
            set.push(("AWS_SDK_LOAD_CONFIG".into(), "1".into()));
            set.push(("AWS_CREDENTIAL_PROFILES_FILE".into(), "/dev/null".into()));
        }
        set.push(("ROLEHOP_BOOKMARK".into(), bookmark.name.to_string()));
        set.push(("ROLEHOP_ROLE_ARN".into(), bookmark.role_arn()));
        if new_shell {
            set.push(("ROLEHOP_DEPTH".into(), (env.depth() + 1).to_string()));
        }
        // Nothing of the base identity goes to a live child: nested hops ask
        // the serving rolehop, which holds it.
        unset.extend(
            env.vars
                .keys()
                .filter(|k| k.starts_with(BASE_PREFIX))
                .cloned(),
        );
        // Hops only where [`Handover::hops`] says so.
        unset.push(CONTROL_TOKEN_VAR.into());
        Handover { set, unset }
    }

    /// Whether the child may control its route (hop to other bookmarks,
    /// hand in codes): with `Some(token)` it gets the control token, with
    /// `None` it gets none, not even one inherited from an outer shell.
    pub fn hops(mut self, control: Option<&str>) -> Handover {
        self.set.retain(|(k, _)| k != CONTROL_TOKEN_VAR);
        self.unset.retain(|k| k != CONTROL_TOKEN_VAR);
        match control {
            Some(token) => self.set.push((CONTROL_TOKEN_VAR.into(), token.to_owned())),
            None => self.unset.push(CONTROL_TOKEN_VAR.into()),
        }
        self
    }
}
