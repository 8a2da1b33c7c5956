//! The review queue of the caller's subtree, one decision over many
//! applications, corrections of a member's data, and members' requests.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nuanxin_domain::membership::CorrectionForm;
use nuanxin_store::membership::{self, requests, Decision};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ApiQuery, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::membership::api::members::MemberDto;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/review-queue", get(queue))
        .route("/api/v1/members/decide", post(decide))
        .route("/api/v1/members/{id}/requests", get(member_requests))
        .route("/api/v1/member-requests", get(open_requests))
        .route("/api/v1/member-requests/{id}/decide", post(decide_request))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only this organisation's subtree (in scope); the caller's whole
    /// scope when left out.
    pub org_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QueueDto {
    /// Pending applications, overdue ones first (by when they fall due).
    pub items: Vec<QueuedDto>,
    pub total: i64,
    /// Of `total`, waiting past their union's review limit.
    pub overdue: i64,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QueuedDto {
    #[serde(flatten)]
    pub member: MemberDto,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
}

/// The applications waiting in the caller's subtree, overdue ones first.
#[utoipa::path(get, path = "/api/v1/review-queue", tag = "members", params(QueueQuery),
    responses((status = 200, body = QueueDto), (status = 404, body = Problem)))]
pub async fn queue(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Json<QueueDto>> {
    let paging = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let found = membership::queue(
        &state.db,
        &user.session.actor.scope,
        q.org_id,
        paging.limit(),
        paging.offset(),
    )
    .await?;
    let now = Utc::now();
    Ok(Json(QueueDto {
        items: found
            .rows
            .into_iter()
            .map(|m| QueuedDto {
                due_at: m.due_at,
                overdue: m.due_at < now,
                member: m.into(),
            })
            .collect(),
        total: found.total,
        overdue: found.overdue,
        limit: paging.limit(),
        offset: paging.offset(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DecideMany {
    /// The applications (at most 500).
    pub ids: Vec<i64>,
    /// `approve`, `reject` or `reroute`.
    pub decision: String,
    /// Shown to the worker; required to reject or re-route.
    #[serde(default)]
    pub reason: String,
    /// The grassroots union that takes them, to re-route.
    pub to_org_id: Option<i64>,
    /// Only applications of this union are decided (others are skipped as
    /// not found).
    pub org_id: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Skipped {
    pub id: i64,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DecidedMany {
    pub done: Vec<MemberDto>,
    /// Not decided, each with why (decided by someone else meanwhile, no
    /// longer pending, not found).
    pub skipped: Vec<Skipped>,
}

/// One decision over many applications; each is decided on its own, so one
/// that someone else took meanwhile does not undo the others.
#[utoipa::path(post, path = "/api/v1/members/decide", tag = "members", request_body = DecideMany,
    responses((status = 200, body = DecidedMany), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<DecideMany>,
) -> ApiResult<Json<DecidedMany>> {
    let decision = match (b.decision.as_str(), b.to_org_id) {
        ("approve", _) => Decision::Approve,
        ("reject", _) => Decision::Reject(b.reason),
        ("reroute", Some(to_org_id)) => Decision::Reroute {
            to_org_id,
            reason: b.reason,
        },
        ("reroute", None) => {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "membership.reroute_target",
            ))
        }
        _ => {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "membership.decision",
            ))
        }
    };
    let out = membership::decide_many(&state.db, &user.session.actor, &b.ids, &decision, b.org_id)
        .await?;
    Ok(Json(DecidedMany {
        done: out.done.into_iter().map(Into::into).collect(),
        skipped: out
            .skipped
            .into_iter()
            .map(|(id, e)| {
                let p = crate::error::ProblemField::of(&e);
                Skipped {
                    id,
                    code: p.code,
                    message_zh: p.message_zh,
                    message_en: p.message_en,
                }
            })
            .collect(),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RequestDto {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub org_id: i64,
    pub org_name: String,
    /// `phone`, `correct`, `leave` or `erase`.
    pub kind: String,
    pub detail: String,
    pub new_phone_masked: Option<String>,
    /// `open`, `done` or `refused`.
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub answer: Option<String>,
}

impl From<requests::MemberRequest> for RequestDto {
    fn from(r: requests::MemberRequest) -> Self {
        RequestDto {
            id: r.id,
            member_id: r.member_id,
            member_name: r.member_name,
            org_id: r.org_id,
            org_name: r.org_name,
            kind: r.kind.code().into(),
            detail: r.detail,
            new_phone_masked: r.new_phone_masked,
            status: r.status.code().into(),
            requested_at: r.requested_at,
            due_at: r.due_at,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            answer: r.answer,
        }
    }
}

/// One member's requests, newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/requests", tag = "members",
    responses((status = 200, body = Vec<RequestDto>), (status = 404, body = Problem)))]
pub async fn member_requests(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<RequestDto>>> {
    let rows = requests::of_member(&state.db, &user.session.actor.scope, id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OpenRequests {
    /// The first to fall due first (at most 500).
    pub items: Vec<RequestDto>,
    pub total: i64,
    pub overdue: i64,
}

/// Members' requests still open in the caller's scope.
#[utoipa::path(get, path = "/api/v1/member-requests", tag = "members",
    responses((status = 200, body = OpenRequests)))]
pub async fn open_requests(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<OpenRequests>> {
    let (rows, total, overdue) = requests::open(&state.db, &user.session.actor.scope, 500).await?;
    Ok(Json(OpenRequests {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        overdue,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RequestDecision {
    /// True carries the request out (a new phone goes on record, leaving
    /// ends the membership, deletion erases the data); false refuses it.
    pub done: bool,
    /// Shown to the member; required to refuse.
    #[serde(default)]
    pub answer: String,
}

/// Answers a member's request.
#[utoipa::path(post, path = "/api/v1/member-requests/{id}/decide", tag = "members", request_body = RequestDecision,
    responses((status = 200, body = RequestDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_request(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RequestDecision>,
) -> ApiResult<Json<RequestDto>> {
    let r = requests::decide(
        &state.db,
        &user.session.actor,
        &state.sealer,
        id,
        b.done,
        &b.answer,
    )
    .await?;
    Ok(Json(r.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CorrectionDto {
    /// Empty or left out: unchanged.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub work_region: String,
    /// Why (goes to the history and the audit trail).
    pub reason: String,
}

/// Corrects a member's data; only what is given changes (audited).
#[utoipa::path(patch, path = "/api/v1/members/{id}", tag = "members", request_body = CorrectionDto,
    responses((status = 200, body = MemberDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn correct(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CorrectionDto>,
) -> ApiResult<Json<MemberDto>> {
    let actor = &user.session.actor;
    // Scope first: a member outside it is not found, whatever the body says.
    membership::get(&state.db, &actor.scope, id).await?;
    let form = CorrectionForm {
        name: b.name,
        id_number: b.id_number,
        phone: b.phone,
        occupation: b.occupation,
        employer: b.employer,
        work_region: b.work_region,
        reason: b.reason,
    };
    let c = form
        .check(&state.regions(), nuanxin_domain::time::today_china())
        .map_err(nuanxin_store::StoreError::Validation)?;
    Ok(Json(
        membership::correct(&state.db, actor, &state.sealer, id, &c)
            .await?
            .into(),
    ))
}
