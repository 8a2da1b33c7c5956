//! The audit trail, read and exported within scope.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_store::audit::{self, AuditEntry};
use serde::Serialize;

use super::query::{export_bytes, filter_from, AuditQuery};
use crate::api::{ApiQuery, Page};
use crate::auth::ApiUser;
use crate::error::{ApiResult, Problem};
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

/// The filtered audit rows as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/audit/export.xlsx", tag = "audit", params(AuditQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Response> {
    let bytes = export_bytes(
        &state,
        &user.session.actor,
        &q,
        crate::i18n::Tr {
            lang: crate::i18n::Lang::Zh,
        },
    )
    .await?;
    Ok(xlsx_response(bytes, &dated_name("audit")))
}
