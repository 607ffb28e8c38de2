use super::index::{narrows, only_spaces_added};
use super::{
    EXACT_BONUS, FilterIndex, INDEX_MASK, Match, Query, config, filter, haystack, rank, refine,
    sort_key, utf32,
};
use crate::app::tests::bm;
use nucleo_matcher::Matcher;
use proptest::prelude::*;
use rolehop_files::bookmarks::Bookmark;

/// The straightforward scorer the index replaced, kept as the reference:
/// each bookmark's haystack built afresh, every bookmark scored.
struct Job<'a> {
    bookmarks: &'a [Bookmark],
    query: &'a Query,
    recent: &'a [String],
    exact: &'a str,
}

impl Job<'_> {
    /// Sort keys of the bookmarks among `ids` that match (unsorted).
    fn score(&self, ids: impl Iterator<Item = usize>) -> Vec<u64> {
        let mut matcher = Matcher::new(config());
        let (mut text, mut chars) = (String::new(), Vec::new());
        ids.filter_map(|index| {
            let b = self.bookmarks.get(index)?;
            haystack(b, &mut text);
            let mut score = self
                .query
                .pattern
                .score(utf32(&text, &mut chars), &mut matcher)?;
            if b.name.eq_ignore_ascii_case(self.exact) || b.display.eq_ignore_ascii_case(self.exact)
            {
                score += EXACT_BONUS;
            }
            Some(sort_key(score, rank(self.recent, b), index))
        })
        .collect()
    }
}

/// What `filter` returned before the index: every bookmark scored with
/// `Job`, sorted; the empty filter by a stable sort on the rank.
fn reference(bs: &[Bookmark], filter: &str, recent: &[String]) -> Vec<Match> {
    let query = Query::new(filter);
    if query.is_empty() {
        let mut all: Vec<(usize, Match)> = bs
            .iter()
            .enumerate()
            .map(|(index, b)| {
                (
                    rank(recent, b),
                    Match {
                        index: index as u32,
                        score: 0,
                    },
                )
            })
            .collect();
        all.sort_by_key(|(r, _)| *r);
        return all.into_iter().map(|(_, m)| m).collect();
    }
    let job = Job {
        bookmarks: bs,
        query: &query,
        recent,
        exact: filter.trim(),
    };
    let mut keys = job.score(0..bs.len());
    keys.sort_unstable();
    keys.into_iter()
        .map(|k| Match {
            index: (k & INDEX_MASK) as u32,
            score: u32::MAX - (k >> 32) as u32,
        })
        .collect()
}

fn names(bs: &[Bookmark], ms: &[Match]) -> Vec<String> {
    ms.iter().map(|m| bs[m.at()].name.to_string()).collect()
}

#[test]
fn empty_filter_lists_recent_first_then_file_order() {
    let bs = vec![bm("a"), bm("b"), bm("c"), bm("d")];
    let recent = vec!["c".to_string(), "gone".to_string(), "a".to_string()];
    assert_eq!(names(&bs, &filter(&bs, "", &recent)), ["c", "a", "b", "d"]);
    assert_eq!(names(&bs, &filter(&bs, "   ", &[])), ["a", "b", "c", "d"]);
}

#[test]
fn best_match_first_over_every_field() {
    let mut bs = vec![bm("staging"), bm("prod"), bm("dev")];
    bs[2].account = "999988887777".into();
    bs[0].role = "ProdReader".into();
    let ms = filter(&bs, "prod", &[]);
    assert_eq!(
        names(&bs, &ms),
        ["prod", "staging"],
        "exact name beats a role match"
    );
    assert!(ms[0].score > ms[1].score);
    assert_eq!(names(&bs, &filter(&bs, "9999", &[])), ["dev"]);
    assert_eq!(names(&bs, &filter(&bs, "xyz", &[])), Vec::<String>::new());
}

#[test]
fn an_exact_name_wins_over_longer_names() {
    let bs = vec![bm("prod-reader"), bm("prod-old"), bm("prod")];
    assert_eq!(
        names(&bs, &filter(&bs, "prod", &[])),
        ["prod", "prod-reader", "prod-old"]
    );
    assert_eq!(
        names(&bs, &filter(&bs, "PROD", &[])),
        Vec::<String>::new(),
        "smart case"
    );
}

#[test]
fn ties_go_to_the_recent_then_to_file_order() {
    let bs = vec![bm("app1"), bm("app2"), bm("app3")];
    let ms = filter(&bs, "app", &["app3".to_string()]);
    assert_eq!(names(&bs, &ms), ["app3", "app1", "app2"]);
}

