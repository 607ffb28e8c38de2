//! Colours and text styles. With `NO_COLOR` every style keeps only its
//! modifiers (bold, reverse, underline, dim), so nothing depends on colour.

use crate::app::session::Urgency;
use ratatui::style::{Color, Modifier, Style};
use rolehop_files::bookmarks;

/// Countdown colours: calm, amber under 15 minutes, red under 5.
pub const CALM: Color = Color::Green;
pub const AMBER: Color = Color::Rgb(255, 176, 0);
pub const URGENT: Color = Color::Red;
/// Matched filter characters.
pub const MATCH: Color = Color::Rgb(255, 215, 95);
const ACCENT: Color = Color::Cyan;
const SELECTED_BG: Color = Color::Rgb(48, 54, 72);
const ERROR: Color = Color::Red;

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub no_color: bool,
}

impl Theme {
    pub fn new(no_color: bool) -> Theme {
        Theme { no_color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.no_color {
            Style::new()
        } else {
            Style::new().fg(c)
        }
    }

    /// Text in a bookmark's console colour (plain without one, or with NO_COLOR).
    pub fn bookmark(&self, c: Option<&bookmarks::Color>) -> Style {
        match c {
            Some(c) => {
                let (r, g, b) = c.rgb();
                self.fg(Color::Rgb(r, g, b))
            }
            None => Style::new(),
        }
    }

    /// The colour swatch in front of a bookmark: a block in its colour; blank
    /// without a colour or with NO_COLOR (a grey block would suggest a colour).
    pub fn swatch(&self, c: Option<&bookmarks::Color>) -> (&'static str, Style) {
        match c {
            Some(_) if !self.no_color => ("█", self.bookmark(c)),
            _ => (" ", Style::new()),
        }
    }

    /// The selected row: a background bar, or reverse video without colours.
    pub fn selected(&self) -> Style {
        if self.no_color {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().bg(SELECTED_BG).add_modifier(Modifier::BOLD)
        }
    }

    /// Characters the filter matched.
    pub fn matched(&self) -> Style {
        self.fg(MATCH)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn accent(&self) -> Style {
        self.fg(ACCENT)
    }

    pub fn error(&self) -> Style {
        self.fg(ERROR).add_modifier(Modifier::BOLD)
    }

    /// Pane borders: the focused pane stands out.
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(ACCENT).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }

    /// The title bar.
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    /// A countdown and its gauge. Expired is red and dim: never a "valid" colour.
    pub fn urgency(&self, u: Urgency) -> Style {
        match u {
            Urgency::Calm => self.fg(CALM),
            Urgency::Soon => self.fg(AMBER),
            Urgency::Urgent => self.fg(URGENT).add_modifier(Modifier::BOLD),
            Urgency::Expired => self.fg(URGENT).add_modifier(Modifier::DIM),
        }
    }

    /// A key name in the footer and help.
    pub fn key(&self) -> Style {
        self.fg(ACCENT).add_modifier(Modifier::BOLD)
    }
}
