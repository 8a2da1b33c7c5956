//! Transfers of a membership between unions, across districts and cities.
//! Either union (or the worker, through their private link) asks; the
//! receiving union accepts or refuses; the member keeps their number.

use chrono::{DateTime, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_domain::membership::MembershipStatus;
use nuanxin_domain::{text, FieldError};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Event};
use crate::{Actor, Db, Query, Scope, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, Serialize, PartialEq, sqlx::FromRow)]
pub struct Transfer {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub member_no: Option<String>,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub to_org_id: i64,
    pub to_org_name: String,
    /// `pending`, `accepted` or `refused`.
    pub status: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

const SELECT_TRANSFER: &str = "SELECT t.id, t.member_id, m.name AS member_name, m.member_no, t.from_org_id, f.name AS from_org_name,
        t.to_org_id, o.name AS to_org_name, t.status, t.requested_by, t.requested_at, t.decided_by, t.decided_at, t.reason
    FROM transfers t JOIN members m ON m.id = t.member_id JOIN orgs f ON f.id = t.from_org_id JOIN orgs o ON o.id = t.to_org_id";

fn not_open() -> StoreError {
    FieldError::new("id", "transfer.not_pending").into()
}

/// A grassroots union that can receive members: its path, or a field error.
async fn receiving_union(tx: &mut Tx, to_org_id: i64) -> StoreResult<(String, String)> {
    let row: Option<(String, String, String)> = tx
        .fetch_optional(
            &Query::new("SELECT kind, status, path FROM orgs WHERE id = $1").bind(to_org_id),
        )
        .await?;
    match row {
        Some((kind, status, path))
            if nuanxin_domain::org::OrgKind::codes_receive_members(&kind, &status) =>
        {
            Ok((path, kind))
        }
        _ => Err(FieldError::new("to_org_id", "transfer.union_unavailable").into()),
    }
}

/// Opens a transfer of an active member, found by membership number, to
/// `to_org_id`; the receiving union then accepts or refuses.
///
/// Only the side that holds the member may ask: a staff actor's scope must
/// hold the member's union (the releasing union or a federation above it).
/// `None` is the worker asking through their private link. The receiving
/// side cannot pull a member in: membership numbers are guessable, so a
/// number outside the actor's scope answers exactly like an unknown one
/// (not found, nothing echoed), before anything else is checked.
pub async fn request(
    db: &Db,
    actor: Option<&Actor>,
    member_no: &str,
    to_org_id: i64,
) -> StoreResult<Transfer> {
    if let Some(a) = actor {
        a.require(Permission::Review)?;
    }
    let mut tx = db.begin().await?;
    let member: Option<(i64, i64, String, String)> = tx
        .fetch_optional(
            &Query::new("SELECT m.id, m.org_id, m.status, o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.member_no = $1")
                .bind(member_no.trim().to_ascii_uppercase()),
        )
        .await?;
    let Some((member_id, from_org_id, status, from_path)) = member else {
        return Err(StoreError::NotFound);
    };
    if actor.is_some_and(|a| !a.scope.contains(&from_path)) {
        return Err(StoreError::NotFound);
    }
    let (to_path, _) = receiving_union(&mut tx, to_org_id).await?;
    if from_org_id == to_org_id {
        return Err(FieldError::new("to_org_id", "transfer.same_union").into());
    }
    MembershipStatus::from_code(&status)
        .unwrap_or(MembershipStatus::Left)
        .transition(MembershipStatus::Transferring)?;
    let now = Utc::now();
    let by = actor.map_or_else(|| "worker".to_string(), |a| a.username.clone());
    let id: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO transfers (member_id, from_org_id, to_org_id, status, requested_by, requested_at, decided_by, decided_at, reason)
                 VALUES ($1, $2, $3, 'pending', $4, $5, NULL, NULL, NULL) RETURNING id",
            )
            .bind(member_id)
            .bind(from_org_id)
            .bind(to_org_id)
            .bind(&by)
            .bind(now),
        )
        .await
        .map_err(|e| {
            let open = FieldError::new("member_no", "transfer.already_open");
            crate::error::unique_as_conflict(e, crate::error::TRANSFERS_OPEN, open)
        })?;
    tx.execute(
        &Query::new("UPDATE members SET status = 'transferring', updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(member_id),
    )
    .await?;
    event(
        &mut tx,
        member_id,
        "active",
        "transferring",
        from_org_id,
        &by,
        None,
    )
    .await?;
    let t = get_in_tx(&mut tx, id).await?;
    for path in [&from_path, &to_path] {
        audit::append_as(
            &mut tx,
            actor.and_then(|a| a.account_id),
            &by,
            actor.and_then(|a| a.ip.as_deref()),
            Event {
                action: "transfer.request",
                entity: "member",
                entity_id: Some(member_id.to_string()),
                org_path: path,
                before: None,
                after: Some(json!({ "transfer": id, "from": from_org_id, "to": to_org_id })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(t)
}

async fn event(
    tx: &mut Tx,
    member_id: i64,
    from: &str,
    to: &str,
    org_id: i64,
    actor: &str,
    reason: Option<&str>,
) -> StoreResult<()> {
    tx.execute(
        &Query::new("INSERT INTO member_events (member_id, at, from_status, to_status, org_id, actor_name, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(member_id)
            .bind(Utc::now())
            .bind(from)
            .bind(to)
            .bind(org_id)
            .bind(actor)
            .bind(reason),
    )
    .await?;
    Ok(())
}

async fn get_in_tx(tx: &mut Tx, id: i64) -> StoreResult<Transfer> {
    let mut q = Query::new(SELECT_TRANSFER);
    q.push(" WHERE t.id = ").push_bind(id);
    tx.fetch_optional(&q).await?.ok_or(StoreError::NotFound)
}

/// The receiving union accepts (the member moves, keeping their number) or
/// refuses (with a reason; the member stays where they were).
pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i64,
    accept: bool,
    reason: Option<&str>,
) -> StoreResult<Transfer> {
    actor.require(Permission::Review)?;
    let reason = if accept {
        None
    } else {
        Some(text::required_line(
            "reason",
            "label-transfer_refusal_reason",
            reason.unwrap_or(""),
            200,
        )?)
    };
    let mut tx = db.begin().await?;
    let t = get_in_tx(&mut tx, id).await?;
    let (to_path,): (String,) = tx
        .fetch_optional(&Query::new("SELECT path FROM orgs WHERE id = $1").bind(t.to_org_id))
        .await?
        .ok_or(StoreError::NotFound)?;
    if !actor.scope.contains(&to_path) {
        return Err(StoreError::NotFound);
    }
    if t.status != "pending" {
        return Err(not_open());
    }
    let now = Utc::now();
    let status = if accept { "accepted" } else { "refused" };
    let decided = tx.execute(
        &Query::new("UPDATE transfers SET status = $1, decided_by = $2, decided_at = $3, reason = $4 WHERE id = $5 AND status = 'pending'")
            .bind(status)
            .bind(&actor.username)
            .bind(now)
            .bind(reason.as_deref())
            .bind(id),
    )
    .await?;
    // Decided by someone else since it was read: their decision stands.
    if decided == 0 {
        return Err(not_open());
    }
    let org_id = if accept { t.to_org_id } else { t.from_org_id };
    tx.execute(
        &Query::new(
            "UPDATE members SET status = 'active', org_id = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(org_id)
        .bind(now)
        .bind(t.member_id),
    )
    .await?;
    event(
        &mut tx,
        t.member_id,
        "transferring",
        "active",
        org_id,
        &actor.username,
        reason.as_deref(),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: if accept {
                "transfer.accept"
            } else {
                "transfer.refuse"
            },
            entity: "member",
            entity_id: Some(t.member_id.to_string()),
            org_path: &to_path,
            before: Some(json!({ "org_id": t.from_org_id })),
            after: Some(json!({ "org_id": org_id, "reason": reason })),
        },
    )
    .await?;
    let after = get_in_tx(&mut tx, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// Transfers into or out of the unions of `scope`, newest first.
pub async fn list(
    db: &Db,
    scope: &Scope,
    pending_only: bool,
    limit: i64,
) -> StoreResult<Vec<Transfer>> {
    let mut q = Query::new(SELECT_TRANSFER);
    q.push(" WHERE (");
    scope.push_filter(&mut q, "o.path");
    q.push(" OR");
    scope.push_filter(&mut q, "f.path");
    q.push(")");
    if pending_only {
        q.push(" AND t.status = 'pending'");
    }
    q.push(" ORDER BY t.id DESC LIMIT ")
        .push_bind(limit.clamp(1, 1000));
    db.fetch_all(&q).await
}

/// One member's transfers, newest first (the member in scope).
pub async fn of_member(db: &Db, scope: &Scope, member_id: i64) -> StoreResult<Vec<Transfer>> {
    crate::membership::get(db, scope, member_id).await?;
    let mut q = Query::new(SELECT_TRANSFER);
    q.push(" WHERE t.member_id = ")
        .push_bind(member_id)
        .push(" ORDER BY t.id DESC LIMIT 50");
    db.fetch_all(&q).await
}

/// Transfers waiting to be accepted by a union of `scope`.
pub async fn incoming_count(db: &Db, scope: &Scope) -> StoreResult<i64> {
    let mut q = Query::new(
        "SELECT COUNT(*) FROM transfers t JOIN orgs o ON o.id = t.to_org_id WHERE t.status = 'pending' AND",
    );
    scope.push_filter(&mut q, "o.path");
    db.scalar(&q).await
}
