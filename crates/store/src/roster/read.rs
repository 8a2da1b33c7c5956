//! Reading a roster file, `.xlsx` or `.csv`, row by row without holding the
//! rows: a million-row roster streams through in a few megabytes beyond the
//! file itself (and, for `.xlsx`, its shared-string table).

use std::io::{BufReader, Cursor, Read, Seek};
use std::ops::ControlFlow;

use calamine::{Data, DataRef, Reader, Xlsx};
use nuanxin_domain::FieldError;

/// How a zip archive, and so an `.xlsx` file, begins.
const XLSX_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// Most data rows one roster may have; larger lists are split.
pub const MAX_ROWS: u32 = 1_000_000;
/// Cells beyond this column are not read: a roster has a handful of
/// columns, and a crafted sheet must not make a row allocate gigabytes.
const MAX_COLUMNS: usize = 256;

/// An opened roster.
pub enum RosterFile {
    Xlsx {
        book: Box<Xlsx<Box<dyn ReadSeek>>>,
        sheet: String,
    },
    /// The text of a `.csv` file, decoded to UTF-8.
    Csv(String),
    /// Rows given directly, the header first (a platform's roster push).
    /// The header is row 0, so row numbers are the 1-based positions of the
    /// items, and blank items are kept (and refused) rather than skipped.
    Rows(Vec<Vec<String>>),
}

/// Where an `.xlsx` roster is read from: its bytes in memory (an upload),
/// or the file itself (the command line), which then never has to be held
/// whole.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

fn unreadable(detail: impl std::fmt::Display) -> FieldError {
    FieldError::new("file", "roster.unreadable").with("detail", detail)
}

impl RosterFile {
    /// Opens a roster file: an `.xlsx` is read from the file as it is
    /// needed, anything else as [`RosterFile::open`] reads its bytes.
    pub fn open_file(mut file: std::fs::File) -> Result<RosterFile, FieldError> {
        let mut magic = [0u8; 4];
        let is_xlsx = file.read_exact(&mut magic).is_ok() && magic == *XLSX_MAGIC;
        file.rewind().map_err(unreadable)?;
        if is_xlsx {
            return Self::xlsx(Box::new(BufReader::new(file)));
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(unreadable)?;
        Self::open(bytes)
    }

    fn xlsx(source: Box<dyn ReadSeek>) -> Result<RosterFile, FieldError> {
        let book = Xlsx::new(source).map_err(unreadable)?;
        let sheet = book
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| unreadable("no worksheet"))?;
        Ok(RosterFile::Xlsx {
            book: Box::new(book),
            sheet,
        })
    }

    /// Opens a roster from its bytes: a zip archive is read as `.xlsx` (its
    /// first sheet), anything else as `.csv` in UTF-8 (with or without a
    /// byte-order mark) or, as Excel saves it on Chinese systems, GB18030.
    pub fn open(bytes: Vec<u8>) -> Result<RosterFile, FieldError> {
        if bytes.is_empty() {
            return Err(FieldError::new("file", "roster.empty"));
        }
        if bytes.starts_with(XLSX_MAGIC) {
            return Self::xlsx(Box::new(Cursor::new(bytes)));
        }
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Err(FieldError::new("file", "roster.legacy_xls"));
        }
        let text = match String::from_utf8(bytes) {
            Ok(mut s) => {
                if s.starts_with('\u{feff}') {
                    s.drain(..3);
                }
                s
            }
            Err(e) => {
                let (text, had_errors) =
                    encoding_rs::GB18030.decode_without_bom_handling(e.as_bytes());
                if had_errors || text.contains('\0') {
                    return Err(unreadable("not text in UTF-8 or GB18030"));
                }
                text.into_owned()
            }
        };
        Ok(RosterFile::Csv(text))
    }

    /// Calls `f` with the 1-based row number (as the spreadsheet shows it),
    /// the cells of each non-blank row, and which of them the sheet stored
    /// as numbers (only an `.xlsx` has types), the header row first, until
    /// `f` breaks or the rows end.
    pub fn for_each_row(
        &mut self,
        mut f: impl FnMut(u32, &[String], &[bool]) -> ControlFlow<()>,
    ) -> Result<(), FieldError> {
        let mut cells: Vec<String> = Vec::new();
        let mut numeric: Vec<bool> = Vec::new();
        let blank = |cells: &[String]| cells.iter().all(|c| c.trim().is_empty());
        match self {
            RosterFile::Rows(rows) => {
                for (i, cells) in rows.iter().enumerate() {
                    if f(i as u32, cells, &[]).is_break() {
                        break;
                    }
                }
                Ok(())
            }
            RosterFile::Csv(text) => {
                let mut reader = crate::csv_lines::CsvLines::new(text);
                let mut record = csv::StringRecord::new();
                loop {
                    let line = match reader.read(&mut record) {
                        Ok(None) => return Ok(()),
                        Ok(Some(line)) => line as u32,
                        Err(e) => {
                            return Err(FieldError::new("file", "roster.csv_malformed")
                                .with("line", e.line)
                                .with_word("problem", e.problem))
                        }
                    };
                    cells.clear();
                    cells.extend(record.iter().map(str::to_string));
                    if !blank(&cells) && f(line, &cells, &[]).is_break() {
                        return Ok(());
                    }
                }
            }
            RosterFile::Xlsx { book, sheet } => {
                let mut reader = book.worksheet_cells_reader(sheet).map_err(unreadable)?;
                let mut row: Option<u32> = None;
                loop {
                    let cell = reader.next_cell().map_err(unreadable)?;
                    let at = cell.as_ref().map(|c| c.get_position().0);
                    if let Some(r) = row.filter(|r| Some(*r) != at) {
                        if !blank(&cells) && f(r.saturating_add(1), &cells, &numeric).is_break() {
                            return Ok(());
                        }
                        cells.clear();
                        numeric.clear();
                    }
                    let Some(cell) = cell else { return Ok(()) };
                    let (r, c) = cell.get_position();
                    row = Some(r);
                    let c = c as usize;
                    if c >= MAX_COLUMNS {
                        continue;
                    }
                    if cells.len() <= c {
                        cells.resize(c + 1, String::new());
                        numeric.resize(c + 1, false);
                    }
                    let value = cell.get_value();
                    numeric[c] = matches!(value, DataRef::Float(_) | DataRef::Int(_));
                    cells[c] = cell_text(value);
                }
            }
        }
    }
}

