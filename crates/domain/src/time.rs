//! Times are stored in UTC and shown in China Standard Time.

use chrono::{DateTime, FixedOffset, Utc};

/// Asia/Shanghai has had a fixed +08:00 offset without daylight saving since
/// 1991, so a fixed offset is exact for every date this system stores and
/// spares the time-zone database.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// `2026-11-23 18:30` in China Standard Time.
pub fn format_local(t: DateTime<Utc>) -> String {
    t.with_timezone(&china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The calendar day of `t` in China, `YYYY-MM-DD`.
pub fn format_local_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&china()).format("%Y-%m-%d").to_string()
}

/// Today's calendar date in China.
pub fn today_china() -> chrono::NaiveDate {
    Utc::now().with_timezone(&china()).date_naive()
}

/// A day as forms and queries give it, `2026-03-01`; empty is none.
pub fn parse_date(
    field: &str,
    raw: Option<&str>,
) -> Result<Option<chrono::NaiveDate>, crate::FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| crate::FieldError::new(field, "date.format")),
    }
}
