use super::*;
use std::fs;
use std::path::{Path, PathBuf};

const EXAMPLE: &str = r##"# My roles.
[defaults]
region = "us-east-1"
duration = "1h"

[bookmarks.prod]            # the key is the name
account = "210987654321"
role = "CrossAccountRole"
display = "Prod (admin)"
color = "red"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"

[bookmarks.dev]
account = "012345678901"
role = "ops/Admin"
region = "eu-west-1"
duration = 900
color = "#A1B2C3"
"##;

fn load_str(text: &str) -> Result<Vec<Bookmark>, ConfigError> {
    load_full(text).map(|l| l.items)
}

fn err(text: &str) -> String {
    match load_str(text) {
        Ok(items) => panic!("expected an error, loaded {items:?}"),
        Err(e) => e.to_string(),
    }
}

fn file_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bookmarks.toml");
    fs::write(&path, text).unwrap();
    (dir, path)
}

fn spec(name: &str, account: &str, role: &str) -> BookmarkSpec {
    BookmarkSpec {
        name: name.into(),
        account: account.into(),
        role: role.into(),
        ..BookmarkSpec::default()
    }
}

#[test]
fn valid_example_loads_with_defaults_applied() {
    let items = load_str(EXAMPLE).unwrap();
    assert_eq!(
        items,
        vec![
            Bookmark {
                name: "prod".into(),
                account: "210987654321".into(),
                role: "CrossAccountRole".into(),
                display: "Prod (admin)".into(),
                color: Some(Color::Red),
                mfa_serial: Some("arn:aws:iam::123456789012:mfa/alice".into()),
                external_id: None,
                region: Some("us-east-1".into()),
                duration: Some(3600),
                source_profile: None,
                session_name: None,
            },
            Bookmark {
                name: "dev".into(),
                account: "012345678901".into(),
                role: "ops/Admin".into(),
                display: "dev".into(),
                color: Some(Color::Hex(0xa1, 0xb2, 0xc3)),
                mfa_serial: None,
                external_id: None,
                region: Some("eu-west-1".into()),
                duration: Some(900),
                source_profile: None,
                session_name: None,
            },
        ]
    );
    assert_eq!(
        items[1].role_arn(),
        "arn:aws:iam::012345678901:role/ops/Admin"
    );
    let json = serde_json::to_value(&items[1]).unwrap();
    assert_eq!(json["color"], "#a1b2c3");
    assert_eq!(json["account"], "012345678901");
}

#[test]
fn defaults_fill_every_inheritable_field_and_bookmark_wins() {
    let text = r#"
[defaults]
color = "blue"
mfa_serial = "GAHT12345678"
external_id = "ext-1"
region = "cn-north-1"
duration = 7200
source_profile = "base"
session_name = "alice"

[bookmarks.a]
account = "111111111111"
role = "R"
session_name = "bob"
"#;
    let b = &load_str(text).unwrap()[0];
    assert_eq!(b.color, Some(Color::Blue));
    assert_eq!(b.mfa_serial.as_deref(), Some("GAHT12345678"));
    assert_eq!(b.external_id.as_deref(), Some("ext-1"));
    assert_eq!(b.region.as_deref(), Some("cn-north-1"));
    assert_eq!(b.duration, Some(7200));
    assert_eq!(b.source_profile.as_deref(), Some("base"));
    assert_eq!(b.session_name.as_deref(), Some("bob"));
    assert_eq!(b.partition(), "aws-cn");
    assert_eq!(b.role_arn(), "arn:aws-cn:iam::111111111111:role/R");
}

#[test]
fn partition_follows_region() {
    let mut b = load_str(EXAMPLE).unwrap().remove(0);
    for (region, partition) in [
        (None, "aws"),
        (Some("us-gov-west-1"), "aws-us-gov"),
        (Some("cn-northwest-1"), "aws-cn"),
        (Some("eu-west-1"), "aws"),
    ] {
        b.region = region.map(str::to_owned).map(Into::into);
        assert_eq!(b.partition(), partition, "{region:?}");
    }
}

/// A bookmark with `line` as its third line, the required keys filled in.
fn bookmark_with(line: &str) -> String {
    let mut s = String::from("# note\n[bookmarks.prod]\n");
    s.push_str(line);
    s.push('\n');
    if !line.starts_with("account ") {
        s.push_str("account = \"210987654321\"\n");
    }
    if !line.starts_with("role ") {
        s.push_str("role = \"Admin\"\n");
    }
    s
}

