//! The member roll of the account's subtree: search (exact by ID number or
//! phone through the blind index), masked display, audited reveal, export.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::account::Permission;
use nuanxin_domain::mask::{mask_id_number, mask_phone};
use nuanxin_domain::membership::{MembershipStatus, Occupation};
use nuanxin_domain::FieldError;
use nuanxin_store::membership::{self, Find, Member, MemberFilter};
use serde::Deserialize;

use crate::error::ApiError;
use crate::http::urlencode;
use crate::membership::search;
use crate::pages::{pager, render, Console, Layout, OrPage, PageError, PageResult};
use crate::pages::{PageUser, PostForm};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/members", get(list))
        .route("/console/members/export.xlsx", get(export))
        .route("/console/members/{id}/reveal", post(reveal))
}

#[derive(Deserialize, Default)]
pub struct RollQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub occupation: String,
    /// `all`, or a status; the roll shows active members unless asked.
    #[serde(default = "active")]
    pub status: String,
    /// Only this union's members (in scope).
    pub org_id: Option<i64>,
    pub offset: Option<i64>,
}

fn active() -> String {
    MembershipStatus::Active.code().into()
}

pub struct RollRow {
    pub id: i64,
    pub name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub occupation: &'static str,
    pub member_no: String,
    pub org_id: i64,
    pub org_name: String,
    pub status_label: &'static str,
}

#[derive(Template)]
#[template(path = "membership/roll.html")]
struct RollPage {
    l: Layout,
    f: RollQuery,
    query: String,
    occupations: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<RollRow>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    can_reveal: bool,
    can_search: bool,
    can_export: bool,
    errors: Vec<FieldError>,
}

/// The members the query selects: an exact ID-number or phone search when
/// one is given (checked first, so a typo gets a message rather than an
/// empty list), else the filtered roll.
async fn select(
    state: &AppState,
    user: &PageUser,
    f: &RollQuery,
    limit: i64,
) -> Result<(Vec<Member>, i64, Vec<FieldError>), ApiError> {
    let find = Find {
        id_number: Some(f.id_number.clone()),
        phone: Some(f.phone.clone()),
        filter: MemberFilter {
            org_id: f.org_id,
            status: MembershipStatus::from_code(&f.status),
            occupation: Occupation::from_code(&f.occupation),
            q: Some(f.q.clone()),
            limit,
            offset: f.offset.unwrap_or(0).max(0),
        },
    };
    match search::find(state, &user.session.actor, &find).await {
        Ok((rows, total)) => Ok((rows, total, vec![])),
        // A typo in an ID number or phone is shown beside the form.
        Err(ApiError::Client { fields, .. }) if !fields.is_empty() => Ok((vec![], 0, fields)),
        Err(e) => Err(e),
    }
}

fn params(f: &RollQuery) -> Vec<(&'static str, String)> {
    vec![
        ("q", f.q.clone()),
        ("occupation", f.occupation.clone()),
        ("status", f.status.clone()),
        (
            "org_id",
            f.org_id.map(|id| id.to_string()).unwrap_or_default(),
        ),
    ]
}

async fn list(State(state): State<AppState>, c: Console, Query(f): Query<RollQuery>) -> PageResult {
    let layout = || c.layout();
    let limit = 50;
    let (found, total, errors) = select(&state, &c.user, &f, limit).await.or_page(layout)?;
    let p = params(&f);
    let (prev, next) = pager(
        "/console/members",
        &p,
        f.offset.unwrap_or(0).max(0),
        limit,
        total,
    );
    let query = p
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let en = c.t.en();
    let page = RollPage {
        l: layout(),
        query,
        occupations: Occupation::ALL
            .iter()
            .map(|o| (o.code(), o.label(en)))
            .collect(),
        statuses: MembershipStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label(en)))
            .collect(),
        rows: found
            .into_iter()
            .map(|m| RollRow {
                id: m.id,
                occupation: m.occupation.label(en),
                status_label: m.status.label(en),
                member_no: m.member_no.unwrap_or_default(),
                name: m.name,
                id_masked: m.id_number_masked,
                phone_masked: m.phone_masked,
                org_id: m.org_id,
                org_name: m.org_name,
            })
            .collect(),
        total,
        prev,
        next,
        can_reveal: c.user.session.actor.role.can(Permission::RevealSensitive),
        can_search: c.user.session.actor.role.can(Permission::SearchSensitive),
        can_export: c.user.session.actor.role.can(Permission::ExportPersonal),
        errors,
        f,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(status, &page))
}

