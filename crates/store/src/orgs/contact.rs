//! How workers reach a union: a phone and an address, public by nature
//! (they are printed on the union's posters), so the worker's pages read
//! them without a scope; only staff in scope change them.

use nuanxin_domain::account::Permission;
use nuanxin_domain::{text, FieldError, ValidationErrors};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Event};
use crate::{Actor, Db, Query, StoreError, StoreResult};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Contact {
    pub org_name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// The contact details of any organisation, for the worker's pages.
pub async fn contact(db: &Db, org_id: i64) -> StoreResult<Contact> {
    db.fetch_optional(
        &Query::new("SELECT name AS org_name, contact_phone AS phone, contact_address AS address FROM orgs WHERE id = $1")
            .bind(org_id),
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// A phone a worker can dial: a landline with its area code and extension,
/// a mobile or a hotline; digits with spaces, dashes and brackets.
fn contact_phone(raw: &str) -> Result<Option<String>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v.chars().all(|c| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '（' | '）' | '+' | '转')
    });
    if allowed && (5..=20).contains(&digits) && v.chars().count() <= 30 {
        Ok(Some(v.to_string()))
    } else {
        Err(FieldError::new("contact_phone", "org.contact_phone"))
    }
}

/// Sets an organisation's contact details (empty clears them); audited.
pub async fn set_contact(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    phone: &str,
    address: &str,
) -> StoreResult<Contact> {
    actor.require(Permission::ManageOrgs)?;
    let org = super::get_current(db, &actor.scope, org_id).await?;
    let mut e = ValidationErrors::new();
    let phone = e.check(contact_phone(phone));
    let address = e.check(text::optional_line(
        "contact_address",
        "label-contact_address",
        Some(address),
        100,
    ));
    e.into_result()?;
    let (phone, address) = (phone.flatten(), address.flatten());
    let before = contact(db, org_id).await?;
    let mut tx = db.begin().await?;
    tx.execute(
        &Query::new("UPDATE orgs SET contact_phone = $1, contact_address = $2 WHERE id = $3")
            .bind(phone.as_deref())
            .bind(address.as_deref())
            .bind(org_id),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "org.contact",
            entity: "org",
            entity_id: Some(org_id.to_string()),
            org_path: &org.path,
            before: Some(json!({ "phone": before.phone, "address": before.address })),
            after: Some(json!({ "phone": phone, "address": address })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Contact {
        org_name: org.name,
        phone,
        address,
    })
}

#[cfg(test)]
mod tests {
    use super::contact_phone;

    #[test]
    fn phones_as_unions_print_them() {
        for ok in [
            "025-84512345",
            "(025) 8451 2345",
            "12351",
            "13812345678",
            "025-84512345转8001",
        ] {
            assert!(contact_phone(ok).unwrap().is_some(), "{ok}");
        }
        assert_eq!(contact_phone("  ").unwrap(), None);
        for bad in ["call me", "1234", "025-84512345; DROP"] {
            assert_eq!(
                contact_phone(bad).unwrap_err().code,
                "org.contact_phone",
                "{bad}"
            );
        }
    }
}
