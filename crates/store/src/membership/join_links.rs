//! The join link of a union: `/join/{token}`, printed as a QR code.

use chrono::Utc;
use nuanxin_domain::account::Permission;

use crate::audit::{self, Event};
use crate::sessions::random_token;
use crate::{Actor, Db, Query, StoreResult};

/// The union's current join token, created on first use (a random 256-bit
/// token: nothing personal, nothing guessable, in the URL).
pub async fn link_for_org(db: &Db, actor: &Actor, org_id: i64) -> StoreResult<String> {
    actor.require(Permission::ManageOrgs)?;
    let org = crate::orgs::get_current(db, &actor.scope, org_id).await?;
    let mut tx = db.begin().await?;
    let existing: Option<(String,)> = tx
        .fetch_optional(&Query::new("SELECT token FROM join_links WHERE org_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC").bind(org_id))
        .await?;
    if let Some((token,)) = existing {
        return Ok(token);
    }
    let token = random_token();
    tx.execute(&Query::new("INSERT INTO join_links (token, org_id, created_at, revoked_at) VALUES ($1, $2, $3, NULL)").bind(&token).bind(org_id).bind(Utc::now()))
        .await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "org.join_link",
            entity: "org",
            entity_id: Some(org_id.to_string()),
            org_path: &org.path,
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Replaces a union's join link: old printed codes stop working.
pub async fn renew(db: &Db, actor: &Actor, org_id: i64) -> StoreResult<String> {
    actor.require(Permission::ManageOrgs)?;
    crate::orgs::get_current(db, &actor.scope, org_id).await?;
    db.execute(
        &Query::new(
            "UPDATE join_links SET revoked_at = $1 WHERE org_id = $2 AND revoked_at IS NULL",
        )
        .bind(Utc::now())
        .bind(org_id),
    )
    .await?;
    link_for_org(db, actor, org_id).await
}
