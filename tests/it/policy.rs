//! `rolehop policy`: the documents for a bookmark, and applying them through
//! moto's IAM with auth enforcement on (the assume is denied before, works after).

use crate::common;

use common::{Moto, TestEnv};
use serde_json::json;

#[test]
fn policy_json_has_the_three_documents_for_each_account() {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "prod",
        "--account",
        "210987654321",
        "--role",
        "ops/Admin",
        "--mfa-serial",
        "arn:aws:iam::123456789012:mfa/alice",
        "--external-id",
        "ext-9",
    ])
    .success();
    // No --principal: the root of the base identity's account (moto: 123456789012).
    let out = env.run(&["policy", "prod", "--json"]).success();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["role_arn"], "arn:aws:iam::210987654321:role/ops/Admin");
    assert_eq!(v["trust_policy"]["account"], "210987654321");
    assert_eq!(v["trust_policy"]["role_name"], "Admin");
    assert_eq!(v["trust_policy"]["role_path"], "/ops/");
    assert_eq!(
        v["trust_policy"]["document"],
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "StringEquals": {"sts:ExternalId": "ext-9"},
                },
            }],
        })
    );
    assert_eq!(v["identity_policy"]["account"], "123456789012");
    assert_eq!(
        v["identity_policy"]["document"],
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::210987654321:role/ops/Admin",
            }],
        })
    );
    let trusting: Vec<String> = serde_json::from_value(v["commands"]["trusting"].clone()).unwrap();
    assert!(trusting[0].starts_with("aws iam create-role --role-name 'Admin' --path '/ops/' --assume-role-policy-document '{\"Version\""), "{trusting:?}");
    assert!(
        trusting
            .iter()
            .any(|c| c.starts_with("aws iam attach-role-policy"))
    );
    let trusted: Vec<String> = serde_json::from_value(v["commands"]["trusted"].clone()).unwrap();
    assert!(
        trusted
            .iter()
            .any(|c| c.starts_with("aws iam put-user-policy"))
    );
    assert!(
        trusted
            .iter()
            .any(|c| c.starts_with("aws iam put-group-policy"))
    );

    // A given user principal: no MFA/external-ID bookmark, plain statement;
    // the text labels each document with its account.
    env.run(&["add", "dev", "--account", "011122223333", "--role", "Dev"])
        .success();
    let out = env
        .run(&[
            "policy",
            "dev",
            "--principal",
            "arn:aws:iam::444455556666:user/alice",
        ])
        .success();
    let text = out.stdout;
    assert!(
        text.contains(
            "# 1. Trust policy of role arn:aws:iam::011122223333:role/Dev (in account 011122223333, the trusting account)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "# 2. Identity policy for user alice (in account 444455556666, the trusted account)"
        ),
        "{text}"
    );
    assert!(
        text.contains("\"AWS\": \"arn:aws:iam::444455556666:user/alice\""),
        "{text}"
    );
    assert!(!text.contains("Condition"), "{text}");
    assert!(
        text.contains(
            "aws iam put-user-policy --user-name 'alice' --policy-name 'rolehop-assume-dev'"
        ),
        "{text}"
    );
    let out = env
        .run(&[
            "policy",
            "dev",
            "--principal",
            "arn:aws:sts::444455556666:assumed-role/A/s",
        ])
        .failure();
    assert!(out.stderr.contains("role session"), "{}", out.stderr);
}

/// Creates `admin` (may do anything) and `dev` (no policies) with keys.
/// moto trusts named principals only (an account root in a trust policy does
/// not let its users in there), so the trusting side names the user.
const DEV: &str = "arn:aws:iam::123456789012:user/dev";

fn admin_and_dev(moto: &Moto) -> (String, String, String, String) {
    let out = moto.python(
        r#"
        def user(name):
            iam.create_user(UserName=name)
            key = iam.create_access_key(UserName=name)["AccessKey"]
            return [key["AccessKeyId"], key["SecretAccessKey"]]
        admin = user("admin")
        iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }))
        dev = user("dev")
        print(json.dumps(admin + dev))
        "#,
    );
    let v: Vec<String> = serde_json::from_str(out.trim()).unwrap();
    (v[0].clone(), v[1].clone(), v[2].clone(), v[3].clone())
}

