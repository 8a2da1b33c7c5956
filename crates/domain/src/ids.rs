//! Identifiers with check characters: resident ID numbers (GB 11643),
//! unified social credit codes (GB 32100) and mainland mobile numbers.
//!
//! No maintained crate validates these Chinese codes (the design notes say
//! so for the credit code), hence the small hand-written checks below.

use crate::error::FieldError;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// First two digits of a resident ID number: provinces, plus 71/81/82/83 used
/// for Taiwan, Hong Kong, Macau and residence permits.
const PROVINCE_PREFIXES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// A resident identity card number (GB 11643), always the 18-character form.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

fn id_err(code: &'static str) -> FieldError {
    FieldError::new("id_number", code)
}

/// The GB 11643 check character of the first 17 digits.
pub fn id_check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

impl IdNumber {
    /// Parses an 18-character number, checking it against today's date in China.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_on(raw, crate::time::today_china())
    }

    /// Parses an 18-character number; the birth date must not be after `today`.
    pub fn parse_on(raw: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let v = raw.trim().to_ascii_uppercase();
        let b = v.as_bytes();
        if b.len() != 18 {
            return Err(id_err("id_number.length"));
        }
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(id_err("id_number.format"));
        }
        if !PROVINCE_PREFIXES.contains(&&v[..2]) {
            return Err(id_err("id_number.region"));
        }
        let birth = NaiveDate::parse_from_str(&v[6..14], "%Y%m%d")
            .map_err(|_| id_err("id_number.birth_date"))?;
        if birth > today || birth.year() < 1900 {
            return Err(id_err("id_number.birth_date"));
        }
        if id_check_char(&b[..17]) != b[17] {
            return Err(id_err("id_number.check_digit"));
        }
        Ok(Self(v))
    }

    /// Accepts an 18-character number or upgrades a legacy 15-digit one
    /// (born in the 1900s, no check digit) to 18 characters, as imports do.
    pub fn parse_allow_legacy(raw: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let v = raw.trim();
        if v.len() == 15 && v.bytes().all(|c| c.is_ascii_digit()) {
            let mut first17 = String::with_capacity(18);
            first17.push_str(&v[..6]);
            first17.push_str("19");
            first17.push_str(&v[6..]);
            let check = id_check_char(first17.as_bytes()) as char;
            first17.push(check);
            return Self::parse_on(&first17, today);
        }
        Self::parse_on(v, today)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("checked at parse")
    }

    /// Whole years of age on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        day.years_since(self.birth_date()).unwrap_or(0)
    }

    /// The county-level region code of the issuing office.
    pub fn region_prefix(&self) -> &str {
        &self.0[..6]
    }
}

impl fmt::Debug for IdNumber {
    // Never print a full ID number into logs, even by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", crate::mask::mask_id_number(&self.0))
    }
}

impl TryFrom<String> for IdNumber {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<IdNumber> for String {
    fn from(v: IdNumber) -> String {
        v.0
    }
}

/// The 31 characters of a unified social credit code (no I, O, S, V, Z).
const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn uscc_value(c: u8) -> Option<u32> {
    USCC_CHARS.iter().position(|&x| x == c).map(|p| p as u32)
}

/// The GB 32100 check character of the first 17 characters.
pub fn uscc_check_char(first17: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (c, w) in first17.iter().zip(USCC_WEIGHTS) {
        sum += uscc_value(*c)? * w;
    }
    Some(USCC_CHARS[((31 - sum % 31) % 31) as usize])
}

/// A unified social credit code (统一社会信用代码, GB 32100).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

fn uscc_err(code: &'static str) -> FieldError {
    FieldError::new("uscc", code)
}

impl Uscc {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let v = raw.trim().to_ascii_uppercase();
        let b = v.as_bytes();
        if b.len() != 18 {
            return Err(uscc_err("uscc.length"));
        }
        if b.iter().any(|c| uscc_value(*c).is_none()) {
            return Err(uscc_err("uscc.format"));
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(uscc_err("uscc.region"));
        }
        if uscc_check_char(&b[..17]) != Some(b[17]) {
            return Err(uscc_err("uscc.check_char"));
        }
        Ok(Self(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Registered by a trade union (8) as a grassroots union (1): `81…`.
    pub fn is_grassroots_union(&self) -> bool {
        self.0.starts_with("81")
    }
}

impl TryFrom<String> for Uscc {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<Uscc> for String {
    fn from(v: Uscc) -> String {
        v.0
    }
}

/// A mainland China mobile number, stored as its 11 digits.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts spaces, dashes and a `+86`/`86` country prefix around 11 digits.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| {
                (digits.len() == 13)
                    .then(|| digits.strip_prefix("86"))
                    .flatten()
            })
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        let ok = b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1]);
        if !ok {
            return Err(FieldError::new("phone", "phone.format"));
        }
        Ok(Self(digits.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", crate::mask::mask_phone(&self.0))
    }
}

