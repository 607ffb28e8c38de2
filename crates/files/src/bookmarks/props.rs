//! Property tests of the bookmarks writer over generated files (comments,
//! blank lines, `[defaults]` and `[settings]`, CRLF, no final newline,
//! optional keys in any order): adding keeps the old text as a prefix and
//! every old bookmark as it was; removing drops exactly one.

use super::{BookmarkSpec, Bookmarks, add, remove};
use proptest::prelude::*;

fn bookmark(i: usize) -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(
            prop_oneof![
                Just("display = \"Prod (admin)\"".to_owned()),
                Just("color = \"red\"".to_owned()),
                Just("region = \"eu-west-1\"".to_owned()),
                Just("duration = \"1h\"".to_owned()),
                Just("mfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"".to_owned()),
                Just("# why this role exists".to_owned()),
                Just("".to_owned()),
            ],
            0..4,
        ),
        any::<bool>(),
    )
        .prop_map(move |(extra, comment_after)| {
            let mut s = format!(
                "[bookmarks.b{i}]\naccount = \"{:012}\"\nrole = \"Role{i}\"\n",
                100_000_000_000u64 + i as u64
            );
            // A key may come once only: keep the first of each.
            let mut seen = Vec::new();
            for line in extra {
                let key = line.split(' ').next().unwrap_or("").to_owned();
                if line.contains('=') && seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                s.push_str(&line);
                s.push('\n');
            }
            if comment_after {
                s.push_str("# end of b\n");
            }
            s
        })
}

fn file() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        (1usize..6).prop_flat_map(|n| (0..n).map(bookmark).collect::<Vec<_>>()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(defaults, settings, marks, crlf, trim_end)| {
            let mut s = String::from("# my roles\n\n");
            if defaults {
                s.push_str("[defaults]\nregion = \"us-east-1\"  # everywhere\n\n");
            }
            if settings {
                s.push_str("[settings]\nrefresh_window = \"5m\"\n\n");
            }
            for m in marks {
                s.push_str(&m);
                s.push('\n');
            }
            if trim_end {
                while s.ends_with('\n') {
                    s.pop();
                }
            }
            if crlf {
                s = s.replace('\n', "\r\n");
            }
            s
        })
}

fn spec(name: &str) -> BookmarkSpec {
    BookmarkSpec {
        name: name.into(),
        account: "999988887777".into(),
        role: "Added".into(),
        color: Some("green".into()),
        ..BookmarkSpec::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("ROLEHOP_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn adding_keeps_every_byte_and_removing_drops_one(text in file()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bookmarks.toml");
        std::fs::write(&path, &text).unwrap();
        let before = Bookmarks::load(&path).unwrap();
        add(&path, &spec("added")).unwrap();
        let out = std::fs::read_to_string(&path).unwrap();
        prop_assert!(out.starts_with(&text), "old text is a prefix:\n{}", out);
        prop_assert_eq!(out.contains("\r\n"), text.contains("\r\n"));
        let after = Bookmarks::load(&path).unwrap();
        prop_assert_eq!(after.items.len(), before.items.len() + 1);
        for b in before.items.iter() {
            prop_assert_eq!(Some(b), after.items.iter().find(|a| a.name == b.name));
        }
        prop_assert_eq!(&after.get("added").unwrap().role, "Added");
        prop_assert_eq!(&after.settings, &before.settings);

        remove(&path, "b0").unwrap();
        let removed = Bookmarks::load(&path).unwrap();
        prop_assert!(removed.get("b0").is_err());
        for b in after.items.iter().filter(|b| b.name != "b0") {
            prop_assert_eq!(Some(b), removed.items.iter().find(|a| a.name == b.name));
        }
        let text_after = std::fs::read_to_string(&path).unwrap();
        prop_assert!(text_after.starts_with("# my roles"), "{}", text_after);
    }
}