#[test]
fn apply_both_sides_makes_the_denied_assume_work() {
    let moto = Moto::start();
    let (admin_key, admin_secret, dev_key, dev_secret) = admin_and_dev(&moto);
    moto.enable_auth();

    let env = TestEnv::new(&moto);
    std::fs::write(
        env.credentials_path(),
        format!(
            "[default]\naws_access_key_id = {dev_key}\naws_secret_access_key = {dev_secret}\n\n[admin]\naws_access_key_id = {admin_key}\naws_secret_access_key = {admin_secret}\n"
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("AWS_ENDPOINT_URL_IAM", moto.url()).args(args);
        common::detach_from_terminal(&mut cmd);
        common::output(cmd)
    };
    run(&[
        "add",
        "xacct",
        "--account",
        "123456789012",
        "--role",
        "CrossAccountRole",
    ])
    .success();

    let out = run(&["env", "xacct"]).failure();
    assert!(
        out.stderr.contains("AccessDenied") || out.stderr.contains("denied"),
        "{}",
        out.stderr
    );

    // Without --yes and without a terminal nothing is changed.
    let out = run(&["policy", "xacct", "--apply-trusting", "--profile", "admin"]).failure();
    assert!(
        out.stderr
            .contains("Create role arn:aws:iam::123456789012:role/CrossAccountRole"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("+   \"Version\": \"2012-10-17\""),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("pass --yes"), "{}", out.stderr);

    let out = run(&[
        "policy",
        "xacct",
        "--apply-trusting",
        "--profile",
        "admin",
        "--yes",
        "--principal",
        DEV,
    ])
    .success();
    assert!(
        out.stdout
            .contains("Created role arn:aws:iam::123456789012:role/CrossAccountRole"),
        "{}",
        out.stdout
    );
    // The role trusts the account, but dev may not call AssumeRole on it yet.
    run(&["env", "xacct"]).failure();

    // The principal's user comes from GetCallerIdentity of the base keys: dev.
    let out = run(&[
        "policy",
        "xacct",
        "--apply-trusted",
        "--profile",
        "admin",
        "--yes",
    ])
    .success();
    assert!(
        out.stdout
            .contains("Put policy rolehop-assume-xacct on user dev"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );

    let out = run(&["env", "xacct", "--shell", "bash"]).success();
    assert!(
        out.stdout.contains("export AWS_ACCESS_KEY_ID="),
        "{}",
        out.stdout
    );

    // Applied again: the diff is empty and nothing is asked.
    let out = run(&[
        "policy",
        "xacct",
        "--apply-trusting",
        "--profile",
        "admin",
        "--principal",
        DEV,
    ])
    .success();
    assert!(out.stderr.contains("already in place"), "{}", out.stderr);
    let out = run(&["policy", "xacct", "--apply-trusted", "--profile", "admin"]).success();
    assert!(out.stderr.contains("already in place"), "{}", out.stderr);

    // A bookmark that now needs an external ID: the update shows the change.
    run(&["remove", "xacct"]).success();
    run(&[
        "add",
        "xacct",
        "--account",
        "123456789012",
        "--role",
        "CrossAccountRole",
        "--external-id",
        "e-1",
    ])
    .success();
    let out = run(&[
        "policy",
        "xacct",
        "--apply-trusting",
        "--profile",
        "admin",
        "--yes",
        "--principal",
        DEV,
    ])
    .success();
    assert!(
        out.stderr.contains("Update the trust policy"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("+       \"Condition\": {"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("Updated the trust policy"),
        "{}",
        out.stdout
    );
    run(&["env", "xacct"]).success();
}

/// A role whose trust policy asks the account for MFA and a source IP keeps
/// both, even under --yes, when the bookmark sets neither.
#[test]
fn apply_trusting_never_drops_the_users_conditions() {
    let moto = Moto::start();
    let root = "arn:aws:iam::123456789012:root";
    moto.python(&format!(
        r#"
        iam.create_role(RoleName="Guarded", AssumeRolePolicyDocument=json.dumps({{
            "Version": "2012-10-17",
            "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{root}"}}, "Action": "sts:AssumeRole",
                "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "true"}},
                               "IpAddress": {{"aws:SourceIp": "203.0.113.0/24"}}}}}}],
        }}))
        print("ok")
        "#
    ));
    let env = TestEnv::new(&moto);
    let run = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("AWS_ENDPOINT_URL_IAM", moto.url()).args(args);
        common::detach_from_terminal(&mut cmd);
        common::output(cmd)
    };
    run(&[
        "add",
        "guarded",
        "--account",
        "123456789012",
        "--role",
        "Guarded",
    ])
    .success();
    let out = run(&[
        "policy",
        "guarded",
        "--apply-trusting",
        "--profile",
        "default",
        "--yes",
        "--principal",
        "123456789012",
    ]);
    assert_eq!(out.code, 8, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("Bool aws:MultiFactorAuthPresent") && out.stderr.contains("--replace"),
        "{}",
        out.stderr
    );
    let now = moto.python(
        r#"
        doc = iam.get_role(RoleName="Guarded")["Role"]["AssumeRolePolicyDocument"]
        print(json.dumps(doc))
        "#,
    );
    assert!(
        now.contains("aws:MultiFactorAuthPresent") && now.contains("203.0.113.0/24"),
        "{now}"
    );
}
