//! `rolehop policy NAME`: the cross-account trust a bookmark needs, written
//! out (the role's trust policy in the trusting account, the identity policy
//! in the trusted account, and the `aws iam` commands that apply them), and
//! applied through IAM with `--apply-trusting` / `--apply-trusted`.

use crate::cli::PolicyArgs;
use crate::cmd::block_on;
use crate::env::{BaseSource, EnvView};
use crate::error::{Error, Result};
use crate::paths;
use crate::sts;
use rolehop_files::bookmarks::{Bookmark, Bookmarks};
use serde_json::{Value, json};
use std::process::ExitCode;

/// Who the role trusts, and where the identity policy goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// `arn:aws:iam::ACCT:root`, a user ARN or a role ARN.
    pub arn: String,
    /// The trusted account.
    pub account: String,
    /// Where the identity policy goes in the trusted account.
    pub target: Target,
}

/// The holder of the identity policy in the trusted account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    User(String),
    Group(String),
    Role(String),
    /// Not known: the commands show `<USER>` / `<GROUP>` placeholders.
    Unknown,
}

/// The three documents and the commands, for one bookmark.
#[derive(Clone, Debug)]
pub struct Plan {
    pub bookmark: String,
    pub role_arn: String,
    /// Role name without its path.
    pub role_name: String,
    /// `/` or `/ops/`.
    pub role_path: String,
    pub trusting_account: String,
    pub principal: Principal,
    pub trust: Value,
    pub identity: Value,
    pub policy_name: String,
    pub max_session: Option<u32>,
}

/// The role's trust policy: `principal` may call sts:AssumeRole, with MFA
/// and an external ID when the bookmark uses them.
pub fn trust_policy(principal: &str, mfa: bool, external_id: Option<&str>) -> Value {
    let mut stmt = json!({
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    });
    let mut cond = serde_json::Map::new();
    if mfa {
        cond.insert("Bool".into(), json!({"aws:MultiFactorAuthPresent": "true"}));
    }
    if let Some(id) = external_id {
        cond.insert("StringEquals".into(), json!({"sts:ExternalId": id}));
    }
    if !cond.is_empty() {
        stmt["Condition"] = Value::Object(cond);
    }
    json!({"Version": "2012-10-17", "Statement": [stmt]})
}

/// The identity policy: sts:AssumeRole on exactly this role.
pub fn identity_policy(role_arn: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": role_arn,
        }],
    })
}

fn usage(message: String, hint: Option<String>) -> Error {
    Error::Usage { message, hint }
}

/// `--principal`: a 12-digit account (its root), or an IAM user/role/root ARN.
pub fn parse_principal(s: &str, partition: &str) -> Result<Principal> {
    let s = s.trim();
    if s.len() == 12 && s.bytes().all(|c| c.is_ascii_digit()) {
        return Ok(Principal {
            arn: format!("arn:{partition}:iam::{s}:root"),
            account: s.to_owned(),
            target: Target::Unknown,
        });
    }
    let bad = || {
        usage(
            format!("--principal {s:?} is not an IAM user, role or account root ARN"),
            Some(
                "e.g. arn:aws:iam::123456789012:user/alice, arn:aws:iam::123456789012:role/ops/Tooling or a 12-digit account"
                    .into(),
            ),
        )
    };
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, _part, service, _region, account, resource] = parts[..] else {
        return Err(bad());
    };
    if arn != "arn" || account.len() != 12 || !account.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if service == "sts" {
        return Err(usage(
            format!("--principal {s} is a role session, which a trust policy cannot name"),
            Some("give the role's ARN: arn:aws:iam::ACCOUNT:role/NAME".into()),
        ));
    }
    if service != "iam" {
        return Err(bad());
    }
    let last = |r: &str| r.rsplit('/').next().unwrap_or(r).to_owned();
    let target = if resource == "root" {
        Target::Unknown
    } else if let Some(r) = resource.strip_prefix("user/") {
        Target::User(last(r))
    } else if let Some(r) = resource.strip_prefix("role/") {
        Target::Role(last(r))
    } else {
        return Err(bad());
    };
    Ok(Principal {
        arn: s.to_owned(),
        account: account.to_owned(),
        target,
    })
}