#[test]
fn words_must_all_match_and_case_is_smart() {
    let mut bs = vec![bm("prod-eu"), bm("prod-us"), bm("dev-eu")];
    bs[0].role = "Admin".into();
    bs[1].role = "Reader".into();
    bs[2].role = "Reader".into();
    assert_eq!(names(&bs, &filter(&bs, "prod eu", &[])), ["prod-eu"]);
    assert_eq!(names(&bs, &filter(&bs, "admin", &[])), ["prod-eu"]);
    assert!(
        filter(&bs, "ADMIN", &[]).is_empty(),
        "upper case is case-sensitive"
    );
}

#[test]
fn refining_gives_the_same_result_as_filtering_afresh() {
    let mut bs: Vec<Bookmark> = ["prod", "prod eu", "pr\\od", "dev", "Prod-x", "ops"]
        .iter()
        .map(|n| bm(n))
        .collect();
    bs[3].role = "ProdReader".into();
    bs[5].display = "Operations prod".into();
    let recent = vec!["ops".to_string()];
    for (old, new) in [
        ("p", "pr"),
        ("pr", "prod"),
        ("prod", "prod "),
        ("prod ", "prod e"),
        ("pr", "pR"),
        ("pr\\", "pr\\ "),
        ("x", "xy"),
    ] {
        let old_matches = filter(&bs, old, &recent);
        let refined = refine(&bs, old, &old_matches, new, &recent);
        assert_eq!(refined, filter(&bs, new, &recent), "{old:?} -> {new:?}");
    }
    // Not an extension (backspace): everything is scanned again.
    let narrow = filter(&bs, "prod", &recent);
    assert_eq!(
        refine(&bs, "prod", &narrow, "pro", &recent),
        filter(&bs, "pro", &recent)
    );
}

/// Bookmarks in the thousands, with plenty of ties.
const LARGE: usize = 8199;

#[test]
fn large_lists_rank_like_one_pass() {
    let bs: Vec<Bookmark> = (0..LARGE)
        .map(|i| {
            let mut b = bm(&format!("b{i}"));
            b.role = ["Admin", "ReadOnly", "PowerUser"][i % 3].into();
            b
        })
        .collect();
    let recent = vec!["b9000".to_string(), "b15".to_string()];
    let got = filter(&bs, "b1 ad", &recent);
    let job = Job {
        bookmarks: &bs,
        query: &Query::new("b1 ad"),
        recent: &recent,
        exact: "b1 ad",
    };
    let mut keys = job.score(0..bs.len());
    keys.sort_unstable();
    let want: Vec<usize> = keys.iter().map(|k| (k & INDEX_MASK) as usize).collect();
    assert!(got.len() > 1000);
    assert_eq!(got.iter().map(|m| m.at()).collect::<Vec<_>>(), want);
    let pos = got.iter().position(|m| bs[m.at()].name == "b15").unwrap();
    assert!(
        got[..pos].iter().all(|m| m.score > got[pos].score),
        "a recent one wins ties"
    );
    assert_eq!(got[pos + 1].score, got[pos].score, "there was a tie to win");
}

#[test]
fn highlights_land_in_the_right_fields() {
    let mut b = bm("prod");
    b.display = "Production".into();
    b.role = "Admin".into();
    let h = Query::new("produ adm").highlights(&b);
    assert_eq!(h.display, [0, 1, 2, 3, 4]);
    assert_eq!(h.role, [0, 1, 2]);
    assert!(h.account.is_empty() && h.name.is_empty());
    let h = Query::new("4321").highlights(&b);
    assert_eq!(h.account, [8, 9, 10, 11]);
    b.name = "alpha".into();
    assert_eq!(
        Query::new("alp").highlights(&b).name,
        [0, 1, 2],
        "the name is searched too"
    );
    // Non-ASCII text: indices are char indices.
    b.display = "Prüfung".into();
    let h = Query::new("fung").highlights(&b);
    assert_eq!(h.display, [3, 4, 5, 6]);
    assert!(Query::new("").highlights(&b).display.is_empty());
}

// ---- the index: the same results as scoring everything afresh ----

