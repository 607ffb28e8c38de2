//! Every key of the picker in one table: where it applies, what it does, and
//! the words the footer and the help box show for it. `update` looks keys up
//! here and the footer and help box are drawn from here, so the three cannot
//! drift apart.

use super::{App, Focus, Modal};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a key applies. A key is looked up in a chain of contexts (see
/// [`chain`]); within one chain no key is bound twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Always, even in a modal (Ctrl-C).
    Anywhere,
    /// While a switch is in flight and no modal is open (Esc cancels it).
    Switching,
    /// On either pane, no modal open.
    Panes,
    /// The bookmark list has the focus.
    List,
    /// The sessions pane has the focus.
    Sessions,
    Mfa,
    Error,
    Help,
    ConfirmDelete,
    /// "Forget staging's cached session?"
    ConfirmForget,
    ProfileName,
    Region,
    Form,
}

/// A key as the table binds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A key that is not a character (arrows, Enter, F1…), whatever the modifiers.
    Code(KeyCode),
    /// A character typed without Ctrl or Alt (Shift is part of the character).
    Char(char),
    /// Ctrl and a letter.
    Ctrl(char),
    /// A digit typed, when the context binds no such digit itself.
    Digit,
    /// Any other character typed, when nothing else in the context takes it.
    Typed,
}

macro_rules! actions {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {
        /// What a key does; what it means in detail depends on the context
        /// (Enter confirms an MFA code, a form, a deletion…).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Action {
            $($(#[doc = $doc])* $name,)*
        }

        impl Action {
            /// Every action, so a test can prove each has a key and a label.
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];
        }
    };
}

actions! {
    /// Leave the picker.
    Quit,
    /// Abort the STS call in flight.
    CancelSwitch,
    /// Open the help box.
    Help,
    /// The typed character goes into the field that has the focus.
    Type,
    /// A character the field does not take (the MFA code is digits only).
    DigitsOnly,
    DeleteChar,
    DeleteWord,
    /// Empty the field.
    Clear,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    /// Enter: assume, submit, save, pick, delete.
    Confirm,
    /// Close the modal without doing anything.
    Cancel,
    /// Esc on the list: clear the filter, or quit when it is empty.
    Back,
    FocusSessions,
    FocusList,
    Add,
    Edit,
    Delete,
    Region,
    Subshell,
    WriteProfile,
    PrintExports,
    CopyExports,
    Console,
    Renew,
    AutoRenew,
    Forget,
    /// List the IAM Identity Center roles and add them as bookmarks.
    SyncSso,
}

/// When a footer entry shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Always,
    HasSessions,
    HasFocusedSession,
    FilterEmpty,
    Filtering,
    /// The bookmarks file has an `[sso.NAME]`.
    HasSso,
}

/// One entry of the footer: some of the row's keys and a word for them.
#[derive(Clone, Copy, Debug)]
pub struct Tip {
    pub keys: &'static [Key],
    pub label: &'static str,
    pub when: When,
    /// Left out first when the terminal is too narrow (the help box keeps it).
    pub optional: bool,
}

/// One line of the help box: the keys it shows, what they do, and the
/// footer entries taken from it.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub context: Context,
    pub binds: &'static [(Key, Action)],
    /// Bound as well but not shown (a terminal's other code for the same key).
    pub aliases: &'static [(Key, Action)],
    pub help: &'static str,
    pub tips: &'static [Tip],
}

const fn row(context: Context, binds: &'static [(Key, Action)], help: &'static str) -> Row {
    Row {
        context,
        binds,
        aliases: &[],
        help,
        tips: &[],
    }
}

impl Row {
    const fn tips(self, tips: &'static [Tip]) -> Row {
        Row { tips, ..self }
    }
    const fn aliases(self, aliases: &'static [(Key, Action)]) -> Row {
        Row { aliases, ..self }
    }

