//! Routing rules as data ("系统平台分派处理"): what a rule matches, where it
//! stands in the default order, and how employer names are compared.
//!
//! A rule says: an application whose employer names this keyword, or whose
//! occupation group is this one, from this area, goes to that union. Rules
//! are tried by stage first, which is the domain's default order (the
//! employer's own union, then the platform's partner union in the district,
//! then the occupation's union, then the area's union); within a stage, the
//! rules of the most local organisation come first, then each
//! organisation's own order.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, ValidationErrors};
use crate::membership::Occupation;
use crate::region::{RegionCode, Regions};
use crate::text;

crate::org::coded_enum! {
    /// Where a rule stands in the default order, derived from what it
    /// matches; stages sort in that order.
    Stage {
        // An employer keyword, anywhere in the owner's area: the employer's own union.
        Employer = "employer", "工作单位", "Employer";
        // An employer (platform) keyword in a named area: the union of that
        // platform's partner companies there.
        PlatformPartner = "platform_partner", "平台合作商", "Platform partner";
        // An occupation group: that group's industry union.
        Occupation = "occupation", "职业群体", "Occupation group";
        // Only an area: the area's catch-all union.
        Region = "region", "地区兜底", "Area catch-all";
    }
}

/// Employer names as compared by rules: without spaces, full-width Latin
/// letters and digits made half-width, lower case. "美团 外卖" and
/// "美团外卖", "ＳＦ" and "sf" are the same employer to a rule.
pub fn normalize_employer(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The shortest employer keyword: one character would match half the city.
pub const MIN_KEYWORD_CHARS: usize = 2;

/// A rule as typed into the console or posted to the API.
#[derive(Debug, Clone, Default)]
pub struct RuleForm {
    pub employer: String,
    pub occupation: String,
    pub region_code: String,
    pub reason: String,
}

/// A checked rule, without its owner and target (which the store checks
/// against the tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleConditions {
    /// Normalised keyword that the employer name must contain.
    pub employer: Option<String>,
    pub occupation: Option<Occupation>,
    /// The area the rule covers; none means the owner's whole area.
    pub region: Option<RegionCode>,
    /// Shown to the worker after "已分派至 X："; none means the stage's default.
    pub reason: Option<String>,
}

impl RuleConditions {
    pub fn stage(&self) -> Stage {
        match (&self.employer, &self.region, self.occupation) {
            (Some(_), None, _) => Stage::Employer,
            (Some(_), Some(_), _) => Stage::PlatformPartner,
            (None, _, Some(_)) => Stage::Occupation,
            (None, _, None) => Stage::Region,
        }
    }
}

impl RuleForm {
    /// Checks every field and reports every problem at once. The owner's
    /// region bounds the rule's area: a district's rule cannot cover
    /// another district.
    pub fn check(
        &self,
        regions: &Regions,
        owner_region: &RegionCode,
    ) -> Result<RuleConditions, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let employer = e
            .check(text::optional_line(
                "employer",
                "label-employer_keyword",
                Some(&self.employer),
                60,
            ))
            .flatten()
            .map(|k| normalize_employer(&k));
        if let Some(k) = &employer {
            if k.chars().count() < MIN_KEYWORD_CHARS {
                e.push(
                    FieldError::new("employer", "routing_rule.keyword_too_short")
                        .with("min_keyword_chars", MIN_KEYWORD_CHARS),
                );
            }
        }
        let occupation = match self.occupation.trim() {
            "" => None,
            code => e.check(Occupation::parse(code)),
        };
        let region = match self.region_code.trim() {
            "" => None,
            raw => e
                .check(regions.validate(raw).map_err(|mut f| {
                    f.field = "region_code".into();
                    f
                }))
                .and_then(|r| {
                    if r.is_within(owner_region) {
                        Some(r)
                    } else {
                        e.push(
                            FieldError::new("region_code", "routing_rule.region_outside")
                                .with("region", regions.full_name(owner_region.as_str())),
                        );
                        None
                    }
                }),
        };
        let reason = e
            .check(text::optional_line(
                "reason",
                "label-rule_reason",
                Some(&self.reason),
                100,
            ))
            .flatten();
        if e.is_empty() {
            Ok(RuleConditions {
                employer,
                occupation,
                region,
                reason,
            })
        } else {
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner() -> RegionCode {
        RegionCode::parse("320102").unwrap()
    }

    fn form(employer: &str, occupation: &str, region: &str) -> RuleForm {
        RuleForm {
            employer: employer.into(),
            occupation: occupation.into(),
            region_code: region.into(),
            reason: String::new(),
        }
    }

    #[test]
    fn employer_names_compare_without_spaces_width_or_case() {
        assert_eq!(normalize_employer(" 美团 外卖 "), "美团外卖");
        assert_eq!(normalize_employer("ＳＦ速运"), "sf速运");
        assert_eq!(normalize_employer("SF速运"), "sf速运");
    }

    #[test]
    fn the_stage_follows_the_default_order() {
        let r = Regions::shipped();
        let stage = |f: RuleForm| f.check(&r, &owner()).unwrap().stage();
        assert_eq!(stage(form("顺丰", "", "")), Stage::Employer);
        assert_eq!(stage(form("美团", "", "320102")), Stage::PlatformPartner);
        assert_eq!(stage(form("", "courier", "")), Stage::Occupation);
        assert_eq!(stage(form("", "", "")), Stage::Region);
        assert!(Stage::Employer < Stage::PlatformPartner);
        assert!(Stage::Occupation < Stage::Region);
    }

    #[test]
    fn bad_fields_are_all_named() {
        let r = Regions::shipped();
        let e = form("美", "pilot", "320200")
            .check(&r, &owner())
            .unwrap_err();
        let codes: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("employer", "routing_rule.keyword_too_short"),
                ("occupation", "occupation.unknown"),
                ("region_code", "routing_rule.region_outside"),
            ]
        );
        let e = form("", "", "999999").check(&r, &owner()).unwrap_err();
        assert_eq!(e.0[0].field, "region_code");
    }
}
