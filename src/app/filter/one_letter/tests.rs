use super::*;
use crate::app::filter::index::presence;
use crate::app::filter::tests::{ascii_text, reference};
use proptest::prelude::*;

/// The letters and digits a one-letter filter can be, with the bit the
/// table answers for.
fn one_letters() -> impl Iterator<Item = (char, u64)> {
    ('a'..='z').chain('0'..='9').map(|c| {
        let bit = one_letter(&c.to_string()).expect("a one-letter filter");
        (c, bit)
    })
}

#[test]
fn the_table_answers_lone_lower_case_letters_and_digits() {
    for filter in ["p", " p", "p ", "  7 "] {
        assert!(one_letter(filter).is_some(), "{filter:?}");
    }
    for filter in [
        "", " ", "P", "pr", "p r", "p p", "p\t", "p\\ ", "-", "é", "\\", "p\\",
    ] {
        assert_eq!(one_letter(filter), None, "{filter:?}");
    }
}

/// Every pair of ASCII characters with every letter of either case (and a
/// digit) before, after and between them: the table's score is nucleo's.
#[test]
fn the_first_letter_table_scores_as_nucleo_does() {
    let mut matcher = Matcher::new(config());
    for (letter, bit) in one_letters() {
        let query = Query::new(&letter.to_string());
        let upper = letter.to_ascii_uppercase();
        for b in 0u8..128 {
            let c = char::from(b);
            let hays = [
                format!("{c}{letter}"),
                format!("{c}{upper}"),
                format!("{letter}{c}"),
                format!("{upper}{c}"),
                format!("x{c}{letter}"),
                format!("X{c}{upper}x"),
                format!("{letter}{letter}{c}{upper}"),
                format!("1{c}{letter}9"),
                format!("ab{c}{upper}{letter}{c}z"),
                format!("{c}{c}"),
            ];
            for hay in hays {
                let bytes = hay.as_bytes();
                let table = OneLetterTable::new(1, |_| Some(Utf32Str::Ascii(bytes)))
                    .expect("nucleo's values fit the table");
                let want = query.pattern.score(Utf32Str::Ascii(bytes), &mut matcher);
                // The index asks the table only where the letter is present.
                let got = if presence(bytes) & bit != 0 {
                    table.score(0, bit, Utf32Str::Ascii(bytes))
                } else {
                    None
                };
                assert_eq!(got, want, "{letter:?} on {hay:?}");
            }
        }
    }
}

/// A haystack of one character is nucleo's exact match, and one not ASCII
/// its Unicode path: the table leaves both to nucleo.
#[test]
fn the_table_leaves_one_character_and_wide_haystacks_to_nucleo() {
    let bit = one_letter("p").expect("a one-letter filter");
    let wide: Vec<char> = "pé".chars().collect();
    let table = OneLetterTable::new(2, |i| {
        Some(if i == 0 {
            Utf32Str::Ascii(b"p")
        } else {
            Utf32Str::Unicode(&wide)
        })
    })
    .expect("nucleo's values fit the table");
    assert_eq!(table.score(0, bit, Utf32Str::Ascii(b"p")), None);
    assert_eq!(table.score(1, bit, Utf32Str::Unicode(&wide)), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bookmarks (ASCII fields of every class, some of one character,
    /// some not ASCII): every one-letter filter, through the table, lists
    /// what nucleo's pass does.
    #[test]
    fn one_letter_filters_by_table_list_what_nucleo_does(
        fields in proptest::collection::vec(
            (ascii_text(0..24), ascii_text(1..12), ascii_text(0..3), any::<u8>()),
            1..24,
        )
    ) {
        let bs: Vec<Bookmark> = fields
            .into_iter()
            .map(|(display, name, role, kind)| {
                let name = if kind % 7 == 0 { format!("{name}é") } else { name };
                Bookmark::sample(&name, "", &role, &display)
            })
            .collect();
        let mut index = FilterIndex::new(&bs);
        index.prepare(&bs);
        prop_assert!(index.one_letter.is_some());
        for (letter, _) in one_letters() {
            let filter = letter.to_string();
            prop_assert_eq!(index.full(&bs, &filter, &[]), reference(&bs, &filter, &[]), "{:?}", filter);
        }
    }
}
