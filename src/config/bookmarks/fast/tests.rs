use super::super::{Src, collect_all, parse};
use super::load;
use std::path::Path;

/// The validator's verdict on `text`: Ok(number of bookmarks) or the error.
fn slow(text: &str) -> Result<usize, String> {
    let src = Src {
        path: Path::new("b.toml"),
        text,
    };
    parse(&src)
        .and_then(|d| collect_all(&src, &d))
        .map(|l| l.items.len())
        .map_err(|e| e.to_string())
}

const OK: &str = "account = \"111111111111\"\nrole = \"R\"\n";

#[test]
fn takes_the_usual_forms() {
    for text in [
        String::new(),
        "\n# only a comment\n\n".to_owned(),
        format!("[bookmarks.a]\n{OK}"),
        format!("\u{feff}[bookmarks.a]\n{OK}"),
        format!("[bookmarks.a]\r\n{}", OK.replace('\n', "\r\n")),
        format!("  [ bookmarks . \"a.b\" ]  # x\n{OK}duration = 3600 # 1h\n"),
        format!("[bookmarks.'lit']\n{OK}display = 'Prod ✓ \"x\"'\ncolor = \"#A1B2C3\"\n"),
        format!(
            "[defaults]\nregion = \"eu-west-1\"\nduration = \"1h\"\n[settings]\ncache = false\nrefresh_window = 60\n[bookmarks]\n[bookmarks.a]\n{OK}"
        ),
        format!("[bookmarks.a]\n{OK}mfa_session = false\n\n[bookmarks.b]\n{OK}via = \"a\"\n"),
        format!("[bookmarks.b]\n{OK}[defaults]\ncolor = \"red\"\n"),
        format!("[bookmarks.b]\n{OK}display = \"Équipe 'ops' \u{2014} here\"\n"),
        format!(
            "[settings.colors]\n\"*prod*\" = \"red\"\n'dev-?' = \"#00ff00\" # dev\n[bookmarks.prod-a]\n{OK}"
        ),
        format!(
            "[bookmarks.prod-a]\n{OK}[settings]\ncache = true\n[settings.colors]\nx = \"blue\"\n"
        ),
        format!(
            "[settings]\nmfa_yubikey = true\n[bookmarks.a]\n{OK}mfa_process = \"op item get 'x y' --otp\"\n[bookmarks.b]\n{OK}mfa_yubikey = \"AWS:b\"\n"
        ),
    ] {
        assert!(load(&text).is_some(), "fast path refused {text:?}");
        assert!(slow(&text).is_ok(), "{text:?}");
    }
}

#[test]
fn leaves_anything_else_to_the_validator() {
    // Valid TOML outside the subset, and errors of every kind: the fast
    // path must step aside for all of them.
    let multi = "'".repeat(3);
    for text in [
        format!("[bookmarks.a]\n{OK}display = \"tab\\tescape\"\n"),
        format!("[bookmarks.a]\n{OK}display = \"\"\"multi\"\"\"\n"),
        format!("[bookmarks.a]\n{OK}display = {multi}multi{multi}\n"),
        "[bookmarks]\na = { account = \"111111111111\", role = \"R\" }\n".to_owned(),
        "[bookmarks]\nb.account = \"222222222222\"\nb.role = \"S\"\n".to_owned(),
        format!("[bookmarks.a]\n{OK}\"display\" = \"x\"\n"),
        format!("[bookmarks.a]\n{OK}duration = 3_600\n"),
        format!("[bookmarks.a]\n{OK}duration = +3600\n"),
        format!("[bookmarks.a]\n{OK}duration = 0x10\n"),
        format!("[bookmarks.a]\n{OK}duration = 1e3\n"),
        format!("[bookmarks.a]\n{OK}duration = 1979-05-27\n"),
        format!("[bookmarks.a]\n{OK}duration = 600\n"),
        format!("[bookmarks.a]\n{OK}role = \"dup\"\n"),
        format!("[bookmarks.a]\n{OK}[bookmarks.a]\n{OK}"),
        format!("[defaults]\n[defaults]\n[bookmarks.a]\n{OK}"),
        format!("[[bookmarks]]\n{OK}"),
        format!("[bookmarks.a.b]\n{OK}"),
        format!("[bookmark.a]\n{OK}"),
        format!("region = \"us-east-1\"\n[bookmarks.a]\n{OK}"),
        format!("[bookmarks.a]\n{OK}acount = \"1\"\n"),
        format!("[bookmarks.a]\n{OK}via = \"b\"\nsource_profile = \"p\"\n"),
        "[bookmarks.a]\nrole = \"R\"\n".to_owned(),
        format!("[bookmarks.\"a b\"]\n{OK}"),
        format!("[bookmarks.a]\n{OK}account = 012345678901\n"),
        format!("[bookmarks.a]\n{OK}display = \"unterminated\n"),
        format!("[bookmarks.a]\n{OK}display = \"x\" trailing\n"),
        format!("[bookmarks.a]\r{OK}"),
        format!("[bookmarks.a]\n{OK}\r"),
        format!("[bookmarks.a]\n{OK}# a \u{7f} in a comment\n"),
        format!("[bookmarks.a]\n{OK}display = \"bell\u{7}\"\n"),
        format!("[bookmarks.a]\n{OK}display = \"del\u{7f}\"\n"),
        format!("[bookmarks.a]\n{OK}display = 'back\\slash'\n"),
        format!("[bookmarks.a]\n{OK}mfa_session = \"false\"\n"),
        format!("[settings]\ncache = 1\n[bookmarks.a]\n{OK}"),
        format!("[bookmarks]\nx = 1\n[bookmarks.a]\n{OK}"),
        format!("[settings.colors]\n\"*p*\" = \"pink\"\n[bookmarks.a]\n{OK}"),
        format!("[settings.colors]\n\"[p\" = \"red\"\n[bookmarks.a]\n{OK}"),
        format!("[settings.colors]\n\"*p*\" = 1\n[bookmarks.a]\n{OK}"),
        "[settings.colors]\n\"*p*\" = \"red\"\n'*p*' = \"red\"\n".to_owned(),
        "[settings.colors]\n[settings.colors]\n".to_owned(),
        format!("[settings]\ncolors = {{ \"*\" = \"red\" }}\n[bookmarks.a]\n{OK}"),
        format!("[bookmarks.a]\n{OK}mfa_process = \"x\"\nmfa_yubikey = true\n"),
        "[settings]\nmfa_process = \"x\"\nmfa_yubikey = true\n".to_owned(),
        format!("[bookmarks.a]\n{OK}mfa_process = \"'open\"\n"),
    ] {
        assert!(
            load(&text).is_none(),
            "fast path took {text:?} ({:?})",
            slow(&text)
        );
    }
}

