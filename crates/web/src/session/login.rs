//! Logging in and out of the console.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use nuanxin_store::accounts::{self, LoginFailure};
use nuanxin_store::sessions;
use serde::Deserialize;

use crate::auth::{ClientIp, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::error::ApiError;
use crate::http::{cookie, same_secret, set_cookie};
use crate::i18n::Tr;
use crate::pages::PostForm;
use crate::pages::{local_path, render, Here, Layout};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(show).post(submit))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "session/login.html")]
struct LoginPage {
    l: Layout,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// The login form; a fresh double-submit token guards it against login CSRF.
fn login_page(
    state: &AppState,
    t: Tr,
    here: &Here,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let token = sessions::random_token();
    let page = LoginPage {
        l: Layout::anonymous(t, here),
        csrf: token.clone(),
        next,
        username,
        error,
    };
    let mut res = render(status, &page);
    let c = set_cookie(
        LOGIN_CSRF_COOKIE,
        &token,
        state.config.secure_cookies,
        Some(3600),
    );
    res.headers_mut()
        .append(header::SET_COOKIE, c.parse().expect("cookie header"));
    res
}

async fn show(State(state): State<AppState>, t: Tr, here: Here, Query(n): Query<Next>) -> Response {
    login_page(
        &state,
        t,
        &here,
        StatusCode::OK,
        local_path(n.next.as_deref()),
        String::new(),
        None,
    )
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(rename = "_csrf")]
    csrf: String,
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return login_page(
            &state,
            t,
            &here,
            StatusCode::BAD_REQUEST,
            "/console".into(),
            String::new(),
            Some(t.s("login-bad")),
        );
    };
    let next = local_path(f.next.as_deref());
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&f.csrf, &expected) {
        let msg = t.s("login-expired");
        return login_page(
            &state,
            t,
            &here,
            StatusCode::FORBIDDEN,
            next,
            f.username,
            Some(msg),
        );
    }
    let result =
        match accounts::authenticate(&state.db, &f.username, &f.password, ip.as_deref()).await {
            Ok(r) => r,
            Err(e) => return ApiError::from(e).into_response(),
        };
    match result {
        Ok(account) => {
            let ua = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok());
            let s = match sessions::create(&state.db, account.id, ip.as_deref(), ua).await {
                Ok(s) => s,
                Err(e) => return ApiError::from(e).into_response(),
            };
            let mut res = Redirect::to(&next).into_response();
            let secure = state.config.secure_cookies;
            for c in [
                set_cookie(SESSION_COOKIE, &s.token, secure, None),
                set_cookie(LOGIN_CSRF_COOKIE, "", secure, Some(0)),
            ] {
                res.headers_mut()
                    .append(header::SET_COOKIE, c.parse().expect("cookie header"));
            }
            res
        }
        Err(LoginFailure::BadCredentials) => login_page(
            &state,
            t,
            &here,
            StatusCode::UNAUTHORIZED,
            next,
            f.username,
            Some(t.s("login-bad")),
        ),
        Err(LoginFailure::Locked { minutes_left }) => login_page(
            &state,
            t,
            &here,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            f.username,
            Some(t.f("login-locked", "minutes", minutes_left)),
        ),
    }
}

/// Ends the session on the server, not just in the browser.
async fn logout(State(state): State<AppState>, form: PostForm) -> Response {
    if let Err(e) = sessions::delete(&state.db, &form.c.user.token).await {
        return ApiError::from(e).into_response();
    }
    let c = set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, Some(0));
    ([(header::SET_COOKIE, c)], Redirect::to("/login")).into_response()
}
