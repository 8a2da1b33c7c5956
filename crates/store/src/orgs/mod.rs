//! The organisation tree: a materialized path per node (`/1/5/23/`), so a
//! subtree is one range scan and scope checks are a prefix test.

use chrono::{DateTime, NaiveDate, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_domain::ids::Uscc;
use nuanxin_domain::org::{self, FoundingStep, Industry, OrgKind, OrgStatus};
use nuanxin_domain::region::RegionCode;
use nuanxin_domain::{FieldError, ValidationErrors};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Event};
use crate::error::{unique_as_conflict, ORGS_USCC};
use crate::query::contains_pattern;
use crate::scope::path_upper_bound;
use crate::{Actor, Backend, Db, Query, Run, Scope, StoreError, StoreResult, Tx};

mod contact;
mod import;
pub use contact::{contact, set_contact, Contact};
pub use import::{import, ImportOrg, ImportRowError, ParentRef};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Org {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub depth: i32,
    pub kind: OrgKind,
    pub name: String,
    pub region_code: String,
    pub industry: Option<Industry>,
    pub uscc: Option<String>,
    pub status: OrgStatus,
    pub founded_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Direct children (open or closed).
    pub child_count: i64,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: i64,
    parent_id: Option<i64>,
    path: String,
    depth: i32,
    kind: String,
    name: String,
    region_code: String,
    industry: Option<String>,
    uscc: Option<String>,
    status: String,
    founded_on: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    child_count: i64,
}

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> StoreResult<Org> {
        let bad = |what: &str, v: &str| {
            StoreError::Internal(format!("org {}: unknown {what} {v:?}", r.id))
        };
        Ok(Org {
            kind: OrgKind::from_code(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
            status: OrgStatus::from_code(&r.status).ok_or_else(|| bad("status", &r.status))?,
            industry: match r.industry.as_deref() {
                None => None,
                Some(i) => Some(Industry::from_code(i).ok_or_else(|| bad("industry", i))?),
            },
            id: r.id,
            parent_id: r.parent_id,
            path: r.path,
            depth: r.depth,
            name: r.name,
            region_code: r.region_code,
            uscc: r.uscc,
            founded_on: r.founded_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
            child_count: r.child_count,
        })
    }
}

const SELECT_ORG: &str =
    "SELECT o.id, o.parent_id, o.path, o.depth, o.kind, o.name, o.region_code, o.industry, o.uscc,
        o.status, o.founded_on, o.created_at, o.updated_at,
        (SELECT COUNT(*) FROM orgs c WHERE c.parent_id = o.id) AS child_count
    FROM orgs o";

fn to_orgs(rows: Vec<OrgRow>) -> StoreResult<Vec<Org>> {
    rows.into_iter().map(Org::try_from).collect()
}

