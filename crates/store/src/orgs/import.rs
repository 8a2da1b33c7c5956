//! Many organisations at once, in one transaction: a federation's existing
//! registry of unions, or the demo city. Every row gets the same checks as
//! a single create; either every row is written or none is.

use chrono::{NaiveDate, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_domain::org::{self, FoundingStep, OrgKind, OrgStatus};
use nuanxin_domain::region::Regions;
use nuanxin_domain::{FieldError, ValidationErrors};
use serde_json::json;

use super::{check_fields, get_current, uscc_conflict};
use crate::audit::{self, Event};
use crate::error::{unique_as_conflict, ORGS_USCC};
use crate::{Actor, Db, Query, StoreError, StoreResult};

/// Where a new organisation hangs: an existing one (in the actor's scope),
/// or an earlier row of the same batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentRef {
    Existing(i64),
    Row(usize),
}

#[derive(Debug, Clone)]
pub struct ImportOrg {
    pub parent: ParentRef,
    pub kind: String,
    pub name: String,
    pub region_code: String,
    pub industry: Option<String>,
    pub uscc: Option<String>,
    /// `Preparing` or `Founded`; the kind's initial status when `None`.
    pub status: Option<OrgStatus>,
    /// The founding date of a founded organisation (today when `None`).
    pub founded_on: Option<NaiveDate>,
    /// Founding steps already done. A grassroots union imported as founded
    /// needs all nine, as it would to be founded one by one.
    pub checklist: Vec<(FoundingStep, NaiveDate)>,
}

/// A refused row: its 0-based index in the batch and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRowError {
    pub row: usize,
    pub errors: ValidationErrors,
}

/// What the batch knows of a parent: its kind, status, path and depth.
#[derive(Clone)]
struct ParentInfo {
    kind: OrgKind,
    closed: bool,
    path: String,
    depth: i32,
}

