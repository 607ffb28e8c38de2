//! Tests of `[settings]`, color rules, code sources, hand-over modes and the
//! per-bookmark extras (`via`, `mfa_session`).

use super::*;

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
            sso: Default::default(),
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
        org: None,
        sso: None,
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

/// A table alone cannot tell that its `via` names no bookmark or closes a
/// loop: the whole file is checked after loading, so every command (list,
/// doctor, env...) reports it the same way, at the `via` that breaks it.
#[test]
fn via_loops_and_unknown_vias_are_errors_of_the_file() {
    let table = |name: &str, via: &str| {
        format!("[bookmarks.{name}]\naccount = \"111111111111\"\nrole = \"R\"\nvia = \"{via}\"\n\n")
    };
    // d leads into the loop; the message names the loop itself.
    let looped = [("d", "a"), ("a", "b"), ("b", "c"), ("c", "a")]
        .map(|(n, v)| table(n, v))
        .concat();
    let expected = "b.toml:19:7: bookmark \"c\": via makes a loop: a -> b -> c -> a";
    assert_eq!(err(&looped), expected);
    // The validator (an escape sends the fast path aside) says the same.
    let unusual = looped.replacen("role = \"R\"", "role = \"\\u0052\"", 1);
    assert!(fast::load(&unusual).is_none());
    assert_eq!(err(&unusual), expected);
    assert_eq!(
        err(&table("a", "a")),
        "b.toml:4:7: bookmark \"a\": via makes a loop: a -> a"
    );
    let unknown =
        table("c", "tolling") + "[bookmarks.tooling]\naccount = \"444444444444\"\nrole = \"T\"\n";
    assert_eq!(
        err(&unknown),
        "b.toml:4:7: bookmark \"c\": via names no bookmark \"tolling\"; did you mean \"tooling\"?"
    );
    // A chain that ends loads; so do two chains that meet.
    let fine = [("a", "hub"), ("b", "a"), ("c", "a")]
        .map(|(n, v)| table(n, v))
        .concat()
        + "[bookmarks.hub]\naccount = \"444444444444\"\nrole = \"T\"\n";
    assert_eq!(load_str(&fine).unwrap().len(), 4);

    // A file with a broken chain is never edited, as any invalid file.
    let (_dir, path) = file_with(&looped);
    let e = add(&path, &spec("x", "111111111111", "R")).unwrap_err();
    assert!(e.to_string().ends_with(&expected[6..]), "{e}");
    assert_eq!(fs::read_to_string(&path).unwrap(), looped);
}

/// Removing or renaming a bookmark that another goes via would break the
/// file: refused, naming who goes via it.
#[test]
fn a_via_target_is_neither_removed_nor_renamed() {
    let text = format!(
        "{EXAMPLE}\n[bookmarks.x]\naccount = \"111111111111\"\nrole = \"R\"\nvia = \"prod\"\n"
    );
    let (_dir, path) = file_with(&text);
    let e = remove(&path, "prod").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: bookmark \"prod\" cannot be removed: \"x\" goes via it (change that via first); nothing was written",
            path.display()
        )
    );
    let e = update(
        &path,
        "prod",
        &spec("prod2", "210987654321", "CrossAccountRole"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("bookmark \"prod\" cannot be renamed: \"x\" goes via it"),
        "{e}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    // Editing it in place, or removing the one that goes via it, is fine.
    update(&path, "prod", &spec("prod", "210987654321", "Other")).unwrap();
    remove(&path, "x").unwrap();
    remove(&path, "prod").unwrap();
}
