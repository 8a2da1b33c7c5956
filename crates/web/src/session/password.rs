//! Changing one's own password: reached from the header, and the only page
//! an account sees while the password someone else set is still in use.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use nuanxin_domain::FieldError;
use nuanxin_store::accounts;

use crate::pages::PostForm;
use crate::pages::{form_errors, render, see_other, Console, Layout, OrPage, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/password", get(show).post(change))
}

#[derive(Template)]
#[template(path = "session/password.html")]
struct PasswordPage {
    l: Layout,
    /// The password was set by someone else and must be changed first.
    required: bool,
    errors: Vec<FieldError>,
}

async fn show(c: Console) -> PageResult {
    let page = PasswordPage {
        required: c.user.session.must_change_password,
        l: c.layout(),
        errors: vec![],
    };
    Ok(render(StatusCode::OK, &page))
}

async fn change(State(state): State<AppState>, form: PostForm) -> PageResult {
    let layout = || form.c.layout();
    let (new, confirm) = (form.get("new_password"), form.get("confirm_password"));
    let result = if new != confirm {
        Err(FieldError::new("confirm_password", "password.mismatch").into())
    } else {
        accounts::change_own_password(
            &state.db,
            &form.c.user.session.actor,
            &state.config.password_policy,
            &form.c.user.token,
            form.get("current_password"),
            new,
        )
        .await
    };
    match result {
        Ok(()) => Ok(see_other("/console")),
        Err(e) => {
            let errors = form_errors(e).or_page(layout)?;
            let page = PasswordPage {
                required: form.c.user.session.must_change_password,
                l: layout(),
                errors,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
