//! Switching off, for good, a record that opens a door into a union: an
//! enrolment event's code, a platform's API key. Stamped once, audited.

use chrono::Utc;

use crate::audit::{self, Event};
use crate::{Actor, Db, Query, StoreResult};

/// Where such a record lives and how its switching off is audited.
pub(crate) struct Door {
    pub table: &'static str,
    /// The timestamp column that, once set, closes the door.
    pub column: &'static str,
    pub action: &'static str,
    pub entity: &'static str,
}

/// Sets `door.column` of record `id` (of union `org_id`, in the actor's
/// scope) to now, unless already set, with its audit row.
pub(crate) async fn switch_off(
    db: &Db,
    actor: &Actor,
    door: &Door,
    id: i64,
    org_id: i64,
) -> StoreResult<()> {
    let org = crate::orgs::get_current(db, &actor.scope, org_id).await?;
    let mut tx = db.begin().await?;
    let sql = format!(
        "UPDATE {table} SET {column} = $1 WHERE id = $2 AND {column} IS NULL",
        table = door.table,
        column = door.column
    );
    tx.execute(&Query::new(&sql).bind(Utc::now()).bind(id))
        .await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: door.action,
            entity: door.entity,
            entity_id: Some(id.to_string()),
            org_path: &org.path,
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}
