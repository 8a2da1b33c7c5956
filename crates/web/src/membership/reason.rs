//! Reasons in a membership's record, in the reader's words: what a person
//! wrote stays as written; the system's own reasons are codes (the store's
//! `Why`) put into words here.

use crate::i18n::Tr;

/// The reason of a history step or a rejection, or `None` when there is
/// none. An unknown code shows as itself.
pub fn said(t: Tr, code: Option<&str>, text: Option<&str>) -> Option<String> {
    let text = text.filter(|s| !s.is_empty());
    let Some(code) = code else {
        return text.map(str::to_string);
    };
    Some(match code.split_once(':') {
        Some(("correct", fields)) => {
            let fields = fields
                .split(',')
                .map(|f| field(t, f))
                .collect::<Vec<_>>()
                .join(&t.s("common-list_sep"));
            match text {
                Some(why) => t.f2("history-correct", "fields", fields, "reason", why),
                None => t.f("history-correct_asked", "fields", fields),
            }
        }
        _ => match code {
            "roster_import" => t.s("history-roster_import"),
            "member_asked_leave" => t.s("history-member_asked_leave"),
            "member_asked_erase" => t.s("history-member_asked_erase"),
            other => other.to_string(),
        },
    })
}

/// A corrected field's label.
fn field(t: Tr, f: &str) -> String {
    match f {
        "name" => t.s("member-name"),
        "id_number" => t.s("member-id_number"),
        "phone" => t.s("member-phone"),
        "occupation" => t.s("member-occupation"),
        "employer" => t.s("member-employer"),
        "work_region" => t.s("member_page-work_region"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_reasons_read_in_each_language_and_written_ones_as_written() {
        assert_eq!(
            said(Tr::ZH, None, Some("材料不全")),
            Some("材料不全".into())
        );
        assert_eq!(said(Tr::EN, None, Some("")), None);
        assert_eq!(
            said(Tr::ZH, Some("roster_import"), None),
            Some("名单导入".into())
        );
        assert_eq!(
            said(Tr::EN, Some("correct:name,phone"), Some("身份证登记有误")),
            Some("Corrected Name, Mobile: 身份证登记有误".into())
        );
        assert_eq!(
            said(Tr::ZH, Some("correct:phone"), None),
            Some("本人申请更正手机".into())
        );
        assert_eq!(
            said(Tr::EN, Some("member_asked_leave"), None),
            Some("The member asked to leave".into())
        );
    }
}
