//! The console's extractors: the logged-in user, and a posted form whose
//! CSRF token was checked. Their refusals are pages in the user's language
//! or a redirect to the login.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use nuanxin_store::sessions::Session;

use crate::auth::{resolve, CSRF_FIELD, PASSWORD_CHANGE_PATHS};
use crate::error::ApiError;
use crate::http::{same_secret, urlencode};
use crate::AppState;

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
    Page(super::PageError),
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
                let here = super::Here::of(
                    &parts.method,
                    &parts.uri,
                    parts.headers.get(axum::http::header::REFERER),
                );
                let l = super::Layout::anonymous(t, &here);
                return Err(PageReject::Page(super::PageError::new(l, e)));
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
    pub c: super::Console,
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
        let here = super::Here::of(
            &parts.method,
            &parts.uri,
            parts.headers.get(axum::http::header::REFERER),
        );
        let page = |user: &PageUser, e: ApiError| {
            PageReject::Page(super::PageError::new(
                super::Layout::for_user(t, user, &here),
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
            c: super::Console { user, t, here },
            fields,
        };
        Ok(form)
    }
}
