//! `rolehop import organization`: a bookmark for one role in every active
//! account of an AWS Organization.
//!
//! [`fetch`] lists the organization (AWS Organizations' ListAccounts, and
//! with `--ou` the accounts under each OU, nested OUs included, every page);
//! [`plan`] then decides without I/O what each account becomes against the
//! bookmarks already in the file, so its rules are tested without a server.
//! The result goes through the same table and the same one locked, atomic
//! edit as the other importers.
//!
//! A re-run is an update: a bookmark for the role in an account is found by
//! account ID and role (not by name, so the user may rename it), its display
//! follows the account's name in the organization, and a bookmark whose
//! account the organization no longer lists is reported `gone` (removed only
//! with `--prune`). Every bookmark it writes carries `org = "o-..."`, and
//! `--prune` removes only those: marked with this organization, for this
//! role and this `--profile`. Hand-written bookmarks, other organizations'
//! and those imported before the marker existed are never removed.

use std::collections::{BTreeSet, HashMap, HashSet};

use aws_sdk_organizations::Client;

use super::{Entry, Parsed, Skipped};
use crate::env::{BaseSource, EnvView};
use crate::error::{Error, Result};
use crate::sts;
use rolehop_files::bookmarks::{Bookmark, BookmarkSpec, Bookmarks, Changes, Extras};

/// The role AWS Organizations creates in every account it creates.
pub const DEFAULT_ROLE: &str = "OrganizationAccountAccessRole";

/// One account as the organization lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, ... (the newer `State`
    /// field, else the older `Status`).
    pub state: String,
}

/// What [`fetch`] read.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// The account of the identity that listed it: nothing to switch to there.
    pub caller_account: String,
    /// Every account of the organization, by ID.
    pub accounts: Vec<Account>,
    /// With `--ou`: the IDs of the accounts under those OUs.
    pub under_ou: Option<HashSet<String>>,
    /// The organization's ID (`o-...`), read from the accounts' ARNs.
    pub org: Option<String>,
}

/// The user's choices.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub role: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `--profile`: it reads the organization and becomes the bookmarks'
    /// `source_profile` (it is the identity that can assume the role).
    pub profile: Option<String>,
    pub prune: bool,
}

/// What to do: new bookmarks (and rows skipped) for the usual table, edits
/// of existing bookmarks, and one row per existing bookmark.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub parsed: Parsed,
    pub changes: Changes,
    /// FROM, BOOKMARK, ACCOUNT, RESULT for bookmarks already in the file.
    pub existing: Vec<[String; 4]>,
}

/// `--include` / `--exclude` globs: over the account name or ID, any case.
fn globs(patterns: &[String], flag: &str) -> Result<Vec<(String, glob::Pattern)>> {
    patterns
        .iter()
        .map(|p| {
            glob::Pattern::new(p)
                .map(|g| (p.clone(), g))
                .map_err(|e| Error::Usage {
                    message: format!("{flag} {p:?} is not a glob ({})", e.msg),
                    hint: Some("use * ? and [a-z], e.g. --include '*prod*'".into()),
                })
        })
        .collect()
}

fn matches(g: &glob::Pattern, a: &Account) -> bool {
    let opts = glob::MatchOptions {
        case_sensitive: false,
        require_literal_separator: false,
        require_literal_leading_dot: false,
    };
    g.matches_with(&a.name, opts) || g.matches_with(&a.id, opts)
}

/// A bookmark name from an account name: lower case, runs of anything but
/// letters, digits, '.' and '_' become one '-', at most 64 characters.
pub fn name_for(account: &Account) -> String {
    let s = slug(&account.name, 64);
    if s.is_empty() {
        format!("account-{}", account.id)
    } else {
        s
    }
}

/// `text` as (part of) a bookmark name: lower case, runs of anything but
/// letters, digits, '.' and '_' become one '-', trimmed, at most `max`
/// characters; empty when nothing is left.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed: String = out
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .take(max)
        .collect();
    trimmed.trim_end_matches('-').to_owned()
}

/// The account name as a display: control characters (never in a valid
/// name, but it comes from outside) dropped, at most 64 characters.
fn display_for(account: &Account) -> String {
    let d: String = account
        .name
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    if d.trim().is_empty() {
        account.id.clone()
    } else {
        d
    }
}

