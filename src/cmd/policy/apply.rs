//! `--apply-trusting` / `--apply-trusted`: the plan put into IAM, after showing
//! the change and asking.

use super::*;
use crate::cmd::ask::confirm;

pub(super) fn iam_error(what: &str, e: impl std::fmt::Display, code: Option<&str>) -> Error {
    let hint = match code {
        Some("AccessDenied") | Some("AccessDeniedException") => Some(
            "the --profile credentials may not change IAM here: use an administrator of that account"
                .into(),
        ),
        Some("InvalidClientTokenId") | Some("SignatureDoesNotMatch") => {
            Some("the --profile credentials were rejected: check its keys".into())
        }
        _ => None,
    };
    Error::Iam {
        message: format!("IAM refused to {what}: {e}"),
        hint,
    }
}

use crate::sts::code_and_message as why;

pub(super) fn refused(what: &str, (code, msg): (Option<String>, Option<String>)) -> Error {
    let text = match (&code, msg) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.clone(),
        (None, Some(m)) => m,
        (None, None) => "unknown error".into(),
    };
    iam_error(what, text, code.as_deref())
}

pub(super) fn apply(
    p: &Plan,
    trusting: bool,
    profile: &str,
    yes: bool,
    replace: bool,
    env: &EnvView,
) -> Result<ExitCode> {
    let source = BaseSource::Profile(profile.to_owned());
    block_on(async {
        let region = sts::resolve_region(None, env, &source).await;
        let config =
            sts::sdk_config(&source, region.as_deref().unwrap_or(sts::FALLBACK_REGION)).await;
        let iam = aws_sdk_iam::Client::new(&config);
        if trusting {
            apply_trusting(&iam, p, yes, replace).await
        } else {
            apply_trusted(&iam, p, yes).await
        }
    })?
}

