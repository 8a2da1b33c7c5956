//! Queries written once, run on either backend.

use chrono::{DateTime, NaiveDate, Utc};

use crate::StoreResult;

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

    /// Appends another query's text and arguments, renumbering its `$n` to
    /// follow this one's: a `WHERE` fragment built once can end both a
    /// count and a select.
    pub fn append(&mut self, other: &Query) -> &mut Self {
        let offset = self.args.len();
        self.text.push_str(&renumber(&other.text, offset));
        self.args.extend(other.args.iter().cloned());
        self
    }

    /// Panics in debug builds when the text's highest `$n` is not the
    /// number of bound arguments: a fragment joined without [`Query::append`]
    /// would otherwise bind the wrong values, or fail only on one backend.
    pub(crate) fn debug_check(&self) {
        debug_assert_eq!(
            highest_placeholder(&self.text),
            self.args.len(),
            "placeholders and arguments differ in: {}",
            self.text
        );
    }

    /// The text as SQLite should get it. SQLite looks up a numbered
    /// parameter's name by walking a list of all of them, and sqlx asks for
    /// every parameter's name, so a statement with thousands of `$n` (a
    /// multi-row insert) costs quadratic time to bind. Anonymous `?`
    /// parameters have no names to walk; a large statement whose `$n` appear
    /// once each and in order is sent with `?` instead.
    pub(crate) fn sqlite_text(&self) -> std::borrow::Cow<'_, str> {
        const LARGE: usize = 64;
        if self.args.len() < LARGE {
            return self.text.as_str().into();
        }
        positional(&self.text, self.args.len()).map_or(self.text.as_str().into(), Into::into)
    }
}

/// `text` with every `$n` outside quoted literals raised by `offset`.
fn renumber(text: &str, offset: usize) -> String {
    if offset == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '$' || quoted {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

/// The highest `$n` outside quoted literals, or 0.
fn highest_placeholder(text: &str) -> usize {
    let mut highest = 0;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '$' || quoted {
            continue;
        }
        let mut n = 0usize;
        while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
            n = n * 10 + d as usize;
            chars.next();
        }
        highest = highest.max(n);
    }
    highest
}

/// `text` with `$1…$n` turned into `?`, when each appears once and in order
/// outside quoted literals; `None` otherwise.
fn positional(text: &str, n: usize) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut next = 1;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '$' || quoted {
            out.push(c);
            continue;
        }
        let digits: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_digit)).collect();
        if digits.parse::<usize>().ok() != Some(next) {
            return None;
        }
        out.push('?');
        next += 1;
    }
    (next == n + 1).then_some(out)
}

/// The longest search text: names and numbers are short, and SQLite
/// refuses a `LIKE` pattern of 50,000 bytes as too complex.
pub const MAX_SEARCH_CHARS: usize = 100;

/// `LIKE` pattern for "contains", with `\` escaping the wildcards of the
/// input; a text over [`MAX_SEARCH_CHARS`] is refused, naming `field`.
pub(crate) fn contains_pattern(field: &str, needle: &str) -> StoreResult<String> {
    if needle.chars().count() > MAX_SEARCH_CHARS {
        return Err(nuanxin_domain::FieldError::new(field, "search.too_long")
            .with("max_search_chars", MAX_SEARCH_CHARS)
            .into());
    }
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StoreError;

    #[test]
    fn in_order_placeholders_become_anonymous() {
        assert_eq!(
            positional("INSERT INTO t VALUES ($1, '$9', $2), ($3, 'a', $4)", 4).as_deref(),
            Some("INSERT INTO t VALUES (?, '$9', ?), (?, 'a', ?)")
        );
        assert_eq!(positional("SELECT $1, $1", 1), None, "reused");
        assert_eq!(positional("SELECT $2, $1", 2), None, "out of order");
        assert_eq!(
            positional("SELECT $1", 2),
            None,
            "an argument without a placeholder"
        );
    }

    #[test]
    fn a_search_text_is_escaped_and_capped() {
        assert_eq!(contains_pattern("q", "5%_\\").unwrap(), "%5\\%\\_\\\\%");
        let long = "王".repeat(MAX_SEARCH_CHARS + 1);
        match contains_pattern("q", &long) {
            Err(StoreError::Validation(v)) => assert_eq!(
                (v.0[0].field.as_str(), v.0[0].code),
                ("q", "search.too_long")
            ),
            other => panic!("{other:?}"),
        }
        assert!(
            contains_pattern("q", &long[3..]).is_ok(),
            "{MAX_SEARCH_CHARS} characters are fine"
        );
    }

    #[test]
    fn small_queries_keep_their_text() {
        let q = Query::new("SELECT $1").bind(1i64);
        assert_eq!(q.sqlite_text(), "SELECT $1");
    }

    #[test]
    fn an_appended_fragment_is_renumbered() {
        let mut w = Query::new(" WHERE a = ");
        w.push_bind(1i64)
            .push(" AND b <> '$1' AND c = ")
            .push_bind("x");
        let mut q = Query::new("SELECT * FROM t JOIN u ON u.k = $1");
        q.args.push(Arg::from(7i64));
        q.append(&w).push(" LIMIT ").push_bind(5i64);
        assert_eq!(
            q.sql(),
            "SELECT * FROM t JOIN u ON u.k = $1 WHERE a = $2 AND b <> '$1' AND c = $3 LIMIT $4"
        );
        assert_eq!(q.args.len(), 4);
        q.debug_check();
    }

    #[test]
    #[should_panic(expected = "placeholders and arguments differ")]
    #[cfg(debug_assertions)]
    fn a_fragment_joined_by_hand_is_caught() {
        let mut w = Query::new(" WHERE a = ");
        w.push_bind(1i64);
        let mut q = Query::new("SELECT $1");
        q.args.push(Arg::from(7i64));
        // The fragment's text and values, but its `$1` not renumbered.
        q.push(w.sql());
        q.args.extend(w.args.iter().cloned());
        q.debug_check();
    }
}