impl TryFrom<String> for Phone {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(v: Phone) -> String {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn known_id_numbers() {
        // The sample number printed in GB 11643 itself.
        assert!(IdNumber::parse_on("11010519491231002X", today()).is_ok());
        assert!(IdNumber::parse_on("11010519491231002x", today()).is_ok());
        let e = IdNumber::parse_on("110105194912310021", today()).unwrap_err();
        assert_eq!(e.code, "id_number.check_digit");
        assert_eq!(
            IdNumber::parse_on("110105194902300021", today())
                .unwrap_err()
                .code,
            "id_number.birth_date"
        );
        assert_eq!(
            IdNumber::parse_on("99010519491231002X", today())
                .unwrap_err()
                .code,
            "id_number.region"
        );
        assert_eq!(
            IdNumber::parse_on("1101051949", today()).unwrap_err().code,
            "id_number.length"
        );
    }

    #[test]
    fn future_birth_date_is_refused() {
        let mut s = b"11010520300101001".to_vec();
        s.push(id_check_char(&s));
        let s = String::from_utf8(s).unwrap();
        assert_eq!(
            IdNumber::parse_on(&s, today()).unwrap_err().code,
            "id_number.birth_date"
        );
    }

    #[test]
    fn legacy_numbers_are_upgraded() {
        let id = IdNumber::parse_allow_legacy("110105491231002", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.age_on(today()), 76);
    }

    #[test]
    fn debug_output_is_masked() {
        let id = IdNumber::parse_on("11010519491231002X", today()).unwrap();
        assert_eq!(format!("{id:?}"), "IdNumber(110***********002X)");
    }

    #[test]
    fn known_credit_codes() {
        // A published company code (Huawei, Shenzhen) and a grassroots-union-shaped code.
        let c = Uscc::parse("914403001922038216").unwrap();
        assert!(!c.is_grassroots_union());
        let mut u = b"81320102MA1XYW123".to_vec();
        u.push(uscc_check_char(&u).unwrap());
        let u = Uscc::parse(std::str::from_utf8(&u).unwrap()).unwrap();
        assert!(u.is_grassroots_union());
        assert_eq!(
            Uscc::parse("91350100M000100Y44").unwrap_err().code,
            "uscc.check_char"
        );
        assert_eq!(
            Uscc::parse("91350100M000100YI3").unwrap_err().code,
            "uscc.format"
        );
        assert_eq!(Uscc::parse("9135").unwrap_err().code, "uscc.length");
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("138 1234 5678").unwrap().as_str(),
            "13812345678"
        );
        assert_eq!(
            Phone::parse("+86 138-1234-5678").unwrap().as_str(),
            "13812345678"
        );
        assert_eq!(
            Phone::parse("8613812345678").unwrap().as_str(),
            "13812345678"
        );
        assert!(Phone::parse("12812345678").is_err());
        assert!(Phone::parse("1381234567").is_err());
        assert!(Phone::parse("010-12345678").is_err());
    }

    prop_compose! {
        fn valid_id()(prefix in prop::sample::select(PROVINCE_PREFIXES), rest in "[0-9]{4}",
                      days in 0i64..40_000, seq in "[0-9]{3}") -> String {
            let birth = NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + chrono::Duration::days(days);
            let mut s = format!("{prefix}{rest}{}{seq}", birth.format("%Y%m%d")).into_bytes();
            s.push(id_check_char(&s));
            String::from_utf8(s).unwrap()
        }
    }

    prop_compose! {
        fn valid_uscc()(body in "[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{9}") -> String {
            let mut s = body.into_bytes();
            s.push(uscc_check_char(&s).unwrap());
            String::from_utf8(s).unwrap()
        }
    }

    proptest! {
        #[test]
        fn every_valid_id_is_accepted(id in valid_id()) {
            prop_assert!(IdNumber::parse_on(&id, today()).is_ok());
        }

        #[test]
        fn every_single_change_of_an_id_is_rejected(id in valid_id(), pos in 0usize..18, c in prop::sample::select(b"0123456789X".to_vec())) {
            let mut b = id.clone().into_bytes();
            prop_assume!(b[pos] != c);
            b[pos] = c;
            prop_assert!(IdNumber::parse_on(std::str::from_utf8(&b).unwrap(), today()).is_err());
        }

        #[test]
        fn every_adjacent_swap_of_an_id_is_rejected(id in valid_id(), pos in 0usize..17) {
            let mut b = id.clone().into_bytes();
            prop_assume!(b[pos] != b[pos + 1]);
            b.swap(pos, pos + 1);
            prop_assert!(IdNumber::parse_on(std::str::from_utf8(&b).unwrap(), today()).is_err());
        }

        #[test]
        fn every_valid_uscc_is_accepted(c in valid_uscc()) {
            prop_assert!(Uscc::parse(&c).is_ok());
        }

        #[test]
        fn every_single_change_of_a_uscc_is_rejected(c in valid_uscc(), pos in 0usize..18, x in prop::sample::select(USCC_CHARS.to_vec())) {
            let mut b = c.clone().into_bytes();
            prop_assume!(b[pos] != x);
            b[pos] = x;
            prop_assert!(Uscc::parse(std::str::from_utf8(&b).unwrap()).is_err());
        }

        #[test]
        fn every_adjacent_swap_of_a_uscc_is_rejected(c in valid_uscc(), pos in 0usize..17) {
            let mut b = c.clone().into_bytes();
            prop_assume!(b[pos] != b[pos + 1]);
            b.swap(pos, pos + 1);
            prop_assert!(Uscc::parse(std::str::from_utf8(&b).unwrap()).is_err());
        }
    }
}
