//! Staff accounts in the console.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::account::{Permission, Role};
use nuanxin_domain::FieldError;
use nuanxin_store::accounts::{self, Account, AccountFilter, AccountUpdate, NewAccount};
use serde::Deserialize;

use crate::auth::{PageUser, PostForm};
use crate::i18n::Tr;
use crate::pages::{
    form_errors, id_or_404, pager, render, see_other, Here, Layout, OrPage, PageError, PageResult,
};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/accounts", get(list).post(create))
        .route("/console/accounts/{id}", get(show))
        .route("/console/accounts/{id}/edit", post(edit))
        .route("/console/accounts/{id}/password", post(password))
        .route("/console/accounts/{id}/disable", post(disable))
        .route("/console/accounts/{id}/enable", post(enable))
}

pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub org_id: i64,
    pub org_name: String,
    pub disabled: bool,
    pub last_login: String,
}

fn row(a: Account, t: Tr) -> AccountRow {
    AccountRow {
        id: a.id,
        role: a.role.label(t.en()),
        last_login: a
            .last_login_at
            .map_or_else(|| "—".into(), nuanxin_domain::time::format_local),
        username: a.username,
        display_name: a.display_name,
        org_id: a.org_id,
        org_name: a.org_name,
        disabled: a.disabled,
    }
}

#[derive(Default)]
pub struct AccountForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: String,
}

fn roles(user: &PageUser, t: Tr) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .filter(|r| user.session.actor.role.may_grant(**r))
        .map(|r| (r.code(), r.label(t.en())))
        .collect()
}

fn require_manage(t: Tr, user: &PageUser, here: &Here) -> Result<(), PageError> {
    user.session
        .actor
        .require(Permission::ManageAccounts)
        .or_page(|| Layout::for_user(t, user, here))
}

#[derive(Template)]
#[template(path = "accounts/accounts.html")]
struct ListPage {
    l: Layout,
    q: String,
    rows: Vec<AccountRow>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    roles: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
    values: AccountForm,
    orgs: Vec<(i64, String)>,
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    offset: Option<i64>,
}