fn by_id_in_scope(scope: &Scope, id: i64) -> Query {
    let mut q = Query::new(SELECT_ORG);
    q.push(" WHERE o.id = ").push_bind(id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    q
}

/// One organisation inside `scope`; `NotFound` outside it.
///
/// Nearly every request opens an organisation, so this process remembers
/// the ones read a moment ago (see `caches`), whoever read them, and checks
/// the caller's scope against the remembered path. A decision that writes
/// uses [`get_current`].
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<Org> {
    let caches = db.caches();
    let stamp = caches.stamp();
    let org = match caches.get(&caches.orgs, &id) {
        Some(org) => org,
        None => {
            let org = get_current(db, &Scope::everything(), id).await?;
            caches.orgs.put(id, org.clone(), stamp);
            org
        }
    };
    if scope.contains(&org.path) {
        Ok(org)
    } else {
        Err(StoreError::NotFound)
    }
}

/// One organisation inside `scope` as the database holds it now, for checks
/// before a write (is the union open, is it still inside the owner's
/// subtree): a change another server made a moment ago is seen.
/// On the pools or inside the write's own transaction.
pub async fn get_current(mut on: impl Run, scope: &Scope, id: i64) -> StoreResult<Org> {
    let row: Option<OrgRow> = on.fetch_optional(&by_id_in_scope(scope, id)).await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The direct children of `parent_id` (which must be in scope), in the
/// official order of their region codes (GB/T 2260: 玄武 before 秦淮), then
/// by name: the code points of Chinese names mean nothing to a reader.
pub async fn children(
    db: &Db,
    scope: &Scope,
    parent_id: i64,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Org>> {
    let mut q = Query::new(SELECT_ORG);
    q.push(" WHERE o.parent_id = ")
        .push_bind(parent_id)
        .push(" AND");
    scope.push_filter(&mut q, "o.path");
    q.push(" ORDER BY o.region_code, o.name, o.id LIMIT ")
        .push_bind(limit.clamp(1, 1000));
    q.push(" OFFSET ").push_bind(offset.max(0));
    to_orgs(db.fetch_all(&q).await?)
}

/// The chain from the scope root down to `id`, for breadcrumbs.
pub async fn ancestors(db: &Db, scope: &Scope, id: i64) -> StoreResult<Vec<Org>> {
    let org = get(db, scope, id).await?;
    let ids: Vec<i64> = org
        .path
        .trim_matches('/')
        .split('/')
        .filter_map(|s| s.parse().ok())
        .collect();
    let mut out = Vec::with_capacity(ids.len());
    for a in ids {
        match get(db, scope, a).await {
            Ok(o) => out.push(o),
            Err(StoreError::NotFound) => continue, // above the scope root
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Part of the name, or an exact credit code.
    pub q: Option<String>,
    pub kind: Option<OrgKind>,
    pub status: Option<OrgStatus>,
    /// Region code or a prefix of one (`3201` for a whole city).
    pub region_prefix: Option<String>,
    /// Restrict to the subtree of this organisation (itself in scope).
    pub under: Option<i64>,
    /// Only open unions that receive members (grassroots kinds, not closed).
    pub receiving: bool,
    pub limit: i64,
    pub offset: i64,
}

/// Organisations in scope matching the filter, by path, and the total count.
pub async fn search(db: &Db, scope: &Scope, f: &OrgFilter) -> StoreResult<(Vec<Org>, i64)> {
    let mut w = Query::new(" WHERE");
    let sub;
    let within = match f.under {
        Some(id) => {
            let o = get(db, scope, id).await?;
            sub = Scope {
                org_id: o.id,
                path: o.path,
            };
            &sub
        }
        None => scope,
    };
    within.push_filter(&mut w, "o.path");
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        w.push(" AND (o.name LIKE ")
            .push_bind(contains_pattern("q", text)?)
            .push(" ESCAPE '\\'");
        w.push(" OR o.uscc = ")
            .push_bind(text.to_ascii_uppercase())
            .push(")");
    }
    if let Some(k) = f.kind {
        w.push(" AND o.kind = ").push_bind(k.code());
    }
    if let Some(s) = f.status {
        w.push(" AND o.status = ").push_bind(s.code());
    }
    if f.receiving {
        w.push(" AND o.status <> ")
            .push_bind(OrgStatus::Closed.code())
            .push(" AND o.kind IN (");
        let kinds = OrgKind::ALL.iter().filter(|k| k.is_grassroots());
        for (i, k) in kinds.enumerate() {
            if i > 0 {
                w.push(", ");
            }
            w.push_bind(k.code());
        }
        w.push(")");
    }
    if let Some(r) = f.region_prefix.as_deref().filter(|s| !s.is_empty()) {
        let digits: String = r.chars().filter(char::is_ascii_digit).collect();
        w.push(" AND o.region_code LIKE ")
            .push_bind(format!("{digits}%"));
    }
    let mut count = Query::new("SELECT COUNT(*) FROM orgs o");
    count.append(&w);
    let total: i64 = db.scalar(&count).await?;
    let mut q = Query::new(SELECT_ORG);
    q.append(&w);
    q.push(" ORDER BY o.path LIMIT ")
        .push_bind(f.limit.clamp(1, 10_000));
    q.push(" OFFSET ").push_bind(f.offset.max(0));
    Ok((to_orgs(db.fetch_all(&q).await?)?, total))
}

/// Counts of organisations in a subtree by status.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SubtreeCounts {
    pub total: i64,
    pub preparing: i64,
    pub founded: i64,
    pub closed: i64,
}

pub async fn subtree_counts(db: &Db, scope: &Scope, id: i64) -> StoreResult<SubtreeCounts> {
    let root = get(db, scope, id).await?;
    let sub = Scope {
        org_id: root.id,
        path: root.path,
    };
    let mut q = Query::new("SELECT o.status, COUNT(*) FROM orgs o WHERE");
    sub.push_filter(&mut q, "o.path");
    q.push(" GROUP BY o.status ORDER BY o.status");
    let rows: Vec<(String, i64)> = db.fetch_all(&q).await?;
    let mut c = SubtreeCounts::default();
    for (status, n) in rows {
        c.total += n;
        match OrgStatus::from_code(&status) {
            Some(OrgStatus::Preparing) => c.preparing = n,
            Some(OrgStatus::Founded) => c.founded = n,
            Some(OrgStatus::Closed) => c.closed = n,
            None => {}
        }
    }
    Ok(c)
}

/// Input for a new organisation; strings are raw user input.
#[derive(Debug, Clone, Default)]
pub struct NewOrg {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub region_code: String,
    pub industry: Option<String>,
    pub uscc: Option<String>,
}

/// Checked fields shared by create and update.
struct OrgFields {
    name: String,
    region: RegionCode,
    industry: Option<Industry>,
    uscc: Option<Uscc>,
}

fn check_fields(
    regions: &nuanxin_domain::region::Regions,
    errors: &mut ValidationErrors,
    name: &str,
    region: &str,
    industry: Option<&str>,
    uscc: Option<&str>,
) -> Option<OrgFields> {
    let name = errors.check(org::parse_org_name(name));
    let region = errors.check(regions.validate(region));
    let industry = match industry.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(code) => errors.check(
            Industry::from_code(code)
                .map(Some)
                .ok_or_else(|| FieldError::new("industry", "industry.unknown").with("code", code)),
        ),
    };
    let uscc = match uscc.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(raw) => errors.check(Uscc::parse(raw)).map(Some),
    };
    Some(OrgFields {
        name: name?,
        region: region?,
        industry: industry?,
        uscc: uscc?,
    })
}

/// The result of a change, with warnings that did not stop it.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub org: Org,
    pub warnings: Vec<FieldError>,
}

