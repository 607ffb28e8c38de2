//! Many bookmarks in one edit (`rolehop import`): one lock, one read, one
//! atomic write, through the same comment-preserving editor as `add`/`update`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use toml_edit::{Item, Value};

use super::{
    Bookmark, BookmarkSpec, Bookmarks, ConfigError, Extras, append_all, check_display, edit,
    internal, keep_detached_comments, set_fields, spec_errors,
};

/// What happens (or would happen) to one entry of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new bookmark.
    Added,
    /// An existing bookmark of that name, replaced in place (`--replace`).
    Replaced,
    /// A bookmark of that name exists and was left alone.
    Exists,
    /// The entry cannot become a bookmark: why.
    Invalid(String),
}

impl Outcome {
    pub fn writes(&self) -> bool {
        matches!(self, Outcome::Added | Outcome::Replaced)
    }
}

/// Decide each entry's outcome against the bookmarks already in the file.
/// `via` may name an existing bookmark or an earlier entry that is written.
pub fn plan_many(
    existing: &[Bookmark],
    entries: &[(BookmarkSpec, Extras)],
    replace: bool,
) -> Vec<Outcome> {
    let have: HashSet<&str> = existing.iter().map(|b| b.name.as_str()).collect();
    // Names an entry may use as `via`: existing ones, then each written entry.
    let mut reachable = have.clone();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(entries.len());
    for (spec, extras) in entries {
        let outcome = (|| {
            if !seen.insert(spec.name.as_str()) {
                return Outcome::Invalid(format!(
                    "another imported entry is already named {:?}",
                    spec.name
                ));
            }
            let errors = spec_errors(spec);
            if !errors.is_empty() {
                let parts: Vec<String> = errors
                    .iter()
                    .map(|(f, e)| format!("{} {e}", f.key()))
                    .collect();
                return Outcome::Invalid(parts.join("; "));
            }
            if let Some(via) = extras.via.as_deref() {
                if via == spec.name {
                    return Outcome::Invalid("cannot go via itself".into());
                }
                if !reachable.contains(via) {
                    return Outcome::Invalid(format!("via {via:?}, which was not imported"));
                }
            }
            if have.contains(spec.name.as_str()) {
                if replace {
                    Outcome::Replaced
                } else {
                    Outcome::Exists
                }
            } else {
                Outcome::Added
            }
        })();
        if outcome.writes() {
            reachable.insert(spec.name.as_str());
        }
        out.push(outcome);
    }
    out
}

/// Edits of existing bookmarks made in the same write as a batch
/// (`import organization`): a new display for a renamed account, bookmarks
/// to remove (`--prune`). Names gone from the file by then are skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Bookmark name, new display.
    pub displays: Vec<(String, String)>,
    pub remove: Vec<String>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.displays.is_empty() && self.remove.is_empty()
    }
}

/// Write a batch: new bookmarks are appended in order, with `replace` existing
/// ones are updated in place (their comments and position kept; `mfa_session`
/// is the user's choice and stays). Nothing is written when no entry writes.
/// Returns each entry's outcome, as [`plan_many`] on the file as locked.
pub fn add_many(
    path: &Path,
    entries: &[(BookmarkSpec, Extras)],
    replace: bool,
) -> Result<Vec<Outcome>, ConfigError> {
    add_many_with(path, entries, replace, &Changes::default())
}

