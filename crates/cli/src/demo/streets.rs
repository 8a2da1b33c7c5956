//! Nanjing's street-level regions, shipped in `samples/streets-nanjing.csv`
//! (real GB/T 2260 codes), and how the demo uses each of them.

use crate::csv;

const STREETS_CSV: &str = include_str!("../../../../samples/streets-nanjing.csv");

/// The city whose districts the demo builds on.
pub const CITY_CODE: &str = "320100";

/// One row of the street file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreetRow {
    pub line: usize,
    pub code: String,
    pub name: String,
    pub parent: String,
}

/// What a 9-digit region becomes in the demo tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// A street (街道) or town (镇): gets a street federation.
    Street,
    /// A development zone or park: gets a regional federation.
    Zone,
    /// Prisons, state farms, forest farms, offices: no union here.
    Skip,
}

impl StreetRow {
    pub fn usage(&self) -> Use {
        const SKIP: [&str; 5] = ["监狱", "场", "办公室", "发展服务", "中心"];
        const ZONE: [&str; 8] = [
            "开发区",
            "园",
            "谷",
            "大学城",
            "街区",
            "风光带",
            "度假区",
            "高新",
        ];
        if self.name.ends_with("街道") || self.name.ends_with('镇') {
            Use::Street
        } else if SKIP.iter().any(|s| self.name.contains(s)) {
            Use::Skip
        } else if ZONE.iter().any(|s| self.name.contains(s)) {
            Use::Zone
        } else {
            Use::Skip
        }
    }

    /// `梅园新村街道` → `梅园新村`, `竹镇镇` → `竹镇`: the stem shops and
    /// stations are named after.
    pub fn stem(&self) -> &str {
        let n = self.name.as_str();
        n.strip_suffix("街道")
            .or_else(|| n.strip_suffix('镇'))
            .filter(|s| s.chars().count() >= 2)
            .unwrap_or(n)
    }
}

/// All rows of the shipped file, in file order.
pub fn rows() -> Vec<StreetRow> {
    let (_, records) = csv::parse(STREETS_CSV);
    records
        .into_iter()
        .map(|r| {
            let r = r.expect("the shipped street file is valid CSV");
            let [code, name, parent]: [String; 3] = r
                .fields
                .try_into()
                .expect("three columns in the shipped street file");
            StreetRow {
                line: r.line,
                code,
                name,
                parent,
            }
        })
        .collect()
}

/// `玄武区` → `玄武`.
pub fn district_short(name: &str) -> &str {
    name.strip_suffix('区')
        .filter(|s| s.chars().count() >= 2)
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_covers_the_eleven_districts() {
        let rows = rows();
        assert_eq!(rows.len(), 140);
        let mut parents: Vec<&str> = rows.iter().map(|r| r.parent.as_str()).collect();
        parents.dedup();
        assert_eq!(parents.len(), 11);
        let streets = rows.iter().filter(|r| r.usage() == Use::Street).count();
        assert!((95..=110).contains(&streets), "{streets}");
    }

    #[test]
    fn usage_and_stems() {
        let row = |name: &str| StreetRow {
            line: 2,
            code: "320102002".into(),
            name: name.into(),
            parent: "320102".into(),
        };
        assert_eq!(row("梅园新村街道").usage(), Use::Street);
        assert_eq!(row("梅园新村街道").stem(), "梅园新村");
        assert_eq!(row("竹镇镇").stem(), "竹镇");
        assert_eq!(row("白马镇").stem(), "白马");
        assert_eq!(row("江宁开发区").usage(), Use::Zone);
        assert_eq!(row("中国（南京）软件谷").usage(), Use::Zone);
        assert_eq!(row("龙潭监狱").usage(), Use::Skip);
        assert_eq!(row("老山林场").usage(), Use::Skip);
        assert_eq!(row("高淳县茶叶实验场").usage(), Use::Skip);
        assert_eq!(district_short("玄武区"), "玄武");
    }
}
