//! The organisation tree in the console.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::org::{FoundingStep, Industry, OrgKind, OrgStatus};
use nuanxin_domain::{FieldError, ValidationErrors};
use nuanxin_store::orgs::{self, NewOrg, Org, OrgFilter, OrgUpdate, SubtreeCounts};
use serde::Deserialize;

use crate::error::ApiError;
use crate::i18n::Tr;
use crate::pages::PostForm;
use crate::pages::{
    form_errors, pager, parse_id, render, see_other, Console, Layout, OrPage, PageError, PageResult,
};
use crate::AppState;

const CHILDREN_PER_PAGE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs", get(search))
        .route("/console/orgs/{id}", get(show))
        .route("/console/orgs/{id}/tree", get(tree_fragment))
        .route("/console/orgs/{id}/children", post(create_child))
        .route("/console/orgs/{id}/edit", post(edit))
        .route("/console/orgs/{id}/contact", post(set_contact))
        .route("/console/orgs/{id}/move", post(move_org))
        .route("/console/orgs/{id}/status", post(set_status))
        .route("/console/orgs/{id}/checklist", post(checklist))
}

/// A row of a list of organisations.
pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub kind_label: &'static str,
    pub status_code: &'static str,
    pub status_label: &'static str,
    pub child_count: i64,
    pub region: String,
}

fn row(o: &Org, t: Tr, state: &AppState) -> OrgRow {
    OrgRow {
        id: o.id,
        name: o.name.clone(),
        kind_label: o.kind.label(t.en()),
        status_code: o.status.code(),
        status_label: o.status.label(t.en()),
        child_count: o.child_count,
        region: state.regions().full_name(&o.region_code),
    }
}

/// Values of a create/edit form, refilled after an error.
#[derive(Default)]
pub struct OrgForm {
    pub name: String,
    pub kind: String,
    pub region_code: String,
    pub industry: String,
    pub uscc: String,
}

impl OrgForm {
    fn from_post(f: &PostForm) -> Self {
        OrgForm {
            name: f.get("name").into(),
            kind: f.get("kind").into(),
            region_code: f.get("region_code").trim().into(),
            industry: f.get("industry").into(),
            uscc: f.get("uscc").trim().into(),
        }
    }
}

pub struct StepRow {
    pub code: &'static str,
    pub label: &'static str,
    pub done_on: String,
}

#[derive(Template)]
#[template(path = "orgs/org.html")]
struct OrgPage {
    l: Layout,
    org: Org,
    status_code: &'static str,
    status_label: &'static str,
    kind_label: &'static str,
    region_name: String,
    industry_label: &'static str,
    uscc: String,
    founded_on: String,
    crumbs: Vec<(i64, String)>,
    tree_root: (i64, String),
    counts: SubtreeCounts,
    overdue: i64,
    children: Vec<OrgRow>,
    prev_offset: Option<i64>,
    next_offset: Option<i64>,
    show_checklist: bool,
    checklist: Vec<StepRow>,
    steps_done: usize,
    can_manage: bool,
    /// May import rosters through this organisation.
    can_enrol: bool,
    is_scope_root: bool,
    kinds: Vec<(&'static str, &'static str)>,
    industries: Vec<(&'static str, &'static str)>,
    form: &'static str,
    errors: Vec<FieldError>,
    values: OrgForm,
    edit: OrgForm,
    /// How workers reach it, as its worker pages show it.
    contact: orgs::Contact,
    /// Ancestors to open in the sidebar tree, from the top.
    open_path: String,
}

/// What to show besides the organisation itself.
#[derive(Default)]
struct Extras {
    offset: i64,
    form: &'static str,
    errors: Vec<FieldError>,
    values: Option<OrgForm>,
    edit: Option<OrgForm>,
    notice: Option<String>,
    warnings: Vec<String>,
}

