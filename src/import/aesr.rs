//! The configuration of the "AWS Extend Switch Roles" browser extension
//! (tilfinltd/aws-extend-switch-roles) → bookmarks.
//!
//! The format is INI like `~/.aws/config`: `[profile NAME]` or `[NAME]`
//! sections and `key = value` lines, read as the extension's own parser
//! (aesr-config's `ini-parser`) reads them: `#` and `;` start a comment
//! anywhere on a line (so `color = ffaaee ; pink` is `ffaaee`, and a color
//! written `#ffaaee` is empty), and text before the first section, a line
//! without `=`, an empty value or a key given twice in a section are errors
//! that stop the import, with the line. A *target role* has
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
use crate::error::{Error, Result};
use rolehop_files::bookmarks::{BookmarkSpec, Extras, Field, validate_field};
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
    parse(&text).map_err(|(line, message)| Error::Usage {
        message: format!("{}:{line}: {message}", path.display()),
        hint: Some(
            "fix the line as the AWS Extend Switch Roles extension would need it (it refuses the same text), then import again".into(),
        ),
    })
}

/// A syntax error: the line (from 1) and the extension's own message.
type SyntaxError = (usize, String);

/// The sections, as aesr-config's INI parser splits them.
fn sections(text: &str) -> std::result::Result<Vec<Section>, SyntaxError> {
    let mut out: Vec<Section> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        // A comment runs from the first `#` or `;` to the end of the line.
        let line = raw.split(['#', ';']).next().unwrap_or("").trim();
        if line.is_empty() {
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
            continue;
        }
        let Some(section) = out.last_mut() else {
            return Err((
                n + 1,
                "Unexpected text (a line before the first [section])".into(),
            ));
        };
        let Some((k, v)) = line.split_once('=').filter(|(_, v)| !v.trim().is_empty()) else {
            let why = if line.contains('=') && raw.contains("= #") {
                "Invalid parameter definition (the value is empty; `#` starts a comment, so write colors without it: color = ffaaee)"
            } else {
                "Invalid parameter definition (write key = value)"
            };
            return Err((n + 1, why.into()));
        };
        let key = k.trim().to_ascii_lowercase();
        if section.keys.contains_key(&key) {
            return Err((
                n + 1,
                format!(
                    "The `{}` parameter is duplicated in the same profile.",
                    k.trim()
                ),
            ));
        }
        section.keys.insert(key, v.trim().to_owned());
    }
    Ok(out)
}

/// Convert the text of an AESR configuration.
pub fn parse(text: &str) -> std::result::Result<Parsed, SyntaxError> {
    let all = sections(text)?;
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
        if get("role_arn").is_some()
            && (get("aws_account_id").is_some() || get("role_name").is_some())
        {
            // The extension refuses such a profile; so do we.
            parsed.skipped.push(skip(
                "The profile includes both `role_arn` and either `aws_account_id` or `role_name`."
                    .into(),
            ));
            continue;
        }
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
    Ok(parsed)
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
        let p = parse(SAMPLE).unwrap();
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

    #[test]
    fn comments_run_to_the_end_of_any_line() {
        // The extension's README: an inline comment after a role name.
        let p = parse(
            "[profile a]# comment\n; comment\naws_account_id = 123456789012 ;x\nrole_name = Manager ; overrides target role name\ncolor = ffaaee; pink\n\n  [B] # comment\nrole_arn = arn:aws:iam::123456789012:role/role-b;\n",
        )
        .unwrap();
        let got: Vec<(&str, &str, Option<&str>)> = p
            .entries
            .iter()
            .map(|e| {
                (
                    e.spec.name.as_str(),
                    e.spec.role.as_str(),
                    e.spec.color.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [("a", "Manager", Some("#ffaaee")), ("B", "role-b", None)]
        );
    }

    #[test]
    fn the_extensions_syntax_errors_stop_the_import_with_the_line() {
        for (text, line, message) in [
            (
                "[s1]\nkey = val\n\n[s2]\nABC = value1\nABC = value2",
                6,
                "The `ABC` parameter is duplicated in the same profile.",
            ),
            (
                "key = value\n\n[section]\nkey = value",
                1,
                "Unexpected text",
            ),
            (
                "[a]\nparameter definition does not contain equal\n",
                2,
                "Invalid parameter definition",
            ),
            ("[a]\nkey =  \n", 2, "Invalid parameter definition"),
            ("[b]\nkey =\n", 2, "Invalid parameter definition"),
            (
                "[c]\naws_account_id = 123456789012\nrole_name = R\ncolor = #ffaaee\n",
                4,
                "write colors without it",
            ),
        ] {
            let (at, why) = parse(text).unwrap_err();
            assert_eq!(at, line, "{text:?}");
            assert!(why.contains(message), "{text:?}: {why}");
        }
    }

    #[test]
    fn role_arn_with_account_or_role_name_is_refused_as_the_extension_does() {
        let p = parse("[aaaa]\nrole_arn = arn:aws:iam::123456789012:role/m\naws_account_id = 123456789012\nrole_name = m\n").unwrap();
        assert!(p.entries.is_empty());
        assert!(
            p.skipped[0].reason.contains("both `role_arn`"),
            "{:?}",
            p.skipped
        );
    }
}
