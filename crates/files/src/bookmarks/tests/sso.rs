//! `[sso.NAME]` tables and `sso = "NAME"` bookmarks, through both loaders.

use super::{err, load_full};

const CORP: &str = r#"[sso.corp]
start_url = "https://d-1234567890.awsapps.com/start"
region = "eu-west-1"

[bookmarks.prod-admin]
account = "111111111111"
role = "AdministratorAccess"
display = "Prod · AdministratorAccess"
sso = "corp"
"#;

#[test]
fn an_instance_and_its_roles_load() {
    // The fast path takes it (and is checked against the validator).
    let loaded = load_full(CORP).unwrap();
    let corp = &loaded.settings.sso["corp"];
    assert_eq!(corp.start_url, "https://d-1234567890.awsapps.com/start");
    assert_eq!(corp.region, "eu-west-1");
    assert_eq!(corp.role_region(), "eu-west-1");
    assert_eq!(loaded.extras["prod-admin"].sso.as_deref(), Some("corp"));

    let globs = format!(
        "{CORP}\n[sso.other]\nstart_url = \"https://o.awsapps.com/start\"\nregion = \"us-east-1\"\ndefault_region = \"us-west-2\"\ninclude = [\"*prod*/Admin*\"]\nexclude = \"*sandbox*\"\n"
    );
    let loaded = load_full(&globs).unwrap();
    let other = &loaded.settings.sso["other"];
    assert_eq!(other.role_region(), "us-west-2");
    assert_eq!(other.include, ["*prod*/Admin*"]);
    assert_eq!(other.exclude, ["*sandbox*"]);
}

#[test]
fn mistakes_name_the_line() {
    let cases = [
        (
            CORP.replace("region = \"eu-west-1\"\n", ""),
            "b.toml:1:1: sso \"corp\": missing required key \"region\" (e.g. region = \"eu-west-1\")",
        ),
        (
            CORP.replace("start_url = \"https://", "start_url = \"http://"),
            "b.toml:2:13: sso \"corp\": start_url must be your AWS access portal URL like \"https://d-1234567890.awsapps.com/start\", got \"http://d-1234567890.awsapps.com/start\"",
        ),
        (
            CORP.replace("region = \"eu-west-1\"", "regoin = \"eu-west-1\""),
            "b.toml:3:1: sso \"corp\": unknown key \"regoin\"; did you mean \"region\"? (allowed: start_url, region, default_region, include, exclude)",
        ),
        (
            CORP.replace("sso = \"corp\"", "sso = \"crop\""),
            "b.toml:9:7: bookmark \"prod-admin\": sso names no [sso.crop] table; did you mean \"corp\"?",
        ),
        (
            CORP.replace("sso = \"corp\"", "sso = \"zzz\""),
            "b.toml:9:7: bookmark \"prod-admin\": sso names no [sso.zzz] table (add it: rolehop sso add zzz --start-url URL --region REGION)",
        ),
        (
            format!("{CORP}mfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\n"),
            "b.toml:10:1: bookmark \"prod-admin\": mfa_serial does not apply to an IAM Identity Center role (sso = \"corp\"): its credentials come from the access portal; remove mfa_serial",
        ),
        (
            CORP.replace(
                "region = \"eu-west-1\"",
                "region = \"eu-west-1\"\ninclude = [1]",
            ),
            "b.toml:4:11: sso \"corp\": include must be a list of globs like [\"*prod*/Admin*\"]",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(err(&text), want, "{text}");
    }
}
