//! Membership: who may apply, the membership number, and the life of a
//! membership as a state machine.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, ValidationErrors};
use crate::ids::{IdNumber, Phone};
use crate::org::coded_enum;
use crate::region::{RegionCode, RegionLevel, Regions};

pub mod request;

/// Youngest age at which a worker may join (the legal working age).
pub const MIN_AGE: u32 = 16;

coded_enum! {
    /// The "eight groups" of new-employment-form workers, ride-hailing
    /// drivers, and everyone else.
    Occupation {
        TruckDriver = "truck_driver", "货车司机", "Truck driver";
        Courier = "courier", "快递员", "Courier";
        DeliveryRider = "delivery_rider", "网约配送员（外卖骑手）", "Delivery rider";
        RideHailingDriver = "ride_hailing_driver", "网约车司机", "Ride-hailing driver";
        DomesticWorker = "domestic_worker", "家政服务员", "Domestic worker";
        CareWorker = "care_worker", "护工护理员", "Care worker";
        RetailInformation = "retail_information", "商场信息员", "Retail information worker";
        EstateAgent = "estate_agent", "房产中介", "Estate agent";
        SecurityGuard = "security_guard", "保安员", "Security guard";
        Other = "other", "其他", "Other";
    }
}

impl Occupation {
    /// An occupation group from a form's or a body's `occupation` field.
    pub fn parse(raw: &str) -> Result<Occupation, FieldError> {
        Occupation::from_code(raw.trim())
            .ok_or_else(|| FieldError::new("occupation", "occupation.unknown"))
    }
}

coded_enum! {
    MembershipStatus {
        Applied = "applied", "待审核", "Applied";
        Rejected = "rejected", "未通过", "Rejected";
        Active = "active", "有效", "Active";
        Transferring = "transferring", "转接中", "Transferring";
        Left = "left", "已退会", "Left";
    }
}

impl MembershipStatus {
    /// The legal transitions, in one place: an application is approved or
    /// rejected; an active membership moves through a transfer back to
    /// active (at the receiving union, or at home when refused) or ends.
    pub fn can_become(self, next: MembershipStatus) -> bool {
        use MembershipStatus::*;
        matches!(
            (self, next),
            (Applied, Active)
                | (Applied, Rejected)
                | (Active, Transferring)
                | (Transferring, Active)
                | (Active, Left)
        )
    }

    /// Whether the record still holds the person's one membership (or the
    /// application for it); rejected and left records are history.
    pub fn is_open(self) -> bool {
        !matches!(self, MembershipStatus::Rejected | MembershipStatus::Left)
    }

    pub fn transition(self, next: MembershipStatus) -> Result<MembershipStatus, FieldError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(FieldError::new("status", "membership.illegal_transition")
                .with_label("from", self.label_zh(), self.label_en())
                .with_label("to", next.label_zh(), next.label_en()))
        }
    }
}

const MEMBER_NO_CHECK: &[u8; 11] = b"0123456789X";

/// ISO 7064 MOD 11-2 over digits, as resident ID numbers use it.
fn mod11_2(digits: &[u8]) -> u8 {
    let mut p: u32 = 0;
    for d in digits {
        p = ((p + u32::from(d - b'0')) * 2) % 11;
    }
    MEMBER_NO_CHECK[((12 - p % 11) % 11) as usize]
}

/// A nationally unique membership number: the issuing union's county-level
/// region code (6 digits), the year of issue (2), a sequence (8) and an
/// ISO 7064 MOD 11-2 check character: `320102 26 00000042 X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MemberNo(String);

impl MemberNo {
    /// Issues a number; `region` is cut to its county-level prefix.
    pub fn issue(region: &RegionCode, year: i32, seq: u32) -> Result<MemberNo, FieldError> {
        if seq == 0 || seq > 99_999_999 {
            return Err(FieldError::new("member_no", "member_no.sequence"));
        }
        let mut s = format!("{}{seq:08}", MemberNo::prefix(region, year));
        let check = mod11_2(s.as_bytes());
        s.push(check as char);
        Ok(MemberNo(s))
    }

    /// What numbers of one region and year share, and what their sequence
    /// counts within: the county-level region and the year (`32010226`).
    pub fn prefix(region: &RegionCode, year: i32) -> String {
        format!("{}{:02}", &region.as_str()[..6], year.rem_euclid(100))
    }

