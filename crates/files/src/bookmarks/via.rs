//! `via` across the file: each one names a bookmark, and no chain comes back
//! to where it started. A table alone cannot tell, so this runs after either
//! loader (and around every edit): every command that reads the file then
//! reports a broken chain the same way, at the `via` that breaks it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::{Bookmark, ConfigError, Extras, closest, did_you_mean};

/// Where a value is written: 1-based line and column.
type At = Option<(usize, usize)>;

/// The first broken `via` in file order: one that names no bookmark, else
/// one that closes a loop. Files without `via` cost one pass over `extras`.
pub(super) fn check(
    path: &Path,
    items: &[Bookmark],
    extras: &BTreeMap<String, Extras>,
) -> Result<(), ConfigError> {
    // Bookmark -> (what it goes via, where that is written).
    let graph: HashMap<&str, (&str, At)> = extras
        .iter()
        .filter_map(|(name, e)| Some((name.as_str(), (e.via.as_deref()?, e.via_at))))
        .collect();
    if graph.is_empty() {
        return Ok(());
    }
    let mut order: Vec<&str> = graph.keys().copied().collect();
    order.sort_by_key(|name| (graph[name].1.unwrap_or((usize::MAX, usize::MAX)), *name));

    // Bookmarks that set `via` exist; any other target is looked up in one pass.
    let mut missing: HashSet<&str> = graph
        .values()
        .map(|&(via, _)| via)
        .filter(|via| !graph.contains_key(via))
        .collect();
    for b in items {
        if missing.is_empty() {
            break;
        }
        missing.remove(b.name.as_str());
    }
    if let Some(&name) = order.iter().find(|n| missing.contains(graph[*n].0)) {
        let via = graph[name].0;
        return Err(error_at(
            path,
            graph[name].1,
            format!(
                "bookmark {name:?}: via names no bookmark {via:?}{}",
                did_you_mean(closest(via, items.iter().map(|b| b.name.as_str())))
            ),
        ));
    }

    // Every target exists: follow each chain until a bookmark without `via`,
    // one already followed, or one already on this chain (a loop).
    let mut done: HashSet<&str> = HashSet::new();
    for &start in &order {
        let mut chain = vec![start];
        let mut on_chain = HashMap::from([(start, 0usize)]);
        let mut cur = start;
        while !done.contains(cur) {
            let Some(&(via, at)) = graph.get(cur) else {
                break;
            };
            if let Some(&i) = on_chain.get(via) {
                let names: Vec<&str> = chain[i..].iter().copied().chain([via]).collect();
                return Err(error_at(
                    path,
                    at,
                    format!("bookmark {cur:?}: via makes a loop: {}", names.join(" -> ")),
                ));
            }
            on_chain.insert(via, chain.len());
            chain.push(via);
            cur = via;
        }
        done.extend(chain);
    }
    Ok(())
}

/// An error at a `via` value (`file:line:col`), or about the file without one.
pub(super) fn error_at(path: &Path, at: At, message: String) -> ConfigError {
    match at {
        Some((line, col)) => ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            col,
            message,
        },
        None => ConfigError::File {
            path: path.to_path_buf(),
            message,
        },
    }
}