async fn list_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    here: &Here,
    q: ListQuery,
    errors: Vec<FieldError>,
    values: AccountForm,
) -> PageResult {
    require_manage(t, user, here)?;
    let limit = 50;
    let offset = q.offset.unwrap_or(0).max(0);
    let f = AccountFilter {
        q: q.q.clone(),
        org_id: None,
        limit,
        offset,
    };
    let (found, total) = accounts::list(&state.db, &user.session.actor.scope, &f)
        .await
        .or_page(|| Layout::for_user(t, user, here))?;
    let (prev, next) = pager(
        "/console/accounts",
        &[("q", q.q.clone().unwrap_or_default())],
        offset,
        limit,
        total,
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ListPage {
        l: Layout::for_user(t, user, here),
        q: q.q.unwrap_or_default(),
        rows: found.into_iter().map(|a| row(a, t)).collect(),
        total,
        prev,
        next,
        roles: roles(user, t),
        errors,
        values,
        orgs: org_choices(state, user)
            .await
            .or_page(|| Layout::for_user(t, user, here))?,
    };
    Ok(render(status, &page))
}

async fn list(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    here: Here,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let values = AccountForm {
        org_id: user.session.actor.scope.org_id.to_string(),
        role: "viewer".into(),
        ..Default::default()
    };
    list_page(&state, t, &user, &here, q, vec![], values).await
}

/// The organisations an account form offers as it is typed into (the
/// first 300 of the scope; any other is found by its name or id).
async fn org_choices(
    state: &AppState,
    user: &PageUser,
) -> Result<Vec<(i64, String)>, nuanxin_store::StoreError> {
    let filter = nuanxin_store::orgs::OrgFilter {
        limit: 300,
        ..Default::default()
    };
    let (found, _) =
        nuanxin_store::orgs::search(&state.db, &user.session.actor.scope, &filter).await?;
    Ok(found.into_iter().map(|o| (o.id, o.name)).collect())
}

/// The organisation typed into an account form, by name or id, in scope.
async fn org_field(
    state: &AppState,
    form: &PostForm,
    raw: &str,
) -> Result<i64, nuanxin_store::StoreError> {
    crate::pages::pick_org(
        state,
        &form.user.session.actor.scope,
        "org_id",
        "所属组织",
        raw,
        crate::pages::Among::default(),
    )
    .await
}

async fn create(State(state): State<AppState>, t: Tr, here: Here, form: PostForm) -> PageResult {
    let values = AccountForm {
        username: form.get("username").into(),
        display_name: form.get("display_name").into(),
        role: form.get("role").into(),
        org_id: form.get("org_id").into(),
    };
    let result = match org_field(&state, &form, form.get("org_id")).await {
        Ok(org_id) => {
            let input = NewAccount {
                username: values.username.clone(),
                display_name: values.display_name.clone(),
                password: form.get("password").into(),
                role: values.role.clone(),
                org_id,
            };
            accounts::create(
                &state.db,
                &form.user.session.actor,
                &state.config.password_policy,
                &input,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => Ok(see_other(&format!("/console/accounts/{}", a.id))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| Layout::for_user(t, &form.user, &here))?;
            list_page(
                &state,
                t,
                &form.user,
                &here,
                ListQuery {
                    q: None,
                    offset: None,
                },
                errors,
                values,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    l: Layout,
    a: AccountRow,
    roles: Vec<(&'static str, &'static str)>,
    form: &'static str,
    errors: Vec<FieldError>,
    values: AccountForm,
    orgs: Vec<(i64, String)>,
}

/// Which form failed on the account page, its errors and posted values.
#[derive(Default)]
struct Failed {
    form: &'static str,
    errors: Vec<FieldError>,
    values: Option<AccountForm>,
}

async fn account_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    here: &Here,
    id: i64,
    failed: Failed,
) -> PageResult {
    let Failed {
        form,
        errors,
        values,
    } = failed;
    require_manage(t, user, here)?;
    let a = accounts::get(&state.db, &user.session.actor.scope, id)
        .await
        .or_page(|| Layout::for_user(t, user, here))?;
    let values = values.unwrap_or_else(|| AccountForm {
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: a.role.code().into(),
        org_id: a.org_id.to_string(),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AccountPage {
        l: Layout::for_user(t, user, here),
        a: row(a, t),
        roles: roles(user, t),
        form,
        errors,
        values,
        orgs: org_choices(state, user)
            .await
            .or_page(|| Layout::for_user(t, user, here))?,
    };
    Ok(render(status, &page))
}

async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    here: Here,
    Path(id): Path<String>,
) -> PageResult {
    let id = id_or_404(&id, t, &user, &here)?;
    account_page(&state, t, &user, &here, id, Failed::default()).await
}

async fn edit(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = id_or_404(&id, t, &form.user, &here)?;
    let values = AccountForm {
        username: String::new(),
        display_name: form.get("display_name").into(),
        role: form.get("role").into(),
        org_id: form.get("org_id").into(),
    };
    let result = match org_field(&state, &form, &values.org_id).await {
        Ok(org_id) => {
            let input = AccountUpdate {
                display_name: values.display_name.clone(),
                role: values.role.clone(),
                org_id,
            };
            accounts::update(&state.db, &form.user.session.actor, id, &input)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/console/accounts/{id}"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| Layout::for_user(t, &form.user, &here))?;
            account_page(
                &state,
                t,
                &form.user,
                &here,
                id,
                Failed {
                    form: "edit",
                    errors,
                    values: Some(values),
                },
            )
            .await
        }
    }
}

async fn password(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = id_or_404(&id, t, &form.user, &here)?;
    match accounts::set_password(
        &state.db,
        &form.user.session.actor,
        &state.config.password_policy,
        id,
        form.get("password"),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("/console/accounts/{id}"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| Layout::for_user(t, &form.user, &here))?;
            account_page(
                &state,
                t,
                &form.user,
                &here,
                id,
                Failed {
                    form: "password",
                    errors,
                    values: None,
                },
            )
            .await
        }
    }
}

async fn toggle(
    state: AppState,
    t: Tr,
    here: Here,
    id: String,
    form: PostForm,
    disabled: bool,
) -> PageResult {
    let id = id_or_404(&id, t, &form.user, &here)?;
    match accounts::set_disabled(&state.db, &form.user.session.actor, id, disabled).await {
        Ok(_) => Ok(see_other(&format!("/console/accounts/{id}"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| Layout::for_user(t, &form.user, &here))?;
            account_page(
                &state,
                t,
                &form.user,
                &here,
                id,
                Failed {
                    form: "disable",
                    errors,
                    values: None,
                },
            )
            .await
        }
    }
}

async fn disable(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    toggle(state, t, here, id, form, true).await
}

async fn enable(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    toggle(state, t, here, id, form, false).await
}
