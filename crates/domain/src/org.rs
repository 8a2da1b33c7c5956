//! The union organisation tree: kinds, statuses and the founding checklist.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// Declares a string-coded enum with its stable code and Chinese/English labels.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }

            pub fn label(self, english: bool) -> &'static str {
                if english { self.label_en() } else { self.label_zh() }
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum! {
    /// What kind of organisation a node of the tree is.
    OrgKind {
        National = "national", "全国总工会", "National federation";
        Province = "province", "省总工会", "Provincial federation";
        City = "city", "市总工会", "City federation";
        District = "district", "区县总工会", "District/county federation";
        Street = "street", "街道（乡镇）总工会", "Street/township federation";
        Industry = "industry", "行业工会联合会", "Industry federation";
        Regional = "regional", "区域工会联合会", "Regional federation";
        Enterprise = "enterprise", "企业工会", "Enterprise union";
        Joint = "joint", "联合工会", "Joint union";
        CatchAll = "catch_all", "兜底工会", "Catch-all union";
    }
}

impl OrgStatus {
    /// A status as a form or a request body names it.
    pub fn parse(raw: &str) -> Result<OrgStatus, FieldError> {
        OrgStatus::from_code(raw.trim())
            .ok_or_else(|| FieldError::new("status", "org.status_unknown").with("status", raw))
    }
}

impl OrgKind {
    /// Level federations, in order from the top.
    fn federation_level(self) -> Option<u8> {
        match self {
            OrgKind::National => Some(0),
            OrgKind::Province => Some(1),
            OrgKind::City => Some(2),
            OrgKind::District => Some(3),
            OrgKind::Street => Some(4),
            _ => None,
        }
    }

    /// Grassroots unions: they admit members directly.
    pub fn is_grassroots(self) -> bool {
        self.federation_level().is_none()
    }

    /// Whether an organisation of this kind and status takes members: a
    /// grassroots union that has not closed. The one rule that applications,
    /// transfers, re-routes, routing rules and the pickers all apply.
    pub fn receives_members(self, status: OrgStatus) -> bool {
        self.is_grassroots() && status != OrgStatus::Closed
    }

    /// [`OrgKind::receives_members`] of codes as the database stores them;
    /// an unknown code takes no one.
    pub fn codes_receive_members(kind: &str, status: &str) -> bool {
        match (OrgKind::from_code(kind), OrgStatus::from_code(status)) {
            (Some(k), Some(s)) => k.receives_members(s),
            _ => false,
        }
    }

    /// Whether an organisation of kind `self` may sit directly under `parent`.
    /// Level federations follow the administrative ladder (a level may be
    /// skipped, e.g. a street federation directly under a city); grassroots
    /// unions sit under any federation; only industry and regional
    /// federations have member unions of their own.
    pub fn may_be_child_of(self, parent: OrgKind) -> bool {
        match (self.federation_level(), parent.federation_level()) {
            (Some(c), Some(p)) => c > p,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => {
                matches!(parent, OrgKind::Industry | OrgKind::Regional) && self != OrgKind::Industry
            }
        }
    }

    /// A new organisation of this kind starts preparing (grassroots unions go
    /// through the founding procedure); federations are entered as founded.
    pub fn initial_status(self) -> OrgStatus {
        if self.is_grassroots() {
            OrgStatus::Preparing
        } else {
            OrgStatus::Founded
        }
    }
}

coded_enum! {
    OrgStatus {
        Preparing = "preparing", "筹建中", "Preparing";
        Founded = "founded", "已建会", "Founded";
        Closed = "closed", "已撤销", "Closed";
    }
}

impl OrgStatus {
    /// The legal status transitions, in one place.
    pub fn can_become(self, next: OrgStatus) -> bool {
        matches!(
            (self, next),
            (OrgStatus::Preparing, OrgStatus::Founded)
                | (OrgStatus::Preparing, OrgStatus::Closed)
                | (OrgStatus::Founded, OrgStatus::Closed)
        )
    }

    pub fn transition(self, next: OrgStatus) -> Result<OrgStatus, FieldError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(FieldError::new("status", "org.illegal_transition")
                .with_label("from", self.label_zh(), self.label_en())
                .with_label("to", next.label_zh(), next.label_en()))
        }
    }
}

