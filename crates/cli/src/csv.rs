//! CSV import files (regions, the demo's streets): a header row,
//! comma-separated fields, optional double quotes, CRLF line ends and the
//! UTF-8 byte-order mark Excel writes, with the line number of every row for
//! error reports.

/// One data row with its 1-based line number in the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A line that could not be split into fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// The header (trimmed) and the data rows; blank lines are skipped.
pub fn parse(text: &str) -> (Vec<String>, Vec<Result<Record, LineError>>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = nuanxin_store::csv_lines::CsvLines::new(text);
    let mut record = ::csv::StringRecord::new();
    let mut header = None;
    let mut rows = Vec::new();
    loop {
        let row = match reader.read(&mut record) {
            Ok(None) => break,
            Ok(Some(line)) => {
                let fields: Vec<String> = record.iter().map(str::to_string).collect();
                if fields.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                // No region cell holds a line break: a field that does is a
                // quote left open, which would swallow the lines after it.
                if fields.iter().any(|f| f.contains('\n')) {
                    Err(LineError {
                        line,
                        message: "a quoted field is not closed on its line".into(),
                    })
                } else {
                    Ok(Record { line, fields })
                }
            }
            Err(e) => Err(LineError {
                line: e.line,
                message: nuanxin_web::i18n::Tr {
                    lang: nuanxin_web::i18n::Lang::En,
                }
                .s(e.problem),
            }),
        };
        match (&header, row) {
            (None, Ok(r)) => header = Some(r.fields.iter().map(|h| h.trim().to_string()).collect()),
            (None, Err(_)) => header = Some(Vec::new()),
            (Some(_), row) => rows.push(row),
        }
    }
    (header.unwrap_or_default(), rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rows_line_numbers_bom_and_crlf() {
        let (h, rows) = parse("\u{feff}code,name,parent_code\r\n320102002,梅园新村街道,320102\r\n\r\n320102003,新街口街道,320102\r\n");
        assert_eq!(h, ["code", "name", "parent_code"]);
        let rows: Vec<Record> = rows.into_iter().map(Result::unwrap).collect();
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 4, "blank lines still count");
        assert_eq!(rows[1].fields, ["320102003", "新街口街道", "320102"]);
    }

    #[test]
    fn quotes() {
        let (_, rows) = parse("h\na,\"b, c\",\"say \"\"hi\"\"\"\na,,\n");
        assert_eq!(
            rows[0].as_ref().unwrap().fields,
            ["a", "b, c", r#"say "hi""#]
        );
        assert_eq!(rows[1].as_ref().unwrap().fields, ["a", "", ""]);
    }

    #[test]
    fn an_open_quote_is_an_error_on_its_line() {
        let (_, rows) = parse("h1,h2\n1,2\n3,\"four\n5,6\n");
        assert_eq!(rows[0].as_ref().unwrap().fields, ["1", "2"]);
        assert_eq!(rows[1].as_ref().unwrap_err().line, 3);
        assert_eq!(rows.len(), 2);
    }
}
