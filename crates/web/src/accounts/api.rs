//! Staff accounts of the caller's subtree.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nuanxin_store::accounts::{self, Account, AccountFilter, AccountUpdate, NewAccount};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ApiQuery, Page};
use crate::auth::ApiUser;
use crate::error::{ApiResult, Problem};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/accounts", get(list).post(create))
        .route("/api/v1/accounts/{id}", get(show).patch(update))
        .route("/api/v1/accounts/{id}/disable", post(disable))
        .route("/api/v1/accounts/{id}/enable", post(enable))
        .route("/api/v1/accounts/{id}/password", post(set_password))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// `system_admin`, `union_admin`, `reviewer` or `viewer`.
    pub role: String,
    pub org_id: i64,
    pub org_name: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<Account> for AccountDto {
    fn from(a: Account) -> Self {
        AccountDto {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            role: a.role.code().into(),
            org_id: a.org_id,
            org_name: a.org_name,
            disabled: a.disabled,
            created_at: a.created_at,
            last_login_at: a.last_login_at,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Part of the username or name.
    pub q: Option<String>,
    pub org_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Accounts in the caller's scope.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", params(AccountQuery),
    responses((status = 200, body = Page<AccountDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> ApiResult<Json<Page<AccountDto>>> {
    user.session
        .actor
        .require(nuanxin_domain::account::Permission::ManageAccounts)?;
    let paging = crate::api::Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let f = AccountFilter {
        q: q.q,
        org_id: q.org_id,
        limit: paging.limit(),
        offset: paging.offset(),
    };
    let (items, total) = accounts::list(&state.db, &user.session.actor.scope, &f).await?;
    Ok(Json(Page {
        items: items.into_iter().map(AccountDto::from).collect(),
        total,
        limit: f.limit,
        offset: f.offset,
    }))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts",
    responses((status = 200, body = AccountDto), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountDto>> {
    if Some(id) != user.session.actor.account_id {
        user.session
            .actor
            .require(nuanxin_domain::account::Permission::ManageAccounts)?;
    }
    Ok(Json(
        accounts::get(&state.db, &user.session.actor.scope, id)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub org_id: i64,
}

/// Creates an account bound to an organisation in the caller's scope.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = CreateAccount,
    responses((status = 201, body = AccountDto), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<CreateAccount>,
) -> ApiResult<(StatusCode, Json<AccountDto>)> {
    let input = NewAccount {
        username: b.username,
        display_name: b.display_name,
        password: b.password,
        role: b.role,
        org_id: b.org_id,
    };
    let a = accounts::create(
        &state.db,
        &user.session.actor,
        &state.config.password_policy,
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UpdateAccount {
    pub display_name: String,
    pub role: String,
    pub org_id: i64,
}

/// Changes an account's name, role or organisation; a changed role or
/// organisation ends its sessions.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", request_body = UpdateAccount,
    responses((status = 200, body = AccountDto), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateAccount>,
) -> ApiResult<Json<AccountDto>> {
    let input = AccountUpdate {
        display_name: b.display_name,
        role: b.role,
        org_id: b.org_id,
    };
    Ok(Json(
        accounts::update(&state.db, &user.session.actor, id, &input)
            .await?
            .into(),
    ))
}

/// Disables an account and ends its sessions at once.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/disable", tag = "accounts",
    responses((status = 200, body = AccountDto), (status = 404, body = Problem)))]
pub async fn disable(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountDto>> {
    Ok(Json(
        accounts::set_disabled(&state.db, &user.session.actor, id, true)
            .await?
            .into(),
    ))
}

/// Re-enables an account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/enable", tag = "accounts",
    responses((status = 200, body = AccountDto), (status = 404, body = Problem)))]
pub async fn enable(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountDto>> {
    Ok(Json(
        accounts::set_disabled(&state.db, &user.session.actor, id, false)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewPassword {
    pub password: String,
}

/// Sets a new password (an admin's reset, or one's own) and ends the account's sessions.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/password", tag = "accounts", request_body = NewPassword,
    responses((status = 204), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn set_password(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<NewPassword>,
) -> ApiResult<StatusCode> {
    accounts::set_password(
        &state.db,
        &user.session.actor,
        &state.config.password_policy,
        id,
        &b.password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
