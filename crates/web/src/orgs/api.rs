//! Organisations: browse, search, create, edit, move, found and close.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use nuanxin_domain::org::{FoundingStep, OrgKind, OrgStatus};
use nuanxin_domain::region::Regions;
use nuanxin_domain::FieldError;
use nuanxin_store::orgs::{self, NewOrg, Org, OrgFilter, OrgUpdate};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ApiQuery, Page, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs", get(list).post(create))
        .route("/api/v1/orgs/{id}", get(show).patch(update))
        .route("/api/v1/orgs/{id}/children", get(children))
        .route("/api/v1/orgs/{id}/move", post(move_org))
        .route("/api/v1/orgs/{id}/status", post(set_status))
        .route("/api/v1/orgs/{id}/checklist", get(checklist))
        .route(
            "/api/v1/orgs/{id}/contact",
            get(get_contact).put(put_contact),
        )
        .route("/api/v1/orgs/{id}/checklist/{step}", put(set_step))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub depth: i32,
    /// `national`, `province`, `city`, `district`, `street`, `industry`, `regional`, `enterprise`, `joint`, `catch_all`.
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub industry: Option<String>,
    pub uscc: Option<String>,
    /// `preparing`, `founded` or `closed`.
    pub status: String,
    pub founded_on: Option<NaiveDate>,
    pub child_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OrgDto {
    pub fn from(o: Org, regions: &Regions) -> Self {
        OrgDto {
            region_name: regions.full_name(&o.region_code),
            id: o.id,
            parent_id: o.parent_id,
            path: o.path,
            depth: o.depth,
            kind: o.kind.code().into(),
            kind_label: o.kind.label_zh().into(),
            name: o.name,
            region_code: o.region_code,
            industry: o.industry.map(|i| i.code().into()),
            uscc: o.uscc,
            status: o.status.code().into(),
            founded_on: o.founded_on,
            child_count: o.child_count,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SavedOrg {
    pub org: OrgDto,
    /// Accepted but worth a look, e.g. a credit code without the `81` prefix.
    pub warnings: Vec<crate::error::ProblemField>,
}

fn saved(s: orgs::Saved, regions: &Regions) -> SavedOrg {
    SavedOrg {
        org: OrgDto::from(s.org, regions),
        warnings: s
            .warnings
            .into_iter()
            .map(|w| crate::error::ProblemField::of(&w))
            .collect(),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// Part of the name, or an exact credit code.
    pub q: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    /// A region code or its prefix (`3201` for a city).
    pub region: Option<String>,
    /// Only the subtree of this organisation.
    pub under: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Searches the organisations in the caller's scope.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(OrgQuery),
    responses((status = 200, body = Page<OrgDto>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Page<OrgDto>>> {
    let kind = match q.kind.as_deref().filter(|s| !s.is_empty()) {
        Some(k) => Some(OrgKind::from_code(k).ok_or_else(|| {
            ApiError::bad_request("invalid_query").with("detail", format!("kind={k:?}"))
        })?),
        None => None,
    };
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(OrgStatus::from_code(s).ok_or_else(|| {
            ApiError::bad_request("invalid_query").with("detail", format!("status={s:?}"))
        })?),
        None => None,
    };
    let paging = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let f = OrgFilter {
        q: q.q,
        kind,
        status,
        region_prefix: q.region,
        under: q.under,
        receiving: false,
        limit: paging.limit(),
        offset: paging.offset(),
    };
    let (items, total) = orgs::search(&state.db, &user.session.actor.scope, &f).await?;
    let regions = state.regions();
    Ok(Json(Page {
        items: items
            .into_iter()
            .map(|o| OrgDto::from(o, &regions))
            .collect(),
        total,
        limit: f.limit,
        offset: f.offset,
    }))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs",
    responses((status = 200, body = OrgDto), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OrgDto>> {
    let o = orgs::get(&state.db, &user.session.actor.scope, id).await?;
    Ok(Json(OrgDto::from(o, &state.regions())))
}

/// The direct children of an organisation, by name (for lazy tree views).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/children", tag = "orgs", params(Paging),
    responses((status = 200, body = Page<OrgDto>), (status = 404, body = Problem)))]
pub async fn children(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<Page<OrgDto>>> {
    let scope = &user.session.actor.scope;
    let parent = orgs::get(&state.db, scope, id).await?;
    let items = orgs::children(&state.db, scope, id, p.limit(), p.offset()).await?;
    let regions = state.regions();
    Ok(Json(Page {
        items: items
            .into_iter()
            .map(|o| OrgDto::from(o, &regions))
            .collect(),
        total: parent.child_count,
        limit: p.limit(),
        offset: p.offset(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateOrg {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub region_code: String,
    pub industry: Option<String>,
    pub uscc: Option<String>,
}

/// Creates an organisation under a parent in the caller's scope.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = CreateOrg,
    responses((status = 201, body = SavedOrg), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<CreateOrg>,
) -> ApiResult<(StatusCode, Json<SavedOrg>)> {
    let input = NewOrg {
        parent_id: b.parent_id,
        kind: b.kind,
        name: b.name,
        region_code: b.region_code,
        industry: b.industry,
        uscc: b.uscc,
    };
    let regions = state.regions();
    let s = orgs::create(&state.db, &user.session.actor, &regions, &input).await?;
    Ok((StatusCode::CREATED, Json(saved(s, &regions))))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UpdateOrg {
    pub name: String,
    pub region_code: String,
    pub industry: Option<String>,
    pub uscc: Option<String>,
}

/// Renames an organisation and sets its region, industry and credit code.
#[utoipa::path(patch, path = "/api/v1/orgs/{id}", tag = "orgs", request_body = UpdateOrg,
    responses((status = 200, body = SavedOrg), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateOrg>,
) -> ApiResult<Json<SavedOrg>> {
    let input = OrgUpdate {
        name: b.name,
        region_code: b.region_code,
        industry: b.industry,
        uscc: b.uscc,
    };
    let regions = state.regions();
    let s = orgs::update(&state.db, &user.session.actor, &regions, id, &input).await?;
    Ok(Json(saved(s, &regions)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MoveOrg {
    pub parent_id: i64,
}

/// Moves an organisation and its subtree under a new parent.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/move", tag = "orgs", request_body = MoveOrg,
    responses((status = 200, body = OrgDto), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn move_org(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MoveOrg>,
) -> ApiResult<Json<OrgDto>> {
    let o = orgs::move_to(&state.db, &user.session.actor, id, b.parent_id).await?;
    Ok(Json(OrgDto::from(o, &state.regions())))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    /// `founded` or `closed`.
    pub status: String,
}

/// Founds or closes an organisation.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/status", tag = "orgs", request_body = StatusChange,
    responses((status = 200, body = OrgDto), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn set_status(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<StatusChange>,
) -> ApiResult<Json<OrgDto>> {
    let status = OrgStatus::parse(&b.status)?;
    let o = orgs::set_status(&state.db, &user.session.actor, id, status).await?;
    Ok(Json(OrgDto::from(o, &state.regions())))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChecklistItemDto {
    pub step: String,
    pub label: String,
    pub done_on: Option<NaiveDate>,
}

/// The nine founding steps and when each was done.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/checklist", tag = "orgs",
    responses((status = 200, body = Vec<ChecklistItemDto>), (status = 404, body = Problem)))]
pub async fn checklist(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ChecklistItemDto>>> {
    let items = orgs::checklist(&state.db, &user.session.actor.scope, id).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| ChecklistItemDto {
                step: i.step.code().into(),
                label: i.step.label_zh().into(),
                done_on: i.done_on,
            })
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StepUpdate {
    /// `YYYY-MM-DD`, or null to clear.
    pub done_on: Option<String>,
}

pub fn parse_step(raw: &str) -> Result<FoundingStep, FieldError> {
    FoundingStep::from_code(raw)
        .ok_or_else(|| FieldError::new("step", "checklist.step_unknown").with("step", raw))
}

/// Records or clears the date of one founding step.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/checklist/{step}", tag = "orgs", request_body = StepUpdate,
    responses((status = 204), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn set_step(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, step)): ApiPath<(i64, String)>,
    ApiJson(b): ApiJson<StepUpdate>,
) -> ApiResult<StatusCode> {
    let step = parse_step(&step)?;
    let date = nuanxin_domain::time::parse_date("done_on", b.done_on.as_deref())?;
    orgs::set_checklist_step(&state.db, &user.session.actor, id, step, date).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContactDto {
    /// Shown to workers on the union's pages; empty or null clears it.
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// How workers reach the organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/contact", tag = "orgs",
    responses((status = 200, body = ContactDto), (status = 404, body = Problem)))]
pub async fn get_contact(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ContactDto>> {
    orgs::get(&state.db, &user.session.actor.scope, id).await?;
    let c = orgs::contact(&state.db, id).await?;
    Ok(Json(ContactDto {
        phone: c.phone,
        address: c.address,
    }))
}

/// Sets how workers reach the organisation (audited).
#[utoipa::path(put, path = "/api/v1/orgs/{id}/contact", tag = "orgs", request_body = ContactDto,
    responses((status = 200, body = ContactDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_contact(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ContactDto>,
) -> ApiResult<Json<ContactDto>> {
    let c = orgs::set_contact(
        &state.db,
        &user.session.actor,
        id,
        b.phone.as_deref().unwrap_or(""),
        b.address.as_deref().unwrap_or(""),
    )
    .await?;
    Ok(Json(ContactDto {
        phone: c.phone,
        address: c.address,
    }))
}
