//! Members and applications, within the caller's scope.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nuanxin_domain::membership::{MembershipStatus, Occupation};
use nuanxin_store::membership::{self, Find, Lookup, Member, MemberFilter, UnionSettings};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ApiQuery, Page, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::membership::reason::said;
use crate::membership::search;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/members", get(list))
        .route(
            "/api/v1/members/{id}",
            get(show).patch(crate::membership::api::review::correct),
        )
        .route("/api/v1/members/{id}/approve", post(approve))
        .route("/api/v1/members/{id}/reject", post(reject))
        .route("/api/v1/members/{id}/leave", post(leave))
        .route("/api/v1/members/{id}/reroute", post(reroute))
        .route("/api/v1/members/{id}/reveal", post(reveal))
        .route("/api/v1/members/{id}/history", get(history))
        .route("/api/v1/orgs/{id}/join-link", get(join_link))
        .route(
            "/api/v1/orgs/{id}/membership-settings",
            get(get_settings).put(put_settings),
        )
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberDto {
    pub id: i64,
    pub name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub occupation: String,
    pub employer: Option<String>,
    pub work_region: String,
    pub org_id: i64,
    pub org_name: String,
    pub member_no: Option<String>,
    /// `applied`, `rejected`, `active`, `transferring` or `left`.
    pub status: String,
    pub reject_reason: Option<String>,
    /// What routed it: `rule:{id}`, `scanned_union`, `industry_federation`,
    /// `catch_all_union` or `reviewer`.
    pub route_rule: String,
    /// Where the application was routed and why, as the worker is told it
    /// in Chinese.
    pub route_reason: String,
    pub applied_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<Member> for MemberDto {
    fn from(m: Member) -> Self {
        let route_reason = crate::routing::told::told(
            crate::i18n::Tr::ZH,
            &m.route_rule,
            m.route_args.as_ref(),
            &m.route_reason,
        );
        MemberDto {
            id: m.id,
            name: m.name,
            id_number_masked: m.id_number_masked,
            phone_masked: m.phone_masked,
            occupation: m.occupation.code().into(),
            employer: m.employer,
            work_region: m.work_region,
            org_id: m.org_id,
            org_name: m.org_name,
            member_no: m.member_no,
            status: m.status.code().into(),
            reject_reason: said(
                crate::i18n::Tr::ZH,
                m.reject_reason_code.as_deref(),
                m.reject_reason.as_deref(),
            ),
            route_rule: m.route_rule,
            route_reason,
            applied_at: m.applied_at,
            decided_at: m.decided_at,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    pub org_id: Option<i64>,
    pub status: Option<String>,
    pub occupation: Option<String>,
    /// Part of a name, or an exact membership number.
    pub q: Option<String>,
    /// Exact resident ID number (searched through the blind index).
    pub id_number: Option<String>,
    /// Exact mainland mobile number (searched through the blind index).
    pub phone: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn bad_filter(field: &str, raw: &str) -> ApiError {
    ApiError::bad_request("invalid_query").with("detail", format!("{field}={raw:?}"))
}

/// The member roll and applications in the caller's scope.
#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(MemberQuery),
    responses((status = 200, body = Page<MemberDto>), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<MemberQuery>,
) -> ApiResult<Json<Page<MemberDto>>> {
    let paging = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(MembershipStatus::from_code(s).ok_or_else(|| bad_filter("status", s))?),
        None => None,
    };
    let occupation = match q.occupation.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(Occupation::from_code(s).ok_or_else(|| bad_filter("occupation", s))?),
        None => None,
    };
    let f = Find {
        id_number: q.id_number,
        phone: q.phone,
        filter: MemberFilter {
            org_id: q.org_id,
            status,
            occupation,
            q: q.q,
            limit: paging.limit(),
            offset: paging.offset(),
        },
    };
    let exact = f.lookup()? != Lookup::List;
    let (rows, total) = search::find(&state, &user.session.actor, &f).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        limit: f.filter.limit,
        offset: if exact { 0 } else { f.filter.offset },
    }))
}

/// One member or application.
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members", responses((status = 200, body = MemberDto), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberDto>> {
    Ok(Json(
        membership::get(&state.db, &user.session.actor.scope, id)
            .await?
            .into(),
    ))
}

