//! Logging in and out through the API.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use nuanxin_store::accounts::{self, LoginFailure};
use nuanxin_store::sessions;
use serde::{Deserialize, Serialize};

use crate::api::ApiJson;
use crate::auth::{ApiUser, ClientIp, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::http::set_cookie;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(login).delete(logout).get(me))
        .route("/api/v1/session/password", post(change_password))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// Send as `Authorization: Bearer …`, or rely on the cookie that is also set.
    pub token: Option<String>,
    /// Send as `X-CSRF-Token` on cookie-authenticated writes.
    pub csrf_token: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: i64,
    pub org_name: String,
    /// Someone else set the password: until it is changed with
    /// `POST /api/v1/session/password`, every other call answers 403
    /// `password.change_required`.
    pub must_change_password: bool,
}

pub fn login_failure(f: LoginFailure) -> ApiError {
    match f {
        LoginFailure::BadCredentials => ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials"),
        LoginFailure::Locked { minutes_left } => {
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "locked")
                .with("minutes_left", minutes_left)
        }
    }
}

/// Logs in and starts a session.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let account = accounts::authenticate(&state.db, &req.username, &req.password, ip.as_deref())
        .await?
        .map_err(login_failure)?;
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let s = sessions::create(&state.db, account.id, ip.as_deref(), ua).await?;
    let body = SessionInfo {
        token: Some(s.token.clone()),
        csrf_token: s.csrf,
        username: account.username,
        display_name: account.display_name,
        role: account.role.code().into(),
        org_id: account.org_id,
        org_name: account.org_name,
        must_change_password: account.must_change_password,
    };
    let cookie = set_cookie(SESSION_COOKIE, &s.token, state.config.secure_cookies, None);
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Ends the session on the server.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, user: ApiUser) -> ApiResult<Response> {
    sessions::delete(&state.db, &user.token).await?;
    let cookie = set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, Some(0));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The current session.
#[utoipa::path(get, path = "/api/v1/session", tag = "session", responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::Problem)))]
pub async fn me(user: ApiUser) -> Json<SessionInfo> {
    let s = user.session;
    Json(SessionInfo {
        token: None,
        csrf_token: s.csrf,
        username: s.actor.username,
        display_name: s.display_name,
        role: s.actor.role.code().into(),
        org_id: s.actor.scope.org_id,
        org_name: s.org_name,
        must_change_password: s.must_change_password,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the caller's own password, proving the current one. The
/// caller's other sessions end; this one goes on.
#[utoipa::path(post, path = "/api/v1/session/password", tag = "session", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    accounts::change_own_password(
        &state.db,
        &user.session.actor,
        &state.config.password_policy,
        &user.token,
        &b.current_password,
        &b.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
