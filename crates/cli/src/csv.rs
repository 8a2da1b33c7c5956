//! A small CSV reader for import files: a header row, comma-separated
//! fields, optional double quotes (with `""` for a quote inside), CRLF line
//! ends and the UTF-8 byte-order mark Excel writes. Enough for the region
//! and roster files offices produce, without another dependency.

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
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let header = match lines.next() {
        Some((_, l)) => split(l)
            .unwrap_or_default()
            .into_iter()
            .map(|h| h.trim().to_string())
            .collect(),
        None => Vec::new(),
    };
    let rows = lines
        .map(|(line, l)| {
            split(l)
                .map(|fields| Record { line, fields })
                .map_err(|message| LineError { line, message })
        })
        .collect();
    (header, rows)
}

/// Splits one line into fields. Quoted fields may contain commas, not line
/// breaks: no legitimate region or roster cell needs one.
fn split(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start && cur.trim().is_empty() => {
                cur.clear();
                quoted = true;
            }
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => {
                quoted = false;
                // Only spaces may follow a closing quote before the comma.
                while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                    chars.next();
                }
                if chars.peek().is_some_and(|c| *c != ',') {
                    return Err("unexpected text after a closing quote".into());
                }
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut cur));
                at_start = true;
                continue;
            }
            (_, c) => cur.push(c),
        }
        at_start = false;
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(cur);
    Ok(fields)
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
        assert_eq!(
            split(r#"a,"b, c","say ""hi""""#).unwrap(),
            ["a", "b, c", r#"say "hi""#]
        );
        assert_eq!(split("a,,").unwrap(), ["a", "", ""]);
        assert!(split(r#"a,"b"#).is_err());
        assert!(split(r#""a"x,b"#).is_err());
    }
}
