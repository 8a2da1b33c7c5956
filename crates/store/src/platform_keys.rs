//! API keys for platform enterprises: each key is bound to one union, is
//! created and revoked in the console, and lets the platform push its
//! roster with the same checks and routing as the console's roster import.
//! Only the SHA-256 of a key is stored; the key is shown once.

use chrono::{DateTime, Utc};
use nuanxin_domain::account::{Permission, Role};
use nuanxin_domain::{text, FieldError};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Event};
use crate::sessions::{random_token, token_hash};
use crate::switch_off::{switch_off, Door};
use crate::{Actor, Db, Query, Scope, StoreError, StoreResult};

/// What every platform key starts with, so a leaked one is recognisable.
pub const KEY_PREFIX: &str = "nxk_";

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ApiKey {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub key_prefix: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT k.id, k.org_id, k.name, k.key_prefix, k.created_by, k.created_at, k.revoked_at, k.last_used_at
    FROM api_keys k JOIN orgs o ON o.id = k.org_id";

/// Creates a key for a union in scope; returns it with the secret, which is
/// never shown again.
pub async fn create(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    name: &str,
) -> StoreResult<(ApiKey, String)> {
    actor.require(Permission::ManageOrgs)?;
    let org = crate::orgs::get_current(db, &actor.scope, org_id).await?;
    let name = text::required_line("name", "label-key_name", name, 60)?;
    let secret = format!("{KEY_PREFIX}{}", random_token());
    let mut tx = db.begin().await?;
    let id: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO api_keys (org_id, name, key_prefix, key_hash, created_by, created_at, revoked_at, last_used_at)
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL) RETURNING id",
            )
            .bind(org_id)
            .bind(&name)
            .bind(&secret[..12])
            .bind(token_hash(&secret))
            .bind(actor.username.as_str())
            .bind(Utc::now()),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "api_key.create",
            entity: "api_key",
            entity_id: Some(id.to_string()),
            org_path: &org.path,
            before: None,
            after: Some(json!({ "name": name, "org_id": org_id })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((get(db, &actor.scope, id).await?, secret))
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<ApiKey> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE k.id = ").push_bind(id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    db.fetch_optional(&q).await?.ok_or(StoreError::NotFound)
}

/// A union's keys, newest first.
pub async fn list(db: &Db, scope: &Scope, org_id: i64) -> StoreResult<Vec<ApiKey>> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE k.org_id = ").push_bind(org_id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    q.push(" ORDER BY k.id DESC");
    db.fetch_all(&q).await
}

/// Revokes a key at once.
pub async fn revoke(db: &Db, actor: &Actor, id: i64) -> StoreResult<ApiKey> {
    actor.require(Permission::ManageOrgs)?;
    let key = get(db, &actor.scope, id).await?;
    let door = Door {
        table: "api_keys",
        column: "revoked_at",
        action: "api_key.revoke",
        entity: "api_key",
    };
    switch_off(db, actor, &door, id, key.org_id).await?;
    get(db, &actor.scope, id).await
}

/// A platform authenticated by its key.
#[derive(Debug, Clone)]
pub struct Platform {
    pub key_id: i64,
    pub org_id: i64,
    /// Acts as a reviewer of its union's subtree, named after the key.
    pub actor: Actor,
}

