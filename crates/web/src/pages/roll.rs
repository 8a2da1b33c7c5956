//! The member roll of the account's subtree: search (exact by ID number or
//! phone through the blind index), masked display, audited reveal, export.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::account::Permission;
use nuanxin_domain::membership::{MembershipStatus, Occupation};
use nuanxin_domain::FieldError;
use nuanxin_store::membership::{self, Member, MemberFilter};
use serde::Deserialize;

use super::{pager, render, Here, Layout, OrPage, PageError, PageResult};
use crate::auth::{urlencode, PageUser, PostForm};
use crate::error::ApiError;
use crate::i18n::Tr;
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
    #[serde(default)]
    pub status: String,
    pub offset: Option<i64>,
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
#[template(path = "roll.html")]
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
    let scope = &user.session.actor.scope;
    if !f.id_number.trim().is_empty() {
        return match nuanxin_domain::ids::IdNumber::parse(&f.id_number) {
            Ok(id) => {
                let found = membership::find_exact(
                    &state.db,
                    scope,
                    &state.sealer,
                    Some(id.as_str()),
                    None,
                )
                .await?;
                let n = found.len() as i64;
                Ok((found, n, vec![]))
            }
            Err(e) => Ok((vec![], 0, vec![e])),
        };
    }
    if !f.phone.trim().is_empty() {
        return match nuanxin_domain::ids::Phone::parse(&f.phone) {
            Ok(p) => {
                let found =
                    membership::find_exact(&state.db, scope, &state.sealer, None, Some(p.as_str()))
                        .await?;
                let n = found.len() as i64;
                Ok((found, n, vec![]))
            }
            Err(e) => Ok((vec![], 0, vec![e])),
        };
    }
    let filter = MemberFilter {
        org_id: None,
        status: MembershipStatus::from_code(&f.status),
        occupation: Occupation::from_code(&f.occupation),
        q: Some(f.q.clone()),
        limit,
        offset: f.offset.unwrap_or(0).max(0),
    };
    let (rows, total) = membership::list(&state.db, scope, &filter).await?;
    Ok((rows, total, vec![]))
}

fn params(f: &RollQuery) -> Vec<(&'static str, String)> {
    vec![
        ("q", f.q.clone()),
        ("occupation", f.occupation.clone()),
        ("status", f.status.clone()),
    ]
}

async fn list(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    here: Here,
    Query(f): Query<RollQuery>,
) -> PageResult {
    let layout = || Layout::for_user(t, &user, &here);
    let limit = 50;
    let (found, total, errors) = select(&state, &user, &f, limit).await.or_page(layout)?;
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
    let en = t.en();
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
        can_reveal: user.session.actor.role.can(Permission::RevealSensitive),
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
    t: Tr,
    user: PageUser,
    here: Here,
    Query(f): Query<RollQuery>,
) -> PageResult {
    let layout = || Layout::for_user(t, &user, &here);
    let (found, _, errors) = select(
        &state,
        &user,
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
        return Err(super::PageError::new(layout(), e.into()));
    }
    let en = t.en();
    let rows: Vec<Vec<String>> = found
        .into_iter()
        .map(|m| {
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
            ]
        })
        .collect();
    let bytes = crate::export::xlsx(
        "members",
        &[
            t.s("member.name"),
            t.s("member.id_number"),
            t.s("member.phone"),
            t.s("member.occupation"),
            t.s("member.employer"),
            t.s("member.member_no"),
            t.s("roll.union"),
            t.s("member.status"),
            t.s("member.applied_at"),
        ],
        &rows,
    )
    .or_page(layout)?;
    Ok(crate::api::audit::xlsx_response(bytes, "members.xlsx"))
}

#[derive(Template)]
#[template(path = "reveal.html")]
struct RevealPage {
    l: Layout,
    name: String,
    id_number: String,
    phone: String,
}

async fn reveal(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let layout = || Layout::for_user(t, &form.user, &here);
    let id: i64 = id
        .parse()
        .map_err(|_| PageError::new(layout(), ApiError::not_found()))?;
    let m = membership::get(&state.db, &form.user.session.actor.scope, id)
        .await
        .or_page(layout)?;
    let (id_number, phone) =
        membership::reveal(&state.db, &form.user.session.actor, &state.sealer, id)
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
