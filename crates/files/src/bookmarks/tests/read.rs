//! Tests of reading the bookmarks file (every field, error and setting).

use super::*;

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
        b.region = region.map(Into::into);
        assert_eq!(b.partition(), partition, "{region:?}");
    }
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
            // ESC c resets a terminal that prints it (doctor names the profile).
            (r#"source_profile = "a\u001bc""#.into(), r#"3:18: bookmark "prod": source_profile must not contain control characters, got "a\u{1b}c""#.into()),
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
            (r#"org = "o-X""#.into(), r#"3:7: bookmark "prod": org must be an organization ID (o- and 10 to 32 lower-case letters or digits, e.g. "o-a1b2c3d4e5"), got "o-X""#.into()),
            (r#"acount = "1""#.into(), r#"3:1: bookmark "prod": unknown key "acount"; did you mean "account"? (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey, org, sso)"#.into()),
            (r#"name = "prod""#.into(), r#"3:1: bookmark "prod": unknown key "name" (the name is the table key, as in [bookmarks.NAME]) (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey, org, sso)"#.into()),
            (r#"zzz = "1""#.into(), r#"3:1: bookmark "prod": unknown key "zzz" (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey, org, sso)"#.into()),
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
            r#"b.toml:1:15: bookmark "my": unknown key "prod" (to use '.' in a name, quote it: [bookmarks."my.prod"]) (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey, org, sso)"#,
        ),
        (
            "[bookmark.prod]",
            r#"b.toml:1:2: unknown top-level key "bookmark"; did you mean "bookmarks"? (allowed: defaults, bookmarks, settings, sso)"#,
        ),
        (
            "[prod]",
            r#"b.toml:1:2: unknown top-level key "prod" (bookmarks go under [bookmarks.prod]) (allowed: defaults, bookmarks, settings, sso)"#,
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
        r#"b.toml:1:1: unknown top-level key "region" (put it under [defaults]) (allowed: defaults, bookmarks, settings, sso)"#
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