/// Decide what every account becomes. Accounts are taken in ID order, so a
/// name collision resolves the same way on every run: the first keeps the
/// name, the others get `-ACCOUNTID`.
pub fn plan(listing: &Listing, file: &Bookmarks, opts: &Options) -> Result<Plan> {
    if opts.prune && listing.accounts.is_empty() {
        return Err(Error::Usage {
            message: "the organization listed no accounts, so --prune would remove every bookmark it made; nothing changed".into(),
            hint: Some("check the identity that lists it (--profile), or run without --prune".into()),
        });
    }
    let existing: &[Bookmark] = &file.items;
    let include = globs(&opts.include, "--include")?;
    let exclude = globs(&opts.exclude, "--exclude")?;
    let mut accounts = listing.accounts.clone();
    accounts.sort_by(|a, b| a.id.cmp(&b.id));

    let ours = |b: &Bookmark| b.role == opts.role;
    let by_account: HashMap<&str, &Bookmark> = existing
        .iter()
        .filter(|b| ours(b))
        .map(|b| (b.account.as_str(), b))
        .collect();
    let mut taken: HashSet<String> = existing.iter().map(|b| b.name.to_string()).collect();
    let mut out = Plan::default();
    let skip = |out: &mut Plan, a: &Account, reason: String| {
        out.parsed.skipped.push(Skipped {
            from: format!("{} ({})", display_for(a), a.id),
            reason,
        })
    };

    for a in &accounts {
        if let Some(under) = &listing.under_ou
            && !under.contains(&a.id)
        {
            continue;
        }
        if let Some(b) = by_account.get(a.id.as_str()) {
            let display = display_for(a);
            let mut row = [
                display.clone(),
                b.name.to_string(),
                a.id.clone(),
                String::new(),
            ];
            row[3] = if a.state != "ACTIVE" {
                format!("kept: account is {} in the organization", a.state)
            } else if b.display != display {
                out.changes
                    .displays
                    .push((b.name.to_string(), display.clone()));
                format!(
                    "display {:?} -> {display:?} (renamed in the organization)",
                    b.display
                )
            } else {
                "unchanged".into()
            };
            out.existing.push(row);
            continue;
        }
        if a.id == listing.caller_account {
            skip(
                &mut out,
                a,
                "your own account (the identity importing is already in it)".into(),
            );
            continue;
        }
        if a.state != "ACTIVE" {
            skip(&mut out, a, format!("account is {}", a.state));
            continue;
        }
        if !include.is_empty() && !include.iter().any(|(_, g)| matches(g, a)) {
            skip(&mut out, a, "not matched by --include".into());
            continue;
        }
        if let Some((p, _)) = exclude.iter().find(|(_, g)| matches(g, a)) {
            skip(&mut out, a, format!("--exclude {p:?}"));
            continue;
        }
        let base = name_for(a);
        let name = if taken.contains(&base) {
            let suffix = format!("-{}", a.id);
            let keep = 64 - suffix.len();
            format!("{}{suffix}", base.chars().take(keep).collect::<String>())
        } else {
            base.clone()
        };
        if !taken.insert(name.clone()) {
            skip(
                &mut out,
                a,
                format!("bookmarks {base:?} and {name:?} exist"),
            );
            continue;
        }
        let mut notes = Vec::new();
        if name != base {
            notes.push(format!("{base:?} is taken"));
        }
        out.parsed.entries.push(Entry {
            from: format!("{} ({})", display_for(a), a.id),
            spec: BookmarkSpec {
                name,
                account: a.id.clone(),
                role: opts.role.clone(),
                display: Some(display_for(a)),
                source_profile: opts.profile.clone(),
                ..BookmarkSpec::default()
            },
            extras: Extras {
                org: listing.org.clone(),
                ..Extras::default()
            },
            notes,
        });
    }

    // Bookmarks for the role in accounts the organization no longer lists:
    // only those this import marked are its to remove.
    let listed: BTreeSet<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    let same_profile = |b: &Bookmark| b.source_profile.as_deref() == opts.profile.as_deref();
    for b in existing.iter().filter(|b| ours(b) && same_profile(b)) {
        if listed.contains(b.account.as_str()) || b.account == listing.caller_account {
            continue;
        }
        let mark = file.extras(&b.name).org.as_deref();
        let result = match (mark, listing.org.as_deref()) {
            (Some(m), Some(this)) if m == this => {
                if opts.prune {
                    out.changes.remove.push(b.name.to_string());
                    "gone: removed (--prune)".to_owned()
                } else {
                    "gone: the organization no longer lists this account (kept; --prune removes it)"
                        .to_owned()
                }
            }
            // Another organization's: not this listing's business.
            (Some(_), _) => continue,
            (None, _) => format!(
                "not listed: kept (no org = {:?} mark, so this import did not make it; rolehop remove {} if it is stale)",
                listing.org.as_deref().unwrap_or("o-..."),
                b.name
            ),
        };
        out.existing.push([
            b.display.to_string(),
            b.name.to_string(),
            b.account.to_string(),
            result,
        ]);
    }
    Ok(out)
}

