//! A union's members and its review queue, and its join QR code.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::account::Permission;
use nuanxin_domain::membership::MembershipStatus;
use nuanxin_domain::FieldError;
use nuanxin_store::membership::{self, MemberFilter};
use nuanxin_store::orgs;
use serde::Deserialize;

use crate::i18n::Tr;
use crate::membership::worker::join::{qr_download, qr_svg};
use crate::pages::PostForm;
use crate::pages::{form_errors, pager, render, see_other, Console, Layout, OrPage, PageResult};
use crate::{base_url, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/members", get(list))
        .route("/console/orgs/{id}/members/decide", post(decide))
        .route("/console/orgs/{id}/members/settings", post(save_settings))
        .route(
            "/console/orgs/{id}/transfers/{transfer}",
            post(decide_transfer),
        )
        .route("/console/orgs/{id}/join", get(join_qr))
        .route("/console/orgs/{id}/join-qr.svg", get(join_qr_svg))
        .route("/console/orgs/{id}/join-qr.png", get(join_qr_png))
        .route("/console/orgs/{id}/join/renew", post(renew))
}

pub struct TransferRow {
    pub id: i64,
    pub member_name: String,
    pub member_no: String,
    pub from_org_name: String,
    pub to_org_name: String,
    pub requested_by: String,
    pub status_label: String,
    /// Into this union, so this union decides.
    pub incoming: bool,
}

fn transfer_label(t: Tr, status: &str) -> String {
    t.s(match status {
        "pending" => "member-transfer_pending",
        "accepted" => "member-transfer_accepted",
        _ => "member-transfer_refused",
    })
}

pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub occupation: &'static str,
    pub member_no: String,
    pub status_code: &'static str,
    pub status_label: String,
    pub route_reason: String,
    pub reject_reason: String,
    pub applied_at: String,
}

#[derive(Template)]
#[template(path = "membership/members.html")]
struct MembersPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    q: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<MemberRow>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    can_review: bool,
    can_manage: bool,
    settings: membership::UnionSettings,
    transfers: Vec<TransferRow>,
    form: &'static str,
    errors: Vec<FieldError>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    offset: Option<i64>,
}

/// What a form left for the page to show: which form failed and why, or
/// a notice of what was done.
#[derive(Default)]
struct After {
    form: &'static str,
    errors: Vec<FieldError>,
    notice: Option<String>,
}

impl After {
    fn failed(form: &'static str, errors: Vec<FieldError>) -> Self {
        After {
            form,
            errors,
            notice: None,
        }
    }
}

async fn members_page(
    state: &AppState,
    c: &Console,
    id: i64,
    q: ListQuery,
    after: After,
) -> PageResult {
    let After {
        form,
        errors,
        notice,
    } = after;
    let layout = || c.layout();
    let scope = &c.user.session.actor.scope;
    let org = orgs::get(&state.db, scope, id).await.or_page(layout)?;
    let org_path = org.path.clone();
    let limit = 50;
    let offset = q.offset.unwrap_or(0).max(0);
    let f = MemberFilter {
        org_id: Some(id),
        status: q.status.as_deref().and_then(MembershipStatus::from_code),
        occupation: None,
        q: q.q.clone(),
        limit,
        offset,
    };
    let (found, total) = membership::list(&state.db, scope, &f)
        .await
        .or_page(layout)?;
    let (prev, next) = pager(
        &format!("/console/orgs/{id}/members"),
        &[
            ("q", q.q.clone().unwrap_or_default()),
            ("status", q.status.clone().unwrap_or_default()),
        ],
        offset,
        limit,
        total,
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut l = layout();
    l.notice = notice;
    let page = MembersPage {
        l,
        org_id: id,
        org_name: org.name,
        q: q.q.unwrap_or_default(),
        status: q.status.unwrap_or_default(),
        statuses: MembershipStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label(c.t.en())))
            .collect(),
        rows: found
            .into_iter()
            .map(|m| MemberRow {
                id: m.id,
                name: m.name,
                id_masked: m.id_number_masked,
                phone_masked: m.phone_masked,
                occupation: m.occupation.label(c.t.en()),
                member_no: m.member_no.unwrap_or_default(),
                status_code: m.status.code(),
                status_label: m.status.label(c.t.en()).to_string(),
                route_reason: crate::membership::pages::review::route_label(c.t, &m.route_rule),
                reject_reason: crate::membership::reason::said(
                    c.t,
                    m.reject_reason_code.as_deref(),
                    m.reject_reason.as_deref(),
                )
                .unwrap_or_default(),
                applied_at: nuanxin_domain::time::format_local(m.applied_at),
            })
            .collect(),
        total,
        prev,
        next,
        can_review: c.user.session.actor.role.can(Permission::Review),
        can_manage: c.user.session.actor.role.can(Permission::ManageOrgs),
        settings: membership::settings(&state.db, scope, id)
            .await
            .or_page(layout)?,
        transfers: transfer_rows(state, c.t, id, &org_path)
            .await
            .or_page(layout)?,
        form,
        errors,
    };
    Ok(render(status, &page))
}

