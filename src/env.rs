//! The process environment as rolehop sees it, and the nesting protocol of
//! the environment it hands to a subshell or prints for `eval` (the hand-over
//! itself, [`crate::creds::Handover`], is built from it).
//!
//! Nesting: a rolehop shell holds role credentials in `AWS_*`. Assuming the
//! next role from those would be role chaining (1 h cap, wrong trust), so the
//! hand-over also records the *original* values of every variable it changes
//! as `ROLEHOP_BASE_<VAR>`, plus `ROLEHOP_ACCESS_KEY_ID` to recognise its own
//! keys. Inside such a shell rolehop rebuilds the original environment from
//! those and assumes from the base identity again.

use secrecy::SecretString;
use std::collections::BTreeMap;

/// Variables a hand-over sets or clears; their originals are kept as ROLEHOP_BASE_*.
pub(crate) const MANAGED: [&str; 10] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
];
/// The URL path every live route lives under (`/rolehop/v1/<id>`); a nested
/// rolehop recognises a live shell of its own by it.
pub const LIVE_PATH_PREFIX: &str = "/rolehop/v1/";

pub(crate) const BASE_PREFIX: &str = "ROLEHOP_BASE_";

/// The live route's control token (hops, `rolehop mfa`, `whoami`), in
/// shells allowed to hop; the SDKs' token only reads credentials.
pub const CONTROL_TOKEN_VAR: &str = "ROLEHOP_CONTROL_TOKEN";
/// Of [`MANAGED`], the ones that are secrets: never stashed.
pub(crate) const SECRET_VARS: [&str; 3] = [
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
];

/// A snapshot of the variables that matter to rolehop (empty values = unset).
/// `Debug` shows secret values as `[REDACTED]`.
#[derive(Clone, Default)]
pub struct EnvView {
    pub(crate) vars: BTreeMap<String, String>,
}

/// Variables whose values are secrets (keys, session and endpoint tokens).
pub(crate) fn is_secret_var(name: &str) -> bool {
    (name.contains("SECRET") || name.contains("TOKEN")) && !name.ends_with("_FILE")
}

/// `(name, value)` pairs for `Debug`, secrets redacted.
pub(crate) fn redacted<'a>(
    pairs: impl Iterator<Item = (&'a String, &'a String)>,
) -> Vec<(&'a str, &'a str)> {
    pairs
        .map(|(k, v)| {
            let v = if is_secret_var(k) {
                "[REDACTED]"
            } else {
                v.as_str()
            };
            (k.as_str(), v)
        })
        .collect()
}

impl std::fmt::Debug for EnvView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(redacted(self.vars.iter())).finish()
    }
}

/// Where the base (trusted-account) credentials come from.
#[derive(Clone, Debug)]
pub enum BaseSource {
    /// The usual chain: environment keys, then the profile (None = AWS_PROFILE or default).
    Chain { profile: Option<String> },
    /// Only this profile (the bookmark's `source_profile`, or the original
    /// profile of an outer rolehop shell).
    Profile(String),
    /// Keys the outer rolehop shell's parent had in its environment (a
    /// stash written by an older rolehop; today's never holds the secret).
    Keys {
        access_key_id: String,
        secret_access_key: SecretString,
        session_token: Option<SecretString>,
    },
    /// The outer shell's base identity was environment keys, which are not
    /// copied into a role's shell: cached sessions made by it still serve,
    /// a call to STS from it cannot be made.
    NotCopied { access_key_id: String },
}

impl BaseSource {
    pub fn profile_name(&self) -> Option<&str> {
        match self {
            BaseSource::Chain { profile } => profile.as_deref(),
            BaseSource::Profile(p) => Some(p),
            BaseSource::Keys { .. } | BaseSource::NotCopied { .. } => None,
        }
    }
}