    pub fn parse(raw: &str) -> Result<MemberNo, FieldError> {
        let v = raw.trim().to_ascii_uppercase();
        let b = v.as_bytes();
        let well_formed = b.len() == 17
            && b[..16].iter().all(u8::is_ascii_digit)
            && MEMBER_NO_CHECK.contains(&b[16]);
        if !well_formed || mod11_2(&b[..16]) != b[16] {
            return Err(FieldError::new("member_no", "member_no.invalid"));
        }
        Ok(MemberNo(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The county-level region of the issuing union.
    pub fn region_prefix(&self) -> &str {
        &self.0[..6]
    }
}

impl TryFrom<String> for MemberNo {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<MemberNo> for String {
    fn from(v: MemberNo) -> String {
        v.0
    }
}

/// A membership application as typed by a worker.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApplicationForm {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub occupation: String,
    pub employer: String,
    pub work_region: String,
    /// The separate, unbundled consent to the personal-information notice.
    pub consent: bool,
}

/// A checked application.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: Phone,
    pub occupation: Occupation,
    pub employer: Option<String>,
    pub work_region: RegionCode,
}

/// A person's name as on the ID card: 2–30 characters of letters (any
/// script), with `·` or `•` between the parts of minority and foreign names.
pub fn parse_person_name(raw: &str) -> Result<String, FieldError> {
    let v: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = v.chars().count();
    let ok = (2..=30).contains(&n)
        && v.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '·' | '•' | ' '))
        && v.chars().next().is_some_and(char::is_alphabetic)
        && v.chars().last().is_some_and(char::is_alphabetic);
    if ok {
        Ok(v)
    } else if v.chars().any(|c| c.is_numeric()) {
        // Often a roster whose columns slipped, or a number typed into
        // the name: say so, rather than only what a name should be.
        Err(FieldError::new("name", "name.has_digit"))
    } else {
        Err(FieldError::new("name", "name.format"))
    }
}

impl ApplicationForm {
    /// Checks every field at once, so the form can show each message next to
    /// its field. `today` decides the age.
    pub fn check(
        &self,
        regions: &Regions,
        today: NaiveDate,
    ) -> Result<Application, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = e.check(parse_person_name(&self.name));
        let id = e.check(IdNumber::parse_on(&self.id_number, today));
        if let Some(id) = &id {
            if id.age_on(today) < MIN_AGE {
                e.push(
                    FieldError::new("id_number", "id_number.too_young").with("min_age", MIN_AGE),
                );
            }
        }
        let phone = e.check(Phone::parse(&self.phone));
        let occupation = e.check(Occupation::parse(&self.occupation));
        let employer = e.check(crate::text::optional_line(
            "employer",
            "label-employer",
            Some(&self.employer),
            100,
        ));
        let region = e.check(parse_work_region(regions, &self.work_region));
        if !self.consent {
            e.push(FieldError::new("consent", "consent.required"));
        }
        e.clone().into_result()?;
        Ok(Application {
            name: name.expect("checked"),
            id_number: id.expect("checked"),
            phone: phone.expect("checked"),
            occupation: occupation.expect("checked"),
            employer: employer.expect("checked"),
            work_region: region.expect("checked"),
        })
    }
}

/// A correction of a member's data as staff type it: an empty field keeps
/// what is on record. The reason goes to the history and the audit trail.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub work_region: String,
    #[serde(default)]
    pub reason: String,
}

/// A checked correction: only the fields that are to change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Correction {
    pub name: Option<String>,
    pub id_number: Option<IdNumber>,
    pub phone: Option<Phone>,
    pub occupation: Option<Occupation>,
    pub employer: Option<String>,
    pub work_region: Option<RegionCode>,
    pub reason: String,
}

impl CorrectionForm {
    /// Checks every field typed, with the join form's rules, at once.
    pub fn check(
        &self,
        regions: &Regions,
        today: NaiveDate,
    ) -> Result<Correction, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let given = |s: &str| !s.trim().is_empty();
        let name = given(&self.name)
            .then(|| e.check(parse_person_name(&self.name)))
            .flatten();
        let id_number = given(&self.id_number)
            .then(|| e.check(IdNumber::parse_on(&self.id_number, today)))
            .flatten();
        let phone = given(&self.phone)
            .then(|| e.check(Phone::parse(&self.phone)))
            .flatten();
        let occupation = given(&self.occupation)
            .then(|| e.check(Occupation::parse(&self.occupation)))
            .flatten();
        let employer = e
            .check(crate::text::optional_line(
                "employer",
                "label-employer",
                Some(&self.employer),
                100,
            ))
            .flatten();
        let work_region = given(&self.work_region)
            .then(|| e.check(parse_work_region(regions, &self.work_region)))
            .flatten();
        let reason = e.check(crate::text::required_line(
            "reason",
            "label-correction_reason",
            &self.reason,
            200,
        ));
        let c = Correction {
            name,
            id_number,
            phone,
            occupation,
            employer,
            work_region,
            reason: reason.unwrap_or_default(),
        };
        if e.is_empty()
            && c == (Correction {
                reason: c.reason.clone(),
                ..Default::default()
            })
        {
            e.push(FieldError::new("name", "membership.nothing_to_correct"));
        }
        e.into_result()?;
        Ok(c)
    }
}

