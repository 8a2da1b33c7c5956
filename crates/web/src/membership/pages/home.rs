//! The console's home: a reviewer's day. The applications waiting in the
//! account's subtree, overdue ones first, decided from one queue; the
//! members' requests that fall due; transfers waiting to be accepted.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::account::Permission;
use nuanxin_domain::FieldError;
use nuanxin_store::membership::{self, requests};
use serde::Deserialize;

use super::review;
use crate::i18n::Tr;
use crate::pages::PostForm;
use crate::pages::{form_errors, pager, render, Console, Layout, OrPage, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(show))
        .route("/console/queue/decide", post(decide))
}

/// How many applications a page of the queue shows (and select-all takes).
const PAGE: i64 = 100;

pub struct QueueRow {
    pub id: i64,
    pub name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub occupation: &'static str,
    pub org_id: i64,
    pub org_name: String,
    pub applied_at: String,
    pub due: String,
    pub overdue: bool,
}

pub struct RequestRow {
    pub member_id: i64,
    pub member_name: String,
    pub kind: &'static str,
    pub detail: String,
    pub org_name: String,
    pub requested_at: String,
    pub due: String,
    pub overdue: bool,
}

impl RequestRow {
    pub fn of(t: Tr, r: requests::MemberRequest) -> Self {
        let (due, overdue) = review::due(t, r.due_at);
        RequestRow {
            member_id: r.member_id,
            member_name: r.member_name,
            kind: r.kind.label(t.en()),
            detail: r.detail,
            org_name: r.org_name,
            requested_at: nuanxin_domain::time::format_local(r.requested_at),
            due,
            overdue,
        }
    }
}

#[derive(Template)]
#[template(path = "membership/home.html")]
struct HomePage {
    l: Layout,
    org_id: i64,
    org_name: String,
    can_review: bool,
    rows: Vec<QueueRow>,
    total: i64,
    overdue: i64,
    prev: Option<String>,
    next: Option<String>,
    requests: Vec<RequestRow>,
    requests_total: i64,
    requests_overdue: i64,
    transfers: i64,
    reason: String,
    errors: Vec<FieldError>,
}

#[derive(Deserialize, Default)]
struct HomeQuery {
    offset: Option<i64>,
}

async fn page(
    state: &AppState,
    c: &Console,
    offset: i64,
    notice: Option<String>,
    failed: (Vec<FieldError>, String),
) -> PageResult {
    let layout = || c.layout();
    let actor = &c.user.session.actor;
    let scope = &actor.scope;
    let q = membership::queue(&state.db, scope, None, PAGE, offset)
        .await
        .or_page(layout)?;
    let (open, requests_total, requests_overdue) =
        requests::open(&state.db, scope, 20).await.or_page(layout)?;
    let transfers = nuanxin_store::membership::transfers::incoming_count(&state.db, scope)
        .await
        .or_page(layout)?;
    let (prev, next) = pager("/console", &[], offset, PAGE, q.total);
    let en = c.t.en();
    let (errors, reason) = failed;
    let mut l = layout();
    l.notice = notice;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = HomePage {
        l,
        org_id: scope.org_id,
        org_name: c.user.session.org_name.clone(),
        can_review: actor.role.can(Permission::Review),
        rows: q
            .rows
            .into_iter()
            .map(|m| {
                let (due, overdue) = review::due(c.t, m.due_at);
                QueueRow {
                    id: m.id,
                    occupation: m.occupation.label(en),
                    applied_at: nuanxin_domain::time::format_local(m.applied_at),
                    name: m.name,
                    id_masked: m.id_number_masked,
                    phone_masked: m.phone_masked,
                    org_id: m.org_id,
                    org_name: m.org_name,
                    due,
                    overdue,
                }
            })
            .collect(),
        total: q.total,
        overdue: q.overdue,
        prev,
        next,
        requests: open.into_iter().map(|r| RequestRow::of(c.t, r)).collect(),
        requests_total,
        requests_overdue,
        transfers,
        reason,
        errors,
    };
    Ok(render(status, &page))
}

async fn show(State(state): State<AppState>, c: Console, Query(q): Query<HomeQuery>) -> PageResult {
    page(
        &state,
        &c,
        q.offset.unwrap_or(0).max(0),
        None,
        (vec![], String::new()),
    )
    .await
}

/// Decides every ticked application in the subtree, then shows the queue
/// again with what was done and, for any not decided, why.
async fn decide(State(state): State<AppState>, form: PostForm) -> PageResult {
    let layout = || form.c.layout();
    let result = match review::decision(&state, &form, None).await {
        Ok(d) => membership::decide_many(
            &state.db,
            &form.c.user.session.actor,
            &review::ticked(&form),
            &d,
            None,
        )
        .await
        .map(|out| (d, out)),
        Err(e) => Err(e),
    };
    match result {
        Ok((d, out)) => {
            let notice = review::notice(form.c.t, &d, &out);
            page(&state, &form.c, 0, Some(notice), (vec![], String::new())).await
        }
        Err(e) => {
            let errors = form_errors(e).or_page(layout)?;
            let reason = form.get("reason").to_string();
            page(&state, &form.c, 0, None, (errors, reason)).await
        }
    }
}
