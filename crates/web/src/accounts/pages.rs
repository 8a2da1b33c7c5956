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

use crate::i18n::Tr;
use crate::pages::{
    form_errors, pager, render, see_other, Console, Layout, OrPage, PageError, PageResult,
};
use crate::pages::{PageUser, PostForm};
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

fn require_manage(c: &Console) -> Result<(), PageError> {
    c.user
        .session
        .actor
        .require(Permission::ManageAccounts)
        .or_page(|| c.layout())
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
    c: &Console,
    q: ListQuery,
    errors: Vec<FieldError>,
    values: AccountForm,
) -> PageResult {
    require_manage(c)?;
    let limit = 50;
    let offset = q.offset.unwrap_or(0).max(0);
    let f = AccountFilter {
        q: q.q.clone(),
        org_id: None,
        limit,
        offset,
    };
    let (found, total) = accounts::list(&state.db, &c.user.session.actor.scope, &f)
        .await
        .or_page(|| c.layout())?;
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
        l: c.layout(),
        q: q.q.unwrap_or_default(),
        rows: found.into_iter().map(|a| row(a, c.t)).collect(),
        total,
        prev,
        next,
        roles: roles(&c.user, c.t),
        errors,
        values,
        orgs: org_choices(state, &c.user).await.or_page(|| c.layout())?,
    };
    Ok(render(status, &page))
}

async fn list(State(state): State<AppState>, c: Console, Query(q): Query<ListQuery>) -> PageResult {
    let values = AccountForm {
        org_id: c.user.session.actor.scope.org_id.to_string(),
        role: "viewer".into(),
        ..Default::default()
    };
    list_page(&state, &c, q, vec![], values).await
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
        &form.c.user.session.actor.scope,
        "org_id",
        "label-account_org",
        raw,
        crate::pages::Among::default(),
    )
    .await
}

async fn create(State(state): State<AppState>, form: PostForm) -> PageResult {
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
                &form.c.user.session.actor,
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
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            list_page(
                &state,
                &form.c,
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

async fn account_page(state: &AppState, c: &Console, id: i64, failed: Failed) -> PageResult {
    let Failed {
        form,
        errors,
        values,
    } = failed;
    require_manage(c)?;
    let a = accounts::get(&state.db, &c.user.session.actor.scope, id)
        .await
        .or_page(|| c.layout())?;
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
        l: c.layout(),
        a: row(a, c.t),
        roles: roles(&c.user, c.t),
        form,
        errors,
        values,
        orgs: org_choices(state, &c.user).await.or_page(|| c.layout())?,
    };
    Ok(render(status, &page))
}

async fn show(State(state): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let id = c.id(&id)?;
    account_page(&state, &c, id, Failed::default()).await
}

async fn edit(State(state): State<AppState>, Path(id): Path<String>, form: PostForm) -> PageResult {
    let id = form.c.id(&id)?;
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
            accounts::update(&state.db, &form.c.user.session.actor, id, &input)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/console/accounts/{id}"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            account_page(
                &state,
                &form.c,
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
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let id = form.c.id(&id)?;
    match accounts::set_password(
        &state.db,
        &form.c.user.session.actor,
        &state.config.password_policy,
        id,
        form.get("password"),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("/console/accounts/{id}"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            account_page(
                &state,
                &form.c,
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

async fn toggle(state: AppState, id: String, form: PostForm, disabled: bool) -> PageResult {
    let id = form.c.id(&id)?;
    match accounts::set_disabled(&state.db, &form.c.user.session.actor, id, disabled).await {
        Ok(_) => Ok(see_other(&format!("/console/accounts/{id}"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            account_page(
                &state,
                &form.c,
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
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    toggle(state, id, form, true).await
}

async fn enable(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    toggle(state, id, form, false).await
}
