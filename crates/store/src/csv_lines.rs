//! CSV text read record by record, with the line each record starts on, for
//! error reports that send the user to the right line.
//!
//! The `csv` crate's own line numbers leave out blank lines and count a
//! Windows line end (`\r\n`, as Excel writes) one record late. Its byte
//! offsets are exact, so the lines are counted from those.

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
    pub fn read(&mut self, record: &mut StringRecord) -> Result<Option<usize>, (usize, String)> {
        match self.reader.read_record(record) {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some(
                self.line_at(record.position().map_or(0, |p| p.byte())),
            )),
            Err(e) => {
                let byte = e.position().map_or(self.counted_to as u64, |p| p.byte());
                Err((self.line_at(byte), e.to_string()))
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
}
