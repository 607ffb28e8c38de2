//! The add / edit bookmark form: one text value per field, validated as you
//! type with the same rules as `rolehop add`.

use rolehop_files::bookmarks::{Bookmark, BookmarkSpec, Field, validate_field};

/// Fields a bookmark cannot do without; the others may stay empty.
pub fn required(f: Field) -> bool {
    matches!(f, Field::Name | Field::Account | Field::Role)
}

/// The label shown in front of a field.
pub fn label(f: Field) -> &'static str {
    match f {
        Field::Name => "Name",
        Field::Account => "Account ID",
        Field::Role => "Role",
        Field::Display => "Display name",
        Field::Color => "Color",
        Field::MfaSerial => "MFA serial",
        Field::ExternalId => "External ID",
        Field::Region => "Region",
        Field::Duration => "Duration",
        Field::SourceProfile => "Source profile",
        Field::SessionName => "Session name",
    }
}

/// What to type, shown in an empty field.
pub fn placeholder(f: Field) -> &'static str {
    match f {
        Field::Name => "short name, e.g. prod",
        Field::Account => "12 digits",
        Field::Role => "role name or role ARN",
        Field::Display => "defaults to the name",
        Field::Color => "red orange yellow green blue #rrggbb",
        Field::MfaSerial => "arn:aws:iam::ACCOUNT:mfa/DEVICE",
        Field::ExternalId => "only if the role requires one",
        Field::Region => "e.g. eu-west-1",
        Field::Duration => "e.g. 1h, 3600",
        Field::SourceProfile => "base profile (default: current)",
        Field::SessionName => "default: your user name",
    }
}

/// The form state. `fields[i]` is the text of `Field::ALL[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The bookmark being edited (its name before any rename); None when adding.
    pub editing: Option<String>,
    pub fields: Vec<String>,
    /// Index of the focused field.
    pub focus: usize,
    /// Per field: why the current text is invalid (kept up to date as you type).
    pub errors: Vec<Option<String>>,
    /// Enter was pressed once: also show "required" errors of untouched fields.
    pub attempted: bool,
    /// The save was handed to the runtime; waiting for `Msg::BookmarksChanged`.
    pub saving: bool,
    /// Why the last save failed (the form stays open so nothing typed is lost).
    pub error: Option<String>,
}

impl Form {
    pub fn new_add() -> Form {
        Form::with_values(None, vec![String::new(); Field::ALL.len()])
    }

    pub fn edit(b: &Bookmark) -> Form {
        let values = Field::ALL
            .iter()
            .map(|f| match f {
                Field::Name => b.name.to_string(),
                Field::Account => b.account.to_string(),
                Field::Role => b.role.to_string(),
                // Empty means "same as the name", so an unchanged form saves no display key.
                Field::Display if b.display == b.name => String::new(),
                Field::Display => b.display.to_string(),
                Field::Color => b.color.as_ref().map(|c| c.to_string()).unwrap_or_default(),
                Field::MfaSerial => text(&b.mfa_serial),
                Field::ExternalId => text(&b.external_id),
                Field::Region => text(&b.region),
                Field::Duration => b.duration.map(|d| d.to_string()).unwrap_or_default(),
                Field::SourceProfile => text(&b.source_profile),
                Field::SessionName => text(&b.session_name),
            })
            .collect();
        Form::with_values(Some(b.name.to_string()), values)
    }

    fn with_values(editing: Option<String>, fields: Vec<String>) -> Form {
        let mut form = Form {
            editing,
            errors: vec![None; fields.len()],
            fields,
            focus: 0,
            attempted: false,
            saving: false,
            error: None,
        };
        for i in 0..form.fields.len() {
            form.revalidate(i);
        }
        form
    }

    pub fn field(&self, i: usize) -> Field {
        Field::ALL[i.min(Field::ALL.len() - 1)]
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len();
    }

    pub fn prev(&mut self) {
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
    }

    pub fn insert(&mut self, c: char) {
        if let Some(v) = self.fields.get_mut(self.focus) {
            v.push(c);
            self.revalidate(self.focus);
        }
    }

    pub fn backspace(&mut self) {
        if let Some(v) = self.fields.get_mut(self.focus) {
            v.pop();
            self.revalidate(self.focus);
        }
    }

    pub fn clear_field(&mut self) {
        if let Some(v) = self.fields.get_mut(self.focus) {
            v.clear();
            self.revalidate(self.focus);
        }
    }

    /// Mark field `i` invalid for a reason only the caller knows (a taken name).
    pub fn set_error(&mut self, i: usize, message: String) {
        if let Some(e) = self.errors.get_mut(i) {
            *e = Some(message);
            self.attempted = true;
            self.focus = i;
        }
    }

    /// The error to show for field `i`: invalid text, or an empty required
    /// field once the user tried to save (not before: a fresh form is not red).
    pub fn visible_error(&self, i: usize) -> Option<&str> {
        let shown = self.attempted || !self.fields.get(i)?.trim().is_empty();
        self.errors.get(i)?.as_deref().filter(|_| shown)
    }

    fn revalidate(&mut self, i: usize) {
        let f = self.field(i);
        let v = self.fields[i].trim();
        self.errors[i] = if v.is_empty() && !required(f) {
            None
        } else {
            validate_field(f, v).err()
        };
    }

    /// The spec to save, or the first invalid field and why.
    pub fn to_spec(&self) -> Result<BookmarkSpec, (Field, String)> {
        if let Some(i) = self.errors.iter().position(Option::is_some) {
            let why = self.errors[i].clone().unwrap_or_default();
            return Err((self.field(i), why));
        }
        let get = |f: Field| -> String {
            Field::ALL
                .iter()
                .position(|x| *x == f)
                .map(|i| self.fields[i].trim().to_owned())
                .unwrap_or_default()
        };
        let opt = |f: Field| Some(get(f)).filter(|v| !v.is_empty());
        Ok(BookmarkSpec {
            name: get(Field::Name),
            account: get(Field::Account),
            role: get(Field::Role),
            display: opt(Field::Display),
            color: opt(Field::Color),
            mfa_serial: opt(Field::MfaSerial),
            external_id: opt(Field::ExternalId),
            region: opt(Field::Region),
            duration: opt(Field::Duration),
            source_profile: opt(Field::SourceProfile),
            session_name: opt(Field::SessionName),
        })
    }

    /// Index of `f` in `fields`.
    pub fn index_of(f: Field) -> usize {
        Field::ALL.iter().position(|x| *x == f).unwrap_or(0)
    }
}

/// An optional field as the form shows it (unset: empty).
fn text(v: &Option<rolehop_files::bookmarks::Text>) -> String {
    v.as_deref().unwrap_or_default().to_owned()
}
