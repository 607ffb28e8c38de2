//! `[sso.NAME]`: an IAM Identity Center instance whose accounts and
//! permission sets become bookmarks (`sso = "NAME"` on each).
//!
//! Read by both loaders: the validator here with positions, the fast loader
//! through [`apply_sso_key`] for the plain-string keys (a file that uses the
//! `include`/`exclude` arrays takes the validator's path).

use std::collections::BTreeMap;

use toml_edit::{Item, Key, TableLike, Value};

use super::read::{Src, a_type};
use super::{ConfigError, check_name, check_region, closest, did_you_mean};

/// Keys of an `[sso.NAME]` table, in the order `sso add` writes them.
pub(super) const SSO_KEYS: [&str; 5] = [
    "start_url",
    "region",
    "default_region",
    "include",
    "exclude",
];

/// One `[sso.NAME]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SsoConfig {
    /// The AWS access portal URL, e.g. `https://d-1234567890.awsapps.com/start`.
    pub start_url: String,
    /// The instance's region (where its portal and OIDC endpoints are).
    pub region: String,
    /// `AWS_REGION` of the roles (default: `region`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_region: Option<String>,
    /// Globs over "account name/permission set" that `sso sync` keeps...
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// ... and drops.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

impl SsoConfig {
    /// The region a role of this instance is handed over with.
    pub fn role_region(&self) -> &str {
        self.default_region.as_deref().unwrap_or(&self.region)
    }
}

/// `start_url`: an `https://` URL with a host, no spaces or control characters.
pub fn check_start_url(s: &str) -> Result<(), String> {
    let host = s
        .strip_prefix("https://")
        .map(|r| r.split('/').next().unwrap_or(""));
    match host {
        _ if s.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Err(format!("must be a URL without spaces, got {s:?}"))
        }
        Some(h) if !h.is_empty() => Ok(()),
        _ => Err(format!(
            "must be your AWS access portal URL like \"https://d-1234567890.awsapps.com/start\", got {s:?}"
        )),
    }
}

/// An `include` / `exclude` glob.
fn check_glob(s: &str) -> Result<(), String> {
    glob::Pattern::new(s)
        .map(|_| ())
        .map_err(|e| format!("{s:?} is not a glob ({}): use * ? and [a-z]", e.msg))
}

/// The fast loader's `key = "string"` in `[sso.NAME]`; `None`: ask the validator.
pub(super) fn apply_sso_key(cfg: &mut SsoConfig, key: &str, val: &str) -> Option<()> {
    match key {
        "start_url" => {
            check_start_url(val).ok()?;
            cfg.start_url = val.to_owned();
        }
        "region" => {
            check_region(val).ok()?;
            cfg.region = val.to_owned();
        }
        "default_region" => {
            check_region(val).ok()?;
            cfg.default_region = Some(val.to_owned());
        }
        _ => return None,
    }
    Some(())
}

