//! Made-up but valid people for tests: resident ID numbers with their
//! check character, mainland mobiles, and membership applications built
//! from them, checked by the join form's own rules; and the small
//! organisation tree the tests build on (`tree`). Only the crates' tests
//! depend on this crate; nothing here ships.

pub mod tree;

use chrono::NaiveDate;
use nuanxin_domain::ids::id_check_char;
use nuanxin_domain::membership::{Application, ApplicationForm};
use nuanxin_domain::region::Regions;

/// The day the tests' applications are checked on, so an ID number's age
/// does not change with the calendar.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")
}

/// An 18-character ID number: the county `region` (`320102`), the birth
/// date `born` (`19900307`), a three-digit `seq`, and its check character.
pub fn id_number(region: &str, born: &str, seq: &str) -> String {
    let mut s = format!("{region}{born}{seq}").into_bytes();
    assert_eq!(
        s.len(),
        17,
        "region, birth date and sequence make 17 digits"
    );
    s.push(id_check_char(&s));
    String::from_utf8(s).expect("ASCII")
}

/// The `n`th made-up mainland mobile number, `138` and eight digits.
pub fn phone(n: u32) -> String {
    format!("138{n:08}")
}

/// An application form as a worker fills it in; change what a test needs.
pub fn form(name: &str, id_number: &str, phone: &str) -> ApplicationForm {
    ApplicationForm {
        name: name.into(),
        id_number: id_number.into(),
        phone: phone.into(),
        occupation: "courier".into(),
        employer: "顺捷快递".into(),
        work_region: "320102".into(),
        consent: true,
    }
}

/// A form checked as the join page checks it, on [`today`].
pub fn checked(f: &ApplicationForm) -> Application {
    f.check(&Regions::shipped(), today())
        .unwrap_or_else(|e| panic!("a test application is valid: {e}"))
}

/// [`form`], checked.
pub fn application(name: &str, id_number: &str, phone: &str) -> Application {
    checked(&form(name, id_number, phone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_people_pass_the_join_forms_rules() {
        let id = id_number("320102", "19900307", "123");
        assert_eq!(id.len(), 18);
        let a = application("李强", &id, &phone(12_345_678));
        assert_eq!(a.phone.as_str(), "13812345678");
        assert_eq!(a.id_number.as_str(), id);
    }
}
