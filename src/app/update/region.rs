//! The region chooser (`R` / Ctrl-R): open, keys, apply.

use super::*;

/// `R`: open the region chooser for `name`'s session, or say that there is
/// none yet.
pub(super) fn open_region(app: &mut App, name: &str, now: SystemTime) {
    if app.session_for(name).is_none() {
        return notice(
            app,
            format!("assume {name} first (Enter), then R sets its region"),
            now,
        );
    }
    app.modal = Some(Modal::Region {
        bookmark: name.to_owned(),
        input: String::new(),
        selected: 0,
    });
}

/// Keys in the region chooser: typing filters, ↑↓ move, Enter picks (the
/// highlighted row, else a full region code typed), Esc cancels.
pub(super) fn region_key(
    app: &mut App,
    bookmark: String,
    mut input: String,
    mut selected: usize,
    action: Action,
    k: KeyEvent,
    now: SystemTime,
) -> Option<Modal> {
    let rows = app.region_choices(&bookmark, &input).len();
    match action {
        Action::Cancel => return None,
        Action::Confirm => {
            let Some(s) = app.session_for(&bookmark) else {
                notice(app, format!("no session for {bookmark} any more"), now);
                return None;
            };
            let partition = s.partition().to_owned();
            let typed = input.trim();
            let chosen = app
                .region_choices(&bookmark, &input)
                .into_iter()
                .nth(selected)
                .map(|c| c.code)
                .or_else(|| regions::looks_like_region(typed).then(|| typed.to_owned()));
            match chosen {
                // Nothing matches and it is no region code: the chooser says so.
                None => {}
                Some(r) if regions::partition_of(&r) != partition => notice(
                    app,
                    format!(
                        "{bookmark}'s credentials are for partition {partition}; {r} is in {}:                          assume a role there instead",
                        regions::partition_of(&r)
                    ),
                    now,
                ),
                Some(r) => {
                    set_region(app, &bookmark, r, now);
                    return None;
                }
            }
        }
        Action::Up => selected = selected.saturating_sub(1),
        Action::Down => selected = (selected + 1).min(rows.saturating_sub(1)),
        Action::DeleteChar => {
            input.pop();
            selected = 0;
        }
        Action::Clear => {
            input.clear();
            selected = 0;
        }
        Action::Type => {
            if let Some(c) = typed(&k).filter(|c| !c.is_control()) {
                input.push(c);
                selected = 0;
            }
        }
        _ => {}
    }
    Some(Modal::Region {
        bookmark,
        input,
        selected,
    })
}

/// Hand `name`'s session over in `region` from now on (no STS call).
pub(super) fn set_region(app: &mut App, name: &str, region: String, now: SystemTime) {
    let Some(s) = app.sessions.iter_mut().find(|s| s.bookmark.name == name) else {
        return;
    };
    if s.region() == Some(region.as_str()) {
        return notice(app, format!("{name}: hand-overs already use {region}"), now);
    }
    // Back to the region it was assumed with: no override left.
    s.region_override =
        (s.assumed.region.as_deref() != Some(region.as_str())).then(|| region.clone());
    notice(
        app,
        format!("{name}: hand-overs now use {region} (no new session)"),
        now,
    );
}