async fn list(
    State(state): State<AppState>,
    c: Console,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let id = c.id(&id)?;
    members_page(&state, &c, id, q, After::default()).await
}

/// Approves, rejects with a reason, or re-routes every selected
/// application of this union, then shows the queue with what was done.
async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    let layout = || form.c.layout();
    let result = match crate::membership::pages::review::decision(&state, &form, Some(org_id)).await
    {
        Ok(d) => membership::decide_many(
            &state.db,
            &form.c.user.session.actor,
            &crate::membership::pages::review::ticked(&form),
            &d,
            Some(org_id),
        )
        .await
        .map(|out| (d, out)),
        Err(e) => Err(e),
    };
    let queue = ListQuery {
        status: Some(MembershipStatus::Applied.code().into()),
        ..Default::default()
    };
    match result {
        Ok((d, out)) => {
            let notice = crate::membership::pages::review::notice(form.c.t, &d, &out);
            members_page(
                &state,
                &form.c,
                org_id,
                queue,
                After {
                    notice: Some(notice),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => {
            let errors = form_errors(e).or_page(layout)?;
            members_page(
                &state,
                &form.c,
                org_id,
                queue,
                After::failed("decide", errors),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "membership/join_qr.html")]
struct JoinQrPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    grassroots: bool,
    url: String,
    qr_svg: String,
    /// No public base URL is set and the code names a private address.
    unreachable: bool,
    /// The downloads' address, less `.svg` / `.png`.
    qr_href: String,
    events: Vec<crate::membership::pages::events::EventRow>,
    can_manage: bool,
}

async fn join_qr(
    State(state): State<AppState>,
    c: Console,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let id = c.id(&id)?;
    let layout = || c.layout();
    let org = orgs::get(&state.db, &c.user.session.actor.scope, id)
        .await
        .or_page(layout)?;
    let token =
        nuanxin_store::membership::join_links::link_for_org(&state.db, &c.user.session.actor, id)
            .await
            .or_page(layout)?;
    let url = base_url::absolute(&state, &headers, &format!("/join/{token}"));
    let events =
        nuanxin_store::membership::events::list(&state.db, &c.user.session.actor.scope, id)
            .await
            .or_page(layout)?;
    let page = JoinQrPage {
        events: events.iter().map(Into::into).collect(),
        can_manage: c.user.session.actor.role.can(Permission::ManageOrgs),
        qr_svg: qr_svg(&url).or_page(layout)?,
        unreachable: base_url::unreachable_from_outside(&state, &url),
        qr_href: format!("/console/orgs/{id}/join-qr"),
        url,
        org_id: id,
        org_name: org.name,
        grassroots: org.kind.is_grassroots(),
        l: layout(),
    };
    Ok(render(StatusCode::OK, &page))
}

async fn join_qr_svg(
    state: State<AppState>,
    c: Console,
    headers: HeaderMap,
    id: Path<String>,
) -> PageResult {
    join_qr_file(state, c, headers, id, false).await
}

async fn join_qr_png(
    state: State<AppState>,
    c: Console,
    headers: HeaderMap,
    id: Path<String>,
) -> PageResult {
    join_qr_file(state, c, headers, id, true).await
}

async fn join_qr_file(
    State(state): State<AppState>,
    c: Console,
    headers: HeaderMap,
    Path(id): Path<String>,
    png: bool,
) -> PageResult {
    let id = c.id(&id)?;
    let layout = || c.layout();
    let token =
        nuanxin_store::membership::join_links::link_for_org(&state.db, &c.user.session.actor, id)
            .await
            .or_page(layout)?;
    let url = base_url::absolute(&state, &headers, &format!("/join/{token}"));
    qr_download(&url, &format!("join-{id}"), png).or_page(layout)
}

async fn renew(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    nuanxin_store::membership::join_links::renew(&state.db, &form.c.user.session.actor, id)
        .await
        .or_page(|| form.c.layout())?;
    Ok(see_other(&format!("/console/orgs/{id}/join")))
}

async fn save_settings(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    let result = match form.get("review_days").trim().parse::<i64>() {
        Ok(review_days) => {
            let s = membership::UnionSettings {
                auto_approve: form.opt("auto_approve").is_some(),
                review_days,
            };
            membership::set_settings(&state.db, &form.c.user.session.actor, org_id, s).await
        }
        Err(_) => Err(FieldError::new("review_days", "settings.review_days").into()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/console/orgs/{org_id}/members"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            members_page(
                &state,
                &form.c,
                org_id,
                ListQuery::default(),
                After::failed("settings", errors),
            )
            .await
        }
    }
}

async fn decide_transfer(
    State(state): State<AppState>,
    Path((id, transfer)): Path<(String, String)>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    let transfer = form.c.id(&transfer)?;
    // Anything but the two buttons' values is refused, never read as a refusal.
    let decided = match form.get("decision") {
        "accept" => Ok(true),
        "refuse" => Ok(false),
        _ => Err(nuanxin_store::StoreError::from(FieldError::new(
            "decision",
            "transfer.decision",
        ))),
    };
    let result = match decided {
        Ok(accept) => {
            nuanxin_store::membership::transfers::decide(
                &state.db,
                &form.c.user.session.actor,
                transfer,
                accept,
                form.opt("reason"),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/console/orgs/{org_id}/members"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            members_page(
                &state,
                &form.c,
                org_id,
                ListQuery::default(),
                After::failed("transfer", errors),
            )
            .await
        }
    }
}

/// The union's transfers in and out, newest first.
async fn transfer_rows(
    state: &AppState,
    t: Tr,
    org_id: i64,
    org_path: &str,
) -> Result<Vec<TransferRow>, nuanxin_store::StoreError> {
    let own = nuanxin_store::Scope {
        org_id,
        path: org_path.to_string(),
    };
    let rows = nuanxin_store::membership::transfers::list(&state.db, &own, false, 50).await?;
    Ok(rows
        .into_iter()
        .map(|tr| TransferRow {
            incoming: tr.to_org_id == org_id && tr.status == "pending",
            status_label: transfer_label(t, &tr.status),
            id: tr.id,
            member_name: tr.member_name,
            member_no: tr.member_no.unwrap_or_default(),
            from_org_name: tr.from_org_name,
            to_org_name: tr.to_org_name,
            requested_by: tr.requested_by,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn transfer_statuses_have_both_labels() {
        let zh = Tr { lang: Lang::Zh };
        let en = Tr { lang: Lang::En };
        assert_eq!(transfer_label(zh, "pending"), "待接收");
        assert_eq!(transfer_label(zh, "accepted"), "已接收");
        assert_eq!(transfer_label(zh, "refused"), "未接收");
        assert_eq!(transfer_label(en, "pending"), "Pending");
        assert_eq!(transfer_label(en, "accepted"), "Accepted");
        assert_eq!(transfer_label(en, "refused"), "Refused");
    }
}
