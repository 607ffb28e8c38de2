//! `rolehop import`: bookmarks from the role profiles of the AWS config file,
//! or from the AWS Extend Switch Roles browser extension's configuration.
//!
//! A source is read into [`Parsed`]: candidate bookmarks plus the sections
//! that cannot become one, each with the reason. The candidates then go
//! through [`bookmarks::add_many`] in one locked edit, which never overwrites
//! an existing bookmark unless `--replace` is given.

pub mod aesr;
pub mod aws_config;
pub mod organization;
pub mod sso;

use crate::error::Result;
use crate::paths;
use rolehop_files::bookmarks::{self, BookmarkSpec, Changes, Extras, Outcome};
use std::process::ExitCode;

/// One candidate bookmark and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The profile or section it was read from.
    pub from: String,
    pub spec: BookmarkSpec,
    pub extras: Extras,
    /// What changed on the way (a renamed profile, an ignored key).
    pub notes: Vec<String>,
}

/// A section that cannot become a bookmark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub from: String,
    pub reason: String,
}

/// What a source yields: candidates (in an order where a `via` target comes
/// before the bookmarks that use it) and the sections skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
    /// IAM Identity Center instances the entries need (`[sso-session]`s of
    /// the AWS config), added as `[sso.NAME]` before the entries.
    pub sso: Vec<(String, bookmarks::SsoConfig)>,
}

/// A bookmark name for a profile name: characters rolehop's names do not
/// allow become '-', and it must start with a letter or digit (≤ 64 chars).
pub fn bookmark_name(profile: &str) -> String {
    let mapped: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = mapped.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    trimmed.chars().take(64).collect()
}

/// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME` → (partition, account, role
/// with its path).
pub fn parse_role_arn(arn: &str) -> std::result::Result<(&str, &str, &str), String> {
    let bad =
        || format!("role_arn {arn:?} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)");
    let rest = arn.strip_prefix("arn:").ok_or_else(bad)?;
    let (partition, rest) = rest.split_once(':').ok_or_else(bad)?;
    let rest = rest.strip_prefix("iam::").ok_or_else(bad)?;
    let (account, resource) = rest.split_once(':').ok_or_else(bad)?;
    let role = resource.strip_prefix("role/").ok_or_else(bad)?;
    if !partition.starts_with("aws") || role.is_empty() {
        return Err(bad());
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "role_arn {arn:?}: the account must be 12 digits, got {account:?}"
        ));
    }
    Ok((partition, account, role))
}

/// The partition a bookmark will use (inferred from its region), when it
/// differs from the ARN's: the bookmark would assume the wrong ARN.
pub fn partition_mismatch(partition: &str, region: Option<&str>) -> Option<String> {
    let implied = region.map_or("aws", rolehop_files::bookmarks::partition_of);
    (implied != partition).then(|| {
        format!(
            "role in partition {partition} needs a region of that partition (rolehop infers the partition from the region), got {}",
            region.map_or_else(|| "none".to_owned(), |r| format!("{r:?}"))
        )
    })
}

/// Print the report table and write (unless `dry_run`).
pub fn apply(source: &str, parsed: Parsed, dry_run: bool, replace: bool) -> Result<ExitCode> {
    apply_with(source, parsed, dry_run, replace, &Changes::default(), &[])
}

/// [`apply`] with `changes` to existing bookmarks in the same write, and
/// their rows (FROM, BOOKMARK, ACCOUNT, RESULT) after the new ones.
pub fn apply_with(
    source: &str,
    parsed: Parsed,
    dry_run: bool,
    replace: bool,
    changes: &Changes,
    existing: &[[String; 4]],
) -> Result<ExitCode> {
    let report = write(source, parsed, dry_run, replace, changes, existing)?;
    print!("{}", report.table);
    println!("{}", report.summary);
    Ok(ExitCode::SUCCESS)
}

/// What an import did: the table of rows and the summary line.
#[derive(Clone, Debug)]
pub struct Report {
    pub table: String,
    pub summary: String,
}

