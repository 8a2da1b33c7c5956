//! The audit trail, read and exported within scope.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_store::audit::{self, AuditEntry, AuditFilter};
use serde::{Deserialize, Serialize};

use crate::api::{ApiQuery, Page};
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::export::{dated_name, xlsx_response};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audit", get(list))
        .route("/api/v1/audit/export.xlsx", get(export))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditDto {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
}

impl From<AuditEntry> for AuditDto {
    fn from(e: AuditEntry) -> Self {
        let parse = |s: Option<String>| s.and_then(|v| serde_json::from_str(&v).ok());
        AuditDto {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: parse(e.before_json),
            after: parse(e.after_json),
            ip: e.ip,
        }
    }
}

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
    let d: Option<NaiveDate> = crate::orgs::api::parse_date(field, raw)?;
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

/// Audit rows of the caller's subtree, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditDto>), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditDto>>> {
    user.session.actor.require(Permission::ReadAudit)?;
    let f = filter_from(&q, q.limit.unwrap_or(50).clamp(1, 500))?;
    let (rows, total) = audit::list(&state.db, &user.session.actor.scope, &f).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(AuditDto::from).collect(),
        total,
        limit: f.limit,
        offset: f.offset,
    }))
}

/// Builds the `.xlsx` of the filtered audit rows (at most 100,000).
pub async fn export_bytes(
    state: &AppState,
    actor: &nuanxin_store::Actor,
    q: &AuditQuery,
    en: bool,
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
            let r = crate::audit::words::Described::of(e, &subjects, en);
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
    let header: [&str; 8] = if en {
        [
            "No.",
            "Time",
            "By",
            "Action",
            "Record",
            "Change",
            "IP address",
            "Action code",
        ]
    } else {
        [
            "编号",
            "时间",
            "操作人",
            "操作",
            "对象",
            "变更内容",
            "来源 IP",
            "操作代码",
        ]
    };
    Ok(crate::export::xlsx("audit", &header, &rows)?)
}

/// The filtered audit rows as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/audit/export.xlsx", tag = "audit", params(AuditQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Response> {
    let bytes = export_bytes(&state, &user.session.actor, &q, false).await?;
    Ok(xlsx_response(bytes, &dated_name("audit")))
}
