//! The server-rendered console (zh-CN by default, English switchable).

mod extract;
mod here;

pub use extract::{PageReject, PageUser, PostForm};
pub use here::Here;

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use nuanxin_domain::account::Permission;
use nuanxin_domain::FieldError;
use serde::Deserialize;

use crate::error::ApiError;
use crate::http::{set_cookie, urlencode};
use crate::i18n::{Tr, LANG_COOKIE};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/console") }))
        .route("/lang/{lang}", get(switch_lang))
        .route(
            "/assets/app.css",
            get(|| async {
                asset(
                    "text/css; charset=utf-8",
                    include_str!("../../assets/app.css"),
                )
            }),
        )
        .route(
            "/assets/app.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../assets/app.js"),
                )
            }),
        )
        .merge(crate::session::login::routes())
        .merge(crate::session::password::routes())
        .merge(crate::membership::page_routes())
        .merge(crate::roster::pages::routes())
        .merge(crate::platform_keys::pages::routes())
        .merge(crate::routing::pages::routes())
        .merge(crate::orgs::pages::routes())
        .merge(crate::accounts::pages::routes())
        .merge(crate::audit::pages::routes())
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// What the header of every page shows about the user.
pub struct UserView {
    pub display_name: String,
    pub org_name: String,
    pub org_id: i64,
    pub csrf: String,
    pub can_accounts: bool,
    pub can_audit: bool,
}

/// The parts every page template shares.
pub struct Layout {
    pub t: Tr,
    pub user: Option<UserView>,
    pub csrf: String,
    pub scope_root: i64,
    /// The current path, URL-encoded, for the language switch to come back to.
    pub back: String,
    /// For a page that answers a form: the address the browser shows
    /// instead of the POST's ([`Here::form_page`]).
    pub form_page: Option<String>,
    pub notice: Option<String>,
    pub warnings: Vec<String>,
}

impl Layout {
    pub fn anonymous(t: Tr, here: &Here) -> Self {
        Layout {
            t,
            user: None,
            csrf: String::new(),
            scope_root: 0,
            back: here.back(),
            form_page: here.form_page().map(str::to_string),
            notice: None,
            warnings: vec![],
        }
    }

    pub fn for_user(t: Tr, user: &PageUser, here: &Here) -> Self {
        let s = &user.session;
        Layout {
            t,
            user: Some(UserView {
                display_name: s.display_name.clone(),
                org_name: s.org_name.clone(),
                org_id: s.actor.scope.org_id,
                csrf: s.csrf.clone(),
                can_accounts: s.actor.role.can(Permission::ManageAccounts),
                can_audit: s.actor.role.can(Permission::ReadAudit),
            }),
            csrf: s.csrf.clone(),
            scope_root: s.actor.scope.org_id,
            back: here.back(),
            form_page: here.form_page().map(str::to_string),
            notice: None,
            warnings: vec![],
        }
    }
}

/// What every console handler has besides its own inputs: the user, their
/// words, and the page being answered; `layout()` frames a page for them.
pub struct Console {
    pub user: PageUser,
    pub t: Tr,
    pub here: Here,
}

impl Console {
    pub fn layout(&self) -> Layout {
        Layout::for_user(self.t, &self.user, &self.here)
    }

    /// A URL id, or the not-found page.
    pub fn id(&self, raw: &str) -> Result<i64, PageError> {
        parse_id(raw).ok_or_else(|| self.fail(ApiError::not_found()))
    }

    /// A failure shown as a page in this console's frame.
    pub fn fail(&self, e: impl Into<ApiError>) -> PageError {
        PageError::new(self.layout(), e.into())
    }
}

impl axum::extract::FromRequestParts<crate::AppState> for Console {
    type Rejection = PageReject;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = PageUser::from_request_parts(parts, state).await?;
        let Ok(t) = Tr::from_request_parts(parts, state).await;
        let Ok(here) = Here::from_request_parts(parts, state).await;
        Ok(Console { user, t, here })
    }
}

/// Renders a template; a rendering failure is an internal error.
pub fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(cause = %e, "template");
            // A bare status: `bare_errors` turns it into the error page.
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    status: u16,
    message: String,
}

/// A console error shown as a page in the user's language.
pub struct PageError {
    l: Box<Layout>,
    error: Box<ApiError>,
}

impl PageError {
    pub fn new(l: Layout, error: ApiError) -> Self {
        PageError {
            l: Box::new(l),
            error: Box::new(error),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match *self.error {
            ApiError::Client {
                status,
                code,
                args,
                fields,
            } => {
                let message = self.l.t.problem(code, &args, &fields);
                render(
                    status,
                    &ErrorPage {
                        l: *self.l,
                        status: status.as_u16(),
                        message,
                    },
                )
            }
            ApiError::Internal(cause) => {
                tracing::error!(cause = %cause, "internal error");
                let message = self.l.t.problem("internal", &[], &[]);
                render(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &ErrorPage {
                        l: *self.l,
                        status: 500,
                        message,
                    },
                )
            }
        }
    }
}

pub type PageResult = Result<Response, PageError>;

/// Attaches the page layout to a failure, for `?`.
pub trait OrPage<T> {
    fn or_page(self, l: impl FnOnce() -> Layout) -> Result<T, PageError>;
}

impl<T, E: Into<ApiError>> OrPage<T> for Result<T, E> {
    fn or_page(self, l: impl FnOnce() -> Layout) -> Result<T, PageError> {
        self.map_err(|e| PageError::new(l(), e.into()))
    }
}

/// Field errors of a failed form submission, or the error that is not about fields.
pub fn form_errors(e: nuanxin_store::StoreError) -> Result<Vec<FieldError>, ApiError> {
    match e {
        nuanxin_store::StoreError::Validation(v) => Ok(v.0),
        nuanxin_store::StoreError::Conflict(f) => Ok(vec![f]),
        other => Err(other.into()),
    }
}

/// A redirect after a successful form (post/redirect/get).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Deserialize)]
struct Back {
    back: Option<String>,
}

/// Only local paths, never `//host` or a scheme: no open redirect.
pub fn local_path(p: Option<&str>) -> String {
    match p {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                // Visible ASCII only, as the pages' own links are encoded:
                // browsers drop tabs and line breaks from a URL, so
                // `/\t/evil.example` would become `//evil.example`, and a
                // line break or raw UTF-8 cannot go into the header at all.
                && p.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            p.to_string()
        }
        _ => "/console".to_string(),
    }
}

