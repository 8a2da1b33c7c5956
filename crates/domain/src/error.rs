//! Validation errors that name the field and say what is wrong, as a code
//! with arguments.

use serde::Serialize;
use std::fmt;

/// One problem with one input field, as a code and its arguments: the
/// words are chosen when a page or a response is rendered, in the reader's
/// language (the web crate's catalogue holds them as `error-<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The input field, as named in forms and JSON bodies.
    pub field: String,
    /// A stable machine-readable code, e.g. `id_number.check_digit`.
    pub code: &'static str,
    /// The values the message names, e.g. `max` = 60.
    pub args: Vec<(&'static str, Arg)>,
}

/// A value a message names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    /// Shown as it is: a name, a number, what a person typed.
    Text(String),
    /// A word of the catalogue (a field's label), shown in the reader's
    /// language.
    Word(&'static str),
    /// The label of one of the domain's coded enums, which carry theirs in
    /// both languages.
    Label { zh: &'static str, en: &'static str },
    /// Items shown joined with the reader's list separator.
    List(Vec<String>),
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
            args: vec![],
        }
    }

    /// The message's placeholder `name` set to `value`.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// The placeholder `name` set to the catalogue's word `key`.
    pub fn with_word(mut self, name: &'static str, key: &'static str) -> Self {
        self.args.push((name, Arg::Word(key)));
        self
    }

    /// The placeholder `name` set to a coded enum's label.
    pub fn with_label(mut self, name: &'static str, zh: &'static str, en: &'static str) -> Self {
        self.args.push((name, Arg::Label { zh, en }));
        self
    }

    /// The placeholder `name` set to a list of items.
    pub fn with_list(
        mut self,
        name: &'static str,
        items: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.args
            .push((name, Arg::List(items.into_iter().map(Into::into).collect())));
        self
    }

    /// The value of the placeholder `name`, as set.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    /// The same error reported against another field name.
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

impl fmt::Display for FieldError {
    /// For logs and developers: the field, the code and the arguments.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.code)?;
        for (i, (name, arg)) in self.args.iter().enumerate() {
            let sep = if i == 0 { " (" } else { ", " };
            match arg {
                Arg::Text(v) => write!(f, "{sep}{name}={v}")?,
                Arg::Word(k) => write!(f, "{sep}{name}={k}")?,
                Arg::Label { en, .. } => write!(f, "{sep}{name}={en}")?,
                Arg::List(items) => write!(f, "{sep}{name}={}", items.join("|"))?,
            }
        }
        if !self.args.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldError {}

/// All problems found in one input; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// Keeps the value when `r` is Ok, records the error otherwise.
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}
