//! Where each pane sits on the screen. Shared by the view (drawing) and by
//! `update` (paging, mouse hit-tests), so PgDn moves by exactly the rows on
//! screen and a click selects the row under the pointer.

use ratatui::layout::Rect;

/// Below this size the view only says that the terminal is too small.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// The sessions pane grows with the sessions up to this many rows, then scrolls.
const MAX_SESSION_ROWS: u16 = 6;
/// From this width the detail pane sits right of the list, with this width.
const SIDE_DETAIL_FROM: u16 = 100;
const SIDE_DETAIL_WIDTH: u16 = 44;
/// Otherwise a compact detail pane (4 lines + borders) sits under the list,
/// if the list keeps at least `MIN_LIST_ROWS` rows.
pub const BOTTOM_DETAIL_HEIGHT: u16 = 6;
const MIN_LIST_ROWS: u16 = 6;

/// The panes of one frame. `list` and `sessions` include their borders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub filter: Rect,
    pub list: Rect,
    pub detail: Option<Rect>,
    /// True when the detail pane is the narrow side column (one field per line).
    pub detail_beside: bool,
    pub sessions: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

impl Areas {
    /// The rows of the bookmark list (inside the borders).
    pub fn list_rows(&self) -> Rect {
        inner(self.list)
    }

    /// The rows of the sessions pane (inside the borders), if shown.
    pub fn session_rows(&self) -> Option<Rect> {
        self.sessions.map(inner)
    }
}

/// The layout for a terminal of `size` (columns, rows) showing `sessions`
/// sessions; `None` when the terminal is smaller than `MIN_WIDTH`×`MIN_HEIGHT`.
pub fn areas(size: (u16, u16), sessions: usize) -> Option<Areas> {
    let (w, h) = size;
    if w < MIN_WIDTH || h < MIN_HEIGHT {
        return None;
    }
    let body_top = 2;
    let body_h = h - 4; // header, filter, status, footer
    let sessions_h = if sessions == 0 {
        0
    } else {
        let rows = u16::try_from(sessions)
            .unwrap_or(u16::MAX)
            .min(MAX_SESSION_ROWS);
        // The list keeps at least 3 rows (5 with borders).
        (rows + 2).min(body_h - 5)
    };
    let main_h = body_h - sessions_h;
    let sessions = (sessions_h > 0).then(|| Rect::new(0, body_top + main_h, w, sessions_h));
    let (list, detail, detail_beside) = if w >= SIDE_DETAIL_FROM {
        let list_w = w - SIDE_DETAIL_WIDTH;
        (
            Rect::new(0, body_top, list_w, main_h),
            Some(Rect::new(list_w, body_top, SIDE_DETAIL_WIDTH, main_h)),
            true,
        )
    } else if main_h >= BOTTOM_DETAIL_HEIGHT + MIN_LIST_ROWS + 2 {
        let list_h = main_h - BOTTOM_DETAIL_HEIGHT;
        (
            Rect::new(0, body_top, w, list_h),
            Some(Rect::new(0, body_top + list_h, w, BOTTOM_DETAIL_HEIGHT)),
            false,
        )
    } else {
        (Rect::new(0, body_top, w, main_h), None, false)
    };
    Some(Areas {
        header: Rect::new(0, 0, w, 1),
        filter: Rect::new(0, 1, w, 1),
        list,
        detail,
        detail_beside,
        sessions,
        status: Rect::new(0, h - 2, w, 1),
        footer: Rect::new(0, h - 1, w, 1),
    })
}

/// How many bookmark rows are visible (at least 1, so paging always moves).
pub fn list_height(size: (u16, u16), sessions: usize) -> usize {
    areas(size, sessions).map_or(1, |a| usize::from(a.list_rows().height).max(1))
}

/// The first visible row so that `selected` is visible, moving `offset` as
/// little as possible (stable scrolling).
pub fn scroll_offset(selected: usize, offset: usize, height: usize) -> usize {
    let height = height.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_small_has_no_layout() {
        assert!(areas((59, 30), 0).is_none());
        assert!(areas((80, 11), 0).is_none());
        assert!(areas((60, 12), 9).is_some());
    }

    #[test]
    fn list_keeps_rows_at_the_minimum_size() {
        let a = areas((60, 12), 9).unwrap();
        assert_eq!(a.list_rows().height, 3);
        assert_eq!(a.session_rows().unwrap().height, 1);
        assert!(a.detail.is_none());
    }

    #[test]
    fn wide_terminals_put_detail_beside_the_list() {
        let a = areas((120, 30), 2).unwrap();
        assert!(a.detail_beside);
        assert_eq!(a.list.width + a.detail.unwrap().width, 120);
        let a = areas((80, 24), 1).unwrap();
        assert!(!a.detail_beside);
        assert_eq!(a.detail.unwrap().height, BOTTOM_DETAIL_HEIGHT);
        // header 1 + filter 1 + list + detail 6 + sessions 3 + status 1 + footer 1
        assert_eq!(a.list.height, 24 - 1 - 1 - 6 - 3 - 1 - 1);
    }

    #[test]
    fn scrolling_moves_as_little_as_possible() {
        assert_eq!(scroll_offset(5, 0, 10), 0);
        assert_eq!(scroll_offset(10, 0, 10), 1);
        assert_eq!(scroll_offset(3, 5, 10), 3);
        assert_eq!(scroll_offset(0, 0, 0), 0);
    }
}