/// The principal from GetCallerIdentity of the base credentials: the root of
/// their account; the identity policy goes to the user when it is one.
pub fn principal_from_identity(caller_arn: &str, account: &str, partition: &str) -> Principal {
    let target = caller_arn
        .split_once(":user/")
        .map(|(_, u)| Target::User(u.rsplit('/').next().unwrap_or(u).to_owned()))
        .unwrap_or(Target::Unknown);
    Principal {
        arn: format!("arn:{partition}:iam::{account}:root"),
        account: account.to_owned(),
        target,
    }
}

pub fn plan(b: &Bookmark, principal: Principal) -> Plan {
    let (path, name) = match b.role.rsplit_once('/') {
        Some((p, n)) => (format!("/{}/", p.trim_matches('/')), n.to_owned()),
        None => ("/".to_owned(), b.role.to_string()),
    };
    let role_arn = b.role_arn();
    Plan {
        bookmark: b.name.to_string(),
        trust: trust_policy(
            &principal.arn,
            b.mfa_serial.is_some(),
            b.external_id.as_deref(),
        ),
        identity: identity_policy(&role_arn),
        role_arn,
        role_name: name,
        role_path: path,
        trusting_account: b.account.to_string(),
        principal,
        policy_name: format!("rolehop-assume-{}", b.name),
        max_session: b.duration.filter(|d| *d > 3600),
    }
}

/// Single-quote for POSIX shells.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn compact(v: &Value) -> String {
    v.to_string()
}

/// Commands for the trusting account (role) and the trusted account (identity policy).
pub fn commands(p: &Plan) -> (Vec<String>, Vec<String>) {
    let trust = sh(&compact(&p.trust));
    let mut create = format!("aws iam create-role --role-name {}", sh(&p.role_name));
    if p.role_path != "/" {
        create.push_str(&format!(" --path {}", sh(&p.role_path)));
    }
    if let Some(d) = p.max_session {
        create.push_str(&format!(" --max-session-duration {d}"));
    }
    create.push_str(&format!(" --assume-role-policy-document {trust}"));
    let trusting = vec![
        create,
        format!(
            "aws iam update-assume-role-policy --role-name {} --policy-document {trust}   # if the role exists",
            sh(&p.role_name)
        ),
        format!(
            "aws iam attach-role-policy --role-name {} --policy-arn arn:{}:iam::aws:policy/ReadOnlyAccess   # what the role may do: pick yours",
            sh(&p.role_name),
            p.role_arn.split(':').nth(1).unwrap_or("aws")
        ),
    ];
    let identity = sh(&compact(&p.identity));
    let name = sh(&p.policy_name);
    let trusted = match &p.principal.target {
        Target::User(u) => vec![
            format!(
                "aws iam put-user-policy --user-name {} --policy-name {name} --policy-document {identity}",
                sh(u)
            ),
            format!(
                "aws iam put-group-policy --group-name '<GROUP>' --policy-name {name} --policy-document {identity}   # or for a whole group"
            ),
        ],
        Target::Group(g) => vec![format!(
            "aws iam put-group-policy --group-name {} --policy-name {name} --policy-document {identity}",
            sh(g)
        )],
        Target::Role(r) => vec![format!(
            "aws iam put-role-policy --role-name {} --policy-name {name} --policy-document {identity}",
            sh(r)
        )],
        Target::Unknown => vec![
            format!(
                "aws iam put-user-policy --user-name '<USER>' --policy-name {name} --policy-document {identity}"
            ),
            format!(
                "aws iam put-group-policy --group-name '<GROUP>' --policy-name {name} --policy-document {identity}   # or for a whole group"
            ),
        ],
    };
    (trusting, trusted)
}

