//! CSV text read record by record, with the line each record starts on, for
//! error reports that send the user to the right line.
//!
//! The `csv` crate's own line numbers leave out blank lines and count a
//! Windows line end (`\r\n`, as Excel writes) one record late. Its byte
//! offsets are exact, so the lines are counted from those.
//!
//! The crate also reads some broken quoting without a word: text after a
//! closing quote (`"a"x` reads as `ax`) and a quote never closed (the rest
//! of the file becomes one field). Either means the file was cut or
//! written wrongly, so each record's text is checked and such a record
//! refused with its line.

use csv::{Reader, ReaderBuilder, StringRecord};

pub struct CsvLines<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    /// Line breaks in `text[..counted_to]`.
    newlines: usize,
    counted_to: usize,
}

impl<'a> CsvLines<'a> {
    /// Every record, the header included, of any number of fields.
    pub fn new(text: &'a str) -> Self {
        CsvLines {
            text,
            reader: ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes()),
            newlines: 0,
            counted_to: 0,
        }
    }

    /// Reads the next record into `record` and returns its 1-based line, or
    /// `None` at the end. An error carries the line where it was found.
    pub fn read(&mut self, record: &mut StringRecord) -> Result<Option<usize>, CsvError> {
        match self.reader.read_record(record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let start = record.position().map_or(0, |p| p.byte());
                let line = self.line_at(start);
                let end = self.reader.position().byte() as usize;
                match self.text.get(start as usize..end).and_then(quoting_error) {
                    Some(problem) => Err(CsvError { line, problem }),
                    None => Ok(Some(line)),
                }
            }
            Err(e) => {
                let byte = e.position().map_or(self.counted_to as u64, |p| p.byte());
                tracing::debug!(error = %e, "unreadable csv record");
                Err(CsvError {
                    line: self.line_at(byte),
                    problem: "label-csv_invalid",
                })
            }
        }
    }

    /// The line of the first character at or after `byte` that is not a line
    /// break: a record's offset points at the breaks skipped before it.
    fn line_at(&mut self, byte: u64) -> usize {
        let bytes = self.text.as_bytes();
        let mut start = (byte as usize).clamp(self.counted_to, bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        self.newlines += bytes[self.counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.counted_to = start;
        self.newlines + 1
    }
}

/// A record that cannot be read, and where.
#[derive(Debug)]
pub struct CsvError {
    /// The 1-based line.
    pub line: usize,
    /// The catalogue's word for what is wrong.
    pub problem: &'static str,
}

/// What is wrong with the quoting of one record's text, if anything. A
/// field that starts with a quote must end with the quote that closes it,
/// right before a comma or the end of the record; `""` inside is a quote.
/// Quotes inside a field that does not start with one are its text.
fn quoting_error(record: &str) -> Option<&'static str> {
    // Most records quote nothing: one fast scan settles them.
    if !record.contains('"') {
        return None;
    }
    // A record's offset may point at the line break that ended the one
    // before (the `\n` of `\r\n`, or a blank line).
    let bytes = record.trim_start_matches(['\r', '\n']).as_bytes();
    let mut i = 0;
    loop {
        // At the start of a field.
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Some("label-csv_unclosed_quote"),
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            match bytes.get(i) {
                None | Some(b'\r' | b'\n') => return None,
                Some(b',') => i += 1,
                Some(_) => return Some("label-csv_after_quote"),
            }
        } else {
            match bytes[i..]
                .iter()
                .position(|b| matches!(b, b',' | b'\r' | b'\n'))
            {
                Some(at) if bytes[i + at] == b',' => i += at + 1,
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, Vec<String>)> {
        let mut reader = CsvLines::new(text);
        let mut record = StringRecord::new();
        let mut out = Vec::new();
        while let Some(line) = reader.read(&mut record).unwrap() {
            out.push((line, record.iter().map(str::to_string).collect()));
        }
        out
    }

    #[test]
    fn blank_lines_and_windows_line_ends_count() {
        for text in ["h\n1\n\n2\n", "h\r\n1\r\n\r\n2\r\n", "h\r\n1\r\n\r\n2"] {
            let got: Vec<usize> = lines(text).iter().map(|r| r.0).collect();
            assert_eq!(got, [1, 2, 4], "{text:?}");
        }
    }

    #[test]
    fn a_quoted_line_break_moves_the_next_record_down() {
        let got = lines("h\n\"a\nb\",c\n3\n");
        assert_eq!(got[1], (2, vec!["a\nb".to_string(), "c".to_string()]));
        assert_eq!(got[2].0, 4);
    }

    #[test]
    fn broken_quoting_is_refused_on_its_line() {
        let error = |text: &str| {
            let mut reader = CsvLines::new(text);
            let mut record = StringRecord::new();
            loop {
                match reader.read(&mut record) {
                    Ok(Some(_)) => continue,
                    Ok(None) => return None,
                    Err(e) => return Some((e.line, e.problem)),
                }
            }
        };
        // Line ends as Unix and Excel (`\r\n`) write them, and after a
        // blank line.
        for (text, at) in [
            ("h,i\n1,2\n\"a\"x,3\n", 3),
            ("h,i\r\n1,2\r\n\"a\"x,3\r\n", 3),
            ("h,i\n1,2\n\n\"a\"x,3\n", 4),
        ] {
            let (line, message) = error(text).unwrap();
            assert_eq!(line, at, "{text:?}");
            assert_eq!(message, "label-csv_after_quote");
        }
        for text in ["h,i\n1,\"2\n3,4\n", "h,i\r\n1,\"2\r\n3,4\r\n"] {
            let (line, message) = error(text).unwrap();
            assert_eq!(line, 2, "{text:?}");
            assert_eq!(message, "label-csv_unclosed_quote");
        }
        // Good quoting, escaped quotes, quotes inside plain text and an
        // empty quoted field all read.
        for text in [
            "h,i\n\"a,b\",\"c\"\"d\"\n",
            "h,i\r\n5\"x,\"\"\r\n",
            "h,i\n\"a\nb\",c",
            "h,i\n,\n",
        ] {
            assert_eq!(error(text), None, "{text:?}");
        }
    }
}
