//! The join link of a union: `/join/{token}`, printed as a QR code.

use chrono::Utc;
use nuanxin_domain::account::Permission;

use crate::audit::{self, Event};
use crate::sessions::random_token;
use crate::{Actor, Db, Query, StoreError, StoreResult};

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

/// What a join token opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub org_id: i64,
    pub org_name: String,
    /// The union's region, for the place-of-work picker.
    pub org_region: String,
    /// A grassroots union takes whoever scans its code, wherever they work;
    /// a federation's code routes by the place of work within its area.
    pub grassroots: bool,
    /// Set when the token is an enrolment event's.
    pub event: Option<EventEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventEntry {
    pub id: i64,
    pub name: String,
    /// The cap on submissions per minute through this token.
    pub per_minute: i64,
}

fn is_grassroots(kind: &str) -> bool {
    nuanxin_domain::org::OrgKind::from_code(kind).is_some_and(|k| k.is_grassroots())
}

/// The union behind a live token: a union's join link or an enrolment
/// event's. Unknown and revoked tokens are not found; an event that has
/// ended says so; closed unions take no one.
pub async fn resolve(db: &Db, token: &str) -> StoreResult<Entry> {
    if token.len() > 64 {
        return Err(StoreError::NotFound);
    }
    let link: Option<(i64, String, String, String)> = db
        .fetch_optional(
            &Query::new(
                "SELECT o.id, o.name, o.region_code, o.kind FROM join_links j JOIN orgs o ON o.id = j.org_id
                 WHERE j.token = $1 AND j.revoked_at IS NULL AND o.status <> 'closed'",
            )
            .bind(token),
        )
        .await?;
    if let Some((org_id, org_name, org_region, kind)) = link {
        return Ok(Entry {
            org_id,
            org_name,
            org_region,
            grassroots: is_grassroots(&kind),
            event: None,
        });
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        per_minute: i64,
        ends_at: chrono::DateTime<Utc>,
        closed_at: Option<chrono::DateTime<Utc>>,
        org_id: i64,
        org_name: String,
        org_region: String,
        org_kind: String,
    }
    let row: Option<Row> = db
        .fetch_optional(
            &Query::new(
                "SELECT e.id, e.name, CAST(e.per_minute AS BIGINT) AS per_minute, e.ends_at, e.closed_at, o.id AS org_id, o.name AS org_name, o.region_code AS org_region, o.kind AS org_kind
                 FROM enrolment_events e JOIN orgs o ON o.id = e.org_id
                 WHERE e.token = $1 AND o.status <> 'closed'",
            )
            .bind(token),
        )
        .await?;
    let row = row.ok_or(StoreError::NotFound)?;
    if row.closed_at.is_some() || row.ends_at <= Utc::now() {
        return Err(StoreError::Conflict(nuanxin_domain::FieldError::new(
            "token",
            "join.event_ended",
            format!("“{}”入会活动已结束，请扫描工会的入会二维码申请", row.name),
            format!(
                "the enrolment event “{}” has ended; use the union's own join code",
                row.name
            ),
        )));
    }
    Ok(Entry {
        org_id: row.org_id,
        org_name: row.org_name,
        org_region: row.org_region,
        grassroots: is_grassroots(&row.org_kind),
        event: Some(EventEntry {
            id: row.id,
            name: row.name,
            per_minute: row.per_minute,
        }),
    })
}

/// The live join link of an open organisation, if it has printed one: for
/// the worker's pages that send someone back to a union's code (a rejected
/// application, an event that ended). Unscoped, as the code is public.
pub async fn live_token(db: &Db, org_id: i64) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = db
        .fetch_optional(
            &Query::new(
                "SELECT j.token FROM join_links j JOIN orgs o ON o.id = j.org_id
                 WHERE j.org_id = $1 AND j.revoked_at IS NULL AND o.status <> 'closed' ORDER BY j.created_at DESC",
            )
            .bind(org_id),
        )
        .await?;
    Ok(row.map(|(t,)| t))
}

/// The organisation that held an enrolment event, by the event's token.
pub async fn event_org(db: &Db, event_token: &str) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = db
        .fetch_optional(
            &Query::new("SELECT org_id FROM enrolment_events WHERE token = $1").bind(event_token),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}