/// [`apply_with`] without printing (the picker shows the summary).
pub fn write(
    source: &str,
    parsed: Parsed,
    dry_run: bool,
    replace: bool,
    changes: &Changes,
    existing: &[[String; 4]],
) -> Result<Report> {
    let path = paths::bookmarks_path()?;
    let mut parsed = parsed;
    add_instances(&path, &mut parsed, dry_run)?;
    let pairs: Vec<(BookmarkSpec, Extras)> = parsed
        .entries
        .iter()
        .map(|e| (e.spec.clone(), e.extras.clone()))
        .collect();
    let outcomes = if dry_run {
        bookmarks::plan_for_file(&path, &pairs, replace)?
    } else {
        bookmarks::add_many_with(&path, &pairs, replace, changes)?
    };
    let mut rows = rows(&parsed, &outcomes, dry_run);
    let role = parsed
        .entries
        .first()
        .map(|e| e.spec.role.clone())
        .unwrap_or_else(|| "-".into());
    rows.extend(existing.iter().map(|[from, name, account, result]| {
        let result = if dry_run {
            result.replace("removed (--prune)", "would be removed (--prune)")
        } else {
            result.clone()
        };
        [
            from.clone(),
            name.clone(),
            account.clone(),
            role.clone(),
            result,
        ]
    }));
    let table = table(rows);
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let added = count(|o| *o == Outcome::Added);
    let replaced = count(|o| *o == Outcome::Replaced);
    let exists = count(|o| *o == Outcome::Exists);
    let invalid = count(|o| matches!(o, Outcome::Invalid(_))) + parsed.skipped.len();
    let verb = if dry_run { "would import" } else { "imported" };
    let mut summary = format!("{source}: {verb} {added}");
    if replaced > 0 {
        summary.push_str(&format!(
            ", {} {replaced}",
            if dry_run { "would replace" } else { "replaced" }
        ));
    }
    summary.push_str(&format!(
        "; {exists} already in {} (--replace to overwrite); {invalid} skipped",
        path.display()
    ));
    let (renamed, removed) = (changes.displays.len(), changes.remove.len());
    if renamed > 0 {
        let verb = if dry_run { "would update" } else { "updated" };
        summary.push_str(&format!("; {verb} the display of {renamed}"));
    }
    let unchanged = existing.iter().filter(|r| r[3] == "unchanged").count();
    if unchanged > 0 {
        summary.push_str(&format!("; {unchanged} unchanged"));
    }
    let gone = existing.iter().filter(|r| r[3].starts_with("gone")).count();
    if gone > 0 {
        summary.push_str(&format!("; {gone} gone"));
        if removed > 0 {
            summary.push_str(if dry_run {
                " (would remove them)"
            } else {
                " (removed)"
            });
        }
    }
    let not_ours = existing
        .iter()
        .filter(|r| r[3].starts_with("not listed"))
        .count();
    if not_ours > 0 {
        summary.push_str(&format!("; {not_ours} not listed but not imported (kept)"));
    }
    if dry_run {
        summary.push_str("; dry run: nothing written");
    }
    Ok(Report { table, summary })
}

/// `[sso.NAME]` for each instance the entries name: added when missing; one
/// already there for another start URL is left as it is, and the entries
/// that need this one are skipped with the reason.
fn add_instances(path: &std::path::Path, parsed: &mut Parsed, dry_run: bool) -> Result<()> {
    if parsed.sso.is_empty() {
        return Ok(());
    }
    let existing = bookmarks::Bookmarks::load(path)?.settings.sso;
    let mut clash = Vec::new();
    for (name, cfg) in &parsed.sso {
        match existing.get(name) {
            Some(have) if have.start_url == cfg.start_url => {}
            Some(have) => clash.push((name.clone(), have.start_url.clone())),
            None if dry_run => {}
            None => {
                bookmarks::set_sso(path, name, cfg)?;
            }
        }
    }
    for (name, have) in clash {
        let (kept, skipped): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut parsed.entries)
            .into_iter()
            .partition(|e| e.extras.sso.as_deref() != Some(name.as_str()));
        parsed.entries = kept;
        parsed.skipped.extend(skipped.into_iter().map(|e| Skipped {
            from: e.from,
            reason: format!(
                "[sso.{name}] in the bookmarks file is another instance ({have}); rename the [sso-session] to import it"
            ),
        }));
    }
    Ok(())
}

/// Aligned columns: FROM BOOKMARK ACCOUNT ROLE RESULT, imported rows first in
/// source order, then skipped sections.
pub fn report(parsed: &Parsed, outcomes: &[Outcome], dry_run: bool) -> String {
    table(rows(parsed, outcomes, dry_run))
}

