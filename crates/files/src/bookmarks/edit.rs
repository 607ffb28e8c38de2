//! The comment-keeping editor: every change is one locked cycle of read,
//! edit with `toml_edit`, check it loads back, write atomically.

use std::fs;
use std::io;
use std::path::Path;

use toml_edit::{DocumentMut, Item, Key, Table, TableLike, Value};

use super::*;
use crate::fsutil;

// ---------------------------------------------------------------------------
// Editing

/// Insert a new bookmark at the end of the file; error if the name exists.
/// Creates the file (and its directories) on first add.
pub fn add(path: &Path, spec: &BookmarkSpec) -> Result<(), ConfigError> {
    add_with(path, spec, &Extras::default())
}

/// [`add`] with `mfa_session` / `via` (`rolehop add --mfa-session --via`).
/// `via` must name an existing bookmark other than the new one.
pub fn add_with(path: &Path, spec: &BookmarkSpec, extras: &Extras) -> Result<(), ConfigError> {
    edit(path, |doc, items| {
        let mut errors = spec_errors(spec);
        if let Some(via) = extras.via.as_deref() {
            let problem = if via == spec.name {
                Some("cannot go via itself".to_owned())
            } else if !items.iter().any(|b| b.name == via) {
                Some(format!(
                    "via names no bookmark {via:?}{}",
                    did_you_mean(closest(via, items.iter().map(|b| b.name.as_str())))
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(ConfigError::File {
                    path: path.to_path_buf(),
                    message: format!("bookmark {:?}: {problem}", spec.name),
                });
            }
            if spec.value(Field::SourceProfile).is_some() {
                errors.push((
                    Field::SourceProfile,
                    "cannot be set together with via".to_owned(),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(ConfigError::InvalidSpec {
                path: path.to_path_buf(),
                name: spec.name.clone(),
                errors,
            });
        }
        if items.iter().any(|b| b.name == spec.name) {
            return Err(ConfigError::Exists {
                path: path.to_path_buf(),
                name: spec.name.clone(),
            });
        }
        append(doc, spec, extras);
        Ok(())
    })
}

/// Replace bookmark `old_name` by `spec` (which may rename it), keeping its
/// position and its comments; fields that are None are removed from the table.
pub fn update(path: &Path, old_name: &str, spec: &BookmarkSpec) -> Result<(), ConfigError> {
    edit(path, |doc, items| {
        if !items.iter().any(|b| b.name == old_name) {
            return Err(unknown_bookmark(path, old_name, items));
        }
        check_spec(path, spec)?;
        if spec.name != old_name && items.iter().any(|b| b.name == spec.name) {
            return Err(ConfigError::Exists {
                path: path.to_path_buf(),
                name: spec.name.clone(),
            });
        }
        let list = doc
            .as_table_mut()
            .get_mut("bookmarks")
            .ok_or_else(|| internal(path, "bookmarks table vanished"))?;
        let table = list
            .as_table_like_mut()
            .and_then(|l| l.get_mut(old_name))
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| internal(path, "bookmark table vanished"))?;
        let inherited = items.iter().find(|b| b.name == old_name);
        let spec = match inherited {
            Some(old) => keep_inherited(spec, old, &*table),
            None => spec.clone(),
        };
        set_fields(table, &spec);
        if spec.name != old_name {
            refuse_if_gone_via(path, list, old_name, "renamed")?;
            rename(list, old_name, &spec.name);
        }
        Ok(())
    })
}

/// An edit form shows values inherited from `[defaults]` like the bookmark's
/// own. One the user left as shown stays inherited rather than being copied
/// into the bookmark, so changing the default later still reaches it.
pub(super) fn keep_inherited(
    spec: &BookmarkSpec,
    old: &Bookmark,
    table: &dyn TableLike,
) -> BookmarkSpec {
    let mut spec = spec.clone();
    // What the form showed for each inheritable field (as `Form::edit` renders it).
    let fields: [(Field, Option<String>, &mut Option<String>); 7] = [
        (
            Field::Color,
            old.color.as_ref().map(|c| c.to_string()),
            &mut spec.color,
        ),
        (
            Field::MfaSerial,
            old.mfa_serial.as_deref().map(str::to_owned),
            &mut spec.mfa_serial,
        ),
        (
            Field::ExternalId,
            old.external_id.as_deref().map(str::to_owned),
            &mut spec.external_id,
        ),
        (
            Field::Region,
            old.region.as_deref().map(str::to_owned),
            &mut spec.region,
        ),
        (
            Field::Duration,
            old.duration.map(|d| d.to_string()),
            &mut spec.duration,
        ),
        (
            Field::SourceProfile,
            old.source_profile.as_deref().map(str::to_owned),
            &mut spec.source_profile,
        ),
        (
            Field::SessionName,
            old.session_name.as_deref().map(str::to_owned),
            &mut spec.session_name,
        ),
    ];
    for (field, shown, value) in fields {
        if table.get(field.key()).is_none() && value.is_some() && *value == shown {
            *value = None;
        }
    }
    spec
}

/// Delete bookmark `name`, with the comment block directly above its header.
pub fn remove(path: &Path, name: &str) -> Result<(), ConfigError> {
    edit(path, |doc, items| {
        if !items.iter().any(|b| b.name == name) {
            return Err(unknown_bookmark(path, name, items));
        }
        if let Some(list) = doc.as_table().get("bookmarks") {
            refuse_if_gone_via(path, list, name, "removed")?;
        }
        let removed = doc
            .as_table_mut()
            .get_mut("bookmarks")
            .and_then(Item::as_table_like_mut)
            .and_then(|l| l.remove(name))
            .ok_or_else(|| internal(path, "bookmark table vanished"))?;
        if let Item::Table(t) = removed {
            keep_detached_comments(doc, &t);
        }
        Ok(())
    })
}

/// Bookmark `name` cannot be removed or renamed while another goes via it:
/// the file would no longer load.
fn refuse_if_gone_via(path: &Path, list: &Item, name: &str, what: &str) -> Result<(), ConfigError> {
    let Some(list) = list.as_table_like() else {
        return Ok(());
    };
    let users: Vec<String> = list
        .iter()
        .filter(|(_, item)| {
            item.as_table_like()
                .and_then(|t| t.get("via"))
                .and_then(Item::as_str)
                == Some(name)
        })
        .map(|(user, _)| format!("{user:?}"))
        .collect();
    if users.is_empty() {
        return Ok(());
    }
    Err(ConfigError::File {
        path: path.to_path_buf(),
        message: format!(
            "bookmark {name:?} cannot be {what}: {} {} via it (change that via first); nothing was written",
            users.join(", "),
            if users.len() == 1 { "goes" } else { "go" }
        ),
    })
}

pub(super) fn internal(path: &Path, what: &str) -> ConfigError {
    ConfigError::File {
        path: path.to_path_buf(),
        message: format!("internal error: {what}; nothing was written"),
    }
}

/// The shared edit cycle: lock, re-read, refuse an invalid file, apply `f`,
/// check the result still loads, write atomically.
pub(super) fn edit(
    path: &Path,
    f: impl FnOnce(&mut DocumentMut, &[Bookmark]) -> Result<(), ConfigError>,
) -> Result<(), ConfigError> {
    let real = fsutil::real_path(path).map_err(|e| io_error(path, "write", e))?;
    let _lock = fsutil::lock_for(&real).map_err(|e| io_error(path, "lock", e))?;
    let text = match fs::read_to_string(&real) {
        Ok(t) if t.trim().is_empty() => NEW_FILE_HEADER.to_owned(),
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => NEW_FILE_HEADER.to_owned(),
        Err(e) => return Err(io_error(path, "read", e)),
    };
    let src = Src { path, text: &text };
    let parsed = parse(&src)?;
    let items = collect(&src, &parsed)?;
    let mut doc = parsed.into_mut();
    f(&mut doc, &items)?;

    let mut out = doc.to_string();
    // toml_edit writes '\n'; keep a CRLF file CRLF.
    if text.contains("\r\n") {
        out = out.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    let check = Src { path, text: &out };
    if let Err(e) = parse(&check).and_then(|d| collect(&check, &d)) {
        return Err(internal(
            path,
            &format!("the edit would not load back ({e})"),
        ));
    }
    fsutil::atomic_write(&real, out.as_bytes(), fsutil::PRIVATE, false)
        .map_err(|e| io_error(path, "write", e))
}

pub(super) fn spec_errors(spec: &BookmarkSpec) -> Vec<(Field, String)> {
    Field::ALL
        .iter()
        .filter_map(|&f| {
            let v = spec.value(f)?;
            validate_field(f, v).err().map(|e| (f, e))
        })
        .collect()
}

pub(super) fn check_spec(path: &Path, spec: &BookmarkSpec) -> Result<(), ConfigError> {
    let errors = spec_errors(spec);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ConfigError::InvalidSpec {
            path: path.to_path_buf(),
            name: spec.name.clone(),
            errors,
        })
    }
}

/// The TOML value to store for a validated field. Colours are written in
/// canonical form; durations stay as typed, digits as an integer.
pub(super) fn spec_value(field: Field, s: &str) -> Value {
    match field {
        Field::Color => {
            Color::parse(s).map_or_else(|_| Value::from(s), |c| Value::from(c.to_string()))
        }
        Field::Duration if s.bytes().all(|b| b.is_ascii_digit()) => s
            .parse::<i64>()
            .map_or_else(|_| Value::from(s), Value::from),
        _ => Value::from(s),
    }
}

/// Whether the stored value already means what the user typed, so an
/// unchanged field keeps its exact spelling (`"Red"`, `"1h"`, comments).
pub(super) fn same_meaning(field: Field, old: &Value, new: &str) -> bool {
    match (field, old) {
        (Field::Color, Value::String(s)) => Color::parse(s.value()).ok() == Color::parse(new).ok(),
        (Field::Duration, Value::Integer(n)) => {
            parse_duration(new).ok().map(i64::from) == Some(*n.value())
        }
        (Field::Duration, Value::String(s)) => {
            parse_duration(s.value()).ok() == parse_duration(new).ok()
        }
        (_, Value::String(s)) => s.value() == new,
        _ => false,
    }
}

/// Make `table` hold exactly the spec's fields, editing values in place so
/// keys keep their order, comments and spacing.
pub(super) fn set_fields(table: &mut dyn TableLike, spec: &BookmarkSpec) {
    for field in Field::ALL.into_iter().skip(1) {
        let key = field.key();
        let Some(new) = spec.value(field) else {
            table.remove(key);
            continue;
        };
        match table.get_mut(key) {
            Some(Item::Value(old)) => {
                if !same_meaning(field, old, new) {
                    let decor = old.decor().clone();
                    *old = spec_value(field, new);
                    *old.decor_mut() = decor;
                }
            }
            _ => {
                table.insert(key, Item::Value(spec_value(field, new)));
            }
        }
    }
}

/// Rename a key of `list` without moving it: entries after it are taken out
/// and put back in order, since toml_edit has no in-place rename.
pub(super) fn rename(list: &mut Item, old: &str, new: &str) {
    let renamed = |k: &Key| {
        Key::new(new)
            .with_leaf_decor(k.leaf_decor().clone())
            .with_dotted_decor(k.dotted_decor().clone())
    };
    match list {
        Item::Table(t) => {
            let tail: Vec<(Key, Item)> = take_tail(t.iter().map(|(k, _)| k), old)
                .iter()
                .filter_map(|k| t.remove_entry(k))
                .collect();
            for (key, item) in tail.into_iter().rev() {
                let key = if key.get() == old { renamed(&key) } else { key };
                t.insert_formatted(&key, item);
            }
        }
        Item::Value(Value::InlineTable(t)) => {
            let tail: Vec<(Key, Value)> = take_tail(t.iter().map(|(k, _)| k), old)
                .iter()
                .filter_map(|k| t.remove_entry(k))
                .collect();
            for (key, value) in tail.into_iter().rev() {
                let key = if key.get() == old { renamed(&key) } else { key };
                t.insert_formatted(&key, value);
            }
        }
        _ => {}
    }
}

/// The keys from `old` to the end, last first: removing from the end keeps
/// each removal O(1) (an `IndexMap` shifts everything after a removed key).
pub(super) fn take_tail<'a>(keys: impl Iterator<Item = &'a str>, old: &str) -> Vec<String> {
    let mut tail: Vec<String> = keys.skip_while(|k| *k != old).map(str::to_owned).collect();
    tail.reverse();
    tail
}

/// Append `[bookmarks.NAME]` after everything else, including end-of-file
/// comments, separated by one blank line: the existing text stays a prefix.
pub(super) fn append(doc: &mut DocumentMut, spec: &BookmarkSpec, extras: &Extras) {
    append_all(doc, [(spec, extras)]);
}

/// [`append`] for several bookmarks in order, rendering the document once
/// (an import of thousands stays linear).
pub(super) fn append_all<'a>(
    doc: &mut DocumentMut,
    entries: impl IntoIterator<Item = (&'a BookmarkSpec, &'a Extras)>,
) {
    let mut first = true;
    let mut position = max_position(doc.as_table());
    for (spec, extras) in entries {
        let mut table = Table::new();
        for field in Field::ALL.into_iter().skip(1) {
            if let Some(v) = spec.value(field) {
                table.insert(field.key(), Item::Value(spec_value(field, v)));
            }
        }
        if let Some(on) = extras.mfa_session {
            table.insert("mfa_session", Item::Value(Value::from(on)));
        }
        if let Some(via) = extras.via.as_deref() {
            table.insert("via", Item::Value(Value::from(via)));
        }
        if extras.handover == Some(HandoverMode::Static) {
            table.insert("handover", Item::Value(Value::from("static")));
        }
        match &extras.mfa_source {
            Some(MfaSource::Process(p)) => {
                table.insert("mfa_process", Item::Value(Value::from(p.as_str())));
            }
            Some(MfaSource::YubiKey(n)) => {
                table.insert("mfa_yubikey", Item::Value(Value::from(n.as_str())));
            }
            Some(MfaSource::YubiKeySerial) => {
                table.insert("mfa_yubikey", Item::Value(Value::from(true)));
            }
            Some(MfaSource::Ask) => {
                table.insert("mfa_yubikey", Item::Value(Value::from(false)));
            }
            None => {}
        }
        if let Some(org) = extras.org.as_deref() {
            table.insert("org", Item::Value(Value::from(org)));
        }
        if let Some(sso) = extras.sso.as_deref() {
            table.insert("sso", Item::Value(Value::from(sso)));
        }
        // A hand-written inline `bookmarks = { ... }` can only take another entry.
        if let Some(Item::Value(Value::InlineTable(list))) = doc.as_table_mut().get_mut("bookmarks")
        {
            list.insert(&spec.name, Value::InlineTable(table.into_inline_table()));
            continue;
        }

        if first {
            let rendered = doc.to_string();
            let separator = if rendered.is_empty() || rendered.ends_with("\n\n") {
                ""
            } else if rendered.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            // End-of-file comments stay above the new table rather than below it.
            let trailing = doc.trailing().as_str().unwrap_or("");
            table
                .decor_mut()
                .set_prefix(format!("{trailing}{separator}"));
            doc.set_trailing("");
            first = false;
        } else {
            // The previous table was appended by us and ends with a newline.
            table.decor_mut().set_prefix("\n");
        }
        position = position.saturating_add(1);
        table.set_position(Some(position));

        let root = doc.as_table_mut();
        if let Some(Item::Table(list)) = root.get_mut("bookmarks") {
            list.insert(&spec.name, Item::Table(table));
        } else {
            let mut list = Table::new();
            list.set_implicit(true);
            list.insert(&spec.name, Item::Table(table));
            root.insert("bookmarks", Item::Table(list));
        }
    }
}

/// The largest table position in the document, so a new table sorts last.
pub(super) fn max_position(table: &Table) -> isize {
    let mut max = table.position().unwrap_or(0);
    for (_, item) in table.iter() {
        let sub = match item {
            Item::Table(t) => max_position(t),
            Item::ArrayOfTables(a) => a.iter().map(max_position).max().unwrap_or(0),
            _ => 0,
        };
        max = max.max(sub);
    }
    max
}

/// A removed table takes its header comment with it, but text above the last
/// blank line before it (a file header, a section note) belongs to the file:
/// move that to the next table, or to the end of the file.
pub(super) fn keep_detached_comments(doc: &mut DocumentMut, removed: &Table) {
    let prefix = removed
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("");
    // Byte range of the last blank line, which separates the detached text
    // from the removed table's own comment block.
    let mut blank = None;
    let mut offset = 0;
    for line in prefix.split_inclusive('\n') {
        if line.trim().is_empty() && line.ends_with('\n') {
            blank = Some(offset..offset + line.len());
        }
        offset += line.len();
    }
    let Some(blank) = blank else { return };
    if blank.start == 0 {
        return;
    }
    let Some(pos) = removed.position() else {
        return;
    };
    let starts_blank = |s: &str| {
        s.split_inclusive('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty() && l.ends_with('\n'))
    };
    if let Some(next) = next_table_after(doc.as_table_mut(), pos) {
        let old = next.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
        // Keep the detached text separated from the next table's header.
        let end = if starts_blank(old) {
            blank.start
        } else {
            blank.end
        };
        let joined = format!("{}{old}", &prefix[..end]);
        next.decor_mut().set_prefix(joined);
    } else {
        let old = doc.trailing().as_str().unwrap_or("");
        let joined = format!("{}{old}", &prefix[..blank.start]);
        doc.set_trailing(joined);
    }
}

/// The visible table with the smallest position greater than `pos`.
pub(super) fn next_table_after(root: &mut Table, pos: isize) -> Option<&mut Table> {
    fn visible(t: &Table) -> Option<isize> {
        t.position().filter(|_| !t.is_implicit() && !t.is_dotted())
    }
    fn best(table: &Table, pos: isize, found: &mut Option<isize>) {
        if let Some(p) = visible(table)
            && p > pos
            && found.is_none_or(|f| p < f)
        {
            *found = Some(p);
        }
        for (_, item) in table.iter() {
            match item {
                Item::Table(t) => best(t, pos, found),
                Item::ArrayOfTables(a) => a.iter().for_each(|t| best(t, pos, found)),
                _ => {}
            }
        }
    }
    fn find(table: &mut Table, target: isize) -> Option<&mut Table> {
        if visible(table) == Some(target) {
            return Some(table);
        }
        for (_, item) in table.iter_mut() {
            let found = match item {
                Item::Table(t) => find(t, target),
                Item::ArrayOfTables(a) => a.iter_mut().find_map(|t| find(t, target)),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
    let mut found = None;
    best(root, pos, &mut found);
    find(root, found?)
}
