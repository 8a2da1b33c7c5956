//! Correcting a member's data (更正): staff fix what was typed wrong, as
//! the worker asked or as a document shows. Sensitive values are sealed
//! again and only their masks reach the history and the audit trail.

use chrono::Utc;
use nuanxin_domain::account::Permission;
use nuanxin_domain::mask::{mask_id_number, mask_phone};
pub use nuanxin_domain::membership::Correction;
use nuanxin_domain::FieldError;
use serde_json::{json, Map, Value};

use super::{get, is_person_clash, record_event, Member, Why, ID_KEY, PHONE_KEY};
use crate::audit::{self, Event};
use crate::sensitive::Sealer;
use crate::{Actor, Db, Query, StoreError, StoreResult, Tx};

/// Applies a checked correction to member `id` in the actor's scope. A new
/// ID number that already belongs to another open membership or application
/// is refused: one person, one membership holds for corrections too.
pub async fn correct(
    db: &Db,
    actor: &Actor,
    sealer: &Sealer,
    id: i64,
    c: &Correction,
) -> StoreResult<Member> {
    actor.require(Permission::Review)?;
    let mut tx = db.begin().await?;
    let after = correct_in_tx(&mut tx, actor, sealer, id, c).await?;
    tx.commit().await?;
    Ok(after)
}

/// [`correct`] inside a transaction the caller owns (a worker's request for
/// a new phone commits with its answer).
pub(super) async fn correct_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    sealer: &Sealer,
    id: i64,
    c: &Correction,
) -> StoreResult<Member> {
    let before = get(&mut *tx, &actor.scope, id).await?;
    // Sealed values differ each time they are sealed and masks hide the
    // middle digits, so a retyped ID number or phone is compared by its
    // blind index: only a different one is a change.
    let (person_key, phone_key): (String, String) = tx
        .fetch_optional(
            &Query::new("SELECT person_key, phone_key FROM members WHERE id = $1").bind(id),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut set = Query::new("UPDATE members SET updated_at = ");
    set.push_bind(Utc::now());
    let (mut was, mut now) = (Map::new(), Map::new());
    let mut fields = vec![];
    let mut change = |field: &'static str, old: Value, new: Value| {
        if old != new {
            was.insert(field.into(), old);
            now.insert(field.into(), new);
            fields.push(field);
        }
    };
    if let Some(name) = &c.name {
        change("name", json!(before.name), json!(name));
        set.push(", name = ").push_bind(name.clone());
    }
    let id_key = c
        .id_number
        .as_ref()
        .map(|n| (n, sealer.blind_index(ID_KEY, n.as_str())))
        .filter(|(_, key)| *key != person_key);
    if let Some((n, key)) = id_key {
        let masked = mask_id_number(n.as_str());
        // Flagged as changed even when both masks read the same.
        change(
            "id_number",
            json!({ "masked": before.id_number_masked }),
            json!({ "masked": masked, "changed": true }),
        );
        set.push(", person_key = ")
            .push_bind(key)
            .push(", id_number_sealed = ")
            .push_bind(sealer.seal(n.as_str()))
            .push(", id_number_masked = ")
            .push_bind(masked);
    }
    let new_phone = c
        .phone
        .as_ref()
        .map(|p| (p, sealer.blind_index(PHONE_KEY, p.as_str())))
        .filter(|(_, key)| *key != phone_key);
    if let Some((p, key)) = new_phone {
        let masked = mask_phone(p.as_str());
        change(
            "phone",
            json!({ "masked": before.phone_masked }),
            json!({ "masked": masked, "changed": true }),
        );
        set.push(", phone_key = ")
            .push_bind(key)
            .push(", phone_sealed = ")
            .push_bind(sealer.seal(p.as_str()))
            .push(", phone_masked = ")
            .push_bind(masked);
    }
    if let Some(o) = c.occupation {
        change(
            "occupation",
            json!(before.occupation.code()),
            json!(o.code()),
        );
        set.push(", occupation = ").push_bind(o.code());
    }
    if let Some(e) = &c.employer {
        change("employer", json!(before.employer), json!(e));
        set.push(", employer = ").push_bind(e.clone());
    }
    if let Some(r) = &c.work_region {
        change("work_region", json!(before.work_region), json!(r.as_str()));
        set.push(", work_region = ")
            .push_bind(r.as_str().to_string());
    }
    if fields.is_empty() {
        return Err(FieldError::new("name", "membership.nothing_to_correct").into());
    }
    set.push(" WHERE id = ").push_bind(id);
    match tx.execute(&set).await {
        Ok(_) => {}
        Err(e) if is_person_clash(&e) => return Err(person_exists().into()),
        Err(e) => return Err(e),
    }
    // `correct:name,phone`; no reason when the member asked for it.
    let code = format!("correct:{}", fields.join(","));
    let why = Why {
        text: Some(c.reason.as_str()).filter(|r| !r.is_empty()),
        code: Some(&code),
    };
    record_event(
        tx,
        id,
        Some(before.status),
        before.status,
        before.org_id,
        &actor.username,
        why,
    )
    .await?;
    was.insert("reason".into(), Value::Null);
    now.insert("reason".into(), json!(c.reason));
    audit::append(
        tx,
        actor,
        Event {
            action: "member.correct",
            entity: "member",
            entity_id: Some(id.to_string()),
            org_path: &before.org_path,
            before: Some(Value::Object(was)),
            after: Some(Value::Object(now)),
        },
    )
    .await?;
    get(&mut *tx, &actor.scope, id).await
}

fn person_exists() -> FieldError {
    FieldError::new("id_number", "membership.person_exists")
}