/// [`add_many`] with `changes` to existing bookmarks, all in one locked
/// atomic write.
pub fn add_many_with(
    path: &Path,
    entries: &[(BookmarkSpec, Extras)],
    replace: bool,
    changes: &Changes,
) -> Result<Vec<Outcome>, ConfigError> {
    if let Some((name, e)) = changes
        .displays
        .iter()
        .find_map(|(n, d)| check_display(d).err().map(|e| (n, e)))
    {
        return Err(ConfigError::InvalidSpec {
            path: path.to_path_buf(),
            name: name.clone(),
            errors: vec![(super::Field::Display, e)],
        });
    }
    let mut result = Vec::new();
    let mut nothing = false;
    let edited = edit(path, |doc, items| {
        result = plan_many(items, entries, replace);
        if !result.iter().any(Outcome::writes) && changes.is_empty() {
            nothing = true;
            // Abort the edit: there is nothing to write.
            return Err(internal(path, "nothing to write"));
        }
        let replaced: HashMap<&str, &(BookmarkSpec, Extras)> = entries
            .iter()
            .zip(&result)
            .filter(|(_, o)| **o == Outcome::Replaced)
            .map(|(e, _)| (e.0.name.as_str(), e))
            .collect();
        if !replaced.is_empty() {
            let list = doc
                .as_table_mut()
                .get_mut("bookmarks")
                .and_then(Item::as_table_like_mut)
                .ok_or_else(|| internal(path, "bookmarks table vanished"))?;
            for (name, (spec, extras)) in &replaced {
                let table = list
                    .get_mut(name)
                    .and_then(Item::as_table_like_mut)
                    .ok_or_else(|| internal(path, "bookmark table vanished"))?;
                set_fields(table, spec);
                match extras.via.as_deref() {
                    Some(via) => {
                        table.insert("via", Item::Value(Value::from(via)));
                    }
                    None => {
                        table.remove("via");
                    }
                }
            }
        }
        if let Some(list) = doc
            .as_table_mut()
            .get_mut("bookmarks")
            .and_then(Item::as_table_like_mut)
        {
            for (name, display) in &changes.displays {
                let Some(table) = list.get_mut(name).and_then(Item::as_table_like_mut) else {
                    continue;
                };
                match table.get_mut("display") {
                    Some(Item::Value(old)) => {
                        let decor = old.decor().clone();
                        *old = Value::from(display.as_str());
                        *old.decor_mut() = decor;
                    }
                    _ => {
                        table.insert("display", Item::Value(Value::from(display.as_str())));
                    }
                }
            }
        }
        for name in &changes.remove {
            let removed = doc
                .as_table_mut()
                .get_mut("bookmarks")
                .and_then(Item::as_table_like_mut)
                .and_then(|l| l.remove(name));
            if let Some(Item::Table(t)) = removed {
                keep_detached_comments(doc, &t);
            }
        }
        append_all(
            doc,
            entries
                .iter()
                .zip(&result)
                .filter(|(_, o)| **o == Outcome::Added)
                .map(|((s, x), _)| (s, x)),
        );
        Ok(())
    });
    match edited {
        Ok(()) => Ok(result),
        Err(_) if nothing => Ok(result),
        Err(e) => Err(e),
    }
}

/// [`plan_many`] against the file as it is now, writing nothing (`--dry-run`).
pub fn plan_for_file(
    path: &Path,
    entries: &[(BookmarkSpec, Extras)],
    replace: bool,
) -> Result<Vec<Outcome>, ConfigError> {
    let bookmarks = Bookmarks::load(path)?;
    Ok(plan_many(&bookmarks.items, entries, replace))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, role: &str) -> BookmarkSpec {
        BookmarkSpec {
            name: name.into(),
            account: "111122223333".into(),
            role: role.into(),
            ..BookmarkSpec::default()
        }
    }

    fn via(name: &str) -> Extras {
        Extras {
            via: Some(name.into()),
            ..Extras::default()
        }
    }

    #[test]
    fn one_write_keeps_comments_and_reports_each_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bookmarks.toml");
        let original = "# mine\n[bookmarks.old] # note\naccount = \"111122223333\"\nrole = \"Old\"\ncolor = \"red\"\n# tail comment\n";
        std::fs::write(&path, original).unwrap();
        let entries = vec![
            (spec("a", "A"), Extras::default()),
            (spec("b", "B"), via("a")),
            (spec("old", "New"), Extras::default()),
            (spec("bad", "arn:aws:iam::1:role/x"), Extras::default()),
            (spec("c", "C"), via("missing")),
        ];
        let planned = plan_for_file(&path, &entries, false).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
        let outcomes = add_many(&path, &entries, false).unwrap();
        assert_eq!(planned, outcomes);
        assert_eq!(
            &outcomes[..3],
            [Outcome::Added, Outcome::Added, Outcome::Exists]
        );
        assert!(matches!(&outcomes[3], Outcome::Invalid(m) if m.contains("role")));
        assert!(matches!(&outcomes[4], Outcome::Invalid(m) if m.contains("missing")));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(original), "{text}");
        assert!(
            text.contains("[bookmarks.b]\naccount = \"111122223333\"\nrole = \"B\"\nvia = \"a\"\n"),
            "{text}"
        );

        let outcomes = add_many(&path, &entries[2..3], true).unwrap();
        assert_eq!(outcomes, [Outcome::Replaced]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("[bookmarks.old] # note\naccount = \"111122223333\"\nrole = \"New\"\n"),
            "{text}"
        );
        assert!(!text.contains("red"), "{text}");

        // Nothing to write: the file is untouched, no error.
        let before = std::fs::read_to_string(&path).unwrap();
        let outcomes = add_many(&path, &entries[..1], false).unwrap();
        assert_eq!(outcomes, [Outcome::Exists]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }
}
