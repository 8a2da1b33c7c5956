//! Routing rules of an organisation, and trying the routing out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nuanxin_domain::routing_rule::RuleForm;
use nuanxin_store::routing::rules::{self, Direction, Rule};
use nuanxin_store::routing::{self, Route, Trial};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::{ApiResult, Problem};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs/{id}/routing-rules", get(list).post(create))
        .route("/api/v1/orgs/{id}/routing-trial", post(trial))
        .route("/api/v1/routing-rules/{id}", delete(remove))
        .route("/api/v1/routing-rules/{id}/move", post(move_rule))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RuleDto {
    pub id: i64,
    pub owner_org_id: i64,
    /// `employer`, `platform_partner`, `occupation` or `region`: the
    /// stage of the default order, from what the rule matches.
    pub stage: String,
    pub position: i64,
    /// Keyword the employer name must contain (without spaces, lower case).
    pub employer: Option<String>,
    pub occupation: Option<String>,
    pub region_code: Option<String>,
    pub target_org_id: i64,
    pub target_org_name: String,
    /// A closed target takes nothing; the rule is skipped.
    pub target_closed: bool,
    /// The target was moved out of the owner's subtree; the rule is skipped.
    pub target_elsewhere: bool,
    /// What the worker reads after "已分派至 X：".
    pub reason: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<Rule> for RuleDto {
    fn from(r: Rule) -> Self {
        RuleDto {
            id: r.id,
            owner_org_id: r.owner_org_id,
            stage: r.stage.code().to_string(),
            position: r.position,
            employer: r.employer,
            occupation: r.occupation.map(|o| o.code().to_string()),
            region_code: r.region_code,
            target_org_id: r.target_org_id,
            target_org_name: r.target_name,
            target_closed: r.target_closed,
            target_elsewhere: r.target_elsewhere,
            reason: r.reason.clone().unwrap_or_else(|| {
                let occupation = r.occupation.map(|o| o.label_zh()).unwrap_or("");
                crate::routing::told::stage_reason(crate::i18n::Tr::ZH, Some(r.stage), occupation)
            }),
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

/// The rules an organisation keeps, in the order they are tried.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/routing-rules", tag = "routing",
    responses((status = 200, body = Vec<RuleDto>), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<RuleDto>>> {
    let rows = rules::list(&state.db, &user.session.actor.scope, id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRule {
    /// Keyword the employer or platform name must contain.
    #[serde(default)]
    pub employer: String,
    /// Occupation group code.
    #[serde(default)]
    pub occupation: String,
    /// Area within the owner's region; empty for the whole region.
    #[serde(default)]
    pub region_code: String,
    /// Shown to the worker; empty for the stage's default.
    #[serde(default)]
    pub reason: String,
    /// An open grassroots union in the owner's subtree.
    pub target_org_id: i64,
}

/// Adds a rule to an organisation in the caller's scope.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/routing-rules", tag = "routing", request_body = NewRule,
    responses((status = 201, body = RuleDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<NewRule>,
) -> ApiResult<(StatusCode, Json<RuleDto>)> {
    let form = RuleForm {
        employer: b.employer,
        occupation: b.occupation,
        region_code: b.region_code,
        reason: b.reason,
    };
    let rule = rules::create(
        &state.db,
        &user.session.actor,
        &state.regions(),
        id,
        &form,
        b.target_org_id,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(rule.into())))
}

/// Deletes a rule.
#[utoipa::path(delete, path = "/api/v1/routing-rules/{id}", tag = "routing",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    rules::delete(&state.db, &user.session.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MoveRule {
    /// `up` or `down`, within the rule's stage.
    pub direction: String,
}

/// Moves a rule one place within its stage; answers the owner's rules in
/// their new order.
#[utoipa::path(post, path = "/api/v1/routing-rules/{id}/move", tag = "routing", request_body = MoveRule,
    responses((status = 200, body = Vec<RuleDto>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn move_rule(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MoveRule>,
) -> ApiResult<Json<Vec<RuleDto>>> {
    let direction = Direction::parse(&b.direction)?;
    let actor = &user.session.actor;
    rules::move_rule(&state.db, actor, id, direction).await?;
    let owner = rules::get(&state.db, &actor.scope, id).await?.owner_org_id;
    let rows = rules::list(&state.db, &actor.scope, owner).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TrialRequest {
    pub occupation: String,
    #[serde(default)]
    pub employer: String,
    pub work_region: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RouteDto {
    pub org_id: i64,
    pub org_name: String,
    /// `rule:{id}`, or `scanned_union`, `industry_federation`, `catch_all_union`.
    pub rule: String,
    pub reason_zh: String,
}

impl From<Route> for RouteDto {
    fn from(r: Route) -> Self {
        let reason_zh = crate::routing::told::told(crate::i18n::Tr::ZH, &r.rule, Some(&r.args), "");
        RouteDto {
            org_id: r.org_id,
            org_name: r.org_name,
            rule: r.rule,
            reason_zh,
        }
    }
}

/// Where an application through this organisation's code would go, and
/// which rule would decide; nothing is stored.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/routing-trial", tag = "routing", request_body = TrialRequest,
    responses((status = 200, body = RouteDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn trial(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TrialRequest>,
) -> ApiResult<Json<RouteDto>> {
    let t = Trial {
        occupation: b.occupation,
        employer: b.employer,
        work_region: b.work_region,
    };
    let route = routing::try_route(
        &state.db,
        &user.session.actor.scope,
        &state.regions(),
        id,
        &t,
    )
    .await?;
    Ok(Json(route.into()))
}
