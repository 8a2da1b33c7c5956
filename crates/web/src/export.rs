//! Excel exports. Cells that a spreadsheet would run as a formula
//! (`= + - @`, and tab/CR that some programs strip first) are written as
//! text with a leading apostrophe, so an exported name can never execute.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

use crate::http::urlencode;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook download. Private (`no-store`): exports carry personal
/// data, and a shared computer's cache must not keep them. The name may be
/// Chinese: it goes as RFC 6266's UTF-8 `filename*`, with an ASCII
/// fallback for old clients.
pub fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, XLSX_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                    urlencode(filename)
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// `<what>-<organisation>-<YYYY-MM-DD>.xlsx` (China date), or without the
/// organisation: a file saved from several exports says which is which.
pub fn dated_name(parts: &str) -> String {
    format!(
        "{parts}-{}.xlsx",
        nuanxin_domain::time::today_china().format("%Y-%m-%d")
    )
}

pub fn escape_cell(v: &str) -> String {
    match v.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{v}"),
        _ => v.to_string(),
    }
}

/// One sheet with a bold header row; every cell is text.
pub fn xlsx(sheet: &str, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, 18)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string((r + 1) as u32, c as u16, escape_cell(v))?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// The roster template: the header row to fill in, and a sheet that says
/// what each column takes.
pub fn roster_template() -> anyhow::Result<Vec<u8>> {
    use nuanxin_domain::membership::Occupation;
    use nuanxin_domain::roster::COLUMNS;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name("名单")?;
    for (c, col) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, col.header_zh, &bold)?;
        // Text columns, so Excel keeps all 18 digits of an ID number.
        ws.set_column_width(c as u16, 22)?;
        ws.set_column_format(c as u16, &text)?;
    }
    let notes = wb.add_worksheet();
    notes.set_name("填写说明")?;
    notes.set_column_width(0, 16)?;
    notes.set_column_width(1, 70)?;
    let lines = [
        ("姓名", "必填，与身份证一致".to_string()),
        (
            "身份证号",
            "必填，18 位；请保持“文本”格式，否则 Excel 会丢失末尾数字".to_string(),
        ),
        ("手机号", "必填，11 位大陆手机号".to_string()),
        (
            "职业群体",
            format!(
                "必填，可填：{}",
                Occupation::ALL
                    .iter()
                    .map(|o| o.label_zh())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        ),
        ("工作单位或平台", "选填".to_string()),
        (
            "工作地区代码",
            "区县或街道的行政区划代码，如 320102；不填则用导入工会所在区县".to_string(),
        ),
    ];
    notes.write_string_with_format(0, 0, "列", &bold)?;
    notes.write_string_with_format(0, 1, "说明", &bold)?;
    for (r, (col, note)) in lines.iter().enumerate() {
        notes.write_string((r + 1) as u32, 0, *col)?;
        notes.write_string((r + 1) as u32, 1, note)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_escaped() {
        assert_eq!(escape_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape_cell("+1"), "'+1");
        assert_eq!(escape_cell("@SUM"), "'@SUM");
        assert_eq!(escape_cell("-2"), "'-2");
        assert_eq!(escape_cell("工会"), "工会");
    }

    #[test]
    fn writes_a_workbook() {
        let bytes = xlsx("t", &["a"], &[vec!["=1+1".into()]]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
