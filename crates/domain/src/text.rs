//! Free-text fields: trimmed, bounded, no control characters.

use crate::error::FieldError;

/// A required single-line text such as a name: trimmed, 1..=max characters,
/// no control characters. Markup is allowed (it is escaped on output), so a
/// union may really be called "<A&B>". `label` is the catalogue's word for
/// the field, which the messages name.
pub fn required_line(
    field: &str,
    label: &'static str,
    raw: &str,
    max: usize,
) -> Result<String, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "text.empty").with_word("label", label));
    }
    let n = v.chars().count();
    if n > max {
        return Err(FieldError::new(field, "text.too_long")
            .with_word("label", label)
            .with("max", max)
            .with("n", n));
    }
    if v.chars().any(char::is_control) {
        return Err(FieldError::new(field, "text.control_char").with_word("label", label));
    }
    Ok(v.to_string())
}

/// An optional single-line text: empty input means `None`.
pub fn optional_line(
    field: &str,
    label: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => required_line(field, label, v, max).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(
            required_line("name", "label-name", "  暖新  ", 10).unwrap(),
            "暖新"
        );
        assert_eq!(
            required_line("name", "label-name", "   ", 10)
                .unwrap_err()
                .code,
            "text.empty"
        );
        assert_eq!(
            required_line("name", "label-name", &"工".repeat(11), 10)
                .unwrap_err()
                .code,
            "text.too_long"
        );
        assert_eq!(
            required_line("name", "label-name", "a\u{7}b", 10)
                .unwrap_err()
                .code,
            "text.control_char"
        );
        assert_eq!(optional_line("x", "x", Some("  "), 3).unwrap(), None);
    }
}