    /// The row's keys as the help box writes them: "↑ ↓ ^P ^N".
    pub fn shown_keys(&self) -> String {
        let mut labels: Vec<String> = Vec::new();
        for (k, _) in self.binds {
            let l = k.label();
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
        labels.join(" ")
    }
}

const fn tip(keys: &'static [Key], label: &'static str) -> Tip {
    Tip {
        keys,
        label,
        when: When::Always,
        optional: false,
    }
}

impl Tip {
    const fn when(self, when: When) -> Tip {
        Tip { when, ..self }
    }
    const fn optional(self) -> Tip {
        Tip {
            optional: true,
            ..self
        }
    }

    /// The tip's keys as the footer writes them: "↵/Esc", "↑↓", "Tab/↑↓".
    pub fn shown_keys(&self) -> String {
        let mut s = String::new();
        for (i, k) in self.keys.iter().enumerate() {
            if i > 0 && !(k.is_arrow() && self.keys[i - 1].is_arrow()) {
                s.push('/');
            }
            s.push_str(&k.label());
        }
        s
    }
}

use Action as A;
use Context as C;
use Key::{Char, Code, Ctrl, Digit, Typed};
use KeyCode::{BackTab, Backspace, Down, End, Enter, Esc, F, Home, PageDown, PageUp, Tab, Up};

const UP: Key = Code(Up);
const DOWN: Key = Code(Down);
const ENTER: Key = Code(Enter);
const ESC: Key = Code(Esc);

/// The table. Rows of one context are in the order the help box and the
/// footer show them.
pub const TABLE: &[Row] = &[
    row(C::Anywhere, &[(Ctrl('c'), A::Quit)], "quit"),
    row(C::Switching, &[(ESC, A::CancelSwitch)], "cancel the switch")
        .tips(&[tip(&[ESC], "cancels")]),
    row(
        C::Panes,
        &[(Char('?'), A::Help), (Code(F(1)), A::Help)],
        "this help",
    )
    .tips(&[tip(&[Char('?')], "help")]),
    // The bookmark list: typing always filters, so its commands are Ctrl keys.
    row(C::List, &[(ENTER, A::Confirm)], "assume the role").tips(&[tip(&[ENTER], "assume")]),
    row(C::List, &[(Typed, A::Type)], "filter (fuzzy)"),
    row(
        C::List,
        &[
            (UP, A::Up),
            (DOWN, A::Down),
            (Ctrl('p'), A::Up),
            (Ctrl('n'), A::Down),
        ],
        "move",
    )
    .tips(&[tip(&[UP, DOWN], "move")]),
    row(
        C::List,
        &[(Code(PageUp), A::PageUp), (Code(PageDown), A::PageDown)],
        "page",
    ),
    row(
        C::List,
        &[(Code(Home), A::First), (Code(End), A::Last)],
        "first / last",
    ),
    row(C::List, &[(Code(Tab), A::FocusSessions)], "sessions pane").tips(&[tip(
        &[Code(Tab)],
        "sessions",
    )
    .when(When::HasSessions)]),
    row(C::List, &[(Ctrl('r'), A::Region)], "region of its session").tips(&[tip(
        &[Ctrl('r')],
        "region",
    )
    .when(When::HasFocusedSession)
    .optional()]),
    row(
        C::List,
        &[
            (Ctrl('a'), A::Add),
            (Ctrl('e'), A::Edit),
            (Ctrl('d'), A::Delete),
        ],
        "add / edit / delete",
    )
    .tips(&[
        tip(&[Ctrl('a')], "add"),
        tip(&[Ctrl('e')], "edit"),
        tip(&[Ctrl('d')], "delete"),
    ]),
    row(C::List, &[(Ctrl('s'), A::SyncSso)], "sync SSO roles").tips(&[tip(
        &[Ctrl('s')],
        "sso sync",
    )
    .when(When::HasSso)
    .optional()]),
    row(
        C::List,
        &[
            (Code(Backspace), A::DeleteChar),
            (Ctrl('w'), A::DeleteWord),
            (Ctrl('u'), A::Clear),
        ],
        "delete char/word/all",
    )
    // Some terminals send Ctrl-H for Backspace.
    .aliases(&[(Ctrl('h'), A::DeleteChar)]),
    row(C::List, &[(ESC, A::Back)], "cancel · clear · quit").tips(&[
        tip(&[ESC], "quit").when(When::FilterEmpty),
        tip(&[ESC], "clear").when(When::Filtering),
    ]),
    // The sessions pane: single letters hand the selected session over.
    row(
        C::Sessions,
        &[
            (UP, A::Up),
            (DOWN, A::Down),
            (Char('k'), A::Up),
            (Char('j'), A::Down),
        ],
        "move",
    ),
    row(
        C::Sessions,
        &[(Char('s'), A::Subshell), (ENTER, A::Subshell)],
        "subshell",
    )
    .tips(&[tip(&[Char('s')], "shell")]),
    row(
        C::Sessions,
        &[(Char('w'), A::WriteProfile)],
        "write to a profile",
    )
    .tips(&[tip(&[Char('w')], "write")]),
    row(
        C::Sessions,
        &[(Char('e'), A::PrintExports)],
        "print exports, exit",
    )
    .tips(&[tip(&[Char('e')], "env")]),
    row(C::Sessions, &[(Char('y'), A::CopyExports)], "copy exports")
        .tips(&[tip(&[Char('y')], "copy")]),
    row(
        C::Sessions,
        &[(Char('c'), A::Console)],
        "open the AWS console",
    )
    .tips(&[tip(&[Char('c')], "console")]),
    row(
        C::Sessions,
        &[(Char('R'), A::Region)],
        "region of hand-overs",
    )
    .tips(&[tip(&[Char('R')], "region")]),
    row(C::Sessions, &[(Char('r'), A::Renew)], "renew now").tips(&[tip(&[Char('r')], "renew")]),
    row(
        C::Sessions,
        &[(Char('a'), A::AutoRenew)],
        "auto-renew on/off",
    )
    .tips(&[tip(&[Char('a')], "auto").optional()]),
    row(C::Sessions, &[(Char('x'), A::Forget)], "forget the session")
        .tips(&[tip(&[Char('x')], "forget")]),
    row(
        C::Sessions,
        &[(Code(Tab), A::FocusList), (ESC, A::FocusList)],
        "back to the list",
    )
    // Anything else typed goes back to the list and filters it.
    .aliases(&[(Code(BackTab), A::FocusList), (Typed, A::Type)]),
    // The MFA code.
    row(C::Mfa, &[(Digit, A::Type)], "the code's digits").tips(&[tip(&[Digit], "code")]),
    row(C::Mfa, &[(ENTER, A::Confirm)], "submit").tips(&[tip(&[ENTER], "submit")]),
    row(C::Mfa, &[(ESC, A::Cancel)], "cancel").tips(&[tip(&[ESC], "cancel")]),
    row(
        C::Mfa,
        &[(Code(Backspace), A::DeleteChar)],
        "delete a digit",
    ),
    row(C::Mfa, &[(Typed, A::DigitsOnly)], "refused: digits only"),
    // The error box and the help box.
    row(C::Error, &[(ENTER, A::Cancel), (ESC, A::Cancel)], "close")
        .tips(&[tip(&[ENTER, ESC], "close")]),
    row(
        C::Help,
        &[
            (ESC, A::Cancel),
            (Char('?'), A::Cancel),
            (ENTER, A::Cancel),
            (Code(F(1)), A::Cancel),
            (Char('q'), A::Cancel),
        ],
        "close",
    )
    .tips(&[tip(&[ESC, Char('?')], "close")]),
    // "Delete bookmark X?"
    row(
        C::ConfirmDelete,
        &[
            (Char('y'), A::Confirm),
            (Char('Y'), A::Confirm),
            (ENTER, A::Confirm),
        ],
        "delete",
    )
    .tips(&[tip(&[Char('y')], "delete")]),
    row(
        C::ConfirmDelete,
        &[
            (Char('n'), A::Cancel),
            (Char('N'), A::Cancel),
            (ESC, A::Cancel),
        ],
        "keep",
    )
    .tips(&[tip(&[Char('n'), ESC], "keep")]),
    // "Forget staging's cached session?"
    row(
        C::ConfirmForget,
        &[
            (Char('y'), A::Confirm),
            (Char('Y'), A::Confirm),
            (ENTER, A::Confirm),
        ],
        "forget",
    )
    .tips(&[tip(&[Char('y')], "forget")]),
    row(
        C::ConfirmForget,
        &[
            (Char('n'), A::Cancel),
            (Char('N'), A::Cancel),
            (ESC, A::Cancel),
        ],
        "keep",
    )
    .tips(&[tip(&[Char('n'), ESC], "keep")]),
    // The profile name to write a session to.
    row(C::ProfileName, &[(ENTER, A::Confirm)], "write").tips(&[tip(&[ENTER], "write")]),
    row(C::ProfileName, &[(ESC, A::Cancel)], "cancel").tips(&[tip(&[ESC], "cancel")]),
    row(C::ProfileName, &[(Typed, A::Type)], "the profile's name"),
    row(
        C::ProfileName,
        &[(Code(Backspace), A::DeleteChar), (Ctrl('u'), A::Clear)],
        "delete char/all",
    ),
    // The region chooser.
    row(C::Region, &[(Typed, A::Type)], "filter").tips(&[tip(&[Typed], "filter")]),
    row(
        C::Region,
        &[
            (UP, A::Up),
            (DOWN, A::Down),
            (Ctrl('p'), A::Up),
            (Ctrl('n'), A::Down),
        ],
        "move",
    )
    .tips(&[tip(&[UP, DOWN], "move")]),
    row(C::Region, &[(ENTER, A::Confirm)], "pick").tips(&[tip(&[ENTER], "pick")]),
    row(C::Region, &[(ESC, A::Cancel)], "cancel").tips(&[tip(&[ESC], "cancel")]),
    row(
        C::Region,
        &[(Code(Backspace), A::DeleteChar), (Ctrl('u'), A::Clear)],
        "delete char/all",
    ),
    // The add / edit form.
    row(
        C::Form,
        &[
            (Code(Tab), A::Down),
            (DOWN, A::Down),
            (Code(BackTab), A::Up),
            (UP, A::Up),
        ],
        "next / previous field",
    )
    .tips(&[tip(&[Code(Tab), UP, DOWN], "field")]),
    row(C::Form, &[(ENTER, A::Confirm)], "save").tips(&[tip(&[ENTER], "save")]),
    row(C::Form, &[(Ctrl('u'), A::Clear)], "clear field").tips(&[tip(&[Ctrl('u')], "clear field")]),
    row(C::Form, &[(ESC, A::Cancel)], "cancel").tips(&[tip(&[ESC], "cancel")]),
    row(C::Form, &[(Typed, A::Type)], "the field's text"),
    row(
        C::Form,
        &[(Code(Backspace), A::DeleteChar)],
        "delete a character",
    ),
];

/// The help box: a title and the contexts it lists, in order.
pub const HELP: [(&str, &[Context]); 3] = [
    ("Bookmarks (list)", &[Context::List]),
    ("Sessions (Tab)", &[Context::Sessions]),
    ("Everywhere", &[Context::Panes, Context::Anywhere]),
];

/// The mouse, for the help box's last section (no key to bind).
pub const MOUSE: [(&str, &str); 1] = [("mouse", "scroll · click a row")];

impl Key {
    fn matches(self, k: &KeyEvent) -> bool {
        let plain = !k
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match (self, k.code) {
            (Code(code), _) => k.code == code,
            (Char(c), KeyCode::Char(typed)) => plain && typed == c,
            (Ctrl(c), KeyCode::Char(typed)) => {
                k.modifiers.contains(KeyModifiers::CONTROL) && typed == c
            }
            (Digit, KeyCode::Char(typed)) => plain && typed.is_ascii_digit(),
            (Typed, KeyCode::Char(_)) => plain,
            _ => false,
        }
    }

