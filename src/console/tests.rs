use super::*;
use rolehop_files::bookmarks::Color;
use secrecy::SecretString;
use std::time::SystemTime;

fn creds() -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: SecretString::from("se/cr+et".to_string()),
        session_token: SecretString::from("to ken=".to_string()),
        expiration: SystemTime::now() + Duration::from_secs(3600),
        assumed_role_arn: None,
    }
}

fn bookmark(region: Option<&str>) -> Bookmark {
    Bookmark {
        name: "prod".into(),
        account: "210987654321".into(),
        role: "ops/Admin".into(),
        display: "Prod (admin)".into(),
        color: Some(Color::Red),
        mfa_serial: None,
        external_id: None,
        region: region.map(Into::into),
        duration: None,
        source_profile: None,
        session_name: None,
    }
}

#[test]
fn partitions_have_their_hosts() {
    assert_eq!(hosts("aws").signin, "signin.aws.amazon.com");
    assert_eq!(hosts("aws").console, "console.aws.amazon.com");
    assert_eq!(hosts("aws-cn").signin, "signin.amazonaws.cn");
    assert_eq!(hosts("aws-cn").console, "console.amazonaws.cn");
    assert_eq!(hosts("aws-us-gov").signin, "signin.amazonaws-us-gov.com");
    assert_eq!(hosts("aws-us-gov").console, "console.amazonaws-us-gov.com");
    assert_eq!(
        rolehop_files::bookmarks::partition_of("cn-north-1"),
        "aws-cn"
    );
    assert_eq!(
        rolehop_files::bookmarks::partition_of("us-gov-west-1"),
        "aws-us-gov"
    );
    assert_eq!(rolehop_files::bookmarks::partition_of("eu-west-1"), "aws");
}

#[test]
fn federation_base_defaults_per_partition_and_is_configurable() {
    let env = EnvView::from_pairs(Vec::<(String, String)>::new());
    assert_eq!(
        federation_base("aws-cn", &env).unwrap(),
        "https://signin.amazonaws.cn"
    );
    for ok in [
        "http://127.0.0.1:9/",
        "https://example.com/",
        "http://[::1]:9",
    ] {
        let env = EnvView::from_pairs([(FEDERATION_URL_VAR, ok)]);
        assert_eq!(
            federation_base("aws", &env).unwrap(),
            ok.trim_end_matches('/')
        );
    }
    for bad in [
        "http://example.com",
        "http://127.0.0.1.evil.com:9",
        "ftp://127.0.0.1",
        "http://10.0.0.1",
    ] {
        let env = EnvView::from_pairs([(FEDERATION_URL_VAR, bad)]);
        let e = federation_base("aws", &env).unwrap_err().to_string();
        assert!(e.contains("must be an https:// URL"), "{bad}: {e}");
    }
}

#[test]
fn signin_token_url_carries_the_session_and_duration_only_unchained() {
    let c = creds();
    let url = signin_token_url("https://signin.aws.amazon.com", &c, Some(3600));
    assert_eq!(
        url,
        "https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B%22sessionId%22%3A%22ASIAEXAMPLE%22%2C%22sessionKey%22%3A%22se%2Fcr%2Bet%22%2C%22sessionToken%22%3A%22to%20ken%3D%22%7D"
    );
    let url = signin_token_url("https://x", &c, None);
    assert!(!url.contains("SessionDuration"), "{url}");
    assert_eq!(session_duration(true, Duration::from_secs(3000)), None);
    assert_eq!(
        session_duration(false, Duration::from_secs(3000)),
        Some(3000)
    );
    assert_eq!(session_duration(false, Duration::from_secs(60)), Some(900));
    assert_eq!(
        session_duration(false, Duration::from_secs(90_000)),
        Some(43_200)
    );
}

#[test]
fn destinations() {
    assert_eq!(
        destination("aws", Some("eu-west-1"), None).unwrap(),
        "https://console.aws.amazon.com/console/home?region=eu-west-1"
    );
    assert_eq!(
        destination("aws", None, None).unwrap(),
        "https://console.aws.amazon.com/console/home"
    );
    assert_eq!(
        destination("aws-cn", Some("cn-north-1"), Some("s3")).unwrap(),
        "https://console.amazonaws.cn/s3/home?region=cn-north-1"
    );
    let url = "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:";
    assert_eq!(destination("aws", None, Some(url)).unwrap(), url);
    assert!(destination("aws", None, Some("https://evil.example/x")).is_err());
    assert!(destination("aws", None, Some("S3 bucket")).is_err());
    assert!(destination("aws-us-gov", None, Some("https://console.aws.amazon.com/")).is_err());
}

#[test]
fn login_url_encodes_every_part() {
    assert_eq!(
        login_url(
            "https://signin.aws.amazon.com",
            "https://console.aws.amazon.com/console/home?region=eu-west-1",
            "tok+en/="
        ),
        "https://signin.aws.amazon.com/federation?Action=login&Issuer=rolehop&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1&SigninToken=tok%2Ben%2F%3D"
    );
}

#[test]
fn switch_urls_per_partition_with_color() {
    assert_eq!(
        switch_url(&bookmark(Some("eu-west-1"))).unwrap(),
        "https://signin.aws.amazon.com/switchrole?account=210987654321&roleName=ops%2FAdmin&displayName=Prod%20%28admin%29&color=f2b0a9"
    );
    let mut b = bookmark(Some("cn-northwest-1"));
    b.color = None;
    assert_eq!(
        switch_url(&b).unwrap(),
        "https://signin.amazonaws.cn/switchrole?account=210987654321&roleName=ops%2FAdmin&displayName=Prod%20%28admin%29"
    );
    let b = bookmark(Some("us-gov-east-1"));
    assert!(
        switch_url(&b)
            .unwrap()
            .starts_with("https://signin.amazonaws-us-gov.com/switchrole?")
    );
}

#[test]
fn switch_url_refuses_external_id() {
    let mut b = bookmark(None);
    b.external_id = Some("x".into());
    let e = switch_url(&b).unwrap_err();
    assert!(e.to_string().contains("external ID"), "{e}");
    assert!(e.hint().unwrap().contains("rolehop console prod"));
}