async fn org_page(state: &AppState, c: &Console, id: i64, x: Extras) -> PageResult {
    let layout = || c.layout();
    let scope = &c.user.session.actor.scope;
    let db = &state.db;
    let org = orgs::get(db, scope, id).await.or_page(layout)?;
    let crumbs: Vec<(i64, String)> = orgs::ancestors(db, scope, id)
        .await
        .or_page(layout)?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let open_path = crumbs
        .iter()
        .filter(|(c, _)| *c != id)
        .map(|(c, _)| c.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let root = orgs::get(db, scope, scope.org_id).await.or_page(layout)?;
    let counts = orgs::subtree_counts(db, scope, id).await.or_page(layout)?;
    let contact = orgs::contact(db, id).await.or_page(layout)?;
    let overdue = nuanxin_store::membership::overdue_count(db, scope, id)
        .await
        .or_page(layout)?;
    let offset = x.offset.max(0);
    let kids = orgs::children(db, scope, id, CHILDREN_PER_PAGE, offset)
        .await
        .or_page(layout)?;
    let checklist = orgs::checklist(db, scope, id).await.or_page(layout)?;
    let regions = state.regions();
    let en = c.t.en();
    let can_manage = c
        .user
        .session
        .actor
        .role
        .can(nuanxin_domain::account::Permission::ManageOrgs)
        && org.status != OrgStatus::Closed;
    let can_enrol = c
        .user
        .session
        .actor
        .role
        .can(nuanxin_domain::account::Permission::Review)
        && org.status != OrgStatus::Closed;
    let edit = x.edit.unwrap_or_else(|| OrgForm {
        name: org.name.clone(),
        kind: org.kind.code().into(),
        region_code: org.region_code.clone(),
        industry: org
            .industry
            .map(|i| i.code().to_string())
            .unwrap_or_default(),
        uscc: org.uscc.clone().unwrap_or_default(),
    });
    let values = x.values.unwrap_or_else(|| OrgForm {
        region_code: org.region_code.clone(),
        ..Default::default()
    });
    let mut l = layout();
    l.notice = x.notice;
    l.warnings = x.warnings;
    let page = OrgPage {
        status_code: org.status.code(),
        status_label: org.status.label(en),
        kind_label: org.kind.label(en),
        region_name: regions.full_name(&org.region_code),
        industry_label: org.industry.map_or("—", |i| i.label(en)),
        uscc: org.uscc.clone().unwrap_or_else(|| "—".into()),
        founded_on: org.founded_on.map_or_else(|| "—".into(), |d| d.to_string()),
        crumbs,
        tree_root: (root.id, root.name),
        counts,
        overdue,
        children: kids.iter().map(|o| row(o, c.t, state)).collect(),
        prev_offset: (offset > 0).then(|| (offset - CHILDREN_PER_PAGE).max(0)),
        next_offset: (offset + CHILDREN_PER_PAGE < org.child_count)
            .then_some(offset + CHILDREN_PER_PAGE),
        show_checklist: org.kind.is_grassroots(),
        steps_done: checklist.iter().filter(|c| c.done_on.is_some()).count(),
        checklist: checklist
            .iter()
            .map(|c| StepRow {
                code: c.step.code(),
                label: c.step.label(en),
                done_on: c.done_on.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect(),
        can_manage,
        can_enrol,
        is_scope_root: org.id == scope.org_id,
        kinds: OrgKind::ALL
            .iter()
            .filter(|k| k.may_be_child_of(org.kind))
            .map(|k| (k.code(), k.label(en)))
            .collect(),
        industries: Industry::ALL
            .iter()
            .map(|i| (i.code(), i.label(en)))
            .collect(),
        form: x.form,
        errors: x.errors,
        values,
        edit,
        contact,
        open_path,
        org,
        l,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(status, &page))
}

#[derive(Deserialize)]
struct ShowQuery {
    offset: Option<i64>,
    done: Option<String>,
    warn: Option<String>,
}

fn notice_for(t: Tr, done: Option<&str>) -> Option<String> {
    match done? {
        "created" => Some(t.s("org-created")),
        "saved" | "moved" | "status" | "checklist" => Some(t.s("org-saved")),
        _ => None,
    }
}

fn warning_for(t: Tr, warn: Option<&str>) -> Vec<String> {
    match warn {
        Some("uscc") => {
            let w = nuanxin_domain::org::uscc_prefix_warning();
            vec![t.error(&w)]
        }
        _ => vec![],
    }
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let id = parse_id(&id).ok_or_else(|| PageError::new(c.layout(), ApiError::not_found()))?;
    let x = Extras {
        offset: q.offset.unwrap_or(0),
        notice: notice_for(c.t, q.done.as_deref()),
        warnings: warning_for(c.t, q.warn.as_deref()),
        ..Default::default()
    };
    org_page(&state, &c, id, x).await
}

#[derive(Template)]
#[template(path = "orgs/tree_children.html")]
struct TreeChildren {
    children: Vec<OrgRow>,
    more: bool,
}

/// The children of one node, as an HTML fragment for the lazy tree.
async fn tree_fragment(
    State(state): State<AppState>,
    c: Console,
    Path(id): Path<String>,
) -> PageResult {
    let layout = || c.layout();
    let id = parse_id(&id).ok_or_else(|| PageError::new(layout(), ApiError::not_found()))?;
    let scope = &c.user.session.actor.scope;
    let parent = orgs::get(&state.db, scope, id).await.or_page(layout)?;
    let kids = orgs::children(&state.db, scope, id, 200, 0)
        .await
        .or_page(layout)?;
    let page = TreeChildren {
        more: parent.child_count > kids.len() as i64,
        children: kids.iter().map(|o| row(o, c.t, &state)).collect(),
    };
    Ok(match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::Internal(format!("template: {e}")).into_response(),
    })
}

#[derive(Template)]
#[template(path = "orgs/org_search.html")]
struct SearchPage {
    l: Layout,
    q: String,
    kind: String,
    status: String,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<OrgRow>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    under: Option<String>,
    offset: Option<i64>,
}

async fn search(
    State(state): State<AppState>,
    c: Console,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    let en = c.t.en();
    let limit = 50;
    let offset = q.offset.unwrap_or(0).max(0);
    let f = OrgFilter {
        q: q.q.clone(),
        kind: q.kind.as_deref().and_then(OrgKind::from_code),
        status: q.status.as_deref().and_then(OrgStatus::from_code),
        region_prefix: None,
        under: q.under.as_deref().and_then(parse_id),
        receiving: false,
        limit,
        offset,
    };
    let (found, total) = orgs::search(&state.db, &c.user.session.actor.scope, &f)
        .await
        .or_page(|| c.layout())?;
    let params = [
        ("q", q.q.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
        ("status", q.status.clone().unwrap_or_default()),
    ];
    let (prev, next) = pager("/console/orgs", &params, offset, limit, total);
    let page = SearchPage {
        l: c.layout(),
        q: q.q.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        status: q.status.unwrap_or_default(),
        kinds: OrgKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(en)))
            .collect(),
        statuses: OrgStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label(en)))
            .collect(),
        rows: found.iter().map(|o| row(o, c.t, &state)).collect(),
        total,
        prev,
        next,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Re-shows the organisation page with the form's errors, or fails.
async fn with_errors(
    state: &AppState,
    form: &PostForm,
    id: i64,
    which: &'static str,
    e: nuanxin_store::StoreError,
) -> PageResult {
    let errors = form_errors(e).or_page(|| form.c.layout())?;
    let posted = OrgForm::from_post(form);
    let mut x = Extras {
        form: which,
        errors,
        ..Default::default()
    };
    match which {
        "edit" => x.edit = Some(posted),
        _ => x.values = Some(posted),
    }
    org_page(state, &form.c, id, x).await
}

async fn create_child(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    let input = NewOrg {
        parent_id: Some(id),
        kind: form.get("kind").into(),
        name: form.get("name").into(),
        region_code: form.get("region_code").into(),
        industry: form.opt("industry").map(Into::into),
        uscc: form.opt("uscc").map(Into::into),
    };
    match orgs::create(
        &state.db,
        &form.c.user.session.actor,
        &state.regions(),
        &input,
    )
    .await
    {
        Ok(saved) => {
            let warn = if saved.warnings.is_empty() {
                ""
            } else {
                "&warn=uscc"
            };
            Ok(see_other(&format!(
                "/console/orgs/{}?done=created{warn}",
                saved.org.id
            )))
        }
        Err(e) => with_errors(&state, &form, id, "create", e).await,
    }
}

async fn edit(State(state): State<AppState>, Path(id): Path<String>, form: PostForm) -> PageResult {
    let id = form.c.id(&id)?;
    let input = OrgUpdate {
        name: form.get("name").into(),
        region_code: form.get("region_code").into(),
        industry: form.opt("industry").map(Into::into),
        uscc: form.opt("uscc").map(Into::into),
    };
    match orgs::update(
        &state.db,
        &form.c.user.session.actor,
        &state.regions(),
        id,
        &input,
    )
    .await
    {
        Ok(saved) => {
            let warn = if saved.warnings.is_empty() {
                ""
            } else {
                "&warn=uscc"
            };
            Ok(see_other(&format!("/console/orgs/{id}?done=saved{warn}")))
        }
        Err(e) => with_errors(&state, &form, id, "edit", e).await,
    }
}

async fn set_contact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    match orgs::set_contact(
        &state.db,
        &form.c.user.session.actor,
        id,
        form.get("contact_phone"),
        form.get("contact_address"),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/console/orgs/{id}?done=saved"))),
        Err(e) => with_errors(&state, &form, id, "contact", e).await,
    }
}