    /// How the footer and the help box write the key.
    pub fn label(self) -> String {
        let s = match self {
            Char(c) => return c.to_string(),
            Ctrl(c) => return format!("^{}", c.to_ascii_uppercase()),
            Code(F(n)) => return format!("F{n}"),
            Digit => "0-9",
            Typed => "type",
            Code(Up) => "↑",
            Code(Down) => "↓",
            Code(Enter) => "↵",
            Code(Esc) => "Esc",
            Code(Tab) => "Tab",
            Code(BackTab) => "⇧Tab",
            Code(Backspace) => "⌫",
            Code(PageUp) => "PgUp",
            Code(PageDown) => "PgDn",
            Code(Home) => "Home",
            Code(End) => "End",
            Code(other) => return format!("{other:?}"),
        };
        s.to_owned()
    }

    fn is_arrow(self) -> bool {
        matches!(self, Code(Up | Down | KeyCode::Left | KeyCode::Right))
    }

    /// Digit and Typed stand for many keys: they take a key only when no
    /// exact binding in the chain does.
    fn is_class(self) -> bool {
        matches!(self, Digit | Typed)
    }
}

/// Every binding of `context`, shown and aliased.
pub fn binds(context: Context) -> impl Iterator<Item = (Key, Action)> {
    TABLE
        .iter()
        .filter(move |r| r.context == context)
        .flat_map(|r| r.binds.iter().chain(r.aliases))
        .copied()
}

/// What `k` does in the chain of contexts: exact keys first, then a digit,
/// then any character typed.
pub fn action(chain: &[Context], k: &KeyEvent) -> Option<Action> {
    let all = || chain.iter().flat_map(|c| binds(*c));
    let exact = all().find(|(key, _)| !key.is_class() && key.matches(k));
    exact
        .or_else(|| all().find(|(key, _)| *key == Digit && key.matches(k)))
        .or_else(|| all().find(|(key, _)| *key == Typed && key.matches(k)))
        .map(|(_, a)| a)
}

/// The chain of contexts a key is looked up in for the state of `app`, after
/// [`Context::Anywhere`] (and [`Context::Switching`] while a switch runs).
pub fn chain(app: &App) -> &'static [Context] {
    match &app.modal {
        Some(m) => match m {
            Modal::Mfa(_) => &[Context::Mfa],
            Modal::Error(_) => &[Context::Error],
            Modal::Help => &[Context::Help],
            Modal::ConfirmDelete { .. } => &[Context::ConfirmDelete],
            Modal::ConfirmForget { .. } => &[Context::ConfirmForget],
            Modal::ProfileName { .. } => &[Context::ProfileName],
            Modal::Region { .. } => &[Context::Region],
            Modal::Form(_) => &[Context::Form],
        },
        None => match app.focus {
            Focus::List => &[Context::List, Context::Panes],
            Focus::Sessions => &[Context::Sessions, Context::Panes],
        },
    }
}

/// The rows of `context`, in order.
pub fn rows(context: Context) -> impl Iterator<Item = &'static Row> {
    TABLE.iter().filter(move |r| r.context == context)
}

/// The footer entries for `context` (all of them, whatever the state).
pub fn tips(context: Context) -> impl Iterator<Item = &'static Tip> {
    rows(context).flat_map(|r| r.tips)
}

/// The footer for the state of `app`: the tips of its chain that apply now.
pub fn footer(app: &App) -> Vec<&'static Tip> {
    let applies = |w: When| match w {
        When::Always => true,
        When::HasSessions => !app.sessions.is_empty(),
        When::HasFocusedSession => app.focused_session().is_some(),
        When::FilterEmpty => app.filter.is_empty(),
        When::Filtering => !app.filter.is_empty(),
        When::HasSso => !app.sso_instances.is_empty(),
    };
    chain(app)
        .iter()
        .flat_map(|c| tips(*c))
        .filter(|t| applies(t.when))
        .collect()
}

#[cfg(test)]
mod tests;
