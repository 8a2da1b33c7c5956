//! The audit trail in the console, with Excel export.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use nuanxin_domain::FieldError;
use nuanxin_store::audit;

use crate::audit::query::{export_bytes, filter_from, AuditQuery};
use crate::audit::words::Described;
use crate::error::ApiError;
use crate::export::{dated_name, xlsx_response};
use crate::pages::{pager, render, Console, Layout, OrPage, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/audit", get(list))
        .route("/console/audit/export.xlsx", get(export))
}

/// The filter as the form shows it.
#[derive(Default)]
pub struct QueryView {
    pub action: String,
    pub actor: String,
    pub from: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    l: Layout,
    q: QueryView,
    query: String,
    rows: Vec<Described>,
    /// `(code, label)` for the action filter.
    actions: Vec<(&'static str, String)>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    errors: Vec<FieldError>,
}

async fn list(
    State(state): State<AppState>,
    c: Console,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let layout = || c.layout();
    c.user
        .session
        .actor
        .require(nuanxin_domain::account::Permission::ReadAudit)
        .or_page(layout)?;
    let limit = 50;
    let view = QueryView {
        action: q.action.clone().unwrap_or_default(),
        actor: q.actor.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
    };
    let params = [
        ("action", view.action.clone()),
        ("actor", view.actor.clone()),
        ("from", view.from.clone()),
        ("to", view.to.clone()),
    ];
    let query = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::http::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let (rows, total, errors) = match filter_from(&q, limit) {
        Ok(f) => {
            let (rows, total) = audit::list(&state.db, &c.user.session.actor.scope, &f)
                .await
                .or_page(layout)?;
            (rows, total, vec![])
        }
        Err(ApiError::Client { fields, .. }) => (vec![], 0, fields),
        Err(e) => return Err(crate::pages::PageError::new(layout(), e)),
    };
    let subjects = audit::subjects(&state.db, &c.user.session.actor.scope, &rows)
        .await
        .or_page(layout)?;
    let offset = q.offset.unwrap_or(0).max(0);
    let (prev, next) = pager("/console/audit", &params, offset, limit, total);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AuditPage {
        l: layout(),
        q: view,
        query,
        rows: rows
            .iter()
            .map(|e| Described::of(e, &subjects, c.t))
            .collect(),
        actions: crate::audit::words::ACTIONS
            .iter()
            .map(|code| (*code, crate::audit::words::action(c.t, code)))
            .collect(),
        total,
        prev,
        next,
        errors,
    };
    Ok(render(status, &page))
}

async fn export(
    State(state): State<AppState>,
    c: Console,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let bytes = export_bytes(&state, &c.user.session.actor, &q, c.t)
        .await
        .or_page(|| c.layout())?;
    Ok(xlsx_response(bytes, &dated_name(&c.t.s("audit-file"))))
}