fn describe_target(t: &Target) -> String {
    match t {
        Target::User(u) => format!("user {u}"),
        Target::Group(g) => format!("group {g}"),
        Target::Role(r) => format!("role {r}"),
        Target::Unknown => "the users (or a group) who switch".into(),
    }
}

pub fn render_text(p: &Plan) -> String {
    // `{:#}` is serde_json's pretty printer; a `Value` always prints.
    let pretty = |v: &Value| format!("{v:#}");
    let (trusting, trusted) = commands(p);
    let mut out = String::new();
    out.push_str(&format!(
        "# 1. Trust policy of role {} (in account {}, the trusting account)\n",
        p.role_arn, p.trusting_account
    ));
    out.push_str(&pretty(&p.trust));
    out.push_str(&format!(
        "\n\n# 2. Identity policy for {} (in account {}, the trusted account)\n",
        describe_target(&p.principal.target),
        p.principal.account
    ));
    out.push_str(&pretty(&p.identity));
    out.push_str(&format!(
        "\n\n# 3. Commands\n# in account {} (trusting), as an IAM administrator there:\n",
        p.trusting_account
    ));
    for c in &trusting {
        out.push_str(c);
        out.push('\n');
    }
    out.push_str(&format!(
        "# in account {} (trusted), as an IAM administrator there:\n",
        p.principal.account
    ));
    for c in &trusted {
        out.push_str(c);
        out.push('\n');
    }
    out
}

pub fn render_json(p: &Plan) -> Value {
    let (trusting, trusted) = commands(p);
    let target = match &p.principal.target {
        Target::User(u) => json!({"kind": "user", "name": u}),
        Target::Group(g) => json!({"kind": "group", "name": g}),
        Target::Role(r) => json!({"kind": "role", "name": r}),
        Target::Unknown => Value::Null,
    };
    json!({
        "bookmark": p.bookmark,
        "role_arn": p.role_arn,
        "trust_policy": {
            "account": p.trusting_account,
            "role_name": p.role_name,
            "role_path": p.role_path,
            "document": p.trust,
        },
        "identity_policy": {
            "account": p.principal.account,
            "principal": p.principal.arn,
            "target": target,
            "policy_name": p.policy_name,
            "document": p.identity,
        },
        "commands": {
            "trusting": trusting,
            "trusted": trusted,
        },
    })
}

/// `rolehop policy NAME [--principal ARN] [--json] [--apply-trusting | --apply-trusted]`.
pub fn run(args: &PolicyArgs) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let bookmarks = Bookmarks::load(&paths::bookmarks_path()?)?;
    let b = bookmarks.get(&args.name)?.clone();
    let partition = b.partition();
    let mut principal = match (&args.principal, &bookmarks.extras(&b.name).via) {
        (Some(p), _) => parse_principal(p, partition)?,
        // Through `via`, the role is assumed by the via bookmark's role.
        (None, Some(via)) => {
            let v = bookmarks.get(via)?;
            parse_principal(&v.role_arn(), partition)?
        }
        (None, None) => {
            let source = env.base_source(b.source_profile.as_deref());
            let id = block_on(async {
                let region = sts::resolve_region(None, &env, &source).await;
                let client =
                    sts::client(&source, region.as_deref().unwrap_or(sts::FALLBACK_REGION)).await;
                sts::caller_identity(&client).await
            })?
            .map_err(|e| sts::name_source(e, &source, &env))?;
            principal_from_identity(&id.arn, &id.account, partition)
        }
    };
    if let Some(u) = &args.user {
        principal.target = Target::User(u.clone());
    }
    if let Some(g) = &args.group {
        principal.target = Target::Group(g.clone());
    }
    let p = plan(&b, principal);
    if args.apply_trusting || args.apply_trusted {
        let profile = args.profile.clone().unwrap_or_default();
        return apply(
            &p,
            args.apply_trusting,
            &profile,
            args.yes,
            args.replace,
            &env,
        );
    }
    if args.json {
        println!("{:#}", render_json(&p));
    } else {
        print!("{}", render_text(&p));
    }
    Ok(ExitCode::SUCCESS)
}

