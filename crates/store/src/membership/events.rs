//! Enrolment events (集中入会活动): a ceremony at a logistics park, a drive
//! at a platform's depot. Each has its own QR code, valid until the event
//! ends, and a cap on submissions per minute through its token: hundreds of
//! people on one venue's network all get through, while a leaked code
//! cannot be used to flood the union.

use chrono::{DateTime, Duration, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_domain::{text, FieldError, ValidationErrors};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Event};
use crate::sessions::random_token;
use crate::switch_off::{switch_off, Door};
use crate::{Actor, Db, Query, Scope, StoreError, StoreResult};

/// Longest an event may run.
pub const MAX_DAYS: i64 = 31;
/// Allowed submissions per minute through one event's code.
pub const PER_MINUTE: std::ops::RangeInclusive<i64> = 10..=5000;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct EnrolmentEvent {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    #[serde(skip)]
    pub token: String,
    pub ends_at: DateTime<Utc>,
    pub per_minute: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub place: Option<String>,
    /// Applications that came through its code.
    pub applications: i64,
}

impl EnrolmentEvent {
    /// Whether its code still takes applications.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.closed_at.is_none() && self.ends_at > now
    }
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub name: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub per_minute: i64,
}

const SELECT: &str = "SELECT e.id, e.org_id, e.name, e.token, e.ends_at, CAST(e.per_minute AS BIGINT) AS per_minute, e.created_by, e.created_at, e.closed_at,
        e.starts_at, e.place, (SELECT COUNT(*) FROM members m WHERE m.event_id = e.id) AS applications
    FROM enrolment_events e JOIN orgs o ON o.id = e.org_id";

/// Creates an event for a union or federation in the actor's scope.
pub async fn create(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    input: &NewEvent,
) -> StoreResult<EnrolmentEvent> {
    actor.require(Permission::ManageOrgs)?;
    let org = crate::orgs::get_current(db, &actor.scope, org_id).await?;
    let now = Utc::now();
    let mut e = ValidationErrors::new();
    let name = e.check(text::required_line(
        "name",
        "label-event_name",
        &input.name,
        60,
    ));
    let place = e.check(text::optional_line(
        "place",
        "label-event_place",
        input.place.as_deref(),
        100,
    ));
    if input.starts_at.is_some_and(|s| s >= input.ends_at) {
        e.push(FieldError::new("starts_at", "event.starts_after_end"));
    }
    if input.ends_at <= now {
        e.push(FieldError::new("ends_at", "event.ends_in_past"));
    } else if input.ends_at > now + Duration::days(MAX_DAYS) {
        e.push(FieldError::new("ends_at", "event.too_long").with("max_days", MAX_DAYS));
    }
    if !PER_MINUTE.contains(&input.per_minute) {
        e.push(
            FieldError::new("per_minute", "event.per_minute")
                .with("min", PER_MINUTE.start())
                .with("max", PER_MINUTE.end()),
        );
    }
    if org.status == nuanxin_domain::org::OrgStatus::Closed {
        e.push(FieldError::new("org_id", "membership.union_unavailable"));
    }
    e.clone().into_result()?;
    let name = name.expect("checked");
    let place = place.flatten();
    let mut tx = db.begin().await?;
    let id: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO enrolment_events (org_id, name, token, ends_at, per_minute, created_by, created_at, closed_at, starts_at, place)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9) RETURNING id",
            )
            .bind(org_id)
            .bind(&name)
            .bind(random_token())
            .bind(input.ends_at)
            .bind(input.per_minute)
            .bind(actor.username.as_str())
            .bind(now)
            .bind(input.starts_at)
            .bind(place.as_deref()),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "event.create",
            entity: "enrolment_event",
            entity_id: Some(id.to_string()),
            org_path: &org.path,
            before: None,
            after: Some(
                json!({ "name": name, "starts_at": input.starts_at, "ends_at": input.ends_at, "place": place, "per_minute": input.per_minute }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    get(db, &actor.scope, id).await
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<EnrolmentEvent> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE e.id = ").push_bind(id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    db.fetch_optional(&q).await?.ok_or(StoreError::NotFound)
}

/// A union's events, newest first (the union in scope).
pub async fn list(db: &Db, scope: &Scope, org_id: i64) -> StoreResult<Vec<EnrolmentEvent>> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE e.org_id = ").push_bind(org_id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    q.push(" ORDER BY e.id DESC LIMIT 100");
    db.fetch_all(&q).await
}

/// Ends an event now: its code stops taking applications.
pub async fn close(db: &Db, actor: &Actor, id: i64) -> StoreResult<EnrolmentEvent> {
    actor.require(Permission::ManageOrgs)?;
    let event = get(db, &actor.scope, id).await?;
    let door = Door {
        table: "enrolment_events",
        column: "closed_at",
        action: "event.close",
        entity: "enrolment_event",
    };
    switch_off(db, actor, &door, id, event.org_id).await?;
    get(db, &actor.scope, id).await
}