/// Bookmarks with upper case, digits, backslashes and non-ASCII text
/// (accents, a combining mark, a title-case letter, dotted İ) in their
/// fields, plus plain ones to make ties.
fn varied() -> Vec<Bookmark> {
    let mut bs: Vec<Bookmark> = [
        "prod", "prod-us", "Prod-EU", "produ", "dev", "ops", "pr\\od", "audit", "uber", "stage",
        "prodx", "p-r-o-d",
    ]
    .iter()
    .map(|n| bm(n))
    .collect();
    let displays = [
        "Production US",
        "",
        "Prüfung prod",
        "Ǆemal produ",
        "e\u{301}clair",
        "İstanbul ops",
        "pr od",
        "Über audit",
        "über",
        "Stage PRODUCTION",
        "prodU",
        "P R O D",
    ];
    let roles = ["ProdUser", "PowerUser", "ReadOnly", "Admin"];
    for (i, b) in bs.iter_mut().enumerate() {
        b.display = displays[i].into();
        b.role = roles[i % 4].into();
        b.account = format!("{:012}", 100_000_000_000u64 + i as u64 * 7919).into();
    }
    for i in 0..20 {
        let mut b = bm(&format!("app{i}-{}", ["prod", "dev", "eu", "us"][i % 4]));
        b.role = roles[i % 3].into();
        bs.push(b);
    }
    bs
}

/// Recent names, some gone, and more than the 15 ranks a sort key holds.
fn many_recent() -> Vec<String> {
    let mut recent: Vec<String> = ["ops", "gone", "prodx", "app3-us"].map(String::from).into();
    recent.extend(
        (4..20)
            .rev()
            .map(|i| format!("app{i}-{}", ["prod", "dev", "eu", "us"][i % 4])),
    );
    recent
}

const QUERIES: [&str; 30] = [
    "",
    "   ",
    "p",
    "pr",
    "prod",
    "prodU",
    "produ",
    "PROD",
    "Prod",
    "prod ",
    "prod eu",
    "prod  eu ",
    " prod",
    "pr\\ od",
    "pr\\",
    "ü",
    "u",
    "über",
    "Über",
    "ǅ",
    "ǆ",
    "é",
    "e\u{301}",
    "e",
    "İ",
    "i",
    "app1",
    "app 1 eu",
    "1000",
    "zzz",
];

#[test]
fn the_index_filters_as_the_reference_does() {
    let bs = varied();
    for recent in [vec![], many_recent()] {
        for q in QUERIES {
            assert_eq!(filter(&bs, q, &recent), reference(&bs, q, &recent), "{q:?}");
        }
    }
}

/// One edit of the filter, as the picker's keys make them.
#[derive(Clone, Debug)]
enum Edit {
    Type(char),
    Backspace,
    DeleteWord,
    Clear,
    /// A switch moved this bookmark to the front of the recent list.
    Used(usize),
}

fn apply(filter: &mut String, recent: &mut Vec<String>, bs: &[Bookmark], edit: &Edit) {
    match edit {
        Edit::Type(c) => filter.push(*c),
        Edit::Backspace => drop(filter.pop()),
        Edit::DeleteWord => {
            let trimmed = filter.trim_end_matches(' ').len();
            filter.truncate(trimmed);
            let cut = filter.rfind(' ').map_or(0, |i| i + 1);
            filter.truncate(cut);
        }
        Edit::Clear => filter.clear(),
        Edit::Used(i) => {
            let name = &bs[i % bs.len()].name;
            recent.retain(|r| r != name);
            recent.insert(0, name.to_string());
            recent.truncate(5);
        }
    }
}

/// Run `edits` through two indexes as the picker does, one prepared (its
/// haystacks built before the first filter) and one not, checking every
/// step of both against the reference; returns the prepared index.
fn check_edits(bs: &[Bookmark], edits: &[Edit]) -> FilterIndex {
    let mut prepared = FilterIndex::new(bs);
    prepared.prepare(bs);
    let mut indexes = [prepared, FilterIndex::new(bs)];
    let (mut text, mut recent) = (String::new(), Vec::new());
    let mut matches = indexes
        .each_mut()
        .map(|index| index.full(bs, &text, &recent));
    for (step, edit) in edits.iter().enumerate() {
        let old = text.clone();
        apply(&mut text, &mut recent, bs, edit);
        let want = reference(bs, &text, &recent);
        for (prepared, (index, matches)) in [true, false]
            .into_iter()
            .zip(indexes.iter_mut().zip(&mut matches))
        {
            *matches = index.search(bs, &old, std::mem::take(matches), &text, &recent);
            assert_eq!(
                *matches, want,
                "step {step} {edit:?}: {old:?} -> {text:?}, recent {recent:?}, prepared {prepared}"
            );
        }
    }
    let [prepared, _] = indexes;
    prepared
}

fn typing(text: &str) -> Vec<Edit> {
    text.chars().map(Edit::Type).collect()
}

