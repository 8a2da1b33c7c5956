//! A union's API keys for platform enterprises: create (the key is shown
//! once), list, revoke.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::time::format_local;
use nuanxin_domain::FieldError;
use nuanxin_store::orgs;
use nuanxin_store::platform_keys;

use crate::pages::PostForm;
use crate::pages::{form_errors, render, see_other, Console, Layout, OrPage, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/api-keys", get(list).post(create))
        .route("/console/orgs/{id}/api-keys/{key}/revoke", post(revoke))
}

pub struct KeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "platform_keys/keys.html")]
struct KeysPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    keys: Vec<KeyRow>,
    /// A key just created: shown this once.
    secret: Option<String>,
    errors: Vec<FieldError>,
}

async fn page(
    state: &AppState,
    c: &Console,
    org_id: i64,
    secret: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let layout = || c.layout();
    let actor = &c.user.session.actor;
    let org = orgs::get(&state.db, &actor.scope, org_id)
        .await
        .or_page(layout)?;
    actor
        .require(nuanxin_domain::account::Permission::ManageOrgs)
        .or_page(layout)?;
    let keys = platform_keys::list(&state.db, &actor.scope, org_id)
        .await
        .or_page(layout)?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        &KeysPage {
            l: layout(),
            org_id,
            org_name: org.name,
            keys: keys
                .into_iter()
                .map(|k| KeyRow {
                    id: k.id,
                    name: k.name,
                    prefix: k.key_prefix,
                    created: format_local(k.created_at),
                    last_used: k.last_used_at.map(format_local).unwrap_or_default(),
                    revoked: k.revoked_at.is_some(),
                })
                .collect(),
            secret,
            errors,
        },
    ))
}

async fn list(State(state): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let org_id = c.id(&id)?;
    page(&state, &c, org_id, None, vec![]).await
}

async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    match platform_keys::create(
        &state.db,
        &form.c.user.session.actor,
        org_id,
        form.get("name"),
    )
    .await
    {
        Ok((_, secret)) => page(&state, &form.c, org_id, Some(secret), vec![]).await,
        Err(e) => {
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            page(&state, &form.c, org_id, None, errors).await
        }
    }
}

async fn revoke(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    let key = form.c.id(&key)?;
    let layout = || form.c.layout();
    let k = platform_keys::get(&state.db, &form.c.user.session.actor.scope, key)
        .await
        .or_page(layout)?;
    crate::pages::owned_by(k.org_id, org_id, layout)?;
    platform_keys::revoke(&state.db, &form.c.user.session.actor, key)
        .await
        .or_page(layout)?;
    Ok(see_other(&format!("/console/orgs/{org_id}/api-keys")))
}
