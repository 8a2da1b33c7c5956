//! Member requests: what a member asks of their union through their
//! private link (a new phone, a correction, leaving, deleting their data),
//! each a task of the member's union with a time limit. The union's side,
//! here, is scoped like every other record; the worker's (filing and
//! reading by the private link's token) is in `worker.rs`.

use chrono::{DateTime, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_domain::ids::Phone;
use nuanxin_domain::membership::request::{RequestKind, RequestStatus};
use nuanxin_domain::membership::{Correction, MembershipStatus};
use nuanxin_domain::{text, FieldError};
use serde::Serialize;
use serde_json::json;

use super::{correct::correct_in_tx, decide_in_tx};
use crate::audit::{self, Event};
use crate::sensitive::Sealer;
use crate::{Actor, Db, Query, Scope, StoreError, StoreResult, Tx};

/// What an erased record's name reads.
pub const ERASED_NAME: &str = "（已删除）";
/// Erased records' blind keys start so: they match no ID number or phone.
pub(super) const ERASED_KEY: &str = "erased-";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MemberRequest {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub member_no: Option<String>,
    /// The union that answers: the member's when it was filed.
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub kind: RequestKind,
    pub detail: String,
    /// For a change of phone.
    pub new_phone_masked: Option<String>,
    pub status: RequestStatus,
    pub requested_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub answer: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct Row {
    id: i64,
    member_id: i64,
    member_name: String,
    member_no: Option<String>,
    org_id: i64,
    org_name: String,
    org_path: String,
    kind: String,
    detail: String,
    phone_masked: Option<String>,
    status: String,
    requested_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    answer: Option<String>,
}

impl TryFrom<Row> for MemberRequest {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        let bad = |what: &str, v: &str| {
            StoreError::Internal(format!("member request {}: unknown {what} {v:?}", r.id))
        };
        Ok(MemberRequest {
            kind: RequestKind::from_code(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
            status: RequestStatus::from_code(&r.status).ok_or_else(|| bad("status", &r.status))?,
            id: r.id,
            member_id: r.member_id,
            member_name: r.member_name,
            member_no: r.member_no,
            org_id: r.org_id,
            org_name: r.org_name,
            org_path: r.org_path,
            detail: r.detail,
            new_phone_masked: r.phone_masked,
            requested_at: r.requested_at,
            due_at: r.due_at,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            answer: r.answer,
        })
    }
}

pub(super) const SELECT: &str =
    "SELECT r.id, r.member_id, m.name AS member_name, m.member_no, r.org_id, o.name AS org_name,
        o.path AS org_path, r.kind, r.detail, r.phone_masked, r.status, r.requested_at, r.due_at,
        r.decided_by, r.decided_at, r.answer
    FROM member_requests r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = r.org_id";

pub(super) fn rows(rows: Vec<Row>) -> StoreResult<Vec<MemberRequest>> {
    rows.into_iter().map(MemberRequest::try_from).collect()
}

pub(super) async fn one(tx: &mut Tx, id: i64) -> StoreResult<MemberRequest> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE r.id = ").push_bind(id);
    let row: Option<Row> = tx.fetch_optional(&q).await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// One member's requests in scope, newest first.
pub async fn of_member(db: &Db, scope: &Scope, member_id: i64) -> StoreResult<Vec<MemberRequest>> {
    super::get(db, scope, member_id).await?;
    let mut q = Query::new(SELECT);
    q.push(" WHERE r.member_id = ")
        .push_bind(member_id)
        .push(" ORDER BY r.id DESC LIMIT 50");
    rows(db.fetch_all(&q).await?)
}

/// The open requests in scope, the first to fall due first, with how many
/// are open and how many of those are overdue.
pub async fn open(
    db: &Db,
    scope: &Scope,
    limit: i64,
) -> StoreResult<(Vec<MemberRequest>, i64, i64)> {
    let mut w = Query::new(" WHERE r.status = 'open' AND");
    scope.push_filter(&mut w, "o.path");
    let count = |extra: &str| {
        let mut q =
            Query::new("SELECT COUNT(*) FROM member_requests r JOIN orgs o ON o.id = r.org_id");
        q.append(&w);
        q.push(extra);
        q
    };
    let total: i64 = db.scalar(&count("")).await?;
    let mut late = count(" AND r.due_at < ");
    late.push_bind(Utc::now());
    let overdue: i64 = db.scalar(&late).await?;
    let mut q = Query::new(SELECT);
    q.append(&w);
    q.push(" ORDER BY r.due_at, r.id LIMIT ")
        .push_bind(limit.clamp(1, 500));
    Ok((rows(db.fetch_all(&q).await?)?, total, overdue))
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<MemberRequest> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE r.id = ").push_bind(id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    let row: Option<Row> = db.fetch_optional(&q).await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Answers an open request. Done means done: a new phone is put on record,
/// leaving ends the membership (an application is withdrawn), deletion
/// ends the record and erases its personal data; a correction is made with
/// the correction form, and marking it done says so. Refusing needs the
/// reason the worker reads (deletion, for one, only where the law allows).
/// Everything commits together, or nothing does.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    sealer: &Sealer,
    id: i64,
    done: bool,
    answer: &str,
) -> StoreResult<MemberRequest> {
    actor.require(Permission::Review)?;
    let answer = if done {
        text::optional_line("answer", "label-answer", Some(answer), 200)?
    } else {
        Some(text::required_line(
            "answer",
            "label-refusal_reason",
            answer,
            200,
        )?)
    };
    let r = get(db, &actor.scope, id).await?;
    if r.status != RequestStatus::Open {
        return Err(StoreError::Conflict(FieldError::new(
            "id",
            "request.decided",
        )));
    }
    let mut tx = db.begin().await?;
    if done {
        carry_out(&mut tx, actor, sealer, &r).await?;
    }
    let changed = tx
        .execute(
            &Query::new("UPDATE member_requests SET status = $1, decided_by = $2, decided_at = $3, answer = $4, phone_sealed = NULL WHERE id = $5 AND status = 'open'")
                .bind(if done { RequestStatus::Done } else { RequestStatus::Refused }.code())
                .bind(&actor.username)
                .bind(Utc::now())
                .bind(answer.as_deref())
                .bind(id),
        )
        .await?;
    if changed == 0 {
        return Err(super::changed_meanwhile());
    }
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "member.request_decided",
            entity: "member",
            entity_id: Some(r.member_id.to_string()),
            org_path: &r.org_path,
            before: Some(json!({ "request": id, "kind": r.kind.code(), "status": "open" })),
            after: Some(json!({ "request": id, "status": if done { "done" } else { "refused" }, "answer": answer })),
        },
    )
    .await?;
    let after = one(&mut tx, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// What a request that is done does to the membership.
async fn carry_out(
    tx: &mut Tx,
    actor: &Actor,
    sealer: &Sealer,
    r: &MemberRequest,
) -> StoreResult<()> {
    let member = super::get(&mut *tx, &actor.scope, r.member_id).await?;
    match r.kind {
        RequestKind::Correct => Ok(()),
        RequestKind::Phone => {
            let (sealed,): (Option<String>,) = tx
                .fetch_optional(
                    &Query::new("SELECT phone_sealed FROM member_requests WHERE id = $1")
                        .bind(r.id),
                )
                .await?
                .ok_or(StoreError::NotFound)?;
            let phone = Phone::parse(&sealer.open(&sealed.unwrap_or_default())?)?;
            let c = Correction {
                phone: Some(phone),
                // Empty: the history says the member asked for it.
                reason: String::new(),
                ..Default::default()
            };
            match correct_in_tx(tx, actor, sealer, r.member_id, &c).await {
                // Already on record (staff changed it first): nothing to do.
                Err(StoreError::Validation(v))
                    if v.0
                        .iter()
                        .any(|e| e.code == "membership.nothing_to_correct") =>
                {
                    Ok(())
                }
                other => other.map(|_| ()),
            }
        }
        RequestKind::Leave => end(tx, actor, &member, "member_asked_leave").await,
        RequestKind::Erase => {
            if member.status.is_open() {
                end(tx, actor, &member, "member_asked_erase").await?;
            }
            erase(tx, actor, sealer, &member).await
        }
    }
}

/// Ends a membership as its member asked: an application is withdrawn,
/// an active membership ends; one being transferred waits for the transfer.
async fn end(tx: &mut Tx, actor: &Actor, m: &super::Member, why: &'static str) -> StoreResult<()> {
    let next = match m.status {
        MembershipStatus::Applied => MembershipStatus::Rejected,
        MembershipStatus::Active => MembershipStatus::Left,
        _ => return Err(FieldError::new("id", "request.transferring").into()),
    };
    decide_in_tx(tx, actor, m.id, next, super::Why::system(why))
        .await
        .map(|_| ())
}

/// Erases a closed record's personal data: the name, ID number, phone and
/// employer go; the membership number, the union and the dates stay, so
/// the union's counts and history still add up. The audit trail keeps only
/// what it always kept, masked values.
async fn erase(tx: &mut Tx, actor: &Actor, sealer: &Sealer, m: &super::Member) -> StoreResult<()> {
    let key = format!("{ERASED_KEY}{}", m.id);
    tx.execute(
        &Query::new("UPDATE members SET name = $1, person_key = $2, phone_key = $2, id_number_sealed = $3, phone_sealed = $3,
                id_number_masked = '', phone_masked = '', employer = NULL, updated_at = $4 WHERE id = $5")
            .bind(ERASED_NAME)
            .bind(&key)
            .bind(sealer.seal(""))
            .bind(Utc::now())
            .bind(m.id),
    )
    .await?;
    tx.execute(&Query::new("UPDATE member_requests SET phone_sealed = NULL, phone_masked = NULL WHERE member_id = $1").bind(m.id))
        .await?;
    audit::append(
        tx,
        actor,
        Event {
            action: "member.erase",
            entity: "member",
            entity_id: Some(m.id.to_string()),
            org_path: &m.org_path,
            before: Some(json!({ "name": nuanxin_domain::mask::mask_name(&m.name), "id_number": m.id_number_masked, "phone": m.phone_masked })),
            after: None,
        },
    )
    .await
}