/// The platform behind a live key of an open union.
pub async fn authenticate(db: &Db, secret: &str) -> StoreResult<Option<Platform>> {
    if !secret.starts_with(KEY_PREFIX) || secret.len() > 100 {
        return Ok(None);
    }
    let row: Option<(i64, i64, String, String)> = db
        .fetch_optional(
            &Query::new(
                "SELECT k.id, k.org_id, k.name, o.path FROM api_keys k JOIN orgs o ON o.id = k.org_id
                 WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND o.status <> 'closed'",
            )
            .bind(token_hash(secret)),
        )
        .await?;
    let Some((key_id, org_id, name, path)) = row else {
        return Ok(None);
    };
    db.execute(
        &Query::new("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(Utc::now())
            .bind(key_id),
    )
    .await?;
    Ok(Some(Platform {
        key_id,
        org_id,
        actor: Actor {
            account_id: None,
            username: format!("api:{name}"),
            role: Role::Reviewer,
            scope: Scope { org_id, path },
            ip: None,
        },
    }))
}

/// How a push with an idempotency key may go on.
#[derive(Debug, Clone, PartialEq)]
pub enum PushStart {
    /// The key is new, or its stale reservation was taken over, and is now
    /// reserved: run the push, then [`finish_push`] or [`abandon_push`].
    Fresh(Reservation),
    /// The key was used before for the same request: its answer.
    Replay { status: u16, body: String },
}

/// One attempt's hold on an idempotency key. It names the moment it was
/// taken, so an attempt whose reservation went stale and was taken over
/// cannot finish or free the attempt that took it over.
#[derive(Debug, Clone, PartialEq)]
pub struct Reservation {
    key_id: i64,
    idempotency_key: String,
    since: DateTime<Utc>,
}

impl Reservation {
    fn new(key_id: i64, idempotency_key: &str, since: DateTime<Utc>) -> Self {
        Self {
            key_id,
            idempotency_key: idempotency_key.to_string(),
            since,
        }
    }
}

/// Now, to the microsecond: what PostgreSQL keeps of a timestamp, so the
/// moment read back compares equal to the one written.
fn now_micros() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

fn in_progress() -> StoreError {
    StoreError::Conflict(FieldError::new("idempotency_key", "push.in_progress"))
}

fn reused() -> StoreError {
    StoreError::Conflict(FieldError::new(
        "idempotency_key",
        "push.idempotency_key_reused",
    ))
}

/// Longer than any push of at most 5,000 members runs.
const STALE_RESERVATION: chrono::Duration = chrono::Duration::minutes(15);

/// Reserves an idempotency key for a push, so that a retry arriving while
/// the first attempt runs is told so instead of importing again.
pub async fn begin_push(
    db: &Db,
    key_id: i64,
    idempotency_key: &str,
    request_hash: &str,
) -> StoreResult<PushStart> {
    // Twice at most: a reservation freed by its attempt between the insert
    // and the read below leaves the key free, and the insert is tried again.
    for _ in 0..2 {
        let since = now_micros();
        let reserved = db
            .execute(
                &Query::new(
                    "INSERT INTO roster_pushes (api_key_id, idempotency_key, request_hash, status, response_json, created_at)
                     VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING",
                )
                .bind(key_id)
                .bind(idempotency_key)
                .bind(request_hash)
                .bind(since),
            )
            .await?;
        // A reservation that never got its answer (the server stopped
        // mid-push) is taken over once it is older than any push could run.
        let fresh = reserved == 1
            || db
                .execute(
                &Query::new(
                    "UPDATE roster_pushes SET created_at = $2
                     WHERE request_hash = $1 AND api_key_id = $3 AND idempotency_key = $4 AND status = 0 AND created_at < $5",
                )
                .bind(request_hash)
                .bind(since)
                .bind(key_id)
                .bind(idempotency_key)
                .bind(since - STALE_RESERVATION),
            )
            .await?
                == 1;
        if fresh {
            return Ok(PushStart::Fresh(Reservation::new(
                key_id,
                idempotency_key,
                since,
            )));
        }
        let Some((hash, status, body)) = db
            .fetch_optional::<(String, i64, String)>(
                &Query::new("SELECT request_hash, CAST(status AS BIGINT), response_json FROM roster_pushes WHERE api_key_id = $1 AND idempotency_key = $2")
                    .bind(key_id)
                    .bind(idempotency_key),
            )
            .await?
        else {
            continue;
        };
        if hash != request_hash {
            return Err(reused());
        }
        if status == 0 {
            return Err(in_progress());
        }
        return Ok(PushStart::Replay {
            status: u16::try_from(status).unwrap_or(200),
            body,
        });
    }
    // Freed twice in a row under this request's feet: another attempt is
    // busy with the key.
    Err(in_progress())
}

/// Keeps the answer of a reserved push for its retries. False when the
/// reservation went stale and another attempt took the key over: that
/// attempt's answer is the one kept.
pub async fn finish_push(
    db: &Db,
    reservation: &Reservation,
    status: u16,
    body: &str,
) -> StoreResult<bool> {
    let kept = db
        .execute(
            &Query::new("UPDATE roster_pushes SET status = $1, response_json = $2 WHERE api_key_id = $3 AND idempotency_key = $4 AND status = 0 AND created_at = $5")
                .bind(i64::from(status))
                .bind(body)
                .bind(reservation.key_id)
                .bind(reservation.idempotency_key.as_str())
                .bind(reservation.since),
        )
        .await?;
    Ok(kept == 1)
}

/// Releases the reservation of a push that was refused as a whole, so that
/// the corrected request may use the key. A reservation taken over by
/// another attempt is left to it.
pub async fn abandon_push(db: &Db, reservation: &Reservation) -> StoreResult<()> {
    db.execute(
        &Query::new("DELETE FROM roster_pushes WHERE api_key_id = $1 AND idempotency_key = $2 AND status = 0 AND created_at = $3")
            .bind(reservation.key_id)
            .bind(reservation.idempotency_key.as_str())
            .bind(reservation.since),
    )
    .await?;
    Ok(())
}
