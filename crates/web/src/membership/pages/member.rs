//! One member's page: their data (masked), history, transfers and
//! requests, and what staff do with a membership: end it with a reason
//! (退会), start a transfer, correct data (audited), answer a request.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::account::Permission;
use nuanxin_domain::membership::request::{RequestKind, RequestStatus};
use nuanxin_domain::membership::{CorrectionForm, MembershipStatus, Occupation};
use nuanxin_domain::FieldError;
use nuanxin_store::membership::{self, requests, Member};
use nuanxin_store::StoreError;

use crate::i18n::Tr;
use crate::pages::PostForm;
use crate::pages::{form_errors, render, see_other, Console, Layout, OrPage, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/members/{id}", get(show))
        .route("/console/members/{id}/leave", post(leave))
        .route("/console/members/{id}/transfer", post(transfer))
        .route("/console/members/{id}/correct", post(correct))
        .route(
            "/console/members/{id}/requests/{request}",
            post(answer_request),
        )
}

pub struct HistoryRow {
    pub at: String,
    pub change: String,
    pub org_name: String,
    pub actor: String,
    pub reason: String,
}

pub struct TransferRow {
    pub from_org_name: String,
    pub to_org_name: String,
    pub status: String,
    pub requested_by: String,
    pub requested_at: String,
    pub reason: String,
}

pub struct RequestRow {
    pub id: i64,
    pub kind: &'static str,
    /// What staff confirm before it is carried out.
    pub confirm: String,
    pub detail: String,
    pub new_phone: String,
    pub status: String,
    pub open: bool,
    pub requested_at: String,
    pub due: String,
    pub overdue: bool,
    pub answer: String,
}

#[derive(Template)]
#[template(path = "membership/member.html")]
struct MemberPage {
    l: Layout,
    m: Member,
    status_label: &'static str,
    route: String,
    /// What the worker is told about it, in the reader's language.
    told: String,
    rejected: Option<String>,
    occupation: &'static str,
    work_region: String,
    applied_at: String,
    decided_at: String,
    history: Vec<HistoryRow>,
    transfers: Vec<TransferRow>,
    requests: Vec<RequestRow>,
    occupations: Vec<(&'static str, &'static str)>,
    can_review: bool,
    can_reveal: bool,
    active: bool,
    /// Which form failed, and its errors and values.
    form: &'static str,
    errors: Vec<FieldError>,
    values: CorrectionForm,
}

fn status_label(t: Tr, code: &str) -> String {
    MembershipStatus::from_code(code)
        .map(|s| s.label(t.en()).to_string())
        .unwrap_or_else(|| code.to_string())
}