/// `[sso]`, validated: every `[sso.NAME]` with its required keys.
pub(super) fn read_sso(
    src: &Src<'_>,
    list: &dyn TableLike,
) -> Result<BTreeMap<String, SsoConfig>, ConfigError> {
    let mut out = BTreeMap::new();
    for (name, item) in list.iter() {
        let key_span = || list.key(name).and_then(Key::span).or_else(|| item.span());
        if let Err(e) = check_name(name) {
            return Err(src.error(key_span(), format!("sso {name:?}: name {e}")));
        }
        let Some(table) = item.as_table_like() else {
            return Err(src.error(
                key_span(),
                format!(
                    "sso {name:?} must be a table like [sso.{name}], got {}",
                    a_type(item)
                ),
            ));
        };
        let mut cfg = SsoConfig::default();
        for (key, value) in table.iter() {
            let ctx = format!("sso {name:?}");
            if !SSO_KEYS.contains(&key) {
                return Err(src.error(
                    table.key(key).and_then(Key::span),
                    format!(
                        "{ctx}: unknown key {key:?}{} (allowed: {})",
                        did_you_mean(closest(key, SSO_KEYS.iter().copied())),
                        SSO_KEYS.join(", ")
                    ),
                ));
            }
            let bad =
                |sentence: String| src.error(value.span(), format!("{ctx}: {key} {sentence}"));
            match key {
                "include" | "exclude" => {
                    let globs = string_list(value).map_err(&bad)?;
                    for g in &globs {
                        check_glob(g).map_err(&bad)?;
                    }
                    if key == "include" {
                        cfg.include = globs;
                    } else {
                        cfg.exclude = globs;
                    }
                }
                _ => {
                    let Item::Value(Value::String(s)) = value else {
                        return Err(bad(format!("must be a string, got {}", a_type(value))));
                    };
                    let s = s.value().as_str();
                    let check = if key == "start_url" {
                        check_start_url
                    } else {
                        check_region
                    };
                    check(s).map_err(&bad)?;
                    match key {
                        "start_url" => cfg.start_url = s.to_owned(),
                        "region" => cfg.region = s.to_owned(),
                        _ => cfg.default_region = Some(s.to_owned()),
                    }
                }
            }
        }
        for (key, example) in [
            ("start_url", "https://d-1234567890.awsapps.com/start"),
            ("region", "eu-west-1"),
        ] {
            if !table.contains_key(key) {
                return Err(src.error(
                    item.span().or_else(key_span),
                    format!(
                        "sso {name:?}: missing required key {key:?} (e.g. {key} = \"{example}\")"
                    ),
                ));
            }
        }
        out.insert(name.to_owned(), cfg);
    }
    Ok(out)
}

/// `["a", "b"]`, or one string.
fn string_list(item: &Item) -> Result<Vec<String>, String> {
    match item {
        Item::Value(Value::String(s)) => Ok(vec![s.value().clone()]),
        Item::Value(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.value().clone()),
                _ => Err("must be a list of globs like [\"*prod*/Admin*\"]".to_owned()),
            })
            .collect(),
        other => Err(format!(
            "must be a list of globs like [\"*prod*/Admin*\"], got {}",
            a_type(other)
        )),
    }
}

/// Write `[sso.NAME]` (`rolehop sso add`): a new table at the end of the
/// file, or the keys of an existing one changed in place (comments and
/// other keys kept). Returns whether the table is new.
pub fn set_sso(path: &std::path::Path, name: &str, cfg: &SsoConfig) -> Result<bool, ConfigError> {
    use toml_edit::Table;
    check_name(name).map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        message: format!("sso {name:?}: name {e}"),
    })?;
    for (key, v, check) in [
        (
            "start_url",
            cfg.start_url.as_str(),
            check_start_url as fn(&str) -> Result<(), String>,
        ),
        ("region", cfg.region.as_str(), check_region),
    ] {
        check(v).map_err(|e| ConfigError::File {
            path: path.to_path_buf(),
            message: format!("sso {name:?}: {key} {e}"),
        })?;
    }
    let mut created = false;
    super::edit::edit(path, |doc, _| {
        let position = super::edit::max_position(doc.as_table()) + 1;
        let root = doc.as_table_mut();
        if !root.contains_key("sso") {
            let mut list = Table::new();
            list.set_implicit(true);
            root.insert("sso", Item::Table(list));
        }
        let Some(list) = root.get_mut("sso").and_then(Item::as_table_like_mut) else {
            return Err(super::edit::internal(path, "[sso] is not a table"));
        };
        if !list.contains_key(name) {
            let mut t = Table::new();
            t.set_position(Some(position));
            list.insert(name, Item::Table(t));
            created = true;
        }
        let Some(t) = list.get_mut(name).and_then(Item::as_table_like_mut) else {
            return Err(super::edit::internal(path, "[sso.NAME] is not a table"));
        };
        // A value left as it was keeps its comment.
        let mut set = |key: &str, v: &str| {
            if t.get(key).and_then(Item::as_str) != Some(v) {
                t.insert(key, Item::Value(Value::from(v)));
            }
        };
        set("start_url", &cfg.start_url);
        set("region", &cfg.region);
        match &cfg.default_region {
            Some(r) => set("default_region", r),
            None => {
                t.remove("default_region");
            }
        }
        Ok(())
    })?;
    Ok(created)
}
