//! What a member may ask of their union through their private link: the
//! rights the personal-information notice promises (to have data corrected
//! or deleted) and the ordinary ones (a new phone, leaving the union).

use serde::{Deserialize, Serialize};

use crate::ids::Phone;
use crate::org::coded_enum;
use crate::text;
use crate::FieldError;

/// Days a union has to answer. The Personal Information Protection Law
/// (art. 50) asks for a timely answer without a number; GB/T 35273-2020
/// (8.7) sets at most 30 days. Half of that leaves the federation above
/// time to step in when a union lets one lapse.
pub const ANSWER_DAYS: i64 = 15;

coded_enum! {
    /// What is asked.
    RequestKind {
        Phone = "phone", "更换手机号", "Change of phone";
        Correct = "correct", "更正个人信息", "Correction of data";
        Leave = "leave", "申请退会", "Leaving the union";
        Erase = "erase", "删除个人信息", "Deletion of data";
    }
}

coded_enum! {
    /// Where a request stands.
    RequestStatus {
        Open = "open", "待处理", "Open";
        Done = "done", "已办结", "Done";
        Refused = "refused", "未予办理", "Refused";
    }
}

/// A request as the worker typed it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    pub kind: String,
    /// What is wrong (a correction), or why (leaving, deletion).
    #[serde(default)]
    pub detail: String,
    /// The new phone, for a change of phone.
    #[serde(default)]
    pub phone: String,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub kind: RequestKind,
    pub detail: String,
    pub phone: Option<Phone>,
}

impl RequestForm {
    pub fn check(&self) -> Result<Request, FieldError> {
        let kind = RequestKind::from_code(self.kind.trim())
            .ok_or_else(|| FieldError::new("kind", "request.kind"))?;
        let detail = match kind {
            RequestKind::Correct => {
                text::required_line("detail", "label-correction", &self.detail, 200)?
            }
            _ => text::optional_line("detail", "label-detail", Some(&self.detail), 200)?
                .unwrap_or_default(),
        };
        let phone = match kind {
            RequestKind::Phone => Some(Phone::parse(&self.phone)?),
            _ => None,
        };
        Ok(Request {
            kind,
            detail,
            phone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, detail: &str, phone: &str) -> RequestForm {
        RequestForm {
            kind: kind.into(),
            detail: detail.into(),
            phone: phone.into(),
        }
    }

    #[test]
    fn a_correction_says_what_is_wrong() {
        assert_eq!(
            form("correct", " ", "").check().unwrap_err().field,
            "detail"
        );
        let r = form("correct", "姓名应为张玮", "").check().unwrap();
        assert_eq!(
            (r.kind, r.detail.as_str()),
            (RequestKind::Correct, "姓名应为张玮")
        );
    }

    #[test]
    fn a_change_of_phone_needs_a_valid_new_phone() {
        assert_eq!(
            form("phone", "", "1234").check().unwrap_err().field,
            "phone"
        );
        let r = form("phone", "", "13912345678").check().unwrap();
        assert_eq!(r.phone.unwrap().as_str(), "13912345678");
    }

    #[test]
    fn leaving_needs_no_reason_but_an_unknown_kind_is_refused() {
        assert!(form("leave", "", "").check().unwrap().detail.is_empty());
        assert_eq!(
            form("delete_everything", "", "").check().unwrap_err().code,
            "request.kind"
        );
    }
}