pub(super) async fn apply_trusting(
    iam: &aws_sdk_iam::Client,
    p: &Plan,
    yes: bool,
    replace: bool,
) -> Result<ExitCode> {
    let existing = match iam.get_role().role_name(&p.role_name).send().await {
        Ok(out) => Some(
            out.role()
                .and_then(|r| r.assume_role_policy_document())
                .and_then(parse_document)
                .unwrap_or(Value::Null),
        ),
        Err(e) => match why(&e) {
            (Some(c), _) if c == "NoSuchEntity" => None,
            other => return Err(refused("read the role", other)),
        },
    };
    let action = if existing.is_some() {
        format!("Update the trust policy of role {}", p.role_arn)
    } else {
        format!("Create role {}", p.role_arn)
    };
    // Merged unless --replace: other principals keep their access.
    let target = match &existing {
        Some(old) if !replace && old.is_object() => match merge_trust(old, &p.trust) {
            Ok(merged) => merged,
            Err(why) => {
                // Never weaken the user's conditions, not even under --yes.
                eprintln!("rolehop: {why}");
                eprintln!(
                    "rolehop: hint: add the conditions to the bookmark (mfa_serial, external_id), or run again with --replace to put rolehop's policy in place of the whole trust policy"
                );
                return Ok(ExitCode::from(crate::error::code::REFUSED));
            }
        },
        _ => p.trust.clone(),
    };
    eprintln!("{action} (account {}):", p.trusting_account);
    eprint!("{}", diff(existing.as_ref(), &target));
    if existing.as_ref() == Some(&target) {
        eprintln!("rolehop: the trust policy is already in place; nothing to do");
        return Ok(ExitCode::SUCCESS);
    }
    if !confirm(&format!("{action}?"), yes)? {
        eprintln!("rolehop: nothing changed");
        return Ok(ExitCode::from(crate::error::code::REFUSED));
    }
    let doc = compact(&target);
    if existing.is_some() {
        iam.update_assume_role_policy()
            .role_name(&p.role_name)
            .policy_document(doc)
            .send()
            .await
            .map_err(|e| refused("update the trust policy", why(&e)))?;
        println!("Updated the trust policy of {}", p.role_arn);
    } else {
        let mut req = iam
            .create_role()
            .role_name(&p.role_name)
            .path(&p.role_path)
            .assume_role_policy_document(doc);
        if let Some(d) = p.max_session {
            req = req.max_session_duration(d as i32);
        }
        req.send()
            .await
            .map_err(|e| refused("create the role", why(&e)))?;
        println!(
            "Created role {}; give it permissions (attach-role-policy) for what it may do",
            p.role_arn
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn apply_trusted(
    iam: &aws_sdk_iam::Client,
    p: &Plan,
    yes: bool,
) -> Result<ExitCode> {
    let name = &p.policy_name;
    let (kind, holder) = match &p.principal.target {
        Target::User(u) => ("user", u.clone()),
        Target::Group(g) => ("group", g.clone()),
        Target::Role(r) => ("role", r.clone()),
        Target::Unknown => {
            return Err(usage(
                "--apply-trusted needs to know whom the identity policy is for".into(),
                Some("pass --user NAME or --group NAME".into()),
            ));
        }
    };
    let existing = match &p.principal.target {
        Target::User(u) => iam
            .get_user_policy()
            .user_name(u)
            .policy_name(name)
            .send()
            .await
            .map(|o| o.policy_document().to_owned())
            .map_err(|e| why(&e)),
        Target::Group(g) => iam
            .get_group_policy()
            .group_name(g)
            .policy_name(name)
            .send()
            .await
            .map(|o| o.policy_document().to_owned())
            .map_err(|e| why(&e)),
        Target::Role(r) => iam
            .get_role_policy()
            .role_name(r)
            .policy_name(name)
            .send()
            .await
            .map(|o| o.policy_document().to_owned())
            .map_err(|e| why(&e)),
        // Returned above already; an error rather than a panic all the same.
        Target::Unknown => Err((
            None,
            Some("no user, group or role to hold the policy".to_owned()),
        )),
    };
    let existing = match existing {
        Ok(doc) => Some(parse_document(&doc).unwrap_or(Value::Null)),
        Err((Some(c), _)) if c == "NoSuchEntity" => None,
        Err(other) => {
            return Err(refused(
                &format!("read the policies of {kind} {holder}"),
                other,
            ));
        }
    };
    let action = format!(
        "{} policy {name} on {kind} {holder}",
        if existing.is_some() { "Update" } else { "Put" }
    );
    eprintln!("{action} (account {}):", p.principal.account);
    eprint!("{}", diff(existing.as_ref(), &p.identity));
    if existing.as_ref() == Some(&p.identity) {
        eprintln!("rolehop: the identity policy is already in place; nothing to do");
        return Ok(ExitCode::SUCCESS);
    }
    if !confirm(&format!("{action}?"), yes)? {
        eprintln!("rolehop: nothing changed");
        return Ok(ExitCode::from(crate::error::code::REFUSED));
    }
    let doc = compact(&p.identity);
    let sent = match &p.principal.target {
        Target::User(u) => iam
            .put_user_policy()
            .user_name(u)
            .policy_name(name)
            .policy_document(doc)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| why(&e)),
        Target::Group(g) => iam
            .put_group_policy()
            .group_name(g)
            .policy_name(name)
            .policy_document(doc)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| why(&e)),
        Target::Role(r) => iam
            .put_role_policy()
            .role_name(r)
            .policy_name(name)
            .policy_document(doc)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| why(&e)),
        // Returned above already; an error rather than a panic all the same.
        Target::Unknown => Err((
            None,
            Some("no user, group or role to hold the policy".to_owned()),
        )),
    };
    sent.map_err(|e| refused(&format!("put the policy on {kind} {holder}"), e))?;
    println!(
        "Put policy {name} on {kind} {holder}: it may now assume {}",
        p.role_arn
    );
    Ok(ExitCode::SUCCESS)
}