fn uscc_conflict() -> FieldError {
    FieldError::new("uscc", "uscc.taken")
}

/// Appends the audit row of a change to an organisation, in its transaction.
async fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    before: Option<&Org>,
    after: &Org,
) -> StoreResult<()> {
    let e = Event {
        action,
        entity: "org",
        entity_id: Some(after.id.to_string()),
        org_path: &after.path,
        before: before.map(snapshot),
        after: Some(snapshot(after)),
    };
    audit::append(tx, actor, e).await
}

fn snapshot(o: &Org) -> serde_json::Value {
    json!({
        "name": o.name, "kind": o.kind.code(), "parent_id": o.parent_id, "path": o.path,
        "region_code": o.region_code, "industry": o.industry.map(|i| i.code()),
        "uscc": o.uscc, "status": o.status.code(), "founded_on": o.founded_on,
    })
}

/// Creates an organisation under a parent in the actor's scope. Only the
/// whole-tree system actor may create a root.
pub async fn create(
    db: &Db,
    actor: &Actor,
    regions: &nuanxin_domain::region::Regions,
    input: &NewOrg,
) -> StoreResult<Saved> {
    actor.require(Permission::ManageOrgs)?;
    let mut errors = ValidationErrors::new();
    let kind = errors.check(
        OrgKind::from_code(input.kind.trim())
            .ok_or_else(|| FieldError::new("kind", "org.kind_unknown")),
    );
    let fields = check_fields(
        regions,
        &mut errors,
        &input.name,
        &input.region_code,
        input.industry.as_deref(),
        input.uscc.as_deref(),
    );
    let mut tx = db.begin().await?;
    let parent = match input.parent_id {
        Some(pid) => match get_current(&mut tx, &actor.scope, pid).await {
            Ok(p) => Some(p),
            Err(StoreError::NotFound) => {
                errors.push(FieldError::new("parent_id", "org.parent_not_found"));
                None
            }
            Err(e) => return Err(e),
        },
        None if actor.scope == Scope::everything() => None,
        None => {
            errors.push(FieldError::new("parent_id", "org.parent_required"));
            None
        }
    };
    if let (Some(k), Some(p)) = (kind, &parent) {
        errors.check(org::check_parent_kind(k, p.kind));
        if p.status == OrgStatus::Closed {
            errors.push(FieldError::new("parent_id", "org.parent_closed"));
        }
    }
    errors.clone().into_result()?;
    let (kind, f) = (kind.expect("checked"), fields.expect("checked"));
    let warnings: Vec<FieldError> = f
        .uscc
        .as_ref()
        .and_then(|u| org::uscc_warning(kind, u))
        .into_iter()
        .collect();
    let now = Utc::now();
    let status = kind.initial_status();
    let id: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO orgs (parent_id, path, depth, kind, name, region_code, industry, uscc, status, founded_on, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(parent.as_ref().map(|p| p.id))
            .bind(format!("/pending/{}/", rand_suffix()))
            .bind(parent.as_ref().map_or(0, |p| p.depth + 1))
            .bind(kind.code())
            .bind(&f.name)
            .bind(f.region.as_str())
            .bind(f.industry.map(|i| i.code()))
            .bind(f.uscc.as_ref().map(|u| u.as_str()))
            .bind(status.code())
            .bind((status == OrgStatus::Founded).then(|| now.date_naive()))
            .bind(now),
        )
        .await
        .map_err(|e| unique_as_conflict(e, ORGS_USCC, uscc_conflict()))?;
    let path = format!("{}{id}/", parent.as_ref().map_or("/", |p| p.path.as_str()));
    tx.execute(
        &Query::new("UPDATE orgs SET path = $1 WHERE id = $2")
            .bind(&path)
            .bind(id),
    )
    .await?;
    let org = get_current(&mut tx, &Scope::everything(), id).await?;
    record(&mut tx, actor, "org.create", None, &org).await?;
    tx.commit().await?;
    db.caches().forget();
    Ok(Saved { org, warnings })
}

