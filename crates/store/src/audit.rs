//! The append-only audit trail. Rows are written inside the transaction of
//! the change they describe, so a change and its audit row land together or
//! not at all. There is no update or delete here, by design.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::query::contains_pattern;
use crate::{Actor, Db, Query, Scope, StoreResult, Tx};

/// One thing that happened.
pub struct Event<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    /// The path of the organisation the record belongs to: who may read the row.
    pub org_path: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub async fn append(tx: &mut Tx, actor: &Actor, e: Event<'_>) -> StoreResult<()> {
    append_as(
        tx,
        actor.account_id,
        &actor.username,
        actor.ip.as_deref(),
        e,
    )
    .await
}

pub async fn append_as(
    tx: &mut Tx,
    actor_id: Option<i64>,
    actor_name: &str,
    ip: Option<&str>,
    e: Event<'_>,
) -> StoreResult<()> {
    let q = Query::new(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, org_path, before_json, after_json, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(Utc::now())
    .bind(actor_id)
    .bind(actor_name)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(e.org_path)
    .bind(e.before.map(|v| v.to_string()))
    .bind(e.after.map(|v| v.to_string()))
    .bind(ip);
    tx.execute(&q).await?;
    Ok(())
}

/// Who or what each entry is about, for a reader: a member's masked name
/// and number, an organisation's name, an account's username, keyed by
/// `(entity, entity_id)`. Only records in scope are named.
pub async fn subjects(
    db: &Db,
    scope: &Scope,
    entries: &[AuditEntry],
) -> StoreResult<std::collections::HashMap<(String, String), String>> {
    use nuanxin_domain::mask::{mask_member_no, mask_name};
    let mut named = std::collections::HashMap::new();
    let ids = |kind: &str| -> Vec<i64> {
        let mut v: Vec<i64> = entries
            .iter()
            .filter(|e| e.entity == kind)
            .filter_map(|e| e.entity_id.as_deref()?.parse().ok())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let lookups = [
        ("member", "SELECT m.id, m.name, m.member_no FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id IN ("),
        ("org", "SELECT o.id, o.name, CAST(NULL AS TEXT) FROM orgs o WHERE o.id IN ("),
        ("account", "SELECT a.id, a.username, CAST(NULL AS TEXT) FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE a.id IN ("),
    ];
    for (kind, head) in lookups {
        let wanted = ids(kind);
        if wanted.is_empty() {
            continue;
        }
        let mut q = Query::new(head);
        for (i, id) in wanted.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push_bind(*id);
        }
        q.push(") AND");
        scope.push_filter(&mut q, "o.path");
        let rows: Vec<(i64, String, Option<String>)> = db.fetch_all(&q).await?;
        for (id, name, no) in rows {
            let label = match (kind, no) {
                ("member", Some(no)) => format!("{} {}", mask_name(&name), mask_member_no(&no)),
                ("member", None) => mask_name(&name),
                _ => name,
            };
            named.insert((kind.to_string(), id.to_string()), label);
        }
    }
    Ok(named)
}

/// Records an export: who, what (`member`, `audit`, `roster_report`), the
/// filter and how many rows. An export carries data out of the system, so
/// each is audited like a reveal.
pub async fn record_export(
    db: &Db,
    actor: &Actor,
    what: &str,
    filter: Value,
    rows: usize,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    append(
        &mut tx,
        actor,
        Event {
            action: "export",
            entity: what,
            entity_id: None,
            org_path: &actor.scope.path,
            before: None,
            after: Some(serde_json::json!({ "filter": filter, "rows": rows })),
        },
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub org_path: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Exact action, e.g. `org.create`, or a prefix ending in `.` (`org.`).
    pub action: Option<String>,
    /// Part of the actor's name.
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}

/// Audit rows within `scope`, newest first, and the total count.
pub async fn list(db: &Db, scope: &Scope, f: &AuditFilter) -> StoreResult<(Vec<AuditEntry>, i64)> {
    let mut where_ = Query::new(" WHERE");
    scope.push_filter(&mut where_, "org_path");
    if let Some(a) = f.action.as_deref().filter(|a| !a.is_empty()) {
        if a.ends_with('.') {
            where_
                .push(" AND action LIKE ")
                .push_bind(format!("{}%", a.replace('%', "")))
                .push(" ESCAPE '\\'");
        } else {
            where_.push(" AND action = ").push_bind(a);
        }
    }
    if let Some(a) = f.actor.as_deref().filter(|a| !a.is_empty()) {
        where_
            .push(" AND actor_name LIKE ")
            .push_bind(contains_pattern("actor", a)?)
            .push(" ESCAPE '\\'");
    }
    if let Some(e) = f.entity.as_deref().filter(|a| !a.is_empty()) {
        where_.push(" AND entity = ").push_bind(e);
    }
    if let Some(e) = f.entity_id.as_deref().filter(|a| !a.is_empty()) {
        where_.push(" AND entity_id = ").push_bind(e);
    }
    if let Some(t) = f.from {
        where_.push(" AND at >= ").push_bind(t);
    }
    if let Some(t) = f.to {
        where_.push(" AND at < ").push_bind(t);
    }
    let mut count = Query::new("SELECT COUNT(*) FROM audit_log");
    count.append(&where_);
    let total: i64 = db.scalar(&count).await?;

    let mut q = Query::new(
        "SELECT id, at, actor_id, actor_name, action, entity, entity_id, org_path, before_json, after_json, ip FROM audit_log",
    );
    q.append(&where_);
    q.push(" ORDER BY id DESC LIMIT ")
        .push_bind(f.limit.clamp(1, 10_000));
    q.push(" OFFSET ").push_bind(f.offset.max(0));
    Ok((db.fetch_all(&q).await?, total))
}