/// The filtered roll as an Excel workbook, masked (at most 100,000 rows).
async fn export(
    State(state): State<AppState>,
    c: Console,
    Query(f): Query<RollQuery>,
) -> PageResult {
    let layout = || c.layout();
    c.user
        .session
        .actor
        .require(Permission::ExportPersonal)
        .or_page(layout)?;
    let filter = serde_json::json!({
        "q": f.q, "occupation": f.occupation, "status": f.status,
        "id_number": (!f.id_number.trim().is_empty()).then(|| mask_id_number(f.id_number.trim())),
        "phone": (!f.phone.trim().is_empty()).then(|| mask_phone(f.phone.trim())),
    });
    let (found, _, errors) = select(
        &state,
        &c.user,
        &RollQuery {
            offset: Some(0),
            ..f
        },
        100_000,
    )
    .await
    .or_page(layout)?;
    // A malformed ID number or phone is named, not exported as an empty sheet.
    if let Some(e) = errors.into_iter().next() {
        return Err(crate::pages::PageError::new(layout(), e.into()));
    }
    let actor = &c.user.session.actor;
    nuanxin_store::audit::record_export(&state.db, actor, "member", filter, found.len())
        .await
        .or_page(layout)?;
    let org = nuanxin_store::orgs::get(&state.db, &actor.scope, actor.scope.org_id)
        .await
        .or_page(layout)?;
    let file_name = crate::export::dated_name(&format!("{}-{}", c.t.s("roll-file"), org.name));
    let en = c.t.en();
    let rows: Vec<Vec<String>> = found
        .into_iter()
        .map(|m| {
            let joined = joined_on(&m);
            vec![
                m.name,
                m.id_number_masked,
                m.phone_masked,
                m.occupation.label(en).into(),
                m.employer.unwrap_or_default(),
                m.member_no.unwrap_or_default(),
                m.org_name,
                m.status.label(en).into(),
                nuanxin_domain::time::format_local(m.applied_at),
                joined,
            ]
        })
        .collect();
    let header: Vec<String> = [
        "member-name",
        "member-id_number",
        "member-phone",
        "member-occupation",
        "member-employer",
        "member-member_no",
        "roll-union",
        "member-status",
        "member-applied_at",
        "member-joined_on",
    ]
    .map(|k| c.t.s(k))
    .into();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let bytes = crate::export::xlsx("members", &header, &rows).or_page(layout)?;
    Ok(crate::export::xlsx_response(bytes, &file_name))
}

/// The day a member joined: their approval, for a membership that began.
fn joined_on(m: &Member) -> String {
    match (m.member_no.as_ref(), m.decided_at) {
        (Some(_), Some(at)) => nuanxin_domain::time::format_local_date(at),
        _ => String::new(),
    }
}

#[derive(Template)]
#[template(path = "membership/reveal.html")]
struct RevealPage {
    l: Layout,
    name: String,
    id_number: String,
    phone: String,
}

async fn reveal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let layout = || form.c.layout();
    let id: i64 = id
        .parse()
        .map_err(|_| PageError::new(layout(), ApiError::not_found()))?;
    let m = membership::get(&state.db, &form.c.user.session.actor.scope, id)
        .await
        .or_page(layout)?;
    let (id_number, phone) =
        membership::reveal(&state.db, &form.c.user.session.actor, &state.sealer, id)
            .await
            .or_page(layout)?;
    let mut res = render(
        StatusCode::OK,
        &RevealPage {
            l: layout(),
            name: m.name,
            id_number,
            phone,
        },
    );
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        "no-store".parse().expect("header"),
    );
    Ok(res)
}