// -- reading the organization ------------------------------------------------

/// The caller's account and the organization's accounts (and those under
/// each `--ou`), read with `source`.
pub async fn fetch(source: &BaseSource, env: &EnvView, ous: &[String]) -> Result<Listing> {
    let region = sts::resolve_region(None, env, source)
        .await
        .unwrap_or_else(|| sts::FALLBACK_REGION.to_owned());
    let sts_client = sts::client(source, &region).await;
    let caller = sts::caller_identity(&sts_client)
        .await
        .map_err(|e| Error::Sts(sts::name_source(e, source, env)))?;
    let config = sts::sdk_config(source, &region).await;
    let org = Client::new(&config);
    let who = caller.arn.as_str();

    let accounts = list_accounts(&org, who).await?;
    let under_ou = if ous.is_empty() {
        None
    } else {
        let mut ids = HashSet::new();
        for ou in ous {
            let id = resolve_ou(&org, who, ou).await?;
            collect_under(&org, who, &id, &mut ids).await?;
        }
        Some(ids)
    };
    let org = accounts.iter().find_map(|a| a.org.clone());
    Ok(Listing {
        caller_account: caller.account,
        accounts: accounts.into_iter().map(|a| a.account).collect(),
        under_ou,
        org,
    })
}

/// An account as listed, with the organization ID from its ARN.
#[derive(Debug)]
struct Listed {
    account: Account,
    org: Option<String>,
}

/// Every account of the organization, every page.
async fn list_accounts(org: &Client, who: &str) -> Result<Vec<Listed>> {
    let mut accounts = Vec::new();
    let mut pages = org.list_accounts().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| refused(who, "organizations:ListAccounts", &e))?;
        accounts.extend(page.accounts().iter().map(account));
    }
    Ok(accounts)
}

fn account(a: &aws_sdk_organizations::types::Account) -> Listed {
    let state = a
        .state()
        .map(|s| s.as_str().to_owned())
        .or_else(|| a.status().map(|s| s.as_str().to_owned()))
        .unwrap_or_else(|| "UNKNOWN".into());
    Listed {
        account: Account {
            id: a.id().unwrap_or_default().to_owned(),
            name: a.name().unwrap_or_default().to_owned(),
            state,
        },
        org: a.arn().and_then(org_of_arn),
    }
}

/// `o-...` from `arn:aws:organizations::MANAGEMENT:account/o-.../ACCOUNT`.
fn org_of_arn(arn: &str) -> Option<String> {
    let (_, path) = arn.split_once(":account/")?;
    let org = path.split('/').next()?;
    rolehop_files::bookmarks::check_org(org)
        .is_ok()
        .then(|| org.to_owned())
}