/// A placeholder path unique until the real one (which needs the new id) is set.
fn rand_suffix() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

#[derive(Debug, Clone, Default)]
pub struct OrgUpdate {
    pub name: String,
    pub region_code: String,
    pub industry: Option<String>,
    pub uscc: Option<String>,
}

/// Renames an organisation and updates its region, industry and credit code.
pub async fn update(
    db: &Db,
    actor: &Actor,
    regions: &nuanxin_domain::region::Regions,
    id: i64,
    input: &OrgUpdate,
) -> StoreResult<Saved> {
    actor.require(Permission::ManageOrgs)?;
    let mut errors = ValidationErrors::new();
    let f = check_fields(
        regions,
        &mut errors,
        &input.name,
        &input.region_code,
        input.industry.as_deref(),
        input.uscc.as_deref(),
    );
    let mut tx = db.begin().await?;
    let before = get_current(&mut tx, &actor.scope, id).await?;
    errors.into_result()?;
    let f = f.expect("checked");
    let warnings = f
        .uscc
        .as_ref()
        .and_then(|u| org::uscc_warning(before.kind, u))
        .into_iter()
        .collect();
    tx.execute(
        &Query::new("UPDATE orgs SET name = $1, region_code = $2, industry = $3, uscc = $4, updated_at = $5 WHERE id = $6")
            .bind(&f.name)
            .bind(f.region.as_str())
            .bind(f.industry.map(|i| i.code()))
            .bind(f.uscc.as_ref().map(|u| u.as_str()))
            .bind(Utc::now())
            .bind(id),
    )
    .await
    .map_err(|e| unique_as_conflict(e, ORGS_USCC, uscc_conflict()))?;
    let org = get_current(&mut tx, &actor.scope, id).await?;
    // Rules name this organisation by its name, path and status.
    crate::routing::invalidate(&mut tx).await?;
    record(&mut tx, actor, "org.update", Some(&before), &org).await?;
    tx.commit().await?;
    db.caches().forget();
    Ok(Saved { org, warnings })
}

