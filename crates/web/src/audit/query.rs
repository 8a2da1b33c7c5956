//! The audit trail's query (parameters to a store filter) and its export,
//! shared by the API and the console page.

use chrono::{DateTime, NaiveDate, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_store::audit::{self, AuditFilter};
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::i18n::Tr;
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An action (`org.create`) or a prefix ending in a dot (`org.`).
    pub action: Option<String>,
    /// Part of the actor's username.
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// First day, `YYYY-MM-DD` (China time).
    pub from: Option<String>,
    /// Last day, inclusive.
    pub to: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn day_start(
    field: &str,
    raw: Option<&str>,
    plus_days: i64,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let d: Option<NaiveDate> = nuanxin_domain::time::parse_date(field, raw)?;
    Ok(d.map(|d| {
        let local = (d + chrono::Duration::days(plus_days))
            .and_hms_opt(0, 0, 0)
            .expect("midnight");
        local
            .and_local_timezone(nuanxin_domain::time::china())
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc)
    }))
}

/// Turns query parameters into a store filter (shared with the console page).
pub fn filter_from(q: &AuditQuery, limit: i64) -> Result<AuditFilter, ApiError> {
    Ok(AuditFilter {
        action: q.action.clone(),
        actor: q.actor.clone(),
        entity: q.entity.clone(),
        entity_id: q.entity_id.clone(),
        from: day_start("from", q.from.as_deref(), 0)?,
        to: day_start("to", q.to.as_deref(), 1)?,
        limit,
        offset: q.offset.unwrap_or(0).max(0),
    })
}

/// Builds the `.xlsx` of the filtered audit rows (at most 100,000).
pub async fn export_bytes(
    state: &AppState,
    actor: &nuanxin_store::Actor,
    q: &AuditQuery,
    t: Tr,
) -> ApiResult<Vec<u8>> {
    actor.require(Permission::ReadAudit)?;
    let mut f = filter_from(q, 100_000)?;
    f.offset = 0;
    let (rows, _) = audit::list(&state.db, &actor.scope, &f).await?;
    let subjects = audit::subjects(&state.db, &actor.scope, &rows).await?;
    audit::record_export(
        &state.db,
        actor,
        "audit",
        serde_json::json!({
            "action": q.action, "actor": q.actor, "entity": q.entity,
            "entity_id": q.entity_id, "from": q.from, "to": q.to,
        }),
        rows.len(),
    )
    .await?;
    // The page's words, and the codes beside them for whoever filters.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|e| {
            let r = crate::audit::words::Described::of(e, &subjects, t);
            vec![
                e.id.to_string(),
                r.at,
                r.actor,
                r.action,
                r.entity,
                r.change,
                r.ip,
                e.action.clone(),
            ]
        })
        .collect();
    let header = [
        "audit-number",
        "audit-at",
        "audit-actor",
        "audit-action",
        "audit-entity",
        "audit-change",
        "audit-ip",
        "audit-action_code",
    ]
    .map(|k| t.s(k));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok(crate::export::xlsx("audit", &header, &rows)?)
}
