//! The review queue of a subtree, and one decision over many applications:
//! what a reviewer does first every morning.

use chrono::Utc;
use nuanxin_domain::account::Permission;
use nuanxin_domain::{text, FieldError};

use super::{Member, MemberRow, SELECT_MEMBER};
use crate::{Actor, Db, Query, Scope, StoreError, StoreResult};

/// Pending applications of a subtree, overdue ones first.
#[derive(Debug, Clone)]
pub struct Queue {
    pub rows: Vec<Member>,
    /// Pending in the subtree.
    pub total: i64,
    /// Of those, waiting past their union's limit.
    pub overdue: i64,
}

/// The applications waiting in the subtree of `org_id` (the scope's root
/// when `None`; an organisation outside the scope is not found), ordered by
/// when they fall due: every overdue application comes before every one
/// that is not, the longest overdue first.
pub async fn queue(
    db: &Db,
    scope: &Scope,
    org_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> StoreResult<Queue> {
    let sub = match org_id {
        Some(id) => {
            let org = crate::orgs::get(db, scope, id).await?;
            Scope {
                org_id: id,
                path: org.path,
            }
        }
        None => scope.clone(),
    };
    let now = Utc::now();
    let mut w = Query::new(" WHERE m.status = 'applied' AND");
    sub.push_filter(&mut w, "o.path");
    let count = |extra: &str| {
        let mut q = Query::new("SELECT COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id");
        q.append(&w);
        q.push(extra);
        q
    };
    let total: i64 = db.scalar(&count("")).await?;
    let mut overdue = count(" AND m.due_at < ");
    overdue.push_bind(now);
    let overdue: i64 = db.scalar(&overdue).await?;
    let mut q = Query::new(SELECT_MEMBER);
    q.append(&w);
    q.push(" ORDER BY m.due_at, m.id LIMIT ")
        .push_bind(limit.clamp(1, 500))
        .push(" OFFSET ")
        .push_bind(offset.max(0));
    let rows: Vec<MemberRow> = db.fetch_all(&q).await?;
    Ok(Queue {
        rows: rows
            .into_iter()
            .map(Member::try_from)
            .collect::<StoreResult<_>>()?,
        total,
        overdue,
    })
}

/// One decision for every selected application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// With the reason the worker reads.
    Reject(String),
    /// To another grassroots union in scope, with the reason the worker reads.
    Reroute {
        to_org_id: i64,
        reason: String,
    },
}

/// What a decision over many applications did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Decided, as they are now.
    pub done: Vec<Member>,
    /// Not decided, each with why: decided by someone else meanwhile, no
    /// longer pending, or not found (which is also what an application
    /// outside the scope, or of another union than `only_org`, answers).
    pub skipped: Vec<(i64, FieldError)>,
}

/// The most applications one decision takes: a page of the queue is 100,
/// and select-all takes a page.
pub const MAX_AT_ONCE: usize = 500;

/// Applies one decision to each application in `ids`, each in its own
/// transaction, so that one taken meanwhile by another reviewer does not
/// undo the others; the outcome says which were decided and why the rest
/// were not. The decision itself (a reason, the target union) is checked
/// once, before any application is touched. With `only_org`, only
/// applications of that union are decided (a union's own queue page).
pub async fn decide_many(
    db: &Db,
    actor: &Actor,
    ids: &[i64],
    decision: &Decision,
    only_org: Option<i64>,
) -> StoreResult<Outcome> {
    actor.require(Permission::Review)?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(FieldError::new("ids", "membership.none_selected").into());
    }
    if ids.len() > MAX_AT_ONCE {
        return Err(FieldError::new("ids", "membership.too_many")
            .with("max_at_once", MAX_AT_ONCE)
            .into());
    }
    let decision = match decision {
        Decision::Approve => Decision::Approve,
        Decision::Reject(r) => Decision::Reject(text::required_line(
            "reason",
            "label-reject_reason",
            r,
            200,
        )?),
        Decision::Reroute { to_org_id, reason } => Decision::Reroute {
            to_org_id: *to_org_id,
            reason: text::required_line("reason", "label-reroute_reason", reason, 200)?,
        },
    };
    let mut out = Outcome::default();
    for id in ids {
        if let Some(org) = only_org {
            match super::get(db, &actor.scope, id).await {
                Ok(m) if m.org_id == org => {}
                Ok(_) | Err(StoreError::NotFound) => {
                    out.skipped.push((id, not_found()));
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        let r = match &decision {
            Decision::Approve => super::approve(db, actor, id).await,
            Decision::Reject(reason) => super::reject(db, actor, id, reason).await,
            Decision::Reroute { to_org_id, reason } => {
                super::reroute(db, actor, id, *to_org_id, reason).await
            }
        };
        match r {
            Ok(m) => out.done.push(m),
            Err(StoreError::NotFound) => out.skipped.push((id, not_found())),
            // A wrong target union is the decision's fault, not the
            // application's: it would fail for every one, so say it once.
            Err(StoreError::Validation(v))
                if v.0.iter().any(|e| e.code == "membership.reroute_target") =>
            {
                return Err(StoreError::Validation(v))
            }
            Err(StoreError::Validation(v)) => out
                .skipped
                .push((id, v.0.into_iter().next().unwrap_or_else(not_found))),
            Err(StoreError::Conflict(f)) => out.skipped.push((id, f)),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn not_found() -> FieldError {
    FieldError::new("ids", "membership.not_found")
}