async fn switch_lang(Path(lang): Path<String>, Query(b): Query<Back>) -> Response {
    let lang = if lang == "en" { "en" } else { "zh" };
    let cookie = set_cookie(LANG_COOKIE, lang, false, Some(365 * 24 * 3600));
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(&local_path(b.back.as_deref())),
    )
        .into_response()
}

/// Unknown paths: a problem response under `/api`, a page elsewhere.
pub async fn not_found(t: Tr, uri: Uri, here: Here) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::not_found().into_response();
    }
    let message = t.s("common-not_found");
    render(
        StatusCode::NOT_FOUND,
        &ErrorPage {
            l: Layout::anonymous(t, &here),
            status: 404,
            message,
        },
    )
}

/// A positive id from a URL segment.
pub fn parse_id(raw: &str) -> Option<i64> {
    raw.parse().ok().filter(|id: &i64| *id > 0)
}

/// A record reached through an organisation's address must be that
/// organisation's: another's is not found, as one outside the scope is.
pub fn owned_by(owner: i64, org_id: i64, l: impl FnOnce() -> Layout) -> Result<(), PageError> {
    if owner == org_id {
        Ok(())
    } else {
        Err(PageError::new(l(), ApiError::not_found()))
    }
}

/// Which organisations a form's picker offers, besides being in scope.
#[derive(Default)]
pub struct Among {
    /// Only the subtree of this organisation.
    pub under: Option<i64>,
    /// Not this one (the organisation being moved, the current union).
    pub skip: Option<i64>,
    /// Only open unions that receive members: a level federation or a
    /// closed union would only be refused after it was picked.
    pub receiving: bool,
}

/// An organisation typed into a form as an id, or as part of a name that
/// matches exactly one organisation in scope that `among` allows;
/// otherwise the error lists the candidates with their ids, or says nothing
/// matched. Nothing outside the scope is offered.
pub async fn pick_org(
    state: &AppState,
    scope: &nuanxin_store::Scope,
    field: &str,
    label: &'static str,
    raw: &str,
    among: Among,
) -> Result<i64, nuanxin_store::StoreError> {
    let raw = raw.trim();
    if let Ok(id) = raw.parse::<i64>() {
        return Ok(id);
    }
    let err = |e: FieldError| nuanxin_store::StoreError::from(e.at(field));
    if raw.is_empty() {
        return Err(err(
            FieldError::new(field, "org_pick.empty").with_word("label", label)
        ));
    }
    let filter = nuanxin_store::orgs::OrgFilter {
        q: Some(raw.to_string()),
        under: among.under,
        receiving: among.receiving,
        limit: 9,
        ..Default::default()
    };
    let (found, _) = nuanxin_store::orgs::search(&state.db, scope, &filter).await?;
    let found: Vec<_> = found
        .into_iter()
        .filter(|o| Some(o.id) != among.skip)
        .collect();
    match found.as_slice() {
        [one] => Ok(one.id),
        [] if among.receiving => Err(err(
            FieldError::new(field, "org_pick.none_receiving").with("raw", raw)
        )),
        [] => Err(err(FieldError::new(field, "org_pick.none").with("raw", raw))),
        many => Err(err(FieldError::new(field, "org_pick.many")
            .with("raw", raw)
            .with_list(
                "candidates",
                many.iter()
                    .take(8)
                    .map(|o| format!("{}（{}）", o.name, o.id)),
            ))),
    }
}

/// Pagination links that keep the other query parameters.
pub fn pager(
    base: &str,
    params: &[(&str, String)],
    offset: i64,
    limit: i64,
    total: i64,
) -> (Option<String>, Option<String>) {
    let link = |off: i64| {
        let mut q: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        q.push(format!("offset={off}"));
        format!("{base}?{}", q.join("&"))
    };
    let prev = (offset > 0).then(|| link((offset - limit).max(0)));
    let next = (offset + limit < total).then(|| link(offset + limit));
    (prev, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_redirects() {
        assert_eq!(local_path(Some("/console/orgs/1")), "/console/orgs/1");
        assert_eq!(local_path(Some("//evil.example")), "/console");
        assert_eq!(local_path(Some("https://evil.example")), "/console");
        assert_eq!(local_path(Some("/\\evil")), "/console");
        assert_eq!(local_path(Some("/\t/evil.example")), "/console");
        assert_eq!(local_path(Some("/\n/evil.example")), "/console");
        assert_eq!(local_path(Some("/console/members?q=张")), "/console");
        assert_eq!(
            local_path(Some("/console/members?q=%E5%BC%A0")),
            "/console/members?q=%E5%BC%A0"
        );
        assert_eq!(local_path(None), "/console");
    }
}