/// `ou-...` / `r-...` as given; otherwise a path of OU names from the root
/// (`Workloads/Prod`), each segment matched exactly, else in any case.
async fn resolve_ou(org: &Client, who: &str, ou: &str) -> Result<String> {
    if ou.starts_with("ou-") || ou.starts_with("r-") {
        return Ok(ou.to_owned());
    }
    let roots = org
        .list_roots()
        .send()
        .await
        .map_err(|e| refused(who, "organizations:ListRoots", &e))?;
    let mut parent = roots
        .roots()
        .first()
        .and_then(|r| r.id())
        .ok_or_else(|| Error::Usage {
            message: "the organization has no root".into(),
            hint: None,
        })?
        .to_owned();
    let mut path = String::new();
    for segment in ou.split('/').filter(|s| !s.is_empty()) {
        if path.is_empty() && segment.eq_ignore_ascii_case("root") {
            continue;
        }
        let children = child_ous(org, who, &parent).await?;
        let found = children.iter().find(|(_, n)| n == segment).or_else(|| {
            children
                .iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(segment))
        });
        let Some((id, _)) = found else {
            let names: Vec<&str> = children.iter().map(|(_, n)| n.as_str()).collect();
            let place = if path.is_empty() { "the root" } else { &path };
            return Err(Error::Usage {
                message: format!("--ou {ou:?}: no OU named {segment:?} under {place}"),
                hint: Some(if names.is_empty() {
                    format!("{place} has no OUs")
                } else {
                    format!("OUs there: {}", names.join(", "))
                }),
            });
        };
        parent = id.clone();
        path = if path.is_empty() {
            segment.to_owned()
        } else {
            format!("{path}/{segment}")
        };
    }
    Ok(parent)
}

/// (ID, name) of the OUs directly under `parent`, every page.
async fn child_ous(org: &Client, who: &str, parent: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut pages = org
        .list_organizational_units_for_parent()
        .parent_id(parent)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| refused(who, "organizations:ListOrganizationalUnitsForParent", &e))?;
        out.extend(page.organizational_units().iter().map(|u| {
            (
                u.id().unwrap_or_default().to_owned(),
                u.name().unwrap_or_default().to_owned(),
            )
        }));
    }
    Ok(out)
}

/// The accounts under `parent` and under every OU below it.
async fn collect_under(
    org: &Client,
    who: &str,
    parent: &str,
    ids: &mut HashSet<String>,
) -> Result<()> {
    let mut todo = vec![parent.to_owned()];
    // An answer that names an OU twice (a cycle) must not walk forever.
    let mut seen = HashSet::new();
    while let Some(p) = todo.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        let mut pages = org
            .list_accounts_for_parent()
            .parent_id(&p)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| refused(who, "organizations:ListAccountsForParent", &e))?;
            ids.extend(
                page.accounts()
                    .iter()
                    .filter_map(|a| a.id().map(str::to_owned)),
            );
        }
        todo.extend(child_ous(org, who, &p).await?.into_iter().map(|(id, _)| id));
    }
    Ok(())
}

/// A failed Organizations call in words: not in an organization, not
/// allowed to read it, no such OU, or the network.
fn refused<E>(who: &str, action: &str, e: &aws_sdk_organizations::error::SdkError<E>) -> Error
where
    E: aws_sdk_organizations::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let (code, message) = sts::code_and_message(e);
    let message = crate::text::sanitize(&message.unwrap_or_default());
    let (message, hint) = match code.as_deref() {
        Some("AWSOrganizationsNotInUseException") => (
            format!("{who} is not in an AWS Organization, so there are no accounts to import"),
            "use `rolehop import aws-config` or `rolehop add` for single accounts".to_owned(),
        ),
        Some("AccessDeniedException" | "AccessDenied") => (
            format!("{who} may not read the organization ({action} was denied): {message}"),
            "run it as the management account or a delegated administrator (--profile P), with organizations:ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent and ListRoots allowed".to_owned(),
        ),
        Some("ParentNotFoundException" | "InvalidInputException") => (
            format!("AWS Organizations refused {action}: {message}"),
            "check --ou: an OU ID (ou-..., r-...) or a path of OU names like Workloads/Prod".to_owned(),
        ),
        Some(c @ ("InvalidClientTokenId" | "UnrecognizedClientException" | "SignatureDoesNotMatch" | "ExpiredTokenException")) => (
            format!("AWS Organizations did not accept the credentials of {who} ({c}): {message}"),
            "refresh the base credentials (`rolehop whoami` checks them)".to_owned(),
        ),
        Some(c) => (
            format!("AWS Organizations refused {action} ({c}): {message}"),
            "if it persists, try again with --profile naming the management account".to_owned(),
        ),
        None => (
            format!("cannot reach AWS Organizations: {message}"),
            "check your network connection or proxy; AWS_ENDPOINT_URL_ORGANIZATIONS / AWS_ENDPOINT_URL point it elsewhere if set".to_owned(),
        ),
    };
    Error::Organizations {
        message,
        hint: Some(hint),
        network: code.is_none(),
    }
}

#[cfg(test)]
mod tests;
