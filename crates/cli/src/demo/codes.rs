//! Unified social credit codes for demo unions: `81` (registered by a trade
//! union, as a grassroots union), the registering district's region code, a
//! 9-character organisation code with its own GB 11714 check character, and
//! the GB 32100 check character.

use std::collections::HashSet;

use nuanxin_domain::ids::uscc_check_char;
use rand::Rng;

/// GB 11714: weights of the 8 body characters of an organisation code.
const ORG_CODE_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The GB 11714 check character of an 8-digit organisation-code body.
fn org_code_check(body: &[u8; 8]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(ORG_CODE_WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        n => b'0' + n as u8,
    }
}

/// Hands out codes that are valid and never repeat (the database keeps
/// them unique).
#[derive(Default)]
pub struct UsccMaker {
    used: HashSet<String>,
}

impl UsccMaker {
    pub fn make(&mut self, rng: &mut impl Rng, region6: &str) -> String {
        debug_assert_eq!(region6.len(), 6);
        loop {
            let mut body = [0u8; 8];
            for b in &mut body {
                *b = b'0' + rng.gen_range(0..10);
            }
            // Organisation codes issued to unions in these years begin
            // with 5 or 7; it makes the codes look like the real ones.
            body[0] = if rng.gen_bool(0.5) { b'5' } else { b'7' };
            let mut code = Vec::with_capacity(18);
            code.extend_from_slice(b"81");
            code.extend_from_slice(region6.as_bytes());
            code.extend_from_slice(&body);
            code.push(org_code_check(&body));
            code.push(uscc_check_char(&code).expect("digits and X are valid USCC characters"));
            let code = String::from_utf8(code).expect("ASCII");
            if self.used.insert(code.clone()) {
                return code;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nuanxin_domain::ids::Uscc;
    use rand::SeedableRng;

    #[test]
    fn codes_are_valid_union_codes_and_unique() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut m = UsccMaker::default();
        let codes: Vec<String> = (0..2000).map(|_| m.make(&mut rng, "320102")).collect();
        for c in &codes {
            let u = Uscc::parse(c).unwrap_or_else(|e| panic!("{c}: {e}"));
            assert!(u.is_grassroots_union());
            assert_eq!(&c[2..8], "320102");
        }
        let unique: HashSet<&String> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn organisation_code_check_character() {
        // 1·3 + 2·7 + 3·9 + 4·10 + 5·5 + 6·8 + 7·4 + 8·2 = 201; 201 mod 11 = 3; 11 − 3 = 8.
        assert_eq!(org_code_check(b"12345678"), b'8');
        // 1·7 + 1·5 = 12 ≡ 1, giving 10, written X; a sum ≡ 0 gives 11, written 0.
        assert_eq!(org_code_check(b"01001000"), b'X');
        assert_eq!(org_code_check(b"00000000"), b'0');
    }
}
