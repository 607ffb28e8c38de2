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
