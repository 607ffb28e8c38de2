//! The configuration of the "AWS Extend Switch Roles" browser extension
//! (tilfinltd/aws-extend-switch-roles) → bookmarks.
//!
//! The format is INI like `~/.aws/config`: `[profile NAME]` or `[NAME]`
//! sections, `key = value`, `#`/`;` comment lines. A *target role* has
//! `role_arn`, or `aws_account_id` + `role_name`, and optionally `color` (hex
//! without `#`), `region`, `image`. A section with only `aws_account_id` (no
//! role) is a *base account*: the account you sign in to the console with.
//! Targets name it with `source_profile`, and inherit its `target_role_name`
//! (when they have no `role_name`) and `target_region` (when they have no
//! `region`).
//!
//! `source_profile` names a console sign-in account, not an AWS profile, so it
//! is not carried over as rolehop's `source_profile`: rolehop's base identity
//! comes from your AWS credentials (set `[defaults] source_profile` for that).
//! It shows in the report, and base-account sections are listed as skipped.

use super::{Entry, Parsed, Skipped, bookmark_name, parse_role_arn, partition_mismatch};
use crate::config::bookmarks::{BookmarkSpec, Extras, Field, validate_field};
use crate::error::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// One `[section]` in file order, keys lower-cased (last value wins).
#[derive(Debug)]
struct Section {
    name: String,
    keys: HashMap<String, String>,
}

/// Read and convert an AESR configuration file.
pub fn read(path: &Path) -> Result<Parsed> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        context: format!("cannot read {}", path.display()),
        source,
    })?;
    Ok(parse(&text))
}

fn sections(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let inner = inner.trim();
            let name = match inner.strip_prefix("profile") {
                Some(rest) if rest.starts_with([' ', '\t']) => rest.trim(),
                _ => inner,
            };
            out.push(Section {
                name: name.to_owned(),
                keys: HashMap::new(),
            });
        } else if let (Some((k, v)), Some(s)) = (line.split_once('='), out.last_mut()) {
            s.keys
                .insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    out
}