async fn page(
    state: &AppState,
    c: &Console,
    id: i64,
    failed: (&'static str, Vec<FieldError>, CorrectionForm),
) -> PageResult {
    let layout = || c.layout();
    let actor = &c.user.session.actor;
    let scope = &actor.scope;
    let m = membership::get(&state.db, scope, id)
        .await
        .or_page(layout)?;
    let en = c.t.en();
    let history = membership::history(&state.db, scope, id)
        .await
        .or_page(layout)?
        .into_iter()
        .map(|e| HistoryRow {
            at: nuanxin_domain::time::format_local(e.at),
            change: match e.from_status.as_deref() {
                Some(from) if from != e.to_status => format!(
                    "{} → {}",
                    status_label(c.t, from),
                    status_label(c.t, &e.to_status)
                ),
                Some(_) => status_label(c.t, &e.to_status),
                None => c.t.s("member_page-applied"),
            },
            org_name: e.org_name,
            actor: match e.actor_name.as_str() {
                "worker" => c.t.s("member_page-by_worker"),
                "system" | "auto-approval" => c.t.s("member_page-by_system"),
                _ => e.actor_name,
            },
            reason: crate::membership::reason::said(
                c.t,
                e.reason_code.as_deref(),
                e.reason.as_deref(),
            )
            .unwrap_or_default(),
        })
        .collect();
    let transfers = nuanxin_store::membership::transfers::of_member(&state.db, scope, id)
        .await
        .or_page(layout)?
        .into_iter()
        .map(|tr| TransferRow {
            status: c.t.s(match tr.status.as_str() {
                "pending" => "member-transfer_pending",
                "accepted" => "member-transfer_accepted",
                _ => "member-transfer_refused",
            }),
            from_org_name: tr.from_org_name,
            to_org_name: tr.to_org_name,
            requested_by: tr.requested_by,
            requested_at: nuanxin_domain::time::format_local(tr.requested_at),
            reason: tr.reason.unwrap_or_default(),
        })
        .collect();
    let requests = requests::of_member(&state.db, scope, id)
        .await
        .or_page(layout)?
        .into_iter()
        .map(|r| {
            let (due, overdue) = crate::membership::pages::review::due(c.t, r.due_at);
            let open = r.status == RequestStatus::Open;
            RequestRow {
                id: r.id,
                kind: r.kind.label(en),
                confirm: c.t.s(match r.kind {
                    RequestKind::Phone => "request-confirm_phone",
                    RequestKind::Correct => "request-confirm_correct",
                    RequestKind::Leave => "request-confirm_leave",
                    RequestKind::Erase => "request-confirm_erase",
                }),
                detail: r.detail,
                new_phone: r.new_phone_masked.unwrap_or_default(),
                status: r.status.label(en).to_string(),
                open,
                requested_at: nuanxin_domain::time::format_local(r.requested_at),
                due: if open { due } else { String::new() },
                overdue: open && overdue,
                answer: r.answer.unwrap_or_default(),
            }
        })
        .collect();
    let (form, errors, values) = failed;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = MemberPage {
        l: layout(),
        status_label: m.status.label(en),
        route: crate::membership::pages::review::route_label(c.t, &m.route_rule),
        told: crate::routing::told::told(
            c.t,
            &m.route_rule,
            m.route_args.as_ref(),
            &m.route_reason,
        ),
        rejected: crate::membership::reason::said(
            c.t,
            m.reject_reason_code.as_deref(),
            m.reject_reason.as_deref(),
        ),
        occupation: m.occupation.label(en),
        work_region: state.regions().full_name(&m.work_region),
        applied_at: nuanxin_domain::time::format_local(m.applied_at),
        decided_at: m
            .decided_at
            .map(nuanxin_domain::time::format_local)
            .unwrap_or_default(),
        history,
        transfers,
        requests,
        occupations: Occupation::ALL
            .iter()
            .map(|o| (o.code(), o.label(en)))
            .collect(),
        can_review: actor.role.can(Permission::Review),
        can_reveal: actor.role.can(Permission::RevealSensitive),
        active: m.status == MembershipStatus::Active,
        m,
        form,
        errors,
        values,
    };
    Ok(render(status, &page))
}

async fn show(State(state): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let id = c.id(&id)?;
    page(&state, &c, id, ("", vec![], Default::default())).await
}

/// After a form: back to the member's page, or the page again with the
/// form's errors beside it.
async fn answered<T>(
    state: &AppState,
    form: &PostForm,
    id: i64,
    result: Result<T, StoreError>,
    // Which form it was, and what to put back into the correction form.
    failed: (&'static str, CorrectionForm),
) -> PageResult {
    let (which, values) = failed;
    match result {
        Ok(_) => Ok(see_other(&format!("/console/members/{id}"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            page(state, &form.c, id, (which, errors, values)).await
        }
    }
}

async fn leave(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    let r = membership::leave(
        &state.db,
        &form.c.user.session.actor,
        id,
        form.get("reason"),
    )
    .await;
    answered(&state, &form, id, r, ("leave", Default::default())).await
}

async fn transfer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    let actor = &form.c.user.session.actor;
    let m = membership::get(&state.db, &actor.scope, id)
        .await
        .or_page(|| form.c.layout())?;
    let r = async {
        let Some(member_no) = m.member_no.as_deref() else {
            return Err(FieldError::new("to_org_id", "transfer.only_active").into());
        };
        let to = crate::pages::pick_org(
            &state,
            &actor.scope,
            "to_org_id",
            "label-transfer_union",
            form.get("to_org_id"),
            crate::pages::Among {
                skip: Some(m.org_id),
                receiving: true,
                ..Default::default()
            },
        )
        .await?;
        nuanxin_store::membership::transfers::request(&state.db, Some(actor), member_no, to).await
    }
    .await;
    answered(&state, &form, id, r, ("transfer", Default::default())).await
}

async fn correct(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    let values = CorrectionForm {
        name: form.get("name").into(),
        id_number: form.get("id_number").into(),
        phone: form.get("phone").into(),
        occupation: form.get("occupation").into(),
        employer: form.get("employer").into(),
        work_region: form.get("work_region").into(),
        reason: form.get("reason").into(),
    };
    let actor = &form.c.user.session.actor;
    // Scope first: a member outside it is not found, whatever was typed.
    membership::get(&state.db, &actor.scope, id)
        .await
        .or_page(|| form.c.layout())?;
    let r = match values.check(&state.regions(), nuanxin_domain::time::today_china()) {
        Ok(c) => membership::correct(&state.db, actor, &state.sealer, id, &c).await,
        Err(v) => Err(StoreError::Validation(v)),
    };
    // Typed ID numbers and phones are not shown again.
    let keep = CorrectionForm {
        id_number: String::new(),
        phone: String::new(),
        ..values
    };
    answered(&state, &form, id, r, ("correct", keep)).await
}

async fn answer_request(
    State(state): State<AppState>,
    Path((id, request)): Path<(String, String)>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    let request = form.c.id(&request)?;
    let actor = &form.c.user.session.actor;
    let layout = || form.c.layout();
    let r = requests::get(&state.db, &actor.scope, request)
        .await
        .or_page(layout)?;
    crate::pages::owned_by(r.member_id, id, layout)?;
    let done = match form.get("decision") {
        "done" => Ok(true),
        "refuse" => Ok(false),
        _ => Err(StoreError::from(FieldError::new(
            "decision",
            "request.decision",
        ))),
    };
    let result = match done {
        Ok(done) => {
            requests::decide(
                &state.db,
                actor,
                &state.sealer,
                request,
                done,
                form.get("answer"),
            )
            .await
        }
        Err(e) => Err(e),
    };
    answered(&state, &form, id, result, ("request", Default::default())).await
}