/// Checks every row first; writes all of them, with their checklists and
/// one audit row each, only if every row is valid. Returns the new ids in
/// row order.
pub async fn import(
    db: &Db,
    actor: &Actor,
    regions: &Regions,
    rows: &[ImportOrg],
) -> StoreResult<Result<Vec<i64>, Vec<ImportRowError>>> {
    actor.require(Permission::ManageOrgs)?;
    let today = nuanxin_domain::time::today_china();
    let mut tx = db.begin().await?;
    let mut existing: std::collections::HashMap<i64, Option<ParentInfo>> =
        std::collections::HashMap::new();
    let mut row_parents: Vec<Option<ParentInfo>> = Vec::with_capacity(rows.len());
    let mut failed = Vec::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let mut errors = ValidationErrors::new();
        let kind = errors.check(
            OrgKind::from_code(r.kind.trim())
                .ok_or_else(|| FieldError::new("kind", "org.kind_unknown")),
        );
        let fields = check_fields(
            regions,
            &mut errors,
            &r.name,
            &r.region_code,
            r.industry.as_deref(),
            r.uscc.as_deref(),
        );
        let parent: Option<ParentInfo> = match r.parent {
            ParentRef::Existing(id) => match existing.get(&id) {
                Some(info) => info.clone(),
                None => {
                    let info = match get_current(&mut tx, &actor.scope, id).await {
                        Ok(p) => Some(ParentInfo {
                            kind: p.kind,
                            closed: p.status == OrgStatus::Closed,
                            path: p.path,
                            depth: p.depth,
                        }),
                        Err(StoreError::NotFound) => None,
                        Err(e) => return Err(e),
                    };
                    existing.insert(id, info.clone());
                    info
                }
            },
            ParentRef::Row(j) if j < i => row_parents[j].clone(),
            ParentRef::Row(_) => None,
        };
        let status = r.status.or(kind.map(OrgKind::initial_status));
        match (&parent, kind) {
            (None, _) => errors.push(FieldError::new("parent_id", "org.parent_not_found")),
            (Some(p), Some(k)) => {
                errors.check(org::check_parent_kind(k, p.kind));
                if p.closed {
                    errors.push(FieldError::new("parent_id", "org.parent_closed"));
                }
            }
            _ => {}
        }
        if status == Some(OrgStatus::Closed) {
            errors.push(FieldError::new("status", "org.import_closed"));
        }
        for (step, d) in &r.checklist {
            if *d > today {
                errors.push(
                    FieldError::new(step.code(), "checklist.future_date").with_label(
                        "step",
                        step.label_zh(),
                        step.label_en(),
                    ),
                );
            }
        }
        if let (Some(k), Some(OrgStatus::Founded)) = (kind, status) {
            let steps: std::collections::HashSet<_> = r.checklist.iter().map(|(s, _)| *s).collect();
            if k.is_grassroots() && steps.len() < FoundingStep::ALL.len() {
                errors.push(
                    FieldError::new("status", "org.checklist_incomplete").with("done", steps.len()),
                );
            }
        }
        // The row's own depth and a placeholder path; the real path needs the new id.
        let me = match (&parent, kind, &status) {
            (Some(p), Some(k), Some(s)) => Some(ParentInfo {
                kind: k,
                closed: *s == OrgStatus::Closed,
                path: String::new(),
                depth: p.depth + 1,
            }),
            _ => None,
        };
        row_parents.push(me);
        if errors.is_empty() {
            checked.push((
                fields.expect("checked"),
                kind.expect("checked"),
                status.expect("checked"),
                parent.expect("checked"),
            ));
        } else {
            failed.push(ImportRowError { row: i, errors });
        }
    }
    if !failed.is_empty() {
        return Ok(Err(failed));
    }
    let now = Utc::now();
    let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
    let mut paths: Vec<String> = Vec::with_capacity(rows.len());
    for (i, (f, kind, status, parent)) in checked.into_iter().enumerate() {
        let (parent_id, parent_path) = match rows[i].parent {
            ParentRef::Existing(id) => (id, parent.path.clone()),
            ParentRef::Row(j) => (ids[j], paths[j].clone()),
        };
        let founded_on =
            (status == OrgStatus::Founded).then(|| rows[i].founded_on.unwrap_or(today));
        let id: i64 = tx
            .scalar(
                &Query::new(
                    "INSERT INTO orgs (parent_id, path, depth, kind, name, region_code, industry, uscc, status, founded_on, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                )
                .bind(parent_id)
                .bind(format!("/pending/{i}/"))
                .bind(parent.depth + 1)
                .bind(kind.code())
                .bind(&f.name)
                .bind(f.region.as_str())
                .bind(f.industry.map(|x| x.code()))
                .bind(f.uscc.as_ref().map(|u| u.as_str()))
                .bind(status.code())
                .bind(founded_on)
                .bind(now),
            )
            .await
            .map_err(|e| unique_as_conflict(e, ORGS_USCC, uscc_conflict()))?;
        let path = format!("{parent_path}{id}/");
        tx.execute(
            &Query::new("UPDATE orgs SET path = $1 WHERE id = $2")
                .bind(&path)
                .bind(id),
        )
        .await?;
        if !rows[i].checklist.is_empty() {
            let mut q =
                Query::new("INSERT INTO org_founding_steps (org_id, step, done_on) VALUES ");
            for (n, (step, d)) in rows[i].checklist.iter().enumerate() {
                if n > 0 {
                    q.push(", ");
                }
                q.push("(")
                    .push_bind(id)
                    .push(", ")
                    .push_bind(step.code())
                    .push(", ")
                    .push_bind(*d)
                    .push(")");
            }
            q.push(" ON CONFLICT (org_id, step) DO NOTHING");
            tx.execute(&q).await?;
        }
        let after = json!({
            "name": f.name, "kind": kind.code(), "parent_id": parent_id, "path": path,
            "region_code": f.region.as_str(), "status": status.code(), "founded_on": founded_on,
        });
        audit::append(
            &mut tx,
            actor,
            Event {
                action: "org.import",
                entity: "org",
                entity_id: Some(id.to_string()),
                org_path: &path,
                before: None,
                after: Some(after),
            },
        )
        .await?;
        ids.push(id);
        paths.push(path);
    }
    tx.commit().await?;
    db.caches().forget();
    Ok(Ok(ids))
}