async fn move_org(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    let parent = match crate::pages::pick_org(
        &state,
        &form.c.user.session.actor.scope,
        "parent_id",
        "label-new_parent",
        form.get("parent_id"),
        crate::pages::Among {
            skip: Some(id),
            ..Default::default()
        },
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return with_errors(&state, &form, id, "move", e).await,
    };
    match orgs::move_to(&state.db, &form.c.user.session.actor, id, parent).await {
        Ok(_) => Ok(see_other(&format!("/console/orgs/{id}?done=moved"))),
        Err(e) => with_errors(&state, &form, id, "move", e).await,
    }
}

async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    let result = match OrgStatus::parse(form.get("status")) {
        Ok(s) => orgs::set_status(&state.db, &form.c.user.session.actor, id, s)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/console/orgs/{id}?done=status"))),
        Err(e) => with_errors(&state, &form, id, "status", e).await,
    }
}

/// Saves every step's date at once; all dates are checked before any is written.
async fn checklist(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    let actor = &form.c.user.session.actor;
    let mut errors = ValidationErrors::new();
    let mut dates = Vec::new();
    for step in FoundingStep::ALL {
        if let Some(d) = errors.check(nuanxin_domain::time::parse_date(
            step.code(),
            form.opt(step.code()),
        )) {
            if d.is_some_and(|d| d > nuanxin_domain::time::today_china()) {
                errors.push(
                    FieldError::new(step.code(), "checklist.future_date").with_label(
                        "step",
                        step.label_zh(),
                        step.label_en(),
                    ),
                );
            }
            dates.push((*step, d));
        }
    }
    if !errors.is_empty() {
        return with_errors(&state, &form, id, "checklist", errors.into()).await;
    }
    let current = orgs::checklist(&state.db, &actor.scope, id)
        .await
        .or_page(|| form.c.layout())?;
    for (step, date) in dates {
        if current.iter().any(|c| c.step == step && c.done_on == date) {
            continue;
        }
        if let Err(e) = orgs::set_checklist_step(&state.db, actor, id, step, date).await {
            return with_errors(&state, &form, id, "checklist", e).await;
        }
    }
    Ok(see_other(&format!("/console/orgs/{id}?done=checklist")))
}
