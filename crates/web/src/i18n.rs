//! The UI's words in Simplified Chinese (default) and English.
//!
//! The words live in Fluent files, one per feature and language, under
//! `locales/<language>/<feature>.ftl`, where a translator edits them with
//! the placeholders named (`{ $count } in total`), so a translation may put
//! them in any order. They are compiled into the binary.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{langid, LanguageIdentifier, Loader};
use nuanxin_domain::error::Arg as ErrorArg;
use nuanxin_domain::FieldError;
use std::borrow::Cow;
use std::collections::HashMap;
use std::convert::Infallible;

pub const LANG_COOKIE: &str = "nx_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

static ZH: LanguageIdentifier = langid!("zh-CN");
static EN: LanguageIdentifier = langid!("en");

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        // Fluent wraps each placeholder in bidi isolation marks for
        // right-to-left scripts; in Chinese and English they are invisible
        // characters that end up in copied text and form values.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

impl Lang {
    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// Translations for one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

/// A placeholder's name and value.
pub type Arg<'a> = (&'a str, String);

impl Tr {
    /// Chinese, the default; the API's one language for worker-facing text.
    pub const ZH: Tr = Tr { lang: Lang::Zh };
    pub const EN: Tr = Tr { lang: Lang::En };

    /// The word `key`.
    pub fn s(&self, key: &str) -> String {
        self.words(key, &[])
    }

    /// The word `key` with its placeholder `name` set to `value`.
    pub fn f(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.words(key, &[(name, value.to_string())])
    }

    /// The word `key` with two placeholders set.
    pub fn f2(
        &self,
        key: &str,
        a: &str,
        a_value: impl std::fmt::Display,
        b: &str,
        b_value: impl std::fmt::Display,
    ) -> String {
        self.words(key, &[(a, a_value.to_string()), (b, b_value.to_string())])
    }