/// Where the applicant works: a known district, county or street, as the
/// application form asks and as a routing trial checks it.
pub fn parse_work_region(regions: &Regions, raw: &str) -> Result<RegionCode, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new("work_region", "work_region.required"));
    }
    let r = regions.validate(raw).map_err(|err| err.at("work_region"))?;
    if r.level() == RegionLevel::Province || r.level() == RegionLevel::City {
        return Err(FieldError::new("work_region", "work_region.too_coarse"));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn id_born(date: &str) -> String {
        let mut s = format!("320102{date}123").into_bytes();
        s.push(crate::ids::id_check_char(&s));
        String::from_utf8(s).unwrap()
    }

    fn form() -> ApplicationForm {
        ApplicationForm {
            name: "张伟".into(),
            id_number: id_born("19900307"),
            phone: "13812345678".into(),
            occupation: "delivery_rider".into(),
            employer: "某外卖平台合作商".into(),
            work_region: "320102".into(),
            consent: true,
        }
    }

    #[test]
    fn a_good_application_passes() {
        let a = form().check(&Regions::shipped(), today()).unwrap();
        assert_eq!(a.occupation, Occupation::DeliveryRider);
        assert_eq!(a.work_region.as_str(), "320102");
    }

    #[test]
    fn every_field_is_checked_at_once() {
        let bad = ApplicationForm {
            name: "<b>".into(),
            id_number: id_born("20120101"),
            phone: "12345".into(),
            occupation: "pilot".into(),
            employer: "".into(),
            work_region: "320100".into(),
            consent: false,
        };
        let e = bad.check(&Regions::shipped(), today()).unwrap_err();
        let codes: Vec<&str> = e.0.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            [
                "name.format",
                "id_number.too_young",
                "phone.format",
                "occupation.unknown",
                "work_region.too_coarse",
                "consent.required"
            ]
        );
    }

    #[test]
    fn an_empty_district_asks_for_one() {
        let e = parse_work_region(&Regions::shipped(), " ").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_str()),
            ("work_region.required", "work_region")
        );
    }

    #[test]
    fn a_name_with_a_digit_says_so() {
        assert_eq!(
            parse_person_name("张伟2").unwrap_err().code,
            "name.has_digit"
        );
        assert_eq!(
            parse_person_name("13812345678").unwrap_err().code,
            "name.has_digit"
        );
        assert_eq!(parse_person_name("张").unwrap_err().code, "name.format");
        assert_eq!(parse_person_name("阿卜杜·热合曼").unwrap(), "阿卜杜·热合曼");
    }

    #[test]
    fn sixteen_today_may_join() {
        let mut f = form();
        f.id_number = id_born("20101123");
        assert!(f.check(&Regions::shipped(), today()).is_ok());
        f.id_number = id_born("20101124");
        assert!(f.check(&Regions::shipped(), today()).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(parse_person_name(" 买买提·艾力 ").unwrap(), "买买提·艾力");
        assert!(parse_person_name("张").is_err());
        assert!(parse_person_name("张3").is_err());
        assert!(parse_person_name("·张三").is_err());
    }

    #[test]
    fn the_membership_machine() {
        use MembershipStatus::*;
        for (from, to) in [
            (Applied, Active),
            (Applied, Rejected),
            (Active, Transferring),
            (Transferring, Active),
            (Active, Left),
        ] {
            assert!(from.can_become(to), "{from:?} -> {to:?}");
        }
        for (from, to) in [
            (Rejected, Active),
            (Left, Active),
            (Applied, Transferring),
            (Transferring, Left),
            (Active, Applied),
        ] {
            assert_eq!(
                from.transition(to).unwrap_err().code,
                "membership.illegal_transition",
                "{from:?} -> {to:?}"
            );
        }
    }

    #[test]
    fn member_numbers() {
        let r = RegionCode::parse("320102005").unwrap();
        let n = MemberNo::issue(&r, 2026, 42).unwrap();
        assert_eq!(&n.as_str()[..16], "3201022600000042");
        assert_eq!(n.region_prefix(), "320102");
        assert_eq!(MemberNo::parse(n.as_str()).unwrap(), n);
        assert!(MemberNo::issue(&r, 2026, 0).is_err());
    }

    proptest! {
        #[test]
        fn every_single_change_of_a_member_no_is_rejected(seq in 1u32..99_999_999, year in 2000i32..2100, pos in 0usize..17, c in prop::sample::select(b"0123456789X".to_vec())) {
            let n = MemberNo::issue(&RegionCode::parse("110105").unwrap(), year, seq).unwrap();
            let mut b = n.as_str().as_bytes().to_vec();
            prop_assume!(b[pos] != c);
            b[pos] = c;
            prop_assert!(MemberNo::parse(std::str::from_utf8(&b).unwrap()).is_err());
        }

        #[test]
        fn every_adjacent_swap_of_a_member_no_is_rejected(seq in 1u32..99_999_999, pos in 0usize..16) {
            let n = MemberNo::issue(&RegionCode::parse("110105").unwrap(), 2026, seq).unwrap();
            let mut b = n.as_str().as_bytes().to_vec();
            prop_assume!(b[pos] != b[pos + 1]);
            b.swap(pos, pos + 1);
            prop_assert!(MemberNo::parse(std::str::from_utf8(&b).unwrap()).is_err());
        }
    }
}
