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

/// `张伟` → `张*`, `欧阳娜娜` → `欧***`: the surname's first character,
/// enough for whoever checks a card to compare with the holder's ID.
pub fn mask_name(raw: &str) -> String {
    let mut chars = raw.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// `32010226000000018` → `320102*******0018`: the region and the last
/// four, so a card's number can be told from another's.
pub fn mask_member_no(raw: &str) -> String {
    mask(raw, 6, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_design_says() {
        assert_eq!(mask_id_number("110101199003071234"), "110***********1234");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("123"), "***");
        assert_eq!(mask_name("张伟"), "张*");
        assert_eq!(mask_name("阿卜杜·热合曼"), "阿******");
        assert_eq!(mask_member_no("32010226000000018"), "320102*******0018");
    }
}