coded_enum! {
    /// The industry an organisation serves (new employment forms first).
    Industry {
        Express = "express", "快递物流", "Express delivery";
        FoodDelivery = "food_delivery", "网约送餐", "Food delivery";
        RideHailing = "ride_hailing", "网约车", "Ride-hailing";
        Trucking = "trucking", "货车运输", "Trucking";
        DomesticService = "domestic_service", "家政服务", "Domestic service";
        Care = "care", "护工护理", "Care work";
        Security = "security", "保安服务", "Security";
        RealEstate = "real_estate", "房产中介", "Real-estate agency";
        Retail = "retail", "商场信息", "Retail information";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// The fixed founding procedure of a grassroots union, in order.
    FoundingStep {
        Plan = "plan", "实施方案", "Implementation plan";
        MemberRegistration = "member_registration", "会员登记", "Member registration";
        AssemblyNotice = "assembly_notice", "大会通知", "Assembly notice";
        ElectionRules = "election_rules", "代表选举办法", "Delegate election rules";
        CandidateForms = "candidate_forms", "委员候选人推荐表", "Committee candidate nominations";
        VoteCount = "vote_count", "选举计票", "Election and vote count";
        OnlineRegistration = "online_registration", "网上实名制注册", "Online real-name registration";
        LegalPersonCertificate = "legal_person_certificate", "工会法人证", "Union legal-person certificate";
        BankAccount = "bank_account", "银行开户", "Bank account";
    }
}

/// Checks a union name: required, at most 100 characters.
pub fn parse_org_name(raw: &str) -> Result<String, FieldError> {
    crate::text::required_line("name", "label-org_name", raw, 100)
}

/// The kind of a new child, checked against its parent's kind.
pub fn check_parent_kind(kind: OrgKind, parent: OrgKind) -> Result<(), FieldError> {
    if kind.may_be_child_of(parent) {
        Ok(())
    } else {
        Err(FieldError::new("parent_id", "org.parent_kind")
            .with_label("kind", kind.label_zh(), kind.label_en())
            .with_label("parent", parent.label_zh(), parent.label_en()))
    }
}

/// The note shown when a grassroots union's credit code does not begin with 81.
pub fn uscc_prefix_warning() -> FieldError {
    FieldError::new("uscc", "uscc.not_union_prefix")
}

/// A warning, not an error: a grassroots union's legal-person code normally begins with 81.
pub fn uscc_warning(kind: OrgKind, uscc: &crate::ids::Uscc) -> Option<FieldError> {
    (kind.is_grassroots() && !uscc.is_grassroots_union()).then(uscc_prefix_warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_their_codes() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(OrgKind::from_code("bogus"), None);
    }

    #[test]
    fn ladder_rules() {
        assert!(OrgKind::District.may_be_child_of(OrgKind::City));
        assert!(OrgKind::Street.may_be_child_of(OrgKind::City));
        assert!(!OrgKind::City.may_be_child_of(OrgKind::District));
        assert!(OrgKind::Enterprise.may_be_child_of(OrgKind::Street));
        assert!(OrgKind::Enterprise.may_be_child_of(OrgKind::Industry));
        assert!(!OrgKind::Enterprise.may_be_child_of(OrgKind::Joint));
        assert!(!OrgKind::District.may_be_child_of(OrgKind::Industry));
        assert!(OrgKind::Industry.may_be_child_of(OrgKind::District));
        assert_eq!(
            check_parent_kind(OrgKind::City, OrgKind::Enterprise)
                .unwrap_err()
                .code,
            "org.parent_kind"
        );
    }

    #[test]
    fn status_machine() {
        assert!(OrgStatus::Preparing.can_become(OrgStatus::Founded));
        assert!(OrgStatus::Founded.can_become(OrgStatus::Closed));
        assert!(!OrgStatus::Closed.can_become(OrgStatus::Founded));
        assert!(!OrgStatus::Founded.can_become(OrgStatus::Preparing));
        assert_eq!(
            OrgStatus::Closed
                .transition(OrgStatus::Founded)
                .unwrap_err()
                .code,
            "org.illegal_transition"
        );
    }

    #[test]
    fn founding_steps_are_the_nine_of_the_procedure() {
        assert_eq!(FoundingStep::ALL.len(), 9);
        assert_eq!(FoundingStep::ALL[0].label_zh(), "实施方案");
        assert_eq!(FoundingStep::ALL[8].label_zh(), "银行开户");
    }
}
