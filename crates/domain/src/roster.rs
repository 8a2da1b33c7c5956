//! The columns of a roster (集中入会名单): which header names are understood,
//! and how one row becomes an application form.

use crate::error::{FieldError, ValidationErrors};
use crate::membership::{ApplicationForm, Occupation};

/// A roster column: the application field, the header written in the
/// template, the other header names understood, and whether it is required.
pub struct Column {
    pub field: &'static str,
    pub header_zh: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

pub const COLUMNS: &[Column] = &[
    Column {
        field: "name",
        header_zh: "姓名",
        aliases: &["name"],
        required: true,
    },
    Column {
        field: "id_number",
        header_zh: "身份证号",
        aliases: &["身份证号码", "公民身份号码", "证件号码", "id_number"],
        required: true,
    },
    Column {
        field: "phone",
        header_zh: "手机号",
        aliases: &["手机号码", "联系电话", "手机", "phone"],
        required: true,
    },
    Column {
        field: "occupation",
        header_zh: "职业群体",
        aliases: &["职业", "occupation"],
        required: true,
    },
    Column {
        field: "employer",
        header_zh: "工作单位或平台",
        aliases: &["工作单位", "所在平台", "平台", "employer"],
        required: false,
    },
    Column {
        field: "work_region",
        header_zh: "工作地区代码",
        aliases: &["工作地区", "区县代码", "work_region"],
        required: false,
    },
];

/// The header a field is reported under.
pub fn header_of(field: &str) -> &'static str {
    COLUMNS
        .iter()
        .find(|c| c.field == field)
        .map_or("", |c| c.header_zh)
}

/// Where each field sits in a roster's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    /// Cell index per entry of [`COLUMNS`].
    index: [Option<usize>; 6],
    /// Headers that name no field; their cells are not read.
    pub ignored: Vec<String>,
}

fn normalise(h: &str) -> String {
    h.trim().trim_end_matches(['*', '＊']).trim().to_lowercase()
}

impl Columns {
    /// Reads the header row. Missing required columns and columns given
    /// twice are refused, all named at once; the work region may be left out
    /// when the import supplies a default.
    pub fn from_headers(
        headers: &[String],
        has_default_region: bool,
    ) -> Result<Columns, ValidationErrors> {
        let mut index = [None; 6];
        let mut ignored = Vec::new();
        let mut e = ValidationErrors::new();
        for (i, h) in headers.iter().enumerate() {
            let h = normalise(h);
            if h.is_empty() {
                continue;
            }
            let found = COLUMNS.iter().position(|c| {
                normalise(c.header_zh) == h || c.aliases.iter().any(|a| normalise(a) == h)
            });
            match found {
                Some(k) if index[k].is_some() => e.push(
                    FieldError::new(COLUMNS[k].field, "roster.duplicate_column").with_label(
                        "column",
                        COLUMNS[k].header_zh,
                        COLUMNS[k].field,
                    ),
                ),
                Some(k) => index[k] = Some(i),
                None => ignored.push(headers[i].trim().to_string()),
            }
        }
        for (k, c) in COLUMNS.iter().enumerate() {
            let needed = c.required || (c.field == "work_region" && !has_default_region);
            if needed && index[k].is_none() {
                e.push(
                    FieldError::new(c.field, "roster.missing_column").with_label(
                        "column",
                        c.header_zh,
                        c.field,
                    ),
                );
            }
        }
        e.into_result()?;
        Ok(Columns { index, ignored })
    }

    /// The ID-number and phone cells that the sheet stored as numbers: in
    /// a General-format Excel cell an ID number keeps only 15 significant
    /// digits (`3.20102199303046e+17`), so it is refused, never repaired.
    pub fn stored_as_numbers(&self, numeric: &[bool]) -> Vec<FieldError> {
        let typed = |k: usize| self.index[k].is_some_and(|i| numeric.get(i) == Some(&true));
        let mut errors = Vec::new();
        if typed(1) {
            errors.push(FieldError::new("id_number", "roster.id_number_as_number"));
        }
        if typed(2) {
            errors.push(FieldError::new("phone", "roster.phone_as_number"));
        }
        errors
    }

    /// One row as an application form. Consent is the importing officer's
    /// confirmation that every listed person gave it.
    pub fn form(&self, cells: &[String], default_region: &str, consent: bool) -> ApplicationForm {
        let cell = |k: usize| -> &str {
            self.index[k]
                .and_then(|i| cells.get(i))
                .map_or("", |s| s.trim())
        };
        let region = match cell(5) {
            "" => default_region,
            r => r,
        };
        ApplicationForm {
            name: cell(0).to_string(),
            id_number: cell(1).to_string(),
            phone: cell(2).to_string(),
            occupation: occupation_code(cell(3)).to_string(),
            employer: cell(4).to_string(),
            work_region: region.to_string(),
            consent,
        }
    }
}

/// An occupation as people write it: the code, the label, or the label
/// without its note in brackets ("网约配送员（外卖骑手）" as "网约配送员" or
/// "外卖骑手"). Unknown text stays as it is and fails the form's check.
pub fn occupation_code(text: &str) -> &str {
    let t = text.trim();
    Occupation::ALL
        .iter()
        .find(|o| {
            let label = o.label_zh();
            let short = label.split('（').next().unwrap_or(label);
            let note = label
                .split_once('（')
                .map(|(_, n)| n.trim_end_matches('）'));
            o.code() == t || label == t || short == t || note == Some(t)
        })
        .map_or(t, |o| o.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn template_headers_and_aliases_are_understood() {
        let c = Columns::from_headers(
            &headers(&[
                "序号",
                "姓名*",
                "身份证号码",
                "手机",
                "职业群体",
                "所在平台",
            ]),
            true,
        )
        .unwrap();
        assert_eq!(c.ignored, vec!["序号"]);
        let f = c.form(
            &headers(&[
                "1",
                " 张伟 ",
                "320102199003071234",
                "13812345678",
                "外卖骑手",
                "某平台",
            ]),
            "320102",
            true,
        );
        assert_eq!(f.name, "张伟");
        assert_eq!(f.occupation, "delivery_rider");
        assert_eq!(f.work_region, "320102", "the default region fills in");
        assert_eq!(f.employer, "某平台");
    }

    #[test]
    fn missing_and_doubled_columns_are_named_at_once() {
        let e =
            Columns::from_headers(&headers(&["姓名", "手机号", "手机号码"]), false).unwrap_err();
        let codes: Vec<_> = e.0.iter().map(|x| (x.field.as_str(), x.code)).collect();
        assert!(codes.contains(&("phone", "roster.duplicate_column")));
        assert!(codes.contains(&("id_number", "roster.missing_column")));
        assert!(codes.contains(&("occupation", "roster.missing_column")));
        assert!(codes.contains(&("work_region", "roster.missing_column")));
        assert!(!codes.contains(&("employer", "roster.missing_column")));
    }

    #[test]
    fn occupations_as_people_write_them() {
        assert_eq!(occupation_code("快递员"), "courier");
        assert_eq!(occupation_code("网约配送员"), "delivery_rider");
        assert_eq!(
            occupation_code("ride_hailing_driver"),
            "ride_hailing_driver"
        );
        assert_eq!(occupation_code("宇航员"), "宇航员");
    }
}