#[test]
fn narrowing_and_deleting_back_give_what_a_full_pass_gives() {
    let bs = varied();
    let mut edits = typing("prod");
    // Smart case: the upper-case letter makes the word case-sensitive,
    // and deleting it makes it case-insensitive again.
    edits.extend(typing("U"));
    edits.push(Edit::Backspace);
    // Words: a space, then a second word, typed and deleted.
    edits.extend(typing(" e"));
    edits.extend(typing("u"));
    edits.push(Edit::DeleteWord);
    edits.push(Edit::Backspace);
    edits.push(Edit::Backspace);
    edits.extend(typing("od us"));
    edits.push(Edit::Clear);
    // An escaped space joins two words into one.
    edits.extend(typing("pr\\ od"));
    edits.push(Edit::Clear);
    // Non-ASCII text (full passes) and back to ASCII.
    edits.extend(typing("üb"));
    edits.push(Edit::Backspace);
    edits.push(Edit::Backspace);
    edits.extend(typing("e\u{301}ǅ"));
    edits.push(Edit::Clear);
    // The recent list changes while a filter is typed.
    edits.extend(typing("app"));
    edits.push(Edit::Used(14));
    edits.push(Edit::Backspace);
    edits.extend(typing("p1"));
    edits.push(Edit::Used(20));
    edits.extend(typing(" "));
    edits.push(Edit::DeleteWord);
    check_edits(&bs, &edits);
}

#[test]
fn deleting_back_finds_the_matches_kept_on_the_way() {
    let bs = varied();
    let mut index = FilterIndex::new(&bs);
    let mut matches = index.full(&bs, "", &[]);
    let mut text = String::new();
    for c in "prod e".chars() {
        let old = text.clone();
        text.push(c);
        matches = index.search(&bs, &old, matches, &text, &[]);
    }
    let earlier: Vec<&str> = index.earlier.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(earlier, ["", "p", "pr", "pro", "prod", "prod "]);
    let kept = index.earlier[3].1.clone();
    let back = index.search(&bs, "prod e", matches, "pro", &[]);
    assert_eq!(back, kept, "the kept matches of \"pro\"");
    assert_eq!(back, reference(&bs, "pro", &[]));
    let earlier: Vec<&str> = index.earlier.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(earlier, ["", "p", "pr"]);
    // Another filter altogether: nothing kept leads to it.
    let other = index.search(&bs, "pro", back, "dev", &[]);
    assert_eq!(other, reference(&bs, "dev", &[]));
    assert!(index.earlier.is_empty());
}

#[test]
fn narrowing_needs_an_ascii_extension_without_backslashes() {
    assert!(narrows("prod", "prodU"));
    assert!(narrows("prod", "prod eu"));
    assert!(narrows("Prod", "Prod-x"));
    assert!(!narrows("", "p"), "nothing to narrow from: a plain pass");
    assert!(!narrows("   ", "   p"));
    assert!(!narrows("pro", "pr"));
    assert!(!narrows("pr\\", "pr\\ od"));
    assert!(!narrows("ub", "ubé"));
    assert!(!narrows("ü", "üb"));
    assert!(only_spaces_added("prod", "prod  "));
    assert!(!only_spaces_added("prod\\", "prod\\ "));
    assert!(!only_spaces_added("prod", "prod e"));
}

#[test]
fn large_lists_narrow_like_a_full_pass() {
    let bs: Vec<Bookmark> = (0..LARGE)
        .map(|i| {
            let mut b = bm(&format!("b{i}"));
            b.role = ["Admin", "ReadOnly", "PowerUser"][i % 3].into();
            if i % 5 == 0 {
                b.display = format!("Équipe {i}").into();
            }
            b
        })
        .collect();
    let mut edits = typing("b1");
    edits.push(Edit::Used(1000));
    edits.extend(typing(" ad"));
    edits.push(Edit::Backspace);
    edits.extend(typing("D"));
    edits.push(Edit::DeleteWord);
    edits.extend(typing("é"));
    check_edits(&bs, &edits);
    // Full passes with recent ones.
    let recent: Vec<String> = ["b77", "b5000", "b8", "b1234"].map(String::from).into();
    for q in ["b", "b1", "1", "ad", "b2 a", "b77", "Power"] {
        assert_eq!(filter(&bs, q, &recent), reference(&bs, q, &recent), "{q:?}");
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    let chars = [
        'p', 'r', 'o', 'd', 'P', 'U', 'e', 'u', 'a', '1', ' ', ' ', '\\', 'ü', 'é', '\u{301}', 'ǅ',
        'İ',
    ];
    prop_oneof![
        8 => proptest::sample::select(chars.to_vec()).prop_map(Edit::Type),
        2 => Just(Edit::Backspace),
        1 => Just(Edit::DeleteWord),
        1 => Just(Edit::Clear),
        1 => (0..40usize).prop_map(Edit::Used),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_edits_give_what_a_full_pass_gives(
        edits in proptest::collection::vec(edit(), 1..40)
    ) {
        check_edits(&varied(), &edits);
    }
}
