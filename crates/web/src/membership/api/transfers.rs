//! Membership transfers between unions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nuanxin_store::membership::transfers::{self, Transfer};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiResult, Problem};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/transfers", get(list).post(request))
        .route("/api/v1/transfers/{id}/accept", post(accept))
        .route("/api/v1/transfers/{id}/refuse", post(refuse))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TransferDto {
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

impl From<Transfer> for TransferDto {
    fn from(t: Transfer) -> Self {
        TransferDto {
            id: t.id,
            member_id: t.member_id,
            member_name: t.member_name,
            member_no: t.member_no,
            from_org_id: t.from_org_id,
            from_org_name: t.from_org_name,
            to_org_id: t.to_org_id,
            to_org_name: t.to_org_name,
            status: t.status,
            requested_by: t.requested_by,
            requested_at: t.requested_at,
            decided_by: t.decided_by,
            decided_at: t.decided_at,
            reason: t.reason,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferQuery {
    /// Only open requests.
    pub pending: Option<bool>,
}

/// Transfers into or out of the caller's unions, newest first (at most 500).
#[utoipa::path(get, path = "/api/v1/transfers", tag = "members", params(TransferQuery), responses((status = 200, body = Vec<TransferDto>)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<TransferQuery>,
) -> ApiResult<Json<Vec<TransferDto>>> {
    let rows = transfers::list(
        &state.db,
        &user.session.actor.scope,
        q.pending.unwrap_or(false),
        500,
    )
    .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TransferRequest {
    pub member_no: String,
    pub to_org_id: i64,
}

/// Asks for a member to move to another union; the caller's scope holds
/// one of the two.
#[utoipa::path(post, path = "/api/v1/transfers", tag = "members", request_body = TransferRequest,
    responses((status = 201, body = TransferDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<TransferRequest>,
) -> ApiResult<(StatusCode, Json<TransferDto>)> {
    let t = transfers::request(
        &state.db,
        Some(&user.session.actor),
        &b.member_no,
        b.to_org_id,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// The receiving union accepts: the member moves and keeps their number.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/accept", tag = "members",
    responses((status = 200, body = TransferDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TransferDto>> {
    Ok(Json(
        transfers::decide(&state.db, &user.session.actor, id, true, None)
            .await?
            .into(),
    ))
}

/// The receiving union refuses, with a reason.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/refuse", tag = "members", request_body = crate::membership::api::members::Reason,
    responses((status = 200, body = TransferDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn refuse(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<crate::membership::api::members::Reason>,
) -> ApiResult<Json<TransferDto>> {
    Ok(Json(
        transfers::decide(&state.db, &user.session.actor, id, false, Some(&b.reason))
            .await?
            .into(),
    ))
}