    /// The word `key` with any number of placeholders set; `None` when the
    /// catalogue has no such word (for codes that may be newer than it).
    pub fn try_words(&self, key: &str, args: &[Arg]) -> Option<String> {
        let args: Option<HashMap<Cow<'static, str>, FluentValue>> = (!args.is_empty()).then(|| {
            args.iter()
                .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.as_str())))
                .collect()
        });
        LOCALES.try_lookup_complete(self.lang.id(), key, args.as_ref())
    }

    /// Like [`Tr::try_words`], for a key the code names: a missing one is
    /// a bug, caught by the tests below and shown as the key itself.
    pub fn words(&self, key: &str, args: &[Arg]) -> String {
        self.try_words(key, args).unwrap_or_else(|| {
            debug_assert!(false, "missing translation {key}");
            key.to_string()
        })
    }

    /// A field error's message in this language: the word `error-<code>`
    /// (dots become dashes) with the error's arguments.
    pub fn error(&self, e: &FieldError) -> String {
        self.message(
            &format!("error-{}", e.code.replace('.', "-")),
            &e.args,
            e.code,
        )
    }

    /// The word `key` with a domain error's arguments, or `code` when the
    /// catalogue lacks it (a bug the tests catch in debug builds).
    pub fn message(&self, key: &str, args: &[(&'static str, ErrorArg)], code: &str) -> String {
        let args: Vec<Arg> = args
            .iter()
            .map(|(name, a)| {
                let v = match a {
                    ErrorArg::Text(v) => v.clone(),
                    ErrorArg::Word(k) => self.s(k),
                    ErrorArg::Label { zh, en } => (if self.en() { en } else { zh }).to_string(),
                    ErrorArg::List(items) => items.join(&self.s("common-list_sep")),
                };
                (*name, v)
            })
            .collect();
        self.try_words(key, &args).unwrap_or_else(|| {
            debug_assert!(false, "missing message {key}");
            code.to_string()
        })
    }

    pub fn en(&self) -> bool {
        self.lang == Lang::En
    }

    pub fn html_lang(&self) -> &'static str {
        if self.en() {
            "en"
        } else {
            "zh-CN"
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let lang = match crate::http::cookie(&parts.headers, LANG_COOKIE).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        };
        Ok(Tr { lang })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    /// Every word of one language: its key and the placeholders it names.
    fn catalogue(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut words = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let resource = fluent_syntax::parser::parse(text.as_str())
                .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", path.display()));
            for entry in resource.body {
                if let ast::Entry::Message(m) = entry {
                    let mut vars = BTreeSet::new();
                    if let Some(p) = &m.value {
                        variables(p, &mut vars);
                    }
                    let dup = words.insert(m.id.name.to_string(), vars);
                    assert!(dup.is_none(), "{}: {} twice", path.display(), m.id.name);
                }
            }
        }
        words
    }

    fn variables(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for el in &p.elements {
            if let ast::PatternElement::Placeable { expression } = el {
                match expression {
                    ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
                        out.insert(id.name.to_string());
                    }
                    ast::Expression::Select { selector, variants } => {
                        if let ast::InlineExpression::VariableReference { id } = selector {
                            out.insert(id.name.to_string());
                        }
                        for v in variants {
                            variables(&v.value, out);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The source files that name words: the templates, and the Rust
    /// modules of every crate (the domain and the store name error codes
    /// and field labels).
    fn sources() -> Vec<(PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let crates = root.parent().unwrap();
        let mut out = vec![];
        let mut dirs = vec![root.join("templates")];
        for c in ["web", "domain", "store", "cli"] {
            dirs.push(crates.join(c).join("src"));
        }
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        out
    }

    /// The code a word is named after: `error-org-parent_kind` is the
    /// message of the field error `org.parent_kind`, `problem-not_found`
    /// that of a problem, `audit-action-org-create` the audit action
    /// `org.create`.
    fn code_of(word: &str) -> Option<String> {
        [
            "error-",
            "problem-",
            "audit-action-",
            "audit-entity-",
            "audit-field-",
        ]
        .iter()
        .find_map(|p| word.strip_prefix(p))
        .map(|c| c.replace('-', "."))
    }

    /// The arguments after a call's first one, up to its closing
    /// parenthesis: `, "count", n.len())` gives `"count"` and `n.len()`.
    fn call_args(rest: &str) -> Vec<&str> {
        let (mut out, mut depth, mut quoted, mut start) = (vec![], 0, false, 1);
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if quoted => {
                    chars.next();
                }
                '"' => quoted = !quoted,
                _ if quoted => {}
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth > 0 => depth -= 1,
                ')' => {
                    if i > start {
                        out.push(&rest[start..i]);
                    }
                    break;
                }
                ',' if depth == 0 => {
                    if i > 0 {
                        out.push(&rest[start..i]);
                    }
                    start = i + 1;
                }
                _ => {}
            }
        }
        out
    }

    /// The placeholder names a builder chain sets right after a call:
    /// `(…).with("max", 60).with_word("label", …)` gives `max` and `label`.
    fn chained_names(rest: &str) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        // Skip the call's own arguments, up to its closing parenthesis.
        let mut depth = 0;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        let mut tail = &rest[end..];
        loop {
            let t = tail.trim_start();
            let Some(call) = [".with(", ".with_word(", ".with_label(", ".with_list("]
                .iter()
                .find(|c| t.starts_with(*c))
            else {
                break;
            };
            let args = &t[call.len()..];
            let name = args.trim_start().trim_start_matches('"');
            names.insert(name[..name.find('"').unwrap_or(0)].to_string());
            tail = &args[chained_end(args)..];
        }
        names
    }

    /// Where the arguments of a call end, after its closing parenthesis.
    fn chained_end(args: &str) -> usize {
        let (mut depth, mut quoted) = (0, false);
        for (i, c) in args.char_indices() {
            match c {
                '"' => quoted = !quoted,
                _ if quoted => {}
                '(' => depth += 1,
                ')' if depth == 0 => return i + 1,
                ')' => depth -= 1,
                _ => {}
            }
        }
        args.len()
    }

    #[test]
    fn every_language_has_every_word_with_the_same_placeholders() {
        let zh = catalogue("zh-CN");
        let en = catalogue("en");
        assert!(zh.len() > 400, "only {} words", zh.len());
        let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        assert!(only_zh.is_empty(), "missing in English: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in Chinese: {only_en:?}");
        for (k, vars) in &zh {
            assert_eq!(vars, &en[k], "placeholders of {k} differ");
        }
    }

    #[test]
    fn named_placeholders_may_come_in_any_order() {
        let t = Tr { lang: Lang::Zh };
        assert_eq!(
            t.f2("roster-enrolling", "done", 3, "total", 10),
            "正在导入：3 / 10 行……（本页每 2 秒自动刷新）"
        );
        assert_eq!(
            t.f2("routing-by_rule_of", "id", 7, "org", "顺丰工会"),
            "顺丰工会的分派规则 #7"
        );
        let t = Tr { lang: Lang::En };
        assert_eq!(
            t.f2("roster-file_and_mode", "file", "{x}.csv", "mode", "x"),
            "File: {x}.csv · Mode: x"
        );
        assert_eq!(t.s("common-list_sep"), ", ");
    }

    /// Every word is used somewhere, as its key written out whole, or, for
    /// an error's message, as its code: a word nobody shows is a word
    /// nobody keeps up to date.
    #[test]
    fn every_word_is_used() {
        let corpus: String = sources().into_iter().map(|(_, text)| text).collect();
        let unused: Vec<String> = catalogue("zh-CN")
            .into_keys()
            .filter(|k| {
                let named = code_of(k).unwrap_or_else(|| k.clone());
                !corpus.contains(&format!("\"{named}\""))
            })
            .collect();
        assert!(unused.is_empty(), "words nobody uses: {unused:?}");
    }

    /// Every error code the code raises has a message, and every field
    /// label it names is a word.
    #[test]
    fn every_error_and_label_has_words() {
        let words = catalogue("zh-CN");
        let raised = [
            "FieldError::new(",
            "id_err(\"",
            "uscc_err(\"",
            "refused(\"",
            "ApiError::new(",
            "bad_request(\"",
        ];
        let (mut missing, mut seen) = (vec![], 0);
        for (path, text) in sources() {
            for call in raised {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len() - usize::from(call.ends_with('"'))..];
                    let rest = format!(",{rest}");
                    let args = call_args(&rest);
                    // The code comes after the field or the status, if any.
                    let at = usize::from(call.ends_with("::new("));
                    let Some(code) = args.get(at).and_then(|a| {
                        let a = a.trim();
                        a.strip_prefix('"').and_then(|a| a.strip_suffix('"'))
                    }) else {
                        continue;
                    };
                    seen += 1;
                    let key = if call.starts_with("ApiError") || call.starts_with("bad_request") {
                        format!("problem-{}", code.replace('.', "-"))
                    } else {
                        format!("error-{}", code.replace('.', "-"))
                    };
                    match words.get(&key) {
                        None => missing.push(format!("{}: {key}", path.display())),
                        // The arguments set right after the call are the
                        // message's placeholders.
                        Some(vars) => {
                            let set = chained_names(&rest[1..]);
                            if &set != vars {
                                missing.push(format!(
                                    "{}: {key} sets {set:?}, its message has {vars:?}",
                                    path.display()
                                ));
                            }
                        }
                    }
                }
            }
            for (i, _) in text.match_indices("\"label-") {
                let rest = &text[i + 1..];
                let key = &rest[..rest.find('"').unwrap()];
                if key != "label-" && !words.contains_key(key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(seen > 150, "only {seen} errors found");
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn an_error_reads_with_its_arguments_in_each_language() {
        let e = FieldError::new("name", "text.too_long")
            .with_word("label", "label-event_name")
            .with("max", 60)
            .with("n", 61);
        assert_eq!(
            Tr { lang: Lang::Zh }.error(&e),
            "活动名称最多 60 个字（现有 61 个）"
        );
        assert_eq!(
            Tr { lang: Lang::En }.error(&e),
            "the event's name is at most 60 characters (got 61)"
        );
        let e = FieldError::new("x", "org_pick.many")
            .with("raw", "工会")
            .with_list("candidates", ["甲（1）", "乙（2）"]);
        assert!(Tr { lang: Lang::Zh }
            .error(&e)
            .ends_with("甲（1）、乙（2）"));
        assert!(Tr { lang: Lang::En }
            .error(&e)
            .ends_with("甲（1）, 乙（2）"));
    }

    /// Every word a template or module names exists, and every placeholder
    /// it sets is one the word has: a mistake would show up only at run
    /// time, as a key or a `{$name}` on the page.
    #[test]
    fn used_words_exist_with_their_placeholders() {
        let words = catalogue("zh-CN");
        let mut wrong = vec![];
        let mut seen = 0;
        for (path, text) in sources() {
            for (call, names) in [(".s(\"", 0), (".f(\"", 1), (".f2(\"", 2)] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    seen += 1;
                    let Some(vars) = words.get(key) else {
                        wrong.push(format!("{}: no word {key}", path.display()));
                        continue;
                    };
                    let named: BTreeSet<String> = call_args(&rest[key.len() + 1..])
                        .iter()
                        .step_by(2)
                        .take(names)
                        .map(|a| a.trim().trim_matches('"').to_string())
                        .collect();
                    if names > 0 && &named != vars {
                        wrong.push(format!(
                            "{}: {key} sets {named:?}, has {vars:?}",
                            path.display()
                        ));
                    }
                }
            }
        }
        assert!(seen > 400, "only {seen} uses found");
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
