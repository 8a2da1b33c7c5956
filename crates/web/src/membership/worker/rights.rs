//! The rights the personal-information notice promises, as a worker reaches
//! them from a phone: find their own card again ("已入会？查看我的会员卡")
//! by name, ID number and phone, and ask their union, through the private
//! link, for a new phone, a correction, to leave, or to delete their data.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::ids::{IdNumber, Phone};
use nuanxin_domain::membership::parse_person_name;
use nuanxin_domain::membership::request::RequestForm;
use nuanxin_store::membership;
use nuanxin_store::StoreError;
use sha2::{Digest, Sha256};

use crate::auth::ClientIp;
use crate::error::ApiError;
use crate::http::{cookie, same_secret};
use crate::i18n::Tr;
use crate::membership::worker::join::{
    as_worker_page, form_token, message, no_application, set_form_token, Worker, JOIN_CSRF_COOKIE,
};
use crate::pages::{render, Here};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/card", get(show).post(find))
        .route("/me/{token}/requests", post(file))
        .route_layer(axum::middleware::from_fn(as_worker_page))
}

/// Lookups of one person's card per hour: a match confirms a guess of the
/// phone behind a mask, so guessing its four hidden digits this way would
/// take the better part of a year.
const PER_PERSON_PER_HOUR: i64 = 10;
/// Lookups from one address per minute: a venue shares one network, and
/// a worker who mistyped tries again.
const PER_ADDRESS_PER_MINUTE: i64 = 30;

#[derive(Template)]
#[template(path = "membership/card_lookup.html")]
struct LookupPage {
    t: Tr,
    back: String,
    csrf: String,
    name: String,
    message: Option<String>,
}

fn lookup_page(
    state: &AppState,
    w: &Worker,
    headers: &HeaderMap,
    status: StatusCode,
    name: String,
    message: Option<String>,
) -> Response {
    let csrf = form_token(headers);
    let mut res = render(
        status,
        &LookupPage {
            t: w.t,
            back: w.back.clone(),
            csrf: csrf.clone(),
            name,
            message,
        },
    );
    set_form_token(state, &mut res, &csrf);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    res
}

async fn show(State(state): State<AppState>, t: Tr, here: Here, headers: HeaderMap) -> Response {
    let w = Worker::new(t, &here);
    lookup_page(&state, &w, &headers, StatusCode::OK, String::new(), None)
}

/// The private link of whoever gives a name, ID number and phone that all
/// match one open record; any mismatch answers the same "not found".
async fn find(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    form: Result<
        axum::Form<std::collections::HashMap<String, String>>,
        axum::extract::rejection::FormRejection,
    >,
) -> Result<Response, ApiError> {
    let w = Worker::new(t, &here);
    let f = form.ok().map(|axum::Form(f)| f).unwrap_or_default();
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let name = get("name");
    let again = |status: StatusCode, key: &str| {
        Ok(lookup_page(
            &state,
            &w,
            &headers,
            status,
            name.clone(),
            Some(t.s(key).to_string()),
        ))
    };
    let expected = cookie(&headers, JOIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&get("_csrf"), &expected) {
        return again(StatusCode::FORBIDDEN, "join-expired");
    }
    let now = chrono::Utc::now().timestamp();
    if !state.card_lookup_rate.per_address.admit(
        ip.unwrap_or_default(),
        PER_ADDRESS_PER_MINUTE,
        now / 60,
    ) {
        return again(StatusCode::TOO_MANY_REQUESTS, "card-busy");
    }
    // A typo says which field and what is wrong with it, as the join form does.
    let (typed_name, id, phone) = match (
        parse_person_name(&name),
        IdNumber::parse(&get("id_number")),
        Phone::parse(&get("phone")),
    ) {
        (Ok(n), Ok(i), Ok(p)) => (n, i, p),
        (n, i, p) => {
            let e = [n.err(), i.err(), p.err()].into_iter().flatten().next();
            let said = e.map(|e| w.says(&e)).unwrap_or_default();
            return Ok(lookup_page(
                &state,
                &w,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                name.clone(),
                Some(said),
            ));
        }
    };
    // Keyed by a digest, so the limiter's memory holds no ID number.
    let person = format!("{:x}", Sha256::digest(id.as_str().as_bytes()));
    if !state
        .card_lookup_rate
        .per_person
        .admit(person, PER_PERSON_PER_HOUR, now / 3600)
    {
        return again(StatusCode::TOO_MANY_REQUESTS, "card-too_many");
    }
    match membership::worker::card_of_person(&state.db, &state.sealer, id.as_str(), phone.as_str())
        .await?
    {
        Some(card) if card.name == typed_name => {
            Ok(Redirect::to(&format!("/me/{}", card.status_token)).into_response())
        }
        _ => again(StatusCode::NOT_FOUND, "card-not_found"),
    }
}

/// A request filed through the private link.
async fn file(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: Result<
        axum::Form<std::collections::HashMap<String, String>>,
        axum::extract::rejection::FormRejection,
    >,
) -> Result<Response, ApiError> {
    let w = Worker::new(t, &here);
    if token.len() > 64 {
        return Ok(no_application(&w));
    }
    let f = form.ok().map(|axum::Form(f)| f).unwrap_or_default();
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let expected = cookie(&headers, JOIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&get("_csrf"), &expected) {
        return Ok(message(
            &w,
            StatusCode::FORBIDDEN,
            &t.s("transfer-expired_title"),
            t.s("transfer-expired"),
        ));
    }
    let input = RequestForm {
        kind: get("kind"),
        detail: get("detail"),
        phone: get("phone"),
    };
    let refused = |status: StatusCode, e: &nuanxin_domain::FieldError| {
        Ok(message(
            &w,
            status,
            &t.s("request-refused_title"),
            w.says(e),
        ))
    };
    let request = match input.check() {
        Ok(r) => r,
        Err(e) => return refused(StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    match nuanxin_store::membership::worker::file_request(
        &state.db,
        &state.sealer,
        &token,
        &request,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/me/{token}?filed=1#requests")).into_response()),
        Err(StoreError::NotFound) => Ok(no_application(&w)),
        Err(StoreError::Validation(v)) => match v.0.first() {
            Some(e) => refused(StatusCode::UNPROCESSABLE_ENTITY, e),
            None => Err(StoreError::Validation(v).into()),
        },
        Err(StoreError::Conflict(e)) => refused(StatusCode::CONFLICT, &e),
        Err(e) => Err(e.into()),
    }
}
