//! Excel exports. Cells that a spreadsheet would run as a formula
//! (`= + - @`, and tab/CR that some programs strip first) are written as
//! text with a leading apostrophe, so an exported name can never execute.

use rust_xlsxwriter::{Format, Workbook};

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

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
