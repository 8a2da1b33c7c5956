//! The one masking rule for identifiers shown to staff and workers.

/// Keeps the first `head` and last `tail` characters and stars the rest.
fn mask(raw: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = raw.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out = String::with_capacity(chars.len());
    out.extend(&chars[..head]);
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// `110101199003071234` → `110***********1234`.
pub fn mask_id_number(raw: &str) -> String {
    mask(raw, 3, 4)
}

/// `13812345678` → `138****5678`.
pub fn mask_phone(raw: &str) -> String {
    mask(raw, 3, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_design_says() {
        assert_eq!(mask_id_number("110101199003071234"), "110***********1234");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("123"), "***");
    }
}