// -- applying ---------------------------------------------------------------

/// Policy documents come back URL-encoded from IAM; parse either form.
fn parse_document(doc: &str) -> Option<Value> {
    serde_json::from_str(doc).ok().or_else(|| {
        let decoded = percent_encoding::percent_decode_str(doc)
            .decode_utf8()
            .ok()?;
        serde_json::from_str(&decoded).ok()
    })
}

/// A line diff of two pretty JSON documents (`-` old, `+` new, ` ` same).
pub fn diff(old: Option<&Value>, new: &Value) -> String {
    let pretty = |v: &Value| format!("{v:#}");
    let new_text = pretty(new);
    let b: Vec<&str> = new_text.lines().collect();
    let old_text = old.map(pretty).unwrap_or_default();
    let a: Vec<&str> = old_text.lines().collect();
    // Longest common subsequence, then walk it.
    let mut l = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            l[i][j] = if a[i] == b[j] {
                l[i + 1][j + 1] + 1
            } else {
                l[i + 1][j].max(l[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || l[i + 1][j] >= l[i][j + 1]) {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        }
    }
    out
}

/// The role's trust policy with rolehop's statement in it. A statement
/// allowing the same principal `sts:AssumeRole` is rolehop's (an earlier
/// apply, or the same grant written by hand) and is replaced by ours only if
/// it asks for nothing ours does not: its conditions (MFA, a source IP, an
/// external ID) are all in ours. One with conditions of its own is the
/// user's: it is kept as it is and the merge is refused (`Err` says why),
/// since ours beside it would let the principal in without them. Every
/// other statement (a service, another account, other actions) stays.
pub fn merge_trust(existing: &Value, ours: &Value) -> Result<Value, String> {
    let Some(mine) = ours["Statement"].get(0) else {
        return Ok(ours.clone());
    };
    let statements: Vec<Value> = match &existing["Statement"] {
        Value::Array(list) => list.clone(),
        single @ Value::Object(_) => vec![single.clone()],
        _ => return Ok(ours.clone()),
    };
    let same_grant = |s: &Value| {
        s["Effect"] == "Allow"
            && s["Principal"] == mine["Principal"]
            && (s["Action"] == "sts:AssumeRole"
                || s["Action"]
                    .as_array()
                    .is_some_and(|a| a.len() == 1 && a[0] == "sts:AssumeRole"))
    };
    let mut merged = Vec::with_capacity(statements.len() + 1);
    let mut placed = false;
    for s in statements {
        if !same_grant(&s) {
            merged.push(s);
            continue;
        }
        if let Some(extra) = conditions_not_in(&s["Condition"], &mine["Condition"]) {
            return Err(format!(
                "the role's trust policy already lets {} assume it, with conditions this bookmark does not set ({extra}); it is left as it is",
                mine["Principal"]
            ));
        }
        if !placed {
            merged.push(mine.clone());
            placed = true;
        }
    }
    if !placed {
        merged.push(mine.clone());
    }
    let mut doc = existing.clone();
    if doc.get("Version").is_none() {
        doc["Version"] = ours["Version"].clone();
    }
    doc["Statement"] = Value::Array(merged);
    Ok(doc)
}

/// The conditions of `theirs` that `ours` lacks (`operator key`), if any.
fn conditions_not_in(theirs: &Value, ours: &Value) -> Option<String> {
    let theirs = theirs.as_object()?;
    let missing: Vec<String> = theirs
        .iter()
        .flat_map(|(op, keys)| {
            let keys = keys.as_object().cloned().unwrap_or_default();
            keys.into_iter()
                .filter(|(key, value)| &ours[op][key] != value)
                .map(|(key, _)| format!("{op} {key}"))
                .collect::<Vec<_>>()
        })
        .collect();
    (!missing.is_empty()).then(|| missing.join(", "))
}

mod apply;
#[cfg(test)]
mod tests;

use apply::apply;