use super::{in_parts, load_with, whole};
use proptest::prelude::*;

/// What a load gave, comparable.
fn parts_of(l: Option<super::Loaded>) -> Option<String> {
    l.map(|l| format!("{:?}\n{:?}\n{:?}", l.items, l.extras, l.settings))
}

/// Bookmark `i` in one of several shapes (colors, defaults, extras, via to
/// an earlier bookmark, comments, CRLF).
fn bookmark(i: usize, shape: u8) -> String {
    let name = format!("acct{i:04}-{}", ["prod", "dev", "stage"][i % 3]);
    let body = match shape % 8 {
        0 => format!(
            "account = \"{:012}\"\nrole = \"Admin\"\n",
            100_000_000_000u64 + i as u64
        ),
        1 => format!("{OK}display = \"Team {i}\"\ncolor = \"blue\"\n"),
        2 => format!(
            "{OK}mfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\nmfa_session = false\n"
        ),
        3 => format!("# a comment\n{OK}\n\n"),
        4 if i > 0 => format!(
            "{OK}via = \"acct{:04}-{}\"\n",
            i - 1,
            ["prod", "dev", "stage"][(i - 1) % 3]
        ),
        5 => format!("{OK}duration = \"2h\"\nregion = \"eu-west-1\"\nhandover = \"static\"\n"),
        6 => format!("{OK}display = 'Prod ✓'\n").replace('\n', "\r\n"),
        _ => format!("{OK}session_name = \"s{i}\"\n"),
    };
    format!("[bookmarks.{name}]\n{body}")
}

fn file(top: &str, shapes: &[u8], bottom: &str) -> String {
    let mut text = top.to_owned();
    for (i, s) in shapes.iter().enumerate() {
        text.push_str(&bookmark(i, *s));
    }
    text + bottom
}

const TOP: &str = "[defaults]\nregion = \"us-east-1\"\ncolor = \"green\"\n[settings]\ncache = false\n[settings.colors]\n\"*prod*\" = \"red\"\n";

#[test]
fn reading_in_parts_gives_what_one_pass_gives() {
    let shapes: Vec<u8> = (0..40).collect();
    for (top, bottom) in [
        (TOP, ""),
        ("", ""),
        ("\u{feff}# top\n", "# end, no newline"),
        ("[defaults]\nduration = 3600\n\n", ""),
    ] {
        let text = file(top, &shapes, bottom);
        for parts in 2..=5 {
            assert!(
                in_parts(&text, parts).is_some(),
                "{parts} parts of {top:?}..{bottom:?}"
            );
            assert_eq!(
                parts_of(load_with(&text, 0, || parts)),
                parts_of(whole(&text)),
                "{parts} parts"
            );
        }
    }
}

#[test]
fn reading_in_parts_steps_aside_where_one_pass_must_decide() {
    let shapes: Vec<u8> = (0..40).collect();
    // Tables after the bookmarks, a name twice far apart, a broken line
    // late in the file: the parts give up, the whole file is read as before.
    let late_defaults = file("", &shapes, "[defaults]\nregion = \"eu-north-1\"\n");
    let twice = file(TOP, &shapes, &bookmark(0, 0));
    let broken = file(TOP, &shapes, "[bookmarks.z]\nrole = 1\n");
    for text in [&late_defaults, &twice, &broken] {
        assert!(in_parts(text, 2).is_none());
        assert_eq!(parts_of(load_with(text, 0, || 2)), parts_of(whole(text)));
    }
    assert!(whole(&late_defaults).is_some());
    assert!(whole(&twice).is_none() && slow(&twice).is_err());
}

proptest! {
    #[test]
    fn any_cut_reads_the_same(
        shapes in proptest::collection::vec(any::<u8>(), 0..60),
        parts in 2usize..6,
        top in any::<bool>(),
    ) {
        let text = file(if top { TOP } else { "" }, &shapes, "");
        prop_assert_eq!(parts_of(load_with(&text, 0, || parts)), parts_of(whole(&text)));
    }
}