/// The header row and one row per entry and skipped section.
fn rows(parsed: &Parsed, outcomes: &[Outcome], dry_run: bool) -> Vec<[String; 5]> {
    let mut rows: Vec<[String; 5]> = vec![[
        "FROM".into(),
        "BOOKMARK".into(),
        "ACCOUNT".into(),
        "ROLE".into(),
        "RESULT".into(),
    ]];
    for (e, o) in parsed.entries.iter().zip(outcomes) {
        let mut result = match o {
            Outcome::Added if dry_run => "would import".to_owned(),
            Outcome::Added => "imported".to_owned(),
            Outcome::Replaced if dry_run => "would replace".to_owned(),
            Outcome::Replaced => "replaced".to_owned(),
            Outcome::Exists => "skipped: bookmark exists (--replace to overwrite)".to_owned(),
            Outcome::Invalid(why) => format!("skipped: {why}"),
        };
        let mut notes = Vec::new();
        if let Some(via) = &e.extras.via {
            notes.push(format!("via {via}"));
        }
        if let Some(p) = &e.spec.source_profile {
            notes.push(format!("source_profile {p}"));
        }
        if e.spec.mfa_serial.is_some() {
            notes.push("mfa".into());
        }
        // A command rolehop will run on its own: the user sees which.
        if let Some(bookmarks::MfaSource::Process(cmd)) = &e.extras.mfa_source {
            notes.push(format!("mfa_process: {cmd}"));
        }
        notes.extend(e.notes.iter().cloned());
        if !notes.is_empty() && o.writes() {
            result.push_str(&format!(" ({})", notes.join(", ")));
        }
        rows.push([
            e.from.clone(),
            e.spec.name.clone(),
            e.spec.account.clone(),
            e.spec.role.clone(),
            result,
        ]);
    }
    for s in &parsed.skipped {
        rows.push([
            s.from.clone(),
            "-".into(),
            "-".into(),
            "-".into(),
            format!("skipped: {}", s.reason),
        ]);
    }
    rows
}

/// The rows in aligned columns, sanitized of control characters.
fn table(rows: Vec<[String; 5]>) -> String {
    let mut widths = [0usize; 4];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            let c = crate::text::sanitize(c);
            if i < 4 {
                out.push_str(&format!("{c:<w$}  ", w = widths[i]));
            } else {
                out.push_str(&c);
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_profile_names_become_valid_bookmark_names() {
        assert_eq!(bookmark_name("prod"), "prod");
        assert_eq!(bookmark_name("team/prod admin"), "team-prod-admin");
        assert_eq!(bookmark_name("_x:y"), "x-y");
        assert_eq!(bookmark_name("a".repeat(80).as_str()).len(), 64);
    }

    #[test]
    fn the_report_names_the_mfa_process_command() {
        let parsed = Parsed {
            entries: vec![Entry {
                from: "team".into(),
                spec: BookmarkSpec {
                    name: "team".into(),
                    account: "111122223333".into(),
                    role: "R".into(),
                    ..BookmarkSpec::default()
                },
                extras: Extras {
                    mfa_source: Some(bookmarks::MfaSource::Process(
                        "op item get 'AWS team' --otp".into(),
                    )),
                    ..Extras::default()
                },
                notes: Vec::new(),
            }],
            skipped: Vec::new(),
            sso: Vec::new(),
        };
        let text = report(&parsed, &[Outcome::Added], false);
        assert!(
            text.contains("imported (mfa_process: op item get 'AWS team' --otp)"),
            "{text}"
        );
    }

    #[test]
    fn role_arns_keep_their_path() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::210987654321:role/ops/team/Admin"),
            Ok(("aws", "210987654321", "ops/team/Admin"))
        );
        assert!(parse_role_arn("arn:aws:iam::210987654321:user/bob").is_err());
        assert!(parse_role_arn("arn:aws:iam::2109:role/x").is_err());
        assert!(parse_role_arn("Admin").is_err());
        assert!(partition_mismatch("aws-cn", Some("cn-north-1")).is_none());
        assert!(partition_mismatch("aws-cn", None).is_some());
        assert!(partition_mismatch("aws", Some("eu-west-1")).is_none());
    }
}