/// A cell as text. Whole numbers lose their `.0`. An ID number or phone
/// stored as a number is refused by the roster's check (Excel keeps 15
/// significant digits, so an ID number has already lost its last three,
/// and about one in eleven such wrong numbers passes the check digit).
fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
        DataRef::Int(i) => i.to_string(),
        other => Data::from(other.clone()).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nuanxin_domain::error::Arg;

    fn rows(file: &mut RosterFile) -> Vec<(u32, Vec<String>)> {
        let mut out = Vec::new();
        file.for_each_row(|n, cells, _| {
            out.push((n, cells.to_vec()));
            ControlFlow::Continue(())
        })
        .unwrap();
        out
    }

    #[test]
    fn csv_in_utf8_with_bom_and_blank_lines() {
        let mut f =
            RosterFile::open("\u{feff}姓名,手机号\n张伟,13812345678\n,\n李娜,13912345678\n".into())
                .unwrap();
        let r = rows(&mut f);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0], (1, vec!["姓名".to_string(), "手机号".to_string()]));
        assert_eq!(r[2].0, 4, "row numbers count the blank line");
        assert_eq!(r[2].1[0], "李娜");
    }

    #[test]
    fn csv_with_windows_line_ends_numbers_rows_by_their_line() {
        let mut f =
            RosterFile::open("姓名,手机号\r\n张伟,13812345678\r\n\r\n李娜,13912345678\r\n".into())
                .unwrap();
        let numbers: Vec<u32> = rows(&mut f).iter().map(|r| r.0).collect();
        assert_eq!(
            numbers,
            [1, 2, 4],
            "the row a report names is the line a user opens"
        );
    }

    #[test]
    fn csv_in_gb18030_as_excel_saves_it() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("姓名,手机号\n张伟,13812345678\n");
        let mut f = RosterFile::open(bytes.into_owned()).unwrap();
        assert_eq!(rows(&mut f)[1].1[0], "张伟");
    }

    #[test]
    fn refuses_empty_and_binary_files() {
        assert_eq!(RosterFile::open(vec![]).err().unwrap().code, "roster.empty");
        assert_eq!(
            RosterFile::open(vec![0xD0, 0xCF, 0x11, 0xE0, 1, 2])
                .err()
                .unwrap()
                .code,
            "roster.legacy_xls"
        );
        assert_eq!(
            RosterFile::open(b"PK\x03\x04garbage".to_vec())
                .err()
                .unwrap()
                .code,
            "roster.unreadable"
        );
        assert_eq!(
            RosterFile::open(vec![0xFF, 0xFE, 0x00, 0x41])
                .err()
                .unwrap()
                .code,
            "roster.unreadable"
        );
    }

    #[test]
    fn broken_csv_quoting_names_its_line_in_each_language() {
        let mut f = RosterFile::open("姓名,手机号\n张伟,\"138\"x\n".into()).unwrap();
        let e = f
            .for_each_row(|_, _, _| ControlFlow::Continue(()))
            .unwrap_err();
        assert_eq!(e.code, "roster.csv_malformed");
        assert_eq!(e.arg("line"), Some(&Arg::Text("2".into())));
        assert_eq!(e.arg("problem"), Some(&Arg::Word("label-csv_after_quote")));
    }

    #[test]
    fn a_file_on_disk_reads_as_its_bytes_do() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, cells) in [["姓名", "手机号"], ["张伟", "13812345678"]]
            .iter()
            .enumerate()
        {
            for (c, v) in cells.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        let xlsx = book.save_to_buffer().unwrap();
        let csv = "姓名,手机号\n李娜,13912345678\n".as_bytes().to_vec();
        for (name, bytes) in [("xlsx", xlsx), ("csv", csv)] {
            let path =
                std::env::temp_dir().join(format!("nuanxin-roster-{}-{name}", std::process::id()));
            std::fs::write(&path, &bytes).unwrap();
            let from_disk =
                rows(&mut RosterFile::open_file(std::fs::File::open(&path).unwrap()).unwrap());
            std::fs::remove_file(&path).unwrap();
            let from_bytes = rows(&mut RosterFile::open(bytes).unwrap());
            assert_eq!(from_disk.len(), 2, "{name}");
            assert_eq!(from_disk, from_bytes, "{name}");
        }
        let empty =
            std::env::temp_dir().join(format!("nuanxin-roster-{}-empty", std::process::id()));
        std::fs::write(&empty, b"").unwrap();
        let refused = RosterFile::open_file(std::fs::File::open(&empty).unwrap())
            .err()
            .unwrap();
        std::fs::remove_file(&empty).unwrap();
        assert_eq!(refused.code, "roster.empty");
    }

    #[test]
    fn numbers_read_as_whole_numbers() {
        assert_eq!(cell_text(&DataRef::Float(13812345678.0)), "13812345678");
        assert_eq!(cell_text(&DataRef::Int(42)), "42");
        assert_eq!(cell_text(&DataRef::Float(1.5)), "1.5");
    }
}