/// Approves an application and issues the membership number.
#[utoipa::path(post, path = "/api/v1/members/{id}/approve", tag = "members",
    responses((status = 200, body = MemberDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn approve(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberDto>> {
    Ok(Json(
        membership::approve(&state.db, &user.session.actor, id)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Reason {
    /// Shown to the worker.
    pub reason: String,
}

/// Rejects an application, with the reason shown to the worker.
#[utoipa::path(post, path = "/api/v1/members/{id}/reject", tag = "members", request_body = Reason,
    responses((status = 200, body = MemberDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn reject(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Reason>,
) -> ApiResult<Json<MemberDto>> {
    Ok(Json(
        membership::reject(&state.db, &user.session.actor, id, &b.reason)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Reroute {
    /// The grassroots union that takes the application instead.
    pub org_id: i64,
    /// Shown to the worker.
    pub reason: String,
}

/// Sends a pending application to another grassroots union in scope.
#[utoipa::path(post, path = "/api/v1/members/{id}/reroute", tag = "members", request_body = Reroute,
    responses((status = 200, body = MemberDto), (status = 404, body = Problem), (status = 409, body = Problem, description = "decided or re-routed by someone else meanwhile (`membership.changed_meanwhile`)"), (status = 422, body = Problem)))]
pub async fn reroute(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Reroute>,
) -> ApiResult<Json<MemberDto>> {
    Ok(Json(
        membership::reroute(&state.db, &user.session.actor, id, b.org_id, &b.reason)
            .await?
            .into(),
    ))
}

/// Ends an active membership.
#[utoipa::path(post, path = "/api/v1/members/{id}/leave", tag = "members", request_body = Reason,
    responses((status = 200, body = MemberDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn leave(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Reason>,
) -> ApiResult<Json<MemberDto>> {
    Ok(Json(
        membership::leave(&state.db, &user.session.actor, id, &b.reason)
            .await?
            .into(),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Revealed {
    pub id_number: String,
    pub phone: String,
}

/// The full ID number and phone; needs the permission and writes an audit row.
#[utoipa::path(post, path = "/api/v1/members/{id}/reveal", tag = "members",
    responses((status = 200, body = Revealed), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn reveal(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Revealed>> {
    let (id_number, phone) =
        membership::reveal(&state.db, &user.session.actor, &state.sealer, id).await?;
    Ok(Json(Revealed { id_number, phone }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EventDto {
    pub at: DateTime<Utc>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub org_id: i64,
    pub actor_name: String,
    pub reason: Option<String>,
}

/// Every status change of a membership, oldest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/history", tag = "members", responses((status = 200, body = Vec<EventDto>), (status = 404, body = Problem)))]
pub async fn history(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<EventDto>>> {
    let events = membership::history(&state.db, &user.session.actor.scope, id).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| EventDto {
                at: e.at,
                from_status: e.from_status,
                to_status: e.to_status,
                org_id: e.org_id,
                actor_name: e.actor_name,
                reason: said(
                    crate::i18n::Tr::ZH,
                    e.reason_code.as_deref(),
                    e.reason.as_deref(),
                ),
            })
            .collect(),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct JoinLink {
    pub token: String,
    /// Path of the join page; prefix it with the server's public address.
    pub path: String,
}

/// The organisation's join link (created on first request).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/join-link", tag = "members", responses((status = 200, body = JoinLink), (status = 404, body = Problem)))]
pub async fn join_link(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<JoinLink>> {
    let token =
        nuanxin_store::membership::join_links::link_for_org(&state.db, &user.session.actor, id)
            .await?;
    Ok(Json(JoinLink {
        path: format!("/join/{token}"),
        token,
    }))
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SettingsDto {
    pub auto_approve: bool,
    /// 1 to 90.
    pub review_days: i64,
}

/// How a union handles applications.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/membership-settings", tag = "members", responses((status = 200, body = SettingsDto), (status = 404, body = Problem)))]
pub async fn get_settings(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SettingsDto>> {
    let s = membership::settings(&state.db, &user.session.actor.scope, id).await?;
    Ok(Json(SettingsDto {
        auto_approve: s.auto_approve,
        review_days: s.review_days,
    }))
}

/// Sets auto-approval and the review limit.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/membership-settings", tag = "members", request_body = SettingsDto,
    responses((status = 200, body = SettingsDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SettingsDto>,
) -> ApiResult<Json<SettingsDto>> {
    membership::set_settings(
        &state.db,
        &user.session.actor,
        id,
        UnionSettings {
            auto_approve: b.auto_approve,
            review_days: b.review_days,
        },
    )
    .await?;
    Ok(Json(b))
}
