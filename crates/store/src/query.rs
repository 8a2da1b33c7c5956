//! Queries written once, run on either backend.

use chrono::{DateTime, NaiveDate, Utc};

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($t:ty, $variant:ident) => {
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                Arg::$variant(Some(v.into()))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Arg {
                Arg::$variant(v.map(Into::into))
            }
        }
    };
}
arg_from!(i64, I64);
arg_from!(i32, I64);
arg_from!(String, Text);
arg_from!(&str, Text);
arg_from!(DateTime<Utc>, Time);
arg_from!(NaiveDate, Date);
arg_from!(Vec<u8>, Bytes);

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(Some(v.clone()))
    }
}

impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Bool(v)
    }
}

/// SQL text with `$1…$n` placeholders and the values bound to them. The
/// text must be portable: no arrays, no `ILIKE`, an explicit `ORDER BY` with
/// a tie-breaker wherever order matters.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub(crate) text: String,
    pub(crate) args: Vec<Arg>,
}

impl Query {
    pub fn new(text: &str) -> Self {
        Query {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Binds the next `$n` already written in the text.
    pub fn bind(mut self, v: impl Into<Arg>) -> Self {
        self.args.push(v.into());
        self
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Writes a new `$n` placeholder and binds `v` to it.
    pub fn push_bind(&mut self, v: impl Into<Arg>) -> &mut Self {
        self.args.push(v.into());
        let n = self.args.len();
        self.text.push('$');
        self.text.push_str(&n.to_string());
        self
    }

    pub fn sql(&self) -> &str {
        &self.text
    }
}

/// `LIKE` pattern for "contains", with `\` escaping the wildcards of the input.
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}