/// Moves an organisation (with its whole subtree) under a new parent. The
/// actor's own root cannot be moved, and nothing moves under its own descendant.
pub async fn move_to(db: &Db, actor: &Actor, id: i64, new_parent_id: i64) -> StoreResult<Org> {
    actor.require(Permission::ManageOrgs)?;
    let mut tx = db.begin().await?;
    if tx.backend() == Backend::Postgres {
        // Two concurrent moves could each pass the cycle check and together
        // make a cycle; serialise moves (they are rare) against each other.
        tx.execute(&Query::new("LOCK TABLE orgs IN SHARE ROW EXCLUSIVE MODE"))
            .await?;
    }
    let org = get_current(&mut tx, &actor.scope, id).await?;
    if org.id == actor.scope.org_id || org.parent_id.is_none() {
        return Err(FieldError::new("id", "org.move_scope_root").into());
    }
    let parent = match get_current(&mut tx, &actor.scope, new_parent_id).await {
        Ok(p) => p,
        Err(StoreError::NotFound) => {
            return Err(FieldError::new("parent_id", "org.parent_not_found").into())
        }
        Err(e) => return Err(e),
    };
    if parent.path.starts_with(&org.path) {
        return Err(FieldError::new("parent_id", "org.move_cycle").into());
    }
    org::check_parent_kind(org.kind, parent.kind)?;
    if parent.status == OrgStatus::Closed {
        return Err(FieldError::new("parent_id", "org.parent_closed").into());
    }
    if Some(parent.id) == org.parent_id {
        return Ok(org);
    }
    let new_path = format!("{}{}/", parent.path, org.id);
    let delta = parent.depth + 1 - org.depth;
    tx.execute(
        &Query::new("UPDATE orgs SET parent_id = $1, updated_at = $2 WHERE id = $3")
            .bind(parent.id)
            .bind(Utc::now())
            .bind(org.id),
    )
    .await?;
    tx.execute(
        &Query::new(
            "UPDATE orgs SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + CAST($3 AS INTEGER)
             WHERE path >= $4 AND path < $5",
        )
        .bind(&new_path)
        .bind(org.path.len() as i64 + 1)
        .bind(i64::from(delta))
        .bind(&org.path)
        .bind(path_upper_bound(&org.path)),
    )
    .await?;
    // Audit rows follow their record, so the new scope sees the history.
    let moved = get_current(&mut tx, &actor.scope, id).await?;
    // Rules name this organisation by its name, path and status.
    crate::routing::invalidate(&mut tx).await?;
    record(&mut tx, actor, "org.move", Some(&org), &moved).await?;
    tx.commit().await?;
    db.caches().forget();
    Ok(moved)
}

