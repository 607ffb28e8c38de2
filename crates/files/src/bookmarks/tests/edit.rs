//! Tests of editing the bookmarks file: add, update, remove, keeping every
//! other byte.

use super::*;

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