#[test]
fn every_invalid_field_gives_its_message_at_the_value() {
    let long = "a".repeat(65);
    let cases: Vec<(String, String)> = vec![
            (r#"account = "12345""#.into(), r#"3:11: bookmark "prod": account must be 12 digits, got "12345""#.into()),
            (r#"account = "1234-5678-9012""#.into(), r#"3:11: bookmark "prod": account must be 12 digits, got "1234-5678-9012" (without dashes: "123456789012")"#.into()),
            (r#"account = "21098765432a""#.into(), r#"3:11: bookmark "prod": account must be 12 digits, got "21098765432a""#.into()),
            ("account = 210987654321".into(), r#"3:11: bookmark "prod": account must be a quoted string of 12 digits, got an integer (quote it: account = "210987654321")"#.into()),
            (r#"role = """#.into(), r#"3:8: bookmark "prod": role must not be empty"#.into()),
            (r#"role = "a b""#.into(), r#"3:8: bookmark "prod": role may only contain letters, digits and +=,.@_- (and '/' between path parts), got "a b""#.into()),
            (r#"role = "/ops/Admin""#.into(), r#"3:8: bookmark "prod": role must not start or end with '/', got "/ops/Admin""#.into()),
            (r#"role = "ops/""#.into(), r#"3:8: bookmark "prod": role must not start or end with '/', got "ops/""#.into()),
            (r#"role = "ops//Admin""#.into(), r#"3:8: bookmark "prod": role must not contain an empty path part ("//"), got "ops//Admin""#.into()),
            (format!(r#"role = "ops/{long}""#), format!(r#"3:8: bookmark "prod": role must have at most 64 characters between '/', got 65 in "{long}""#)),
            (r#"role = "arn:aws:iam::123456789012:role/ops/Admin""#.into(), r#"3:8: bookmark "prod": role must be a role name, not an ARN, got "arn:aws:iam::123456789012:role/ops/Admin" (use "ops/Admin")"#.into()),
            ("role = 7".into(), r#"3:8: bookmark "prod": role must be a string, got an integer (quote it: role = "7")"#.into()),
            (r#"display = """#.into(), r#"3:11: bookmark "prod": display must not be empty"#.into()),
            (format!(r#"display = "{long}""#), r#"3:11: bookmark "prod": display must be at most 64 characters, got 65"#.into()),
            (r#"display = "a\tb""#.into(), r#"3:11: bookmark "prod": display must not contain control characters, got "a\tb""#.into()),
            (r#"color = "purple""#.into(), r#"3:9: bookmark "prod": color must be red, orange, yellow, green, blue or #rrggbb, got "purple""#.into()),
            (r#"color = "gren""#.into(), r#"3:9: bookmark "prod": color must be red, orange, yellow, green, blue or #rrggbb, got "gren" (did you mean "green"?)"#.into()),
            (r##"color = "#12345g""##.into(), r##"3:9: bookmark "prod": color must be red, orange, yellow, green, blue or #rrggbb, got "#12345g""##.into()),
            (r#"mfa_serial = "arn:aws:iam::123456789012:user/alice""#.into(), r#"3:14: bookmark "prod": mfa_serial must be an MFA device ARN like "arn:aws:iam::123456789012:mfa/alice", got "arn:aws:iam::123456789012:user/alice""#.into()),
            (r#"mfa_serial = "arn:aws:iam::12345:mfa/alice""#.into(), r#"3:14: bookmark "prod": mfa_serial must be an MFA device ARN like "arn:aws:iam::123456789012:mfa/alice", got "arn:aws:iam::12345:mfa/alice""#.into()),
            (r#"mfa_serial = "short""#.into(), r#"3:14: bookmark "prod": mfa_serial must be an MFA device ARN like "arn:aws:iam::123456789012:mfa/alice" or a hardware serial (9 to 256 letters, digits and +=/:,.@_-), got "short""#.into()),
            (r#"mfa_serial = "GAHT 12345678""#.into(), r#"3:14: bookmark "prod": mfa_serial must be an MFA device ARN like "arn:aws:iam::123456789012:mfa/alice" or a hardware serial (9 to 256 letters, digits and +=/:,.@_-), got "GAHT 12345678""#.into()),
            (r#"external_id = "x""#.into(), r#"3:15: bookmark "prod": external_id must be 2 to 1224 characters, got 1"#.into()),
            (r#"external_id = "a b""#.into(), r#"3:15: bookmark "prod": external_id may only contain letters, digits and +=,.@:/_-, got "a b""#.into()),
            ("external_id = 12_345".into(), r#"3:15: bookmark "prod": external_id must be a string, got an integer (quote it: external_id = "12345")"#.into()),
            (r#"region = "eu-west""#.into(), r#"3:10: bookmark "prod": region must be an AWS region like "eu-west-1", got "eu-west""#.into()),
            (r#"region = "EU-WEST-1""#.into(), r#"3:10: bookmark "prod": region must be an AWS region like "eu-west-1", got "EU-WEST-1" (regions are lowercase: "eu-west-1")"#.into()),
            (r#"region = "e-west-1""#.into(), r#"3:10: bookmark "prod": region must be an AWS region like "eu-west-1", got "e-west-1""#.into()),
            ("duration = 600".into(), r#"3:12: bookmark "prod": duration must be between 900 and 43200 seconds (15m to 12h), got 600"#.into()),
            ("duration = -1".into(), r#"3:12: bookmark "prod": duration must be between 900 and 43200 seconds (15m to 12h), got -1"#.into()),
            (r#"duration = "13h""#.into(), r#"3:12: bookmark "prod": duration must be between 900 and 43200 seconds (15m to 12h), got "13h""#.into()),
            (r#"duration = "1 hour""#.into(), r#"3:12: bookmark "prod": duration must be a number of seconds or a duration like "15m", "1h" or "1h30m", got "1 hour""#.into()),
            ("duration = true".into(), r#"3:12: bookmark "prod": duration must be a number of seconds or a string like "1h", got a boolean"#.into()),
            (r#"source_profile = "my profile""#.into(), r#"3:18: bookmark "prod": source_profile must not contain whitespace, '[' or ']', got "my profile""#.into()),
            (r#"source_profile = "[x]""#.into(), r#"3:18: bookmark "prod": source_profile must not contain whitespace, '[' or ']', got "[x]""#.into()),
            (r#"source_profile = """#.into(), r#"3:18: bookmark "prod": source_profile must not be empty"#.into()),
            (r#"session_name = "a""#.into(), r#"3:16: bookmark "prod": session_name must be 2 to 64 characters, got 1"#.into()),
            (r#"session_name = "a b""#.into(), r#"3:16: bookmark "prod": session_name may only contain letters, digits and +=,.@_-, got "a b""#.into()),
            (r#"acount = "1""#.into(), r#"3:1: bookmark "prod": unknown key "acount"; did you mean "account"? (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey)"#.into()),
            (r#"name = "prod""#.into(), r#"3:1: bookmark "prod": unknown key "name" (the name is the table key, as in [bookmarks.NAME]) (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey)"#.into()),
            (r#"zzz = "1""#.into(), r#"3:1: bookmark "prod": unknown key "zzz" (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey)"#.into()),
        ];
    for (line, expected) in cases {
        assert_eq!(
            err(&bookmark_with(&line)),
            format!("b.toml:{expected}"),
            "for {line}"
        );
    }
}

#[test]
fn valid_field_forms_load() {
    for line in [
        r#"role = "a+=,.@_-Z9/b""#,
        r#"mfa_serial = "arn:aws-us-gov:iam::123456789012:mfa/team/alice""#,
        r#"mfa_serial = "GAHT12345678""#,
        r#"external_id = "a+=,.@:/_-""#,
        r#"region = "us-gov-west-1""#,
        r#"color = "YeLLow""#,
        r#"duration = "43200""#,
        r#"display = "Prod ✓ (admin)""#,
        r#"session_name = "alice@example.com""#,
    ] {
        assert!(load_str(&bookmark_with(line)).is_ok(), "{line}");
    }
}

#[test]
fn missing_required_key_points_at_the_header() {
    let text = "# x\n\n  [bookmarks.prod]\naccount = \"210987654321\"\n";
    assert_eq!(
        err(text),
        r#"b.toml:3:3: bookmark "prod": missing required key "role" (e.g. role = "Admin")"#
    );
    let text = "[bookmarks.prod]\nrole = \"R\"\n";
    assert_eq!(
        err(text),
        r#"b.toml:1:1: bookmark "prod": missing required key "account" (e.g. account = "123456789012")"#
    );
}

#[test]
fn bad_names_and_structure() {
    let ok = "\naccount = \"210987654321\"\nrole = \"R\"\n";
    let cases = [
        (
            "[bookmarks.\"a b\"]",
            r#"b.toml:1:12: bookmark "a b": name may only contain letters, digits, '.', '_' and '-', got "a b""#,
        ),
        (
            "[bookmarks.-x]",
            r#"b.toml:1:12: bookmark "-x": name must start with a letter or digit, got "-x""#,
        ),
        (
            "[bookmarks.\"\"]",
            r#"b.toml:1:12: bookmark "": name must not be empty"#,
        ),
        (
            "[bookmarks.my.prod]",
            r#"b.toml:1:15: bookmark "my": unknown key "prod" (to use '.' in a name, quote it: [bookmarks."my.prod"]) (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey)"#,
        ),
        (
            "[bookmark.prod]",
            r#"b.toml:1:2: unknown top-level key "bookmark"; did you mean "bookmarks"? (allowed: defaults, bookmarks, settings)"#,
        ),
        (
            "[prod]",
            r#"b.toml:1:2: unknown top-level key "prod" (bookmarks go under [bookmarks.prod]) (allowed: defaults, bookmarks, settings)"#,
        ),
        (
            "[[bookmarks]]",
            r#"b.toml:1:3: bookmarks must be a table like [bookmarks.NAME], got an array of tables"#,
        ),
    ];
    for (header, expected) in cases {
        assert_eq!(err(&format!("{header}{ok}")), expected, "{header}");
    }
    let long = "a".repeat(65);
    assert_eq!(
        err(&format!("[bookmarks.{long}]{ok}")),
        format!(r#"b.toml:1:12: bookmark "{long}": name must be at most 64 characters, got 65"#)
    );
    assert_eq!(
        err("region = \"us-east-1\"\n"),
        r#"b.toml:1:1: unknown top-level key "region" (put it under [defaults]) (allowed: defaults, bookmarks, settings)"#
    );
    assert_eq!(
        err("[bookmarks]\nprod = \"x\"\n"),
        r#"b.toml:2:8: bookmark "prod" must be a table like [bookmarks.prod], got a string"#
    );
    assert_eq!(
        err("settings = 1\n"),
        "b.toml:1:1: settings must be a table like [settings], got an integer"
    );
    // Dotted and inline bookmarks are TOML too.
    let items =
            load_str("[bookmarks]\na = { account = \"111111111111\", role = \"R\" }\nb.account = \"222222222222\"\nb.role = \"S\"\n")
                .unwrap();
    assert_eq!(
        items.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
}

/// What `Bookmarks::load` does with the text: the fast path when it
/// applies (checked against the validator in tests), else the validator.
fn load_full(text: &str) -> Result<Loaded, ConfigError> {
    load_text(&Src {
        path: Path::new("b.toml"),
        text,
    })
}

fn settings_err(text: &str) -> String {
    match load_full(text) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn settings_parse_with_defaults_and_located_errors() {
    let s = load_full("").unwrap().settings;
    assert_eq!(s, Settings::default());
    assert!(s.cache && s.mfa_session && s.auto_renew);
    assert_eq!((s.mfa_session_duration, s.refresh_window), (43_200, None));
    let s = load_full(
            "[settings]\ncache = false\nmfa_session = false\nmfa_session_duration = \"36h\"\nrefresh_window = \"2m\"\nauto_renew = false\nhandover = \"static\"\n",
        )
        .unwrap()
        .settings;
    assert_eq!(
        s,
        Settings {
            cache: false,
            mfa_session: false,
            mfa_session_duration: 129_600,
            refresh_window: Some(120),
            auto_renew: false,
            handover: HandoverMode::Static,
            colors: Vec::new(),
            mfa_source: None,
        }
    );
    assert_eq!(
        load_full("[settings]\nmfa_session_duration = 900\n")
            .unwrap()
            .settings
            .mfa_session_duration,
        900
    );
    for (text, expected) in [
        (
            "[settings]\ncache = \"false\"\n",
            r#"b.toml:2:9: settings: cache must be true or false without quotes, got "false""#,
        ),
        (
            "[settings]\ncache = 1\n",
            "b.toml:2:9: settings: cache must be true or false, got an integer",
        ),
        (
            "[settings]\nmfa_session_duration = \"48h\"\n",
            r#"b.toml:2:24: settings: mfa_session_duration must be between 900 and 129600 seconds (15m to 36h), got "48h""#,
        ),
        (
            "[settings]\nmfa_session_duration = 600\n",
            "b.toml:2:24: settings: mfa_session_duration must be between 900 and 129600 seconds (15m to 36h), got 600",
        ),
        (
            "[settings]\nrefresh_window = \"soon\"\n",
            r#"b.toml:2:18: settings: refresh_window must be a number of seconds or a duration like "15m", "1h" or "1h30m", got "soon""#,
        ),
        (
            "[settings]\nrefresh_window = 0\n",
            "b.toml:2:18: settings: refresh_window must be between 1 and 43200 seconds (1s to 12h), got 0",
        ),
        (
            "[settings]\ncahce = true\n",
            r#"b.toml:2:1: settings: unknown key "cahce"; did you mean "cache"? (allowed: cache, mfa_session, mfa_session_duration, refresh_window, auto_renew, handover, colors, mfa_process, mfa_yubikey)"#,
        ),
        (
            "[settings]\nregion = \"eu-west-1\"\n",
            r#"b.toml:2:1: settings: unknown key "region" (put it under [defaults]) (allowed: cache, mfa_session, mfa_session_duration, refresh_window, auto_renew, handover, colors, mfa_process, mfa_yubikey)"#,
        ),
    ] {
        assert_eq!(settings_err(text), expected, "{text}");
    }
}

#[test]
fn color_rules_color_bookmarks_without_their_own() {
    let text = "[defaults]\ncolor = \"blue\"\n\n[settings.colors]\n\"*prod*\" = \"red\"\n\"*PROD-eu*\" = \"yellow\" # never reached: the first match wins\n\"*stag*\" = \"orange\"\n\n[bookmarks.prod-eu]\naccount = \"111111111111\"\nrole = \"R\"\n\n[bookmarks.payments]\naccount = \"222222222222\"\nrole = \"R\"\ndisplay = \"Payments Staging\"\n\n[bookmarks.prod-own]\naccount = \"333333333333\"\nrole = \"R\"\ncolor = \"green\"\n\n[bookmarks.sandbox]\naccount = \"444444444444\"\nrole = \"R\"\n";
    let (_dir, path) = file_with(text);
    let b = Bookmarks::load(&path).unwrap();
    let color = |n: &str| b.get(n).unwrap().color.clone();
    assert_eq!(color("prod-eu"), Some(Color::Red));
    // Display matched too, in any case.
    assert_eq!(color("payments"), Some(Color::Orange));
    // Its own color wins over every rule.
    assert_eq!(color("prod-own"), Some(Color::Green));
    // No rule: the [defaults] color.
    assert_eq!(color("sandbox"), Some(Color::Blue));
    let patterns: Vec<&str> = b
        .settings
        .colors
        .iter()
        .map(|r| r.pattern.as_str())
        .collect();
    assert_eq!(patterns, ["*prod*", "*PROD-eu*", "*stag*"]);
    // The same through the validator (an inline table is outside the fast path).
    let inline = "[settings]\ncolors = { \"*prod*\" = \"red\" }\n[bookmarks.prod-eu]\naccount = \"111111111111\"\nrole = \"R\"\n";
    let (_d, p) = file_with(inline);
    assert_eq!(
        Bookmarks::load(&p).unwrap().items[0].color,
        Some(Color::Red)
    );
}

#[test]
fn mfa_sources_per_bookmark_and_in_settings() {
    let text = "[settings]\nmfa_yubikey = \"AWS:alice\"\n\n[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_process = \"op item get 'AWS prod' --otp\"\n\n[bookmarks.b]\naccount = \"222222222222\"\nrole = \"R\"\n\n[bookmarks.c]\naccount = \"333333333333\"\nrole = \"R\"\nmfa_yubikey = false\n\n[bookmarks.d]\naccount = \"444444444444\"\nrole = \"R\"\nmfa_yubikey = true\n";
    let (_dir, path) = file_with(text);
    let b = Bookmarks::load(&path).unwrap();
    assert_eq!(
        b.mfa_source("a"),
        Some(&MfaSource::Process("op item get 'AWS prod' --otp".into()))
    );
    assert_eq!(
        b.mfa_source("b"),
        Some(&MfaSource::YubiKey("AWS:alice".into()))
    );
    assert_eq!(b.mfa_source("c"), None);
    assert_eq!(b.mfa_source("d"), Some(&MfaSource::YubiKeySerial));
    for (text, expected) in [
        (
            "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_process = \"op 'unclosed\"\n",
            r#"b.toml:4:15: bookmark "a": mfa_process has an unclosed quote: "op 'unclosed""#,
        ),
        (
            "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_process = \"  \"\n",
            r#"b.toml:4:15: bookmark "a": mfa_process must name a command whose output is the code, e.g. "ykman oath accounts code --single aws""#,
        ),
        (
            "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_yubikey = 1\n",
            r#"b.toml:4:15: bookmark "a": mfa_yubikey must be an OATH account name or true/false, got an integer"#,
        ),
        (
            "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_process = \"x\"\nmfa_yubikey = true\n",
            r#"b.toml:5:15: bookmark "a": set mfa_process or mfa_yubikey, not both"#,
        ),
        (
            "[settings]\nmfa_yubikey = true\nmfa_process = \"x\"\n",
            r#"b.toml:3:15: settings: set mfa_process or mfa_yubikey, not both"#,
        ),
        (
            "[defaults]\nmfa_process = \"x\"\n",
            r#"b.toml:2:1: defaults: unknown key "mfa_process" (set it per bookmark, or for all in [settings]) (allowed: color, mfa_serial, external_id, region, duration, source_profile, session_name)"#,
        ),
    ] {
        assert_eq!(settings_err(text), expected, "{text}");
    }
}

#[test]
fn color_rules_errors_name_the_place() {
    for (text, expected) in [
        (
            "[settings.colors]\n\"*prod*\" = \"pink\"\n",
            r#"b.toml:2:12: settings.colors: "*prod*": color must be red, orange, yellow, green, blue or #rrggbb, got "pink""#,
        ),
        (
            "[settings.colors]\n\"[prod\" = \"red\"\n",
            r#"b.toml:2:1: settings.colors: "[prod" is not a glob (invalid range pattern): use * ? and [a-z]"#,
        ),
        (
            "[settings.colors]\n\"*prod*\" = 1\n",
            r#"b.toml:2:12: settings.colors: "*prod*" must be a color string like "red", got an integer"#,
        ),
        (
            "[settings]\ncolors = \"red\"\n",
            r#"b.toml:2:10: settings: colors must be a table like [settings.colors] with "*prod*" = "red", got a string"#,
        ),
    ] {
        assert_eq!(settings_err(text), expected, "{text}");
    }
}

#[test]
fn handover_per_bookmark_and_in_settings() {
    let text = "[settings]\nhandover = \"static\"\n\n[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nhandover = \"live\"\n\n[bookmarks.b]\naccount = \"222222222222\"\nrole = \"P\"\n";
    let (_dir, path) = file_with(text);
    let loaded = Bookmarks::load(&path).unwrap();
    assert_eq!(loaded.handover("a"), HandoverMode::Live);
    assert_eq!(loaded.handover("b"), HandoverMode::Static);
    let (_dir, path) = file_with(
        "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nhandover = \"fixed\"\n",
    );
    let e = Bookmarks::load(&path).unwrap_err().to_string();
    assert!(
        e.ends_with(r#":4:12: bookmark "a": handover must be "live" or "static", got "fixed""#),
        "{e}"
    );
    let (_dir, path) = file_with("[defaults]\nhandover = \"static\"\n");
    let e = Bookmarks::load(&path).unwrap_err().to_string();
    assert!(
        e.contains("set it per bookmark, or for all in [settings]"),
        "{e}"
    );
}

#[test]
fn via_and_mfa_session_per_bookmark() {
    let text = "[bookmarks.hub]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_session = false\n\n[bookmarks.prod]\naccount = \"222222222222\"\nrole = \"P\"\nvia   = \"hub\"\n";
    let loaded = load_full(text).unwrap();
    assert_eq!(loaded.extras["hub"].mfa_session, Some(false));
    assert_eq!(loaded.extras["prod"].via.as_deref(), Some("hub"));
    assert_eq!(loaded.extras["prod"].via_at, Some((9, 9)));
    assert_eq!(loaded.items.len(), 2, "the Bookmark values are unchanged");
    for (line, expected) in [
        (
            "mfa_session = \"no\"",
            "3:15: bookmark \"prod\": mfa_session must be true or false, got a string",
        ),
        (
            "via = \"a b\"",
            "3:7: bookmark \"prod\": via may only contain letters, digits, '.', '_' and '-', got \"a b\"",
        ),
        (
            "via = \"x\"\nsource_profile = \"base\"",
            "4:18: bookmark \"prod\": set via or source_profile, not both (with via, the credentials of the via bookmark are the source)",
        ),
    ] {
        assert_eq!(
            err(&bookmark_with(line)),
            format!("b.toml:{expected}"),
            "{line}"
        );
    }
    assert_eq!(
        err("[defaults]\nmfa_session = false\n"),
        r#"b.toml:2:1: defaults: unknown key "mfa_session" (set it per bookmark, or for all in [settings]) (allowed: color, mfa_serial, external_id, region, duration, source_profile, session_name)"#
    );
}

#[test]
fn add_with_via_checks_the_target_and_writes_the_keys() {
    let (_dir, path) = file_with(EXAMPLE);
    let extras = |via: &str| Extras {
        mfa_session: Some(false),
        via: Some(via.into()),
        via_at: None,
        handover: None,
        mfa_source: None,
    };
    let e = add_with(&path, &spec("x", "111111111111", "R"), &extras("prd")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            r#"{}: bookmark "x": via names no bookmark "prd"; did you mean "prod"?"#,
            path.display()
        )
    );
    let e = add_with(&path, &spec("x", "111111111111", "R"), &extras("x")).unwrap_err();
    assert!(e.to_string().contains("cannot go via itself"), "{e}");
    add_with(&path, &spec("x", "111111111111", "R"), &extras("prod")).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(
            text.ends_with("[bookmarks.x]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_session = false\nvia = \"prod\"\n"),
            "{text}"
        );
    let b = Bookmarks::load(&path).unwrap();
    assert_eq!(b.via_target("x").unwrap().unwrap().name, "prod");
    assert_eq!(b.via_target("prod").unwrap(), None);
    // An edit of the bookmark from the form keeps its extra keys.
    let mut s = spec("x", "111111111111", "R2");
    s.region = Some("eu-west-1".into());
    update(&path, "x", &s).unwrap();
    let b = Bookmarks::load(&path).unwrap();
    assert_eq!(b.extras("x").via.as_deref(), Some("prod"));
    assert_eq!(b.extras("x").mfa_session, Some(false));
}

#[test]
fn defaults_are_validated_too() {
    assert_eq!(
        err("[defaults]\nregin = \"eu-west-1\"\n"),
        r#"b.toml:2:1: defaults: unknown key "regin"; did you mean "region"? (allowed: color, mfa_serial, external_id, region, duration, source_profile, session_name)"#
    );
    assert_eq!(
        err("[defaults]\nrole = \"Admin\"\n"),
        r#"b.toml:2:1: defaults: unknown key "role" (role has no default; set it in each bookmark) (allowed: color, mfa_serial, external_id, region, duration, source_profile, session_name)"#
    );
    assert_eq!(
        err("[defaults]\nduration = 100\n"),
        "b.toml:2:12: defaults: duration must be between 900 and 43200 seconds (15m to 12h), got 100"
    );
}

#[test]
fn syntax_errors_have_a_location_and_one_line() {
    assert_eq!(
        err("[bookmarks.prod]\naccount = 012345678901\n"),
        r#"b.toml:2:11: invalid TOML: unexpected leading zero, expected nothing (quote it: account = "012345678901")"#
    );
    let e = err("[bookmarks.prod]\nrole = \"unterminated\n");
    assert!(e.starts_with("b.toml:2:21: invalid TOML: "), "{e}");
    assert!(!e.contains('\n'), "{e}");
    let e = err("[bookmarks.prod]\nrole = \"a\"\nrole = \"b\"\n");
    assert_eq!(e, "b.toml:3:1: invalid TOML: duplicate key");
}

#[test]
fn columns_count_characters_not_bytes() {
    let text = "[bookmarks]\nprod = { display = \"Ünï ✓\", account = \"12\", role = \"A\" }\n";
    assert_eq!(
        err(text),
        r#"b.toml:2:39: bookmark "prod": account must be 12 digits, got "12""#
    );
    let e = err("[bookmarks.prod]\ndisplay = \"é ✓\" x\n");
    assert!(e.starts_with("b.toml:2:17: invalid TOML:"), "{e}");
    assert_eq!(line_col("ab\ncé✓d", 9), (2, 4));
    assert_eq!(line_col("ab", 0), (1, 1));
    assert_eq!(line_col("\u{feff}ab", 4), (1, 2));
    assert_eq!(line_col("é", 1), (1, 1));
}

#[test]
fn missing_file_is_empty_but_other_read_errors_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let b = Bookmarks::load(&path).unwrap();
    assert!(b.items.is_empty());
    assert_eq!(b.path, path);
    let e = Bookmarks::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("{}: cannot read: ", dir.path().display())),
        "{e}"
    );
}

#[test]
fn load_reports_the_path_as_given() {
    let (_dir, path) = file_with("[bookmarks.prod]\naccount = \"1\"\nrole = \"R\"\n");
    let e = Bookmarks::load(&path).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            r#"{}:2:11: bookmark "prod": account must be 12 digits, got "1""#,
            path.display()
        )
    );
}

#[test]
fn get_finds_or_suggests() {
    let (_dir, path) = file_with(EXAMPLE);
    let b = Bookmarks::load(&path).unwrap();
    assert_eq!(b.get("dev").unwrap().account, "012345678901");
    assert_eq!(
        b.get("prd").unwrap_err().to_string(),
        format!(
            r#"{}: no bookmark named "prd"; did you mean "prod"? (see `rolehop list`)"#,
            path.display()
        )
    );
    assert_eq!(
        b.get("zzzzzz").unwrap_err().to_string(),
        format!(
            r#"{}: no bookmark named "zzzzzz" (see `rolehop list`)"#,
            path.display()
        )
    );
}

#[test]
fn duration_forms_and_bounds() {
    for (s, secs) in [
        ("900", 900),
        ("43200", 43200),
        ("15m", 900),
        ("1h", 3600),
        ("12h", 43200),
        ("90m", 5400),
        ("1h30m", 5400),
        ("3600s", 3600),
        ("1h0m1s", 3601),
        ("0001000", 1000),
    ] {
        assert_eq!(parse_duration(s), Ok(secs), "{s}");
    }
    let range = |s: &str| format!("must be between 900 and 43200 seconds (15m to 12h), got {s:?}");
    let form = |s: &str| {
        format!(
            "must be a number of seconds or a duration like \"15m\", \"1h\" or \"1h30m\", got {s:?}"
        )
    };
    for s in [
        "899",
        "43201",
        "14m",
        "12h1s",
        "0",
        "99999999999999999999",
        "9999999999h",
    ] {
        assert_eq!(parse_duration(s), Err(range(s)), "{s}");
    }
    for s in [
        "", "h", "1m1h", "1h1h", "1h30", "-1h", " 1h", "1.5h", "1H", "1d",
    ] {
        assert_eq!(parse_duration(s), Err(form(s)), "{s}");
    }
}

#[test]
fn validate_field_for_the_form() {
    assert_eq!(
        validate_field(Field::Account, "12345"),
        Err(r#"must be 12 digits, got "12345""#.into())
    );
    assert_eq!(
        validate_field(Field::Name, ""),
        Err("must not be empty".into())
    );
    // Empty optional fields mean "not set".
    for f in Field::ALL.into_iter().skip(3) {
        assert_eq!(validate_field(f, ""), Ok(()), "{f:?}");
    }
    assert_eq!(validate_field(Field::Duration, "1h"), Ok(()));
    assert!(validate_field(Field::Color, "mauve").is_err());
    let keys: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
    assert_eq!(keys[0], "name");
    assert_eq!(keys[1..], BOOKMARK_KEYS);
}

#[test]
fn colors() {
    assert_eq!(Color::parse("ReD"), Ok(Color::Red));
    assert_eq!(Color::parse("#0aFf10"), Ok(Color::Hex(10, 255, 16)));
    assert!(Color::parse("#0aff1").is_err());
    assert!(Color::parse("#0aff100").is_err());
    assert_eq!(Color::Hex(10, 255, 16).to_string(), "#0aff10");
    assert_eq!(Color::Orange.to_string(), "orange");
    assert_eq!(Color::Red.console_hex(), "f2b0a9");
    assert_eq!(Color::Orange.console_hex(), "fbc8aa");
    assert_eq!(Color::Yellow.console_hex(), "efda95");
    assert_eq!(Color::Green.console_hex(), "b7ca9d");
    assert_eq!(Color::Blue.console_hex(), "83d4e8");
    assert_eq!(Color::Blue.rgb(), (0x83, 0xd4, 0xe8));
    assert_eq!(Color::Hex(1, 2, 3).console_hex(), "010203");
    assert_eq!(serde_json::to_string(&Color::Green).unwrap(), "\"green\"");
}

// -- editing ------------------------------------------------------------

#[test]
fn add_to_missing_file_creates_it_with_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep/er/bookmarks.toml");
    let mut s = spec("prod", "012345678901", "ops/Admin");
    s.color = Some("RED".into());
    s.duration = Some("1h".into());
    s.display = Some(String::new());
    add(&path, &s).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!(
            "{NEW_FILE_HEADER}\n[bookmarks.prod]\naccount = \"012345678901\"\nrole = \"ops/Admin\"\ncolor = \"red\"\nduration = \"1h\"\n"
        )
    );
    let b = Bookmarks::load(&path).unwrap();
    assert_eq!(b.items[0].duration, Some(3600));
    assert_eq!(b.items[0].display, "prod");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let mut s2 = spec("a.b", "111111111111", "R");
    s2.duration = Some("3600".into());
    add(&path, &s2).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.ends_with(
            "\n\n[bookmarks.\"a.b\"]\naccount = \"111111111111\"\nrole = \"R\"\nduration = 3600\n"
        ),
        "{text}"
    );
    assert_eq!(Bookmarks::load(&path).unwrap().items.len(), 2);
}

#[test]
fn add_appends_and_keeps_everything_else_byte_for_byte() {
    let original = "# My bookmarks  \n\n[defaults]   # shared\nregion = \"us-east-1\"\n\n[bookmarks.prod]  # the key\naccount = \"210987654321\" # acct\nrole   =   'Admin'\n\n[settings]\nauto_renew = false\n# the end\n";
    let (_dir, path) = file_with(original);
    let mut s = spec("dev", "111111111111", "Dev");
    s.display = Some("Dev box".into());
    s.color = Some("#AABBCC".into());
    s.mfa_serial = Some("GAHT12345678".into());
    s.external_id = Some("ext".into());
    s.region = Some("eu-west-1".into());
    s.duration = Some("15m".into());
    s.source_profile = Some("base".into());
    s.session_name = Some("me".into());
    add(&path, &s).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!(
            "{original}\n[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\ndisplay = \"Dev box\"\ncolor = \"#aabbcc\"\nmfa_serial = \"GAHT12345678\"\nexternal_id = \"ext\"\nregion = \"eu-west-1\"\nduration = \"15m\"\nsource_profile = \"base\"\nsession_name = \"me\"\n"
        )
    );
    let names: Vec<String> = Bookmarks::load(&path)
        .unwrap()
        .items
        .iter()
        .map(|b| b.name.to_string())
        .collect();
    assert_eq!(names, ["prod", "dev"]);
}

#[test]
fn add_separates_with_one_blank_line() {
    for (original, expected_sep) in [
        (
            "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"",
            "\n\n",
        ),
        (
            "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\n\n\n",
            "",
        ),
        ("[defaults]\nregion = \"eu-west-1\"\n", "\n"),
    ] {
        let (_dir, path) = file_with(original);
        add(&path, &spec("b", "222222222222", "S")).unwrap();
        let mut expected = original.to_owned();
        if !expected.ends_with('\n') {
            // toml_edit ends every line, including the last one.
            expected.push('\n');
            expected.push_str(&expected_sep[1..]);
        } else {
            expected.push_str(expected_sep);
        }
        expected.push_str("[bookmarks.b]\naccount = \"222222222222\"\nrole = \"S\"\n");
        assert_eq!(fs::read_to_string(&path).unwrap(), expected, "{original:?}");
    }
}

#[test]
fn add_to_an_inline_bookmarks_table_keeps_end_comments() {
    let original = "bookmarks = { a = { account = \"111111111111\", role = \"R\" } }\n# end\n";
    let (_dir, path) = file_with(original);
    add(&path, &spec("b", "222222222222", "S")).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "bookmarks = { a = { account = \"111111111111\", role = \"R\" } , b = { account = \"222222222222\", role = \"S\" } }\n# end\n"
    );
}

#[test]
fn add_keeps_crlf_line_endings() {
    let original = "# hi\r\n[bookmarks.a]\r\naccount = \"111111111111\"\r\nrole = \"R\"\r\n";
    let (_dir, path) = file_with(original);
    add(&path, &spec("b", "222222222222", "S")).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!("{original}\r\n[bookmarks.b]\r\naccount = \"222222222222\"\r\nrole = \"S\"\r\n")
    );
    assert_eq!(Bookmarks::load(&path).unwrap().items.len(), 2);
}

#[test]
fn add_refuses_a_duplicate_name() {
    let (_dir, path) = file_with(EXAMPLE);
    let e = add(&path, &spec("prod", "111111111111", "R")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            r#"{}: bookmark "prod" already exists (choose another name)"#,
            path.display()
        )
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), EXAMPLE);
}

#[test]
fn add_reports_every_bad_field_in_one_line() {
    let (_dir, path) = file_with(EXAMPLE);
    let mut s = spec("new", "123", "");
    s.color = Some("purple".into());
    s.duration = Some("".into());
    let e = add(&path, &s).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            r#"{}: bookmark "new": account must be 12 digits, got "123"; role must not be empty; color must be red, orange, yellow, green, blue or #rrggbb, got "purple""#,
            path.display()
        )
    );
    let ConfigError::InvalidSpec { errors, .. } = e else {
        panic!("wrong variant")
    };
    let fields: Vec<Field> = errors.iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, [Field::Account, Field::Role, Field::Color]);
    assert_eq!(fs::read_to_string(&path).unwrap(), EXAMPLE);
}

const EDITABLE: &str = "# header\n\n[defaults]\nregion = \"us-east-1\"\n\n# Production: careful.\n[bookmarks.prod]   # main\naccount = \"210987654321\"\n# the role we use\nrole = 'Admin'   # admin\ncolor = \"Red\"\nduration = \"1h\"\n\n# Development.\n[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\n# trailing\n";

#[test]
fn update_in_place_renames_and_removes_fields_keeping_comments() {
    let (_dir, path) = file_with(EDITABLE);
    let mut s = spec("production", "210987654322", "Admin");
    s.color = Some("red".into());
    s.region = Some("eu-west-1".into());
    update(&path, "prod", &s).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "# header\n\n[defaults]\nregion = \"us-east-1\"\n\n# Production: careful.\n[bookmarks.production]   # main\naccount = \"210987654322\"\n# the role we use\nrole = 'Admin'   # admin\ncolor = \"Red\"\nregion = \"eu-west-1\"\n\n# Development.\n[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\n# trailing\n"
    );
    let b = Bookmarks::load(&path).unwrap();
    let names: Vec<&str> = b.items.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["production", "dev"]);
    assert_eq!(b.items[0].duration, None);
}

#[test]
fn update_keeps_inherited_defaults_inherited() {
    let (_dir, path) = file_with(EDITABLE);
    // What the edit form submits unchanged: the effective values, the
    // default region included.
    let mut s = spec("dev", "111111111111", "Dev");
    s.region = Some("us-east-1".into());
    update(&path, "dev", &s).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), EDITABLE);
    // A different value is the bookmark's own.
    s.region = Some("eu-west-1".into());
    update(&path, "dev", &s).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.ends_with("role = \"Dev\"\nregion = \"eu-west-1\"\n# trailing\n"),
        "{text}"
    );
}

#[test]
fn update_with_the_same_values_changes_nothing() {
    let (_dir, path) = file_with(EDITABLE);
    let mut s = spec("prod", "210987654321", "Admin");
    s.color = Some("RED".into());
    s.duration = Some("3600".into());
    update(&path, "prod", &s).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), EDITABLE);
}

#[test]
fn update_rename_keeps_position_of_inline_and_dotted_bookmarks() {
    let original = "[bookmarks]\na = { account = \"111111111111\", role = \"R\" } # first\nb = { account = \"222222222222\", role = \"S\" }\nc.account = \"333333333333\"\nc.role = \"T\"\n";
    let (_dir, path) = file_with(original);
    let mut s = spec("z", "111111111111", "R");
    s.region = Some("eu-west-1".into());
    update(&path, "a", &s).unwrap();
    let mut s = spec("y", "333333333333", "T");
    s.display = Some("Why".into());
    update(&path, "c", &s).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let b = Bookmarks::load(&path).unwrap();
    let names: Vec<&str> = b.items.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["z", "b", "y"], "{text}");
    assert_eq!(b.items[0].region.as_deref(), Some("eu-west-1"));
    assert!(text.contains("} # first\n"), "{text}");
    assert!(
        text.ends_with("\ny.account = \"333333333333\"\ny.role = \"T\"\ny.display = \"Why\"\n"),
        "{text}"
    );
    assert!(
        text.contains("\nb = { account = \"222222222222\", role = \"S\" }\n"),
        "{text}"
    );
}

#[test]
fn update_errors() {
    let (_dir, path) = file_with(EDITABLE);
    let e = update(&path, "prd", &spec("prd", "111111111111", "R")).unwrap_err();
    assert!(
        matches!(&e, ConfigError::UnknownBookmark { suggestion: Some(s), .. } if s == "prod"),
        "{e}"
    );
    let e = update(&path, "prod", &spec("dev", "111111111111", "R")).unwrap_err();
    assert!(matches!(e, ConfigError::Exists { .. }), "{e}");
    let e = update(&path, "prod", &spec("prod", "1", "R")).unwrap_err();
    assert!(matches!(e, ConfigError::InvalidSpec { .. }), "{e}");
    assert_eq!(fs::read_to_string(&path).unwrap(), EDITABLE);
}

#[test]
fn remove_leaves_other_text_identical() {
    let (_dir, path) = file_with(EDITABLE);
    remove(&path, "prod").unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "# header\n\n[defaults]\nregion = \"us-east-1\"\n\n# Development.\n[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\n# trailing\n"
    );
    remove(&path, "dev").unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "# header\n\n[defaults]\nregion = \"us-east-1\"\n# trailing\n"
    );
    let e = remove(&path, "dev").unwrap_err();
    assert!(matches!(e, ConfigError::UnknownBookmark { .. }), "{e}");
}

#[test]
fn remove_keeps_the_file_header_above_the_first_bookmark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.toml");
    add(&path, &spec("a", "111111111111", "R")).unwrap();
    add(&path, &spec("b", "222222222222", "S")).unwrap();
    remove(&path, "a").unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!("{NEW_FILE_HEADER}\n[bookmarks.b]\naccount = \"222222222222\"\nrole = \"S\"\n")
    );
    remove(&path, "b").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), NEW_FILE_HEADER);
}

#[test]
fn edits_refuse_an_invalid_file_and_leave_it_untouched() {
    for bad in [
        "[bookmarks.prod]\naccount = \"1\"\nrole = \"R\"\n",
        "[bookmarks.prod\n",
        "[bookmarks.prod]\naccount = \"111111111111\"\nrole = \"R\"\nregin = \"x\"\n",
    ] {
        let (_dir, path) = file_with(bad);
        let s = spec("prod", "111111111111", "R");
        let errors = [
            add(&path, &spec("new", "111111111111", "R")).unwrap_err(),
            update(&path, "prod", &s).unwrap_err(),
            remove(&path, "prod").unwrap_err(),
        ];
        for e in errors {
            assert!(matches!(e, ConfigError::Invalid { .. }), "{bad:?}: {e}");
            assert!(e.to_string().starts_with(&format!("{}:", path.display())));
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), bad);
    }
}

#[cfg(unix)]
#[test]
fn edits_go_through_symlinks_and_keep_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, real) = file_with(EXAMPLE);
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    add(&link, &spec("new", "111111111111", "R")).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(Bookmarks::load(&real).unwrap().items.len(), 3);
    let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}