/// Changes the status along the legal transitions. A grassroots union is
/// founded only when its founding checklist is complete; an organisation is
/// closed only when all its children are.
pub async fn set_status(db: &Db, actor: &Actor, id: i64, next: OrgStatus) -> StoreResult<Org> {
    actor.require(Permission::ManageOrgs)?;
    let mut tx = db.begin().await?;
    let org = get_current(&mut tx, &actor.scope, id).await?;
    if next == OrgStatus::Closed && org.id == actor.scope.org_id {
        return Err(FieldError::new("status", "org.close_scope_root").into());
    }
    org.status.transition(next)?;
    if next == OrgStatus::Founded && org.kind.is_grassroots() {
        let done: i64 = tx
            .scalar(
                &Query::new("SELECT COUNT(*) FROM org_founding_steps WHERE org_id = $1").bind(id),
            )
            .await?;
        if done < FoundingStep::ALL.len() as i64 {
            return Err(FieldError::new("status", "org.checklist_incomplete")
                .with("done", done)
                .into());
        }
    }
    if next == OrgStatus::Closed {
        let open: i64 = tx
            .scalar(
                &Query::new(
                    "SELECT COUNT(*) FROM orgs WHERE parent_id = $1 AND status <> 'closed'",
                )
                .bind(id),
            )
            .await?;
        if open > 0 {
            return Err(FieldError::new("status", "org.open_children")
                .with("open", open)
                .into());
        }
    }
    let now = Utc::now();
    tx.execute(
        &Query::new("UPDATE orgs SET status = $1, founded_on = CASE WHEN $2 THEN $3 ELSE founded_on END, updated_at = $4 WHERE id = $5")
            .bind(next.code())
            .bind(next == OrgStatus::Founded)
            .bind(now.date_naive())
            .bind(now)
            .bind(id),
    )
    .await?;
    let after = get_current(&mut tx, &actor.scope, id).await?;
    // Rules name this organisation by its name, path and status.
    crate::routing::invalidate(&mut tx).await?;
    record(&mut tx, actor, "org.status", Some(&org), &after).await?;
    tx.commit().await?;
    db.caches().forget();
    Ok(after)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChecklistItem {
    pub step: FoundingStep,
    pub done_on: Option<NaiveDate>,
}

/// The founding checklist, all nine steps in order.
pub async fn checklist(db: &Db, scope: &Scope, id: i64) -> StoreResult<Vec<ChecklistItem>> {
    get(db, scope, id).await?;
    let rows: Vec<(String, NaiveDate)> = db
        .fetch_all(
            &Query::new(
                "SELECT step, done_on FROM org_founding_steps WHERE org_id = $1 ORDER BY step",
            )
            .bind(id),
        )
        .await?;
    Ok(FoundingStep::ALL
        .iter()
        .map(|s| ChecklistItem {
            step: *s,
            done_on: rows
                .iter()
                .find(|(code, _)| code == s.code())
                .map(|(_, d)| *d),
        })
        .collect())
}

/// Records (or clears, with `None`) the date a founding step was done.
pub async fn set_checklist_step(
    db: &Db,
    actor: &Actor,
    id: i64,
    step: FoundingStep,
    done_on: Option<NaiveDate>,
) -> StoreResult<()> {
    actor.require(Permission::ManageOrgs)?;
    let mut tx = db.begin().await?;
    let org = get_current(&mut tx, &actor.scope, id).await?;
    if let Some(d) = done_on {
        if d > nuanxin_domain::time::today_china() {
            return Err(FieldError::new(step.code(), "checklist.future_date")
                .with_label("step", step.label_zh(), step.label_en())
                .into());
        }
    }
    let before: Option<NaiveDate> = tx
        .fetch_optional::<(NaiveDate,)>(
            &Query::new("SELECT done_on FROM org_founding_steps WHERE org_id = $1 AND step = $2")
                .bind(id)
                .bind(step.code()),
        )
        .await?
        .map(|r| r.0);
    let q = match done_on {
        Some(d) => Query::new(
            "INSERT INTO org_founding_steps (org_id, step, done_on) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, step) DO UPDATE SET done_on = excluded.done_on",
        )
        .bind(id)
        .bind(step.code())
        .bind(d),
        None => Query::new("DELETE FROM org_founding_steps WHERE org_id = $1 AND step = $2")
            .bind(id)
            .bind(step.code()),
    };
    tx.execute(&q).await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "org.checklist",
            entity: "org",
            entity_id: Some(id.to_string()),
            org_path: &org.path,
            before: Some(json!({ "step": step.code(), "done_on": before })),
            after: Some(json!({ "step": step.code(), "done_on": done_on })),
        },
    )
    .await?;
    tx.commit().await
}