/// Convert the text of an AESR configuration.
pub fn parse(text: &str) -> Parsed {
    let all = sections(text);
    let mut parsed = Parsed::default();
    let referenced: HashSet<&str> = all
        .iter()
        .filter_map(|s| s.keys.get("source_profile").map(String::as_str))
        .collect();
    let bases: HashMap<&str, &Section> = all
        .iter()
        .filter(|s| {
            referenced.contains(s.name.as_str())
                || (!s.keys.contains_key("role_arn") && !s.keys.contains_key("role_name"))
        })
        .map(|s| (s.name.as_str(), s))
        .collect();
    let mut seen = HashSet::new();
    for s in &all {
        let get = |k: &str| s.keys.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let skip = |reason: String| Skipped {
            from: s.name.clone(),
            reason,
        };
        if !seen.insert(s.name.as_str()) {
            parsed
                .skipped
                .push(skip("a section of this name came earlier".into()));
            continue;
        }
        if bases.contains_key(s.name.as_str()) && get("source_profile").is_none() {
            let id = get("aws_account_id").unwrap_or("?");
            parsed.skipped.push(skip(format!(
                "base account {id} (the console sign-in account, no role to switch to)"
            )));
            continue;
        }
        let base = get("source_profile").and_then(|b| bases.get(b).copied());
        let base_get = |k: &str| {
            base.and_then(|b| b.keys.get(k))
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let region = get("region").or_else(|| base_get("target_region"));
        let (account, role) = if let Some(arn) = get("role_arn") {
            match parse_role_arn(arn) {
                Ok((partition, account, role)) => {
                    if let Some(why) = partition_mismatch(partition, region) {
                        parsed.skipped.push(skip(why));
                        continue;
                    }
                    (account.to_owned(), role.to_owned())
                }
                Err(why) => {
                    parsed.skipped.push(skip(why));
                    continue;
                }
            }
        } else {
            let Some(account) = get("aws_account_id") else {
                parsed
                    .skipped
                    .push(skip("neither role_arn nor aws_account_id".into()));
                continue;
            };
            let Some(role) = get("role_name").or_else(|| base_get("target_role_name")) else {
                parsed.skipped.push(skip(
                    "no role_name (and no target_role_name on its base account)".into(),
                ));
                continue;
            };
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                parsed.skipped.push(skip(format!(
                    "aws_account_id {account:?} is not a 12-digit account ID (an alias cannot be assumed)"
                )));
                continue;
            }
            (account.to_owned(), role.to_owned())
        };
        let mut notes = Vec::new();
        let name = bookmark_name(&s.name);
        let display = (name != s.name).then(|| s.name.chars().take(64).collect());
        if display.is_some() {
            notes.push(format!("renamed from {:?}", s.name));
        }
        let color = get("color").and_then(|c| {
            let hex = format!("#{}", c.trim_start_matches('#').to_ascii_lowercase());
            if validate_field(Field::Color, &hex).is_ok() {
                Some(hex)
            } else {
                notes.push(format!("color {c:?} ignored (not rrggbb hex)"));
                None
            }
        });
        if get("image").is_some() {
            notes.push("image ignored".into());
        }
        if let Some(b) = get("source_profile") {
            notes.push(if base.is_some() {
                format!("base account {b}")
            } else {
                format!("base account {b} not found")
            });
        }
        parsed.entries.push(Entry {
            from: s.name.clone(),
            spec: BookmarkSpec {
                name,
                account,
                role,
                display,
                color,
                region: region.map(str::to_owned),
                ..BookmarkSpec::default()
            },
            extras: Extras::default(),
            notes,
        });
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# AESR config
[profile marketingadmin]
role_arn = arn:aws:iam::123456789012:role/marketingadmin
color = ffaaee

[anotheraccount]
aws_account_id = 987654321987
role_name = anotherrole
color=bbeeff
image = \"https://example.com/x.png\"

[organization1]
aws_account_id = your-account-alias
target_role_name = Developer
target_region = eu-west-1

[Org1-Account1-Role1]
role_arn = arn:aws:iam::123456789012:role/ops/Role1
source_profile = organization1

[Org1 Account2]
aws_account_id = 210987654321
source_profile = organization1
region = us-east-2

[AnotherRole]
role_name = SomeOtherRole
aws_account_id = account-3-alias

[bad-color]
aws_account_id = 111122223333
role_name = R
color = red!
";

    #[test]
    fn documented_sections_become_bookmarks() {
        let p = parse(SAMPLE);
        let names: Vec<&str> = p.entries.iter().map(|e| e.spec.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "marketingadmin",
                "anotheraccount",
                "Org1-Account1-Role1",
                "Org1-Account2",
                "bad-color"
            ]
        );
        let e = &p.entries[0];
        assert_eq!(e.spec.color.as_deref(), Some("#ffaaee"));
        assert_eq!(e.spec.account, "123456789012");
        assert_eq!(p.entries[1].spec.color.as_deref(), Some("#bbeeff"));
        assert!(p.entries[1].notes.iter().any(|n| n == "image ignored"));
        // Path kept; region inherited from the base account's target_region.
        assert_eq!(p.entries[2].spec.role, "ops/Role1");
        assert_eq!(p.entries[2].spec.region.as_deref(), Some("eu-west-1"));
        assert_eq!(p.entries[2].spec.source_profile, None);
        // role_name from target_role_name; own region wins; odd name kept as display.
        let e = &p.entries[3];
        assert_eq!(e.spec.role, "Developer");
        assert_eq!(e.spec.region.as_deref(), Some("us-east-2"));
        assert_eq!(e.spec.display.as_deref(), Some("Org1 Account2"));
        assert_eq!(p.entries[4].spec.color, None);
        let skipped: Vec<(&str, &str)> = p
            .skipped
            .iter()
            .map(|s| (s.from.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped[0].0 == "organization1" && skipped[0].1.contains("base account"));
        assert!(skipped[1].0 == "AnotherRole" && skipped[1].1.contains("alias"));
    }
}
