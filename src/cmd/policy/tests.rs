use super::*;

#[test]
fn trust_policy_with_mfa_and_external_id() {
    assert_eq!(
        trust_policy("arn:aws:iam::123456789012:root", true, Some("x'1")),
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "StringEquals": {"sts:ExternalId": "x'1"},
                },
            }],
        })
    );
    let plain = trust_policy("arn:aws:iam::123456789012:user/alice", false, None);
    assert!(plain["Statement"][0].get("Condition").is_none());
}

#[test]
fn principals_parse() {
    let p = parse_principal("123456789012", "aws-cn").unwrap();
    assert_eq!(p.arn, "arn:aws-cn:iam::123456789012:root");
    let p = parse_principal("arn:aws:iam::123456789012:user/team/alice", "aws").unwrap();
    assert_eq!(p.target, Target::User("alice".into()));
    assert_eq!(p.account, "123456789012");
    let p = parse_principal("arn:aws:iam::123456789012:role/ops/Tooling", "aws").unwrap();
    assert_eq!(p.target, Target::Role("Tooling".into()));
    assert!(parse_principal("arn:aws:sts::123456789012:assumed-role/A/b", "aws").is_err());
    assert!(parse_principal("alice", "aws").is_err());
    let p = principal_from_identity("arn:aws:iam::111111111111:user/bob", "111111111111", "aws");
    assert_eq!(p.arn, "arn:aws:iam::111111111111:root");
    assert_eq!(p.target, Target::User("bob".into()));
}

#[test]
fn commands_quote_documents_and_keep_role_paths() {
    let b = Bookmark {
        name: "prod".into(),
        account: "210987654321".into(),
        role: "ops/Admin".into(),
        display: "prod".into(),
        color: None,
        mfa_serial: None,
        external_id: Some("it's".into()),
        region: None,
        duration: Some(7200),
        source_profile: None,
        session_name: None,
    };
    let p = plan(&b, parse_principal("123456789012", "aws").unwrap());
    let (trusting, trusted) = commands(&p);
    assert_eq!(
        trusting[0],
        r#"aws iam create-role --role-name 'Admin' --path '/ops/' --max-session-duration 7200 --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"it'\''s"}}}]}'"#
    );
    assert!(trusting[2].starts_with("aws iam attach-role-policy --role-name 'Admin'"));
    assert!(trusted[0].starts_with("aws iam put-user-policy --user-name '<USER>' --policy-name 'rolehop-assume-prod' --policy-document '{"));
    assert!(trusted[1].starts_with("aws iam put-group-policy"));
}

#[test]
fn merging_keeps_other_principals_and_replaces_our_own_grant() {
    let ours = trust_policy("arn:aws:iam::123456789012:root", true, None);
    let service = json!({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"});
    let other = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"});
    let old_ours = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": ["sts:AssumeRole"]});
    let existing = json!({"Version": "2012-10-17", "Statement": [service, old_ours, other]});
    let merged = merge_trust(&existing, &ours).unwrap();
    assert_eq!(
        merged["Statement"],
        json!([service, ours["Statement"][0], other]),
        "ours replaces the earlier grant in place; the others stay"
    );
    // Applying again changes nothing.
    assert_eq!(merge_trust(&merged, &ours).unwrap(), merged);
    // A role trusting only a service gets ours added.
    let only = json!({"Version": "2012-10-17", "Statement": service});
    assert_eq!(
        merge_trust(&only, &ours).unwrap()["Statement"],
        json!([service, ours["Statement"][0]])
    );
}

#[test]
fn diffs_show_changed_lines() {
    let old = json!({"a": 1, "b": 2});
    let new = json!({"a": 1, "b": 3});
    assert_eq!(
        diff(Some(&old), &new),
        "  {\n    \"a\": 1,\n-   \"b\": 2\n+   \"b\": 3\n  }\n"
    );
    assert_eq!(diff(None, &json!({"a": 1})), "+ {\n+   \"a\": 1\n+ }\n");
    assert_eq!(
        parse_document("%7B%22a%22%3A1%7D").unwrap(),
        json!({"a": 1})
    );
}

#[test]
fn merging_never_drops_a_condition_of_the_users() {
    let root = "arn:aws:iam::123456789012:root";
    let mfa_ip = json!({"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}});
    let existing = json!({"Version": "2012-10-17", "Statement": [mfa_ip]});
    // A bookmark without MFA: ours has no conditions; theirs must not go.
    let plain = trust_policy(root, false, None);
    let why = merge_trust(&existing, &plain).unwrap_err();
    assert!(
        why.contains("Bool aws:MultiFactorAuthPresent") && why.contains("IpAddress aws:SourceIp"),
        "{why}"
    );
    // With MFA, the source IP is still theirs alone.
    let mfa = trust_policy(root, true, None);
    let why = merge_trust(&existing, &mfa).unwrap_err();
    assert!(
        why.contains("IpAddress aws:SourceIp") && !why.contains("MultiFactor"),
        "{why}"
    );
    // Conditions that are a subset of ours (here: the same MFA one, another
    // Sid) are ours to replace.
    let same = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Old", "Effect": "Allow",
        "Principal": {"AWS": root}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]});
    assert_eq!(
        merge_trust(&same, &mfa).unwrap()["Statement"],
        json!([mfa["Statement"][0]])
    );
}