impl EnvView {
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars_os().filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            let keep = k.starts_with("AWS_")
                || k.starts_with("ROLEHOP_")
                || matches!(
                    k.as_str(),
                    "SHELL" | "USER" | "USERNAME" | "LOGNAME" | "BROWSER"
                );
            keep.then(|| Some((k, v.into_string().ok()?)))?
        }))
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(_, v): &(String, String)| !v.is_empty())
            .collect();
        EnvView { vars }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// How many rolehop shells deep we are (0 outside any).
    pub fn depth(&self) -> u32 {
        self.get("ROLEHOP_DEPTH")
            .and_then(|d| d.parse().ok())
            .unwrap_or(0)
    }

    /// True when the `AWS_*` credentials are the ones rolehop handed over.
    pub fn is_managed(&self) -> bool {
        matches!((self.get("ROLEHOP_ACCESS_KEY_ID"), self.get("AWS_ACCESS_KEY_ID")),
            (Some(ours), Some(current)) if ours == current)
    }

    /// The bookmark this environment holds credentials for, if it is ours
    /// (static keys of ours, or a live endpoint of ours).
    pub fn current_bookmark(&self) -> Option<&str> {
        if self.is_managed() || self.is_live() {
            self.get("ROLEHOP_BOOKMARK")
        } else {
            None
        }
    }

    /// True when a rolehop serves this environment's credentials live.
    pub fn is_live(&self) -> bool {
        self.live_endpoint().is_some()
    }

    /// The live endpoint this environment points at, when it is a rolehop's
    /// (`http://127.0.0.1:PORT/rolehop/v1/ID` with a token, no static keys):
    /// (URI, token, `127.0.0.1:PORT`, path).
    pub fn live_endpoint(&self) -> Option<(&str, &str, &str, &str)> {
        let uri = self.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")?;
        let token = self.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")?;
        if self.get("AWS_ACCESS_KEY_ID").is_some() {
            return None;
        }
        let rest = uri.strip_prefix("http://")?;
        let (addr, path) = rest.split_at(rest.find('/')?);
        if !addr.starts_with("127.0.0.1:") || !path.starts_with(LIVE_PATH_PREFIX) {
            return None;
        }
        Some((uri, token, addr, path))
    }

    /// The environment as it was before rolehop handed anything over.
    pub fn base(&self) -> EnvView {
        if !self.is_managed() {
            return self.clone();
        }
        let mut vars: BTreeMap<String, String> = self
            .vars
            .iter()
            .filter(|(k, _)| !MANAGED.contains(&k.as_str()) && !k.starts_with("ROLEHOP_"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for var in MANAGED {
            if let Some(v) = self.get(&format!("{BASE_PREFIX}{var}")) {
                vars.insert(var.to_owned(), v.to_owned());
            }
        }
        EnvView { vars }
    }

    /// Where base credentials come from for a bookmark with this `source_profile`.
    pub fn base_source(&self, source_profile: Option<&str>) -> BaseSource {
        if let Some(p) = source_profile {
            return BaseSource::Profile(p.to_owned());
        }
        if !self.is_managed() {
            // The SDK reads the real environment itself.
            return BaseSource::Chain { profile: None };
        }
        let base = self.base();
        match (
            base.get("AWS_ACCESS_KEY_ID"),
            base.get("AWS_SECRET_ACCESS_KEY"),
        ) {
            (Some(id), Some(secret)) => BaseSource::Keys {
                access_key_id: id.to_owned(),
                secret_access_key: SecretString::from(secret.to_owned()),
                session_token: base
                    .get("AWS_SESSION_TOKEN")
                    .or_else(|| base.get("AWS_SECURITY_TOKEN"))
                    .map(|t| SecretString::from(t.to_owned())),
            },
            (Some(id), None) => BaseSource::NotCopied {
                access_key_id: id.to_owned(),
            },
            _ => BaseSource::Profile(
                base.get("AWS_PROFILE")
                    .or_else(|| base.get("AWS_DEFAULT_PROFILE"))
                    .unwrap_or("default")
                    .to_owned(),
            ),
        }
    }

    /// Region from the (original) environment, before profiles are consulted.
    pub fn base_region(&self) -> Option<String> {
        let base = self.base();
        base.get("AWS_REGION")
            .or_else(|| base.get("AWS_DEFAULT_REGION"))
            .map(str::to_owned)
    }

    /// Default role session name: the local user name (it shows in CloudTrail
    /// and in `assumed-role/ROLE/SESSION`), cleaned to what STS accepts.
    pub fn default_session_name(&self) -> String {
        let user = ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|k| self.get(k))
            .unwrap_or("rolehop");
        let clean: String = user
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c))
            .take(64)
            .collect();
        if clean.len() >= 2 {
            clean
        } else {
            format!("rolehop-{clean}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::creds::{Handover, sample};
    use rolehop_files::bookmarks::Bookmark;
    use std::time::{Duration, SystemTime};

    fn bookmark() -> Bookmark {
        Bookmark::sample("prod", "210987654321", "Admin", "Prod")
    }

    fn apply(env: &EnvView, h: &Handover) -> EnvView {
        let mut vars = env.vars.clone();
        for k in &h.unset {
            vars.remove(k);
        }
        for (k, v) in &h.set {
            vars.insert(k.clone(), v.clone());
        }
        EnvView { vars }
    }

    #[test]
    fn outside_rolehop_the_sdk_chain_is_used() {
        let env = EnvView::from_pairs([("AWS_PROFILE", "corp")]);
        assert!(!env.is_managed());
        assert!(matches!(
            env.base_source(None),
            BaseSource::Chain { profile: None }
        ));
        assert!(matches!(env.base_source(Some("x")), BaseSource::Profile(p) if p == "x"));
    }

    #[test]
    fn nested_shell_assumes_from_original_profile_and_region() {
        let outer = EnvView::from_pairs([("AWS_PROFILE", "corp"), ("AWS_REGION", "eu-west-1")]);
        let creds = sample(SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000));
        let h = Handover::new(&outer, &bookmark(), &creds, Some("us-east-2"), true);
        assert!(h.unset.contains(&"AWS_PROFILE".to_string()));
        let inner = apply(&outer, &h);
        assert!(inner.is_managed());
        assert_eq!(inner.depth(), 1);
        assert_eq!(inner.current_bookmark(), Some("prod"));
        assert!(matches!(inner.base_source(None), BaseSource::Profile(p) if p == "corp"));
        assert_eq!(inner.base_region().as_deref(), Some("eu-west-1"));
        // A second hop stacks depth and still remembers the original values.
        let h2 = Handover::new(&inner, &bookmark(), &creds, None, true);
        let inner2 = apply(&inner, &h2);
        assert_eq!(inner2.depth(), 2);
        assert_eq!(inner2.get("AWS_REGION"), None);
        assert_eq!(inner2.get("ROLEHOP_BASE_AWS_PROFILE"), Some("corp"));
        assert_eq!(inner2.base_region().as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn nested_shell_reuses_original_env_keys() {
        let outer = EnvView::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKIABASE"),
            ("AWS_SECRET_ACCESS_KEY", "basesecret"),
        ]);
        let creds = sample(SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000));
        let inner = apply(
            &outer,
            &Handover::new(&outer, &bookmark(), &creds, None, true),
        );
        // The key ID (not secret) is kept to find cached sessions; the
        // secret is never copied into the role's environment.
        match inner.base_source(None) {
            BaseSource::NotCopied { access_key_id } => assert_eq!(access_key_id, "AKIABASE"),
            other => panic!("expected base keys that were not copied, got {other:?}"),
        }
        assert!(!inner.vars.values().any(|v| v == "basesecret"), "{inner:?}");
        // Keys the user exported by hand inside the shell are theirs, not ours.
        let mut manual = inner.clone();
        manual
            .vars
            .insert("AWS_ACCESS_KEY_ID".into(), "AKIAOTHER".into());
        assert!(!manual.is_managed());
    }

    #[test]
    fn a_live_child_hops_only_when_given_the_control_token() {
        // An outer shell's control token is never inherited by accident.
        let env = EnvView::from_pairs([(CONTROL_TOKEN_VAR, "outer-control")]);
        let live = |hide| {
            Handover::live(
                &env,
                &bookmark(),
                "http://127.0.0.1:1/rolehop/v1/x",
                "t",
                None,
                true,
                hide,
            )
        };
        let plain = live(false);
        assert!(plain.unset.iter().any(|k| k == CONTROL_TOKEN_VAR));
        assert!(plain.set.iter().all(|(k, _)| k != CONTROL_TOKEN_VAR));
        let hopping = live(false).hops(Some("inner-control"));
        assert!(
            hopping
                .set
                .contains(&(CONTROL_TOKEN_VAR.into(), "inner-control".into()))
        );
        assert!(hopping.unset.iter().all(|k| k != CONTROL_TOKEN_VAR));
        assert!(format!("{hopping:?}").contains("[REDACTED]"));
        assert!(!format!("{hopping:?}").contains("inner-control"));
        // With [default]'s keys hidden, every SDK's own variable says so.
        let hidden = live(true);
        for (k, v) in [
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_SDK_LOAD_CONFIG", "1"),
            ("AWS_CREDENTIAL_PROFILES_FILE", "/dev/null"),
        ] {
            assert!(hidden.set.contains(&(k.into(), v.into())), "{k}");
            assert!(plain.set.iter().all(|(s, _)| s != k), "{k}");
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let env = EnvView::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKIABASE"),
            ("AWS_SECRET_ACCESS_KEY", "basesecret"),
            ("AWS_SESSION_TOKEN", "basetoken"),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "endpointtoken"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/path/token"),
        ]);
        let creds = sample(SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000));
        let static_ = Handover::new(&env, &bookmark(), &creds, None, true);
        let live = Handover::live(
            &env,
            &bookmark(),
            "http://127.0.0.1:1/rolehop/v1/x",
            "endpointtoken",
            None,
            true,
            false,
        );
        let shown = format!("{env:?} {static_:?} {live:?} {env:#?}");
        for secret in [
            "basesecret",
            "basetoken",
            "endpointtoken",
            "sEcReT",
            "ToKeN",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("AKIABASE") && shown.contains("/path/token"),
            "{shown}"
        );
    }

    #[test]
    fn session_name_is_cleaned_user_name() {
        assert_eq!(
            EnvView::from_pairs([("USER", "alice smith")]).default_session_name(),
            "alicesmith"
        );
        assert_eq!(
            EnvView::from_pairs([("USER", "a")]).default_session_name(),
            "rolehop-a"
        );
        assert_eq!(EnvView::default().default_session_name(), "rolehop");
    }
}
