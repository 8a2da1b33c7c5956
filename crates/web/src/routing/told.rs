//! What a worker is told about where their application went and why, in
//! the reader's language, from the route's code and arguments.

use nuanxin_domain::membership::Occupation;
use nuanxin_domain::routing_rule::Stage;
use nuanxin_store::routing::RouteArgs;

use crate::i18n::Tr;

/// The sentence for a route decided by `rule` with `args`; `legacy` (the
/// stored Chinese sentence) for an application from before arguments
/// were kept.
pub fn told(t: Tr, rule: &str, args: Option<&RouteArgs>, legacy: &str) -> String {
    let Some(a) = args else {
        return legacy.to_string();
    };
    let occupation = a
        .occupation
        .as_deref()
        .and_then(Occupation::from_code)
        .map(|o| o.label(t.en()))
        .unwrap_or_default();
    let union = a.union.as_str();
    match rule {
        "scanned_union" => t.f("told-scanned_union", "union", union),
        "industry_federation" => t.f2(
            "told-industry_federation",
            "union",
            union,
            "occupation",
            occupation,
        ),
        "catch_all_union" => t.f("told-catch_all_union", "union", union),
        "reviewer" => t.f2(
            "told-reviewer",
            "union",
            union,
            "reason",
            a.reason.as_deref().unwrap_or_default(),
        ),
        _ => {
            let stage = a.stage.as_deref().and_then(Stage::from_code);
            let reason = a
                .reason
                .clone()
                .unwrap_or_else(|| stage_reason(t, stage, occupation));
            t.f2("told-rule", "union", union, "reason", reason)
        }
    }
}

/// A routing rule's reason when it has none of its own: its stage's.
pub fn stage_reason(t: Tr, stage: Option<Stage>, occupation: &str) -> String {
    match stage {
        Some(Stage::Employer) => t.s("told-stage-employer"),
        Some(Stage::PlatformPartner) => t.s("told-stage-platform_partner"),
        Some(Stage::Occupation) => t.f("told-stage-occupation", "occupation", occupation),
        Some(Stage::Region) | None => t.s("told-stage-region"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_route_reads_in_each_language() {
        let a = RouteArgs {
            union: "玄武区快递行业工会联合会".into(),
            occupation: Some("courier".into()),
            ..Default::default()
        };
        assert_eq!(
            told(Tr::ZH, "industry_federation", Some(&a), ""),
            "已分派至 玄武区快递行业工会联合会：您所在地区有快递员行业工会联合会"
        );
        assert_eq!(
            told(Tr::EN, "industry_federation", Some(&a), ""),
            "Sent to 玄武区快递行业工会联合会: the industry federation for your occupation group \
             (Courier) in your area takes it"
        );
        let rule = RouteArgs {
            stage: Some("occupation".into()),
            ..a.clone()
        };
        assert_eq!(
            told(Tr::ZH, "rule:7", Some(&rule), ""),
            "已分派至 玄武区快递行业工会联合会：该工会负责受理快递员入会"
        );
        let typed = RouteArgs {
            reason: Some("顺丰同城骑手由本会受理".into()),
            ..rule
        };
        assert!(told(Tr::EN, "rule:7", Some(&typed), "").ends_with(": 顺丰同城骑手由本会受理"));
        assert_eq!(told(Tr::EN, "scanned_union", None, "旧的说明"), "旧的说明");
    }
}
