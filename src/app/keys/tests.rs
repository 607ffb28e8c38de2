use super::*;

/// Every chain `chain` can return. Anywhere and Switching are consulted
/// before it: Anywhere's keys are bound nowhere else, Switching's Esc
/// shadows the pane's Esc while a switch runs (that is its purpose).
fn chains() -> Vec<Vec<Context>> {
    let mut all: Vec<Vec<Context>> = [
        C::Mfa,
        C::Error,
        C::Help,
        C::ConfirmDelete,
        C::ConfirmForget,
        C::ProfileName,
        C::Region,
        C::Form,
        C::Switching,
    ]
    .iter()
    .map(|c| vec![*c])
    .collect();
    all.push(vec![C::List, C::Panes]);
    all.push(vec![C::Sessions, C::Panes]);
    all
}

#[test]
fn every_action_has_a_key_and_a_label() {
    for a in Action::ALL {
        let rows: Vec<&Row> = TABLE
            .iter()
            .filter(|r| r.binds.iter().chain(r.aliases).any(|(_, b)| b == a))
            .collect();
        assert!(!rows.is_empty(), "{a:?} has no key");
        for r in rows {
            assert!(!r.help.is_empty(), "{a:?} has no label in {:?}", r.context);
        }
    }
    for r in TABLE {
        assert!(!r.binds.is_empty(), "a {:?} row binds nothing", r.context);
    }
}

#[test]
fn no_key_is_bound_twice_in_one_context() {
    for chain in chains() {
        let keys: Vec<Key> = chain
            .iter()
            .flat_map(|c| binds(*c))
            .map(|(k, _)| k)
            .collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(!keys[..i].contains(k), "{k:?} is bound twice in {chain:?}");
        }
        for (k, _) in binds(C::Anywhere) {
            assert!(
                !keys.contains(&k),
                "{k:?} is bound in Anywhere and {chain:?}"
            );
        }
    }
}

#[test]
fn footer_entries_name_keys_of_their_own_row() {
    for r in TABLE {
        for t in r.tips {
            assert!(!t.keys.is_empty() && !t.label.is_empty());
            for k in t.keys {
                assert!(
                    r.binds.iter().any(|(b, _)| b == k),
                    "the footer shows {k:?} for {:?} but the row does not bind it",
                    r.context
                );
            }
        }
    }
}

#[test]
fn characters_are_bound_as_characters() {
    // A `Code(Char)` would ignore Ctrl and Alt: typing must stay typing.
    for r in TABLE {
        for (k, _) in r.binds.iter().chain(r.aliases) {
            assert!(!matches!(k, Code(KeyCode::Char(_))), "{k:?}");
        }
    }
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn exact_keys_win_over_typing_and_modifiers_count() {
    let list = [C::List, C::Panes];
    let none = KeyModifiers::NONE;
    assert_eq!(
        action(&list, &press(KeyCode::Char('?'), none)),
        Some(A::Help)
    );
    assert_eq!(
        action(&list, &press(KeyCode::Char('x'), none)),
        Some(A::Type)
    );
    let shift = KeyModifiers::SHIFT;
    assert_eq!(
        action(&list, &press(KeyCode::Char('X'), shift)),
        Some(A::Type)
    );
    let ctrl = KeyModifiers::CONTROL;
    assert_eq!(
        action(&list, &press(KeyCode::Char('r'), ctrl)),
        Some(A::Region)
    );
    assert_eq!(action(&list, &press(KeyCode::Char('z'), ctrl)), None);
    assert_eq!(
        action(&list, &press(KeyCode::Char('x'), KeyModifiers::ALT)),
        None
    );
    assert_eq!(action(&list, &press(KeyCode::Up, ctrl)), Some(A::Up));
    let mfa = [C::Mfa];
    assert_eq!(
        action(&mfa, &press(KeyCode::Char('7'), none)),
        Some(A::Type)
    );
    assert_eq!(
        action(&mfa, &press(KeyCode::Char('x'), none)),
        Some(A::DigitsOnly)
    );
    let sessions = [C::Sessions, C::Panes];
    assert_eq!(
        action(&sessions, &press(KeyCode::Char('R'), shift)),
        Some(A::Region)
    );
    assert_eq!(
        action(&sessions, &press(KeyCode::Char('q'), none)),
        Some(A::Type)
    );
}

#[test]
fn keys_are_written_as_the_footer_shows_them() {
    let shown: Vec<String> = tips(C::Form).map(Tip::shown_keys).collect();
    assert_eq!(shown, ["Tab/↑↓", "↵", "^U", "Esc"]);
    let shown: Vec<String> = tips(C::Error).map(Tip::shown_keys).collect();
    assert_eq!(shown, ["↵/Esc"]);
    let row = rows(C::List)
        .find(|r| r.help == "move")
        .map(Row::shown_keys);
    assert_eq!(row.as_deref(), Some("↑ ↓ ^P ^N"));
}
