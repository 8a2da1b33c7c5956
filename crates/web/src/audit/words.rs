//! The audit trail in words an inspector reads: actions, record kinds and
//! changed fields in the reader's language, values as a person writes
//! them. Codes stay in the database and the API; this is how pages and
//! exports show them.

use serde_json::Value;

use crate::i18n::Tr;

/// Every action the store records, in the order the filter offers them;
/// their words are `audit-action-<code>` (dots become dashes).
pub const ACTIONS: &[&str] = &[
    "login.ok",
    "login.fail",
    "org.create",
    "org.update",
    "org.move",
    "org.status",
    "org.checklist",
    "org.import",
    "org.join_link",
    "org.membership_settings",
    "account.create",
    "account.update",
    "account.disable",
    "account.enable",
    "account.password",
    "member.status",
    "member.reroute",
    "member.reveal",
    "member.search",
    "member.roster_import",
    "transfer.request",
    "transfer.accept",
    "transfer.refuse",
    "routing_rule.create",
    "routing_rule.delete",
    "routing_rule.move",
    "event.create",
    "event.close",
    "api_key.create",
    "api_key.revoke",
    "export",
    "org.contact",
    "member.correct",
    "member.erase",
    "member.request",
    "member.request_decided",
];

/// The catalogue's word for a code of kind `kind` (`action`, `entity`,
/// `field`), or the code itself for one newer than the catalogue.
fn word(t: Tr, kind: &str, code: &str) -> String {
    t.try_words(&format!("audit-{kind}-{}", code.replace('.', "-")), &[])
        .unwrap_or_else(|| code.to_string())
}

/// An action in words; an action the catalogue does not know, as its code.
pub fn action(t: Tr, code: &str) -> String {
    word(t, "action", code)
}

pub fn entity(t: Tr, code: &str) -> String {
    word(t, "entity", code)
}

fn value(t: Tr, v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => t.s("audit-yes"),
        Value::Bool(false) => t.s("audit-no"),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
            .map(|(k, v)| format!("{}={}", word(t, "field", k), value(t, v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The change as `field: before → after` lines, fields by their labels.
pub fn change(t: Tr, before: Option<&str>, after: Option<&str>) -> String {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<Value>(s).ok());
    let (b, a) = (parse(before), parse(after));
    let empty = serde_json::Map::new();
    let (bm, am) = (
        b.as_ref().and_then(Value::as_object).unwrap_or(&empty),
        a.as_ref().and_then(Value::as_object).unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = bm.keys().chain(am.keys()).collect();
    keys.dedup();
    let mut seen = std::collections::BTreeSet::new();
    keys.retain(|k| seen.insert(*k));
    keys.into_iter()
        .filter_map(|k| {
            let label = word(t, "field", k);
            // `by` names a field: say which in words.
            let named = |v: &Value| match (k.as_str(), v.as_str()) {
                ("by", Some(f)) => Value::String(word(t, "field", f)),
                _ => v.clone(),
            };
            let (bv, av) = (bm.get(k).map(named), am.get(k).map(named));
            let sep = t.s("common-label_sep");
            match (bv.as_ref(), av.as_ref()) {
                (Some(x), Some(y)) if x == y => None,
                (Some(x), Some(y)) => {
                    Some(format!("{label}{sep}{} → {}", value(t, x), value(t, y)))
                }
                (None, Some(y)) => Some(format!("{label}{sep}{}", value(t, y))),
                (Some(x), None) => Some(format!("{label}{sep}{} → —", value(t, x))),
                (None, None) => None,
            }
        })
        .collect::<Vec<_>>()
        .join(&t.s("common-item_sep"))
}

/// One entry as the page and the export show it.
pub struct Described {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub change: String,
    pub ip: String,
}

impl Described {
    /// One entry in the reader's words, its subject named (masked) when
    /// it is in scope.
    pub fn of(
        e: &nuanxin_store::audit::AuditEntry,
        subjects: &std::collections::HashMap<(String, String), String>,
        t: Tr,
    ) -> Described {
        let id = e.entity_id.clone().unwrap_or_default();
        let who = subjects
            .get(&(e.entity.clone(), id.clone()))
            .cloned()
            .unwrap_or_else(|| {
                if id.is_empty() {
                    String::new()
                } else {
                    format!("#{id}")
                }
            });
        Described {
            at: nuanxin_domain::time::format_local(e.at),
            actor: e.actor_name.clone(),
            action: action(t, &e.action),
            entity: format!("{} {who}", entity(t, &e.entity)).trim().to_string(),
            change: change(t, e.before_json.as_deref(), e.after_json.as_deref()),
            ip: e.ip.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_words() {
        assert_eq!(action(Tr::ZH, "member.reveal"), "查看完整身份证号和手机号");
        assert_eq!(
            action(Tr::EN, "member.reveal"),
            "Viewed the full ID number and phone"
        );
        assert_eq!(action(Tr::ZH, "something.new"), "something.new");
        assert_eq!(entity(Tr::ZH, "member"), "会员");
    }

    /// Every action the store records is offered by the filter and has
    /// words: a new one fails here until it is added to both.
    #[test]
    fn every_action_the_store_records_has_words() {
        let store = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/src");
        let (mut dirs, mut recorded) = (vec![store], std::collections::BTreeSet::new());
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, _) in text.match_indices("action: \"") {
                    let rest = &text[i + 9..];
                    recorded.insert(rest[..rest.find('"').unwrap()].to_string());
                }
            }
        }
        assert!(recorded.len() > 20, "only {} actions found", recorded.len());
        for code in &recorded {
            assert!(ACTIONS.contains(&code.as_str()), "{code} is not offered");
        }
        for code in ACTIONS {
            assert_ne!(action(Tr::EN, code), *code, "{code} has no words");
        }
    }

    #[test]
    fn a_change_reads_field_by_field() {
        assert_eq!(
            change(
                Tr::ZH,
                Some(r#"{"name":"旧名","disabled":false}"#),
                Some(r#"{"name":"新名","disabled":false}"#),
            ),
            "名称：旧名 → 新名"
        );
        assert_eq!(
            change(
                Tr::ZH,
                None,
                Some(r#"{"by":"phone","value":"138****5678","found":1}"#),
            ),
            "查询方式：手机号；找到：1；查询内容（脱敏）：138****5678"
        );
        assert_eq!(
            change(Tr::EN, None, Some(r#"{"locked":true,"failures":3}"#)),
            "Failures in a row: 3; Locked: yes"
        );
    }
}
