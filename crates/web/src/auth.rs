//! Who is calling: the session cookie (console and API) or a bearer token
//! (API scripts), CSRF checks, and the client address.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use nuanxin_store::sessions::{self, Session};

use crate::error::ApiError;
use crate::http::{client_ip, cookie, same_secret, urlencode};
use crate::AppState;

pub const SESSION_COOKIE: &str = "nx_session";
/// Double-submit token of the login form, before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "nx_login";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";

struct Resolved {
    session: Session,
    token: String,
    via_cookie: bool,
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<Resolved>, ApiError> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let (token, via_cookie) = match bearer {
        Some(t) => (t, false),
        None => match cookie(&parts.headers, SESSION_COOKIE) {
            Some(t) => (t, true),
            None => return Ok(None),
        },
    };
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let ip = client_ip(parts, state.config.trust_proxy);
    let session = sessions::lookup(
        &state.db,
        &token,
        &state.config.session_policy,
        ip.as_deref(),
    )
    .await?;
    Ok(session.map(|session| Resolved {
        session,
        token,
        via_cookie,
    }))
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// An authenticated API caller. Cookie-authenticated writes must carry the
/// session's CSRF token in `X-CSRF-Token`; bearer calls need none.
pub struct ApiUser {
    pub session: Session,
    pub token: String,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let r = resolve(parts, state)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if r.via_cookie && is_unsafe(&parts.method) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_secret(sent, &r.session.csrf) {
                return Err(ApiError::csrf());
            }
        }
        if r.session.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&parts.uri.path()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password.change_required",
            ));
        }
        Ok(ApiUser {
            session: r.session,
            token: r.token,
        })
    }
}

/// All that an account whose password someone else set may reach before
/// choosing its own: the session itself and the change.
const PASSWORD_CHANGE_PATHS: [&str; 4] = [
    "/api/v1/session",
    "/api/v1/session/password",
    "/console/password",
    "/logout",
];

/// A logged-in console user; anonymous visitors are sent to the login page.
pub struct PageUser {
    pub session: Session,
    pub token: String,
}

pub enum PageReject {
    Login(String),
    /// The password was set by someone else: choose one's own first.
    ChangePassword,
    /// An error shown as a console page, in the user's language.
    Page(crate::pages::PageError),
}

impl IntoResponse for PageReject {
    fn into_response(self) -> Response {
        match self {
            PageReject::Login(next) => {
                Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response()
            }
            PageReject::ChangePassword => Redirect::to("/console/password").into_response(),
            PageReject::Page(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageReject;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageReject> {
        let resolved = match resolve(parts, state).await {
            Ok(r) => r,
            Err(e) => {
                let Ok(t) = crate::i18n::Tr::from_request_parts(parts, state).await;
                let here = crate::pages::Here::of(
                    &parts.method,
                    &parts.uri,
                    parts.headers.get(axum::http::header::REFERER),
                );
                let l = crate::pages::Layout::anonymous(t, &here);
                return Err(PageReject::Page(crate::pages::PageError::new(l, e)));
            }
        };
        match resolved {
            Some(r)
                if r.via_cookie
                    && r.session.must_change_password
                    && !PASSWORD_CHANGE_PATHS.contains(&parts.uri.path()) =>
            {
                Err(PageReject::ChangePassword)
            }
            Some(r) if r.via_cookie => Ok(PageUser {
                session: r.session,
                token: r.token,
            }),
            _ => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/console");
                let next = if parts.method == Method::GET {
                    next
                } else {
                    "/console"
                };
                Err(PageReject::Login(next.to_string()))
            }
        }
    }
}

/// The fields of a console form, after its CSRF token was checked against
/// the session: every console form posts through this extractor.
pub struct PostForm {
    /// Who posted it, their words and the page it came from.
    pub c: crate::pages::Console,
    /// In order, repeated names kept (checkbox lists).
    pub fields: Vec<(String, String)>,
}

impl PostForm {
    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The first value, trimmed, or `None` when empty.
    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name).trim()).filter(|s| !s.is_empty())
    }

    /// Every value of a repeated field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl FromRequest<AppState> for PostForm {
    type Rejection = PageReject;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageReject> {
        let (mut parts, body) = req.into_parts();
        let user = PageUser::from_request_parts(&mut parts, state).await?;
        let Ok(t) = crate::i18n::Tr::from_request_parts(&mut parts, state).await;
        let here = crate::pages::Here::of(
            &parts.method,
            &parts.uri,
            parts.headers.get(axum::http::header::REFERER),
        );
        let page = |user: &PageUser, e: ApiError| {
            PageReject::Page(crate::pages::PageError::new(
                crate::pages::Layout::for_user(t, user, &here),
                e,
            ))
        };
        let req = Request::from_parts(parts, body);
        let fields = match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(fields)) => fields,
            Err(e) => {
                let e = ApiError::bad_request("form").with("detail", e);
                return Err(page(&user, e));
            }
        };
        if !same_secret(
            fields
                .iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map_or("", |(_, v)| v.as_str()),
            &user.session.csrf,
        ) {
            return Err(page(&user, ApiError::csrf()));
        }
        let form = PostForm {
            c: crate::pages::Console { user, t, here },
            fields,
        };
        Ok(form)
    }
}

/// The client's address as the audit trail records it.
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state.config.trust_proxy)))
    }
}
