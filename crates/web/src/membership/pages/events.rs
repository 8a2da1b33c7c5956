//! Enrolment events in the console: create one with its own QR code, print
//! it, end it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDateTime, TimeZone, Utc};
use nuanxin_domain::time::{china, format_local};
use nuanxin_domain::FieldError;
use nuanxin_store::membership::events::{self, EnrolmentEvent, NewEvent};
use nuanxin_store::orgs;

use crate::membership::worker::join::{qr_download, qr_svg};
use crate::pages::PostForm;
use crate::pages::{form_errors, render, see_other, Console, Layout, OrPage, PageResult};
use crate::{base_url, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/events/new", get(new_form))
        .route("/console/orgs/{id}/events", post(create))
        .route("/console/orgs/{id}/events/{event}", get(show))
        .route("/console/orgs/{id}/events/{event}/qr.svg", get(svg))
        .route("/console/orgs/{id}/events/{event}/qr.png", get(png))
        .route("/console/orgs/{id}/events/{event}/close", post(close))
}

/// One line of the events list on the join QR page.
pub struct EventRow {
    pub id: i64,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub per_minute: i64,
    pub open: bool,
    /// Applications that came through its code.
    pub applications: i64,
}

impl From<&EnrolmentEvent> for EventRow {
    fn from(e: &EnrolmentEvent) -> Self {
        EventRow {
            id: e.id,
            name: e.name.clone(),
            starts_at: e.starts_at.map(format_local).unwrap_or_default(),
            ends_at: format_local(e.ends_at),
            place: e.place.clone().unwrap_or_default(),
            per_minute: e.per_minute,
            open: e.is_open(Utc::now()),
            applications: e.applications,
        }
    }
}

#[derive(Template)]
#[template(path = "membership/event_new.html")]
struct NewPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    name: String,
    starts_at: String,
    ends_at: String,
    place: String,
    per_minute: String,
    errors: Vec<FieldError>,
}

async fn new_form(State(state): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let id = c.id(&id)?;
    let org = orgs::get(&state.db, &c.user.session.actor.scope, id)
        .await
        .or_page(|| c.layout())?;
    // Event codes are join codes: like the union's own, only for its managers.
    c.user
        .session
        .actor
        .require(nuanxin_domain::account::Permission::ManageOrgs)
        .or_page(|| c.layout())?;
    let tomorrow = (Utc::now() + chrono::Duration::days(1)).with_timezone(&china());
    let page = NewPage {
        l: c.layout(),
        org_id: id,
        org_name: org.name,
        name: String::new(),
        starts_at: tomorrow.format("%Y-%m-%dT09:00").to_string(),
        ends_at: tomorrow.format("%Y-%m-%dT18:00").to_string(),
        place: String::new(),
        per_minute: "300".into(),
        errors: vec![],
    };
    Ok(render(StatusCode::OK, &page))
}

/// `2026-11-23T18:00` from a datetime-local input, in China time.
fn parse_local(raw: &str) -> Option<chrono::DateTime<Utc>> {
    NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|n| china().from_local_datetime(&n).single())
        .map(|t| t.with_timezone(&Utc))
}

/// The end, which every event has, and the start, which it may leave open.
fn parse_times(
    starts: &str,
    ends: &str,
) -> Result<(Option<chrono::DateTime<Utc>>, chrono::DateTime<Utc>), FieldError> {
    let ends_at = parse_local(ends).ok_or_else(|| FieldError::new("ends_at", "event.ends_at"))?;
    let starts_at = match starts.trim() {
        "" => None,
        s => Some(parse_local(s).ok_or_else(|| FieldError::new("starts_at", "event.starts_at"))?),
    };
    Ok((starts_at, ends_at))
}

async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    let layout = || form.c.layout();
    let org = orgs::get(&state.db, &form.c.user.session.actor.scope, org_id)
        .await
        .or_page(layout)?;
    let per_minute = form.get("per_minute").trim().parse::<i64>().unwrap_or(0);
    let result = match parse_times(form.get("starts_at"), form.get("ends_at")) {
        Ok((starts_at, ends_at)) => {
            let input = NewEvent {
                name: form.get("name").to_string(),
                starts_at,
                ends_at,
                place: form.opt("place").map(str::to_string),
                per_minute,
            };
            events::create(&state.db, &form.c.user.session.actor, org_id, &input).await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(e) => Ok(see_other(&format!(
            "/console/orgs/{org_id}/events/{}",
            e.id
        ))),
        Err(e) => {
            let errors = form_errors(e).or_page(layout)?;
            let page = NewPage {
                l: layout(),
                org_id,
                org_name: org.name,
                name: form.get("name").to_string(),
                starts_at: form.get("starts_at").to_string(),
                ends_at: form.get("ends_at").to_string(),
                place: form.get("place").to_string(),
                per_minute: form.get("per_minute").to_string(),
                errors,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "membership/event.html")]
struct EventPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    e: EventRow,
    url: String,
    qr_svg: String,
    /// No public base URL is set and the code names a private address.
    unreachable: bool,
    /// The downloads' address, less `.svg` / `.png`.
    qr_href: String,
}

/// The event, in scope and belonging to the union in the URL.
async fn event_in(
    state: &AppState,
    c: &Console,
    id: &str,
    event: &str,
) -> Result<(orgs::Org, EnrolmentEvent), crate::pages::PageError> {
    let org_id = c.id(id)?;
    let event_id = c.id(event)?;
    let layout = || c.layout();
    c.user
        .session
        .actor
        .require(nuanxin_domain::account::Permission::ManageOrgs)
        .or_page(layout)?;
    let scope = &c.user.session.actor.scope;
    let org = orgs::get(&state.db, scope, org_id).await.or_page(layout)?;
    let e = events::get(&state.db, scope, event_id)
        .await
        .or_page(layout)?;
    crate::pages::owned_by(e.org_id, org_id, layout)?;
    Ok((org, e))
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    headers: HeaderMap,
    Path((id, event)): Path<(String, String)>,
) -> PageResult {
    let (org, e) = event_in(&state, &c, &id, &event).await?;
    let layout = || c.layout();
    let url = base_url::absolute(&state, &headers, &format!("/join/{}", e.token));
    let page = EventPage {
        qr_svg: qr_svg(&url).or_page(layout)?,
        unreachable: base_url::unreachable_from_outside(&state, &url),
        qr_href: format!("/console/orgs/{}/events/{}/qr", org.id, e.id),
        url,
        org_id: org.id,
        org_name: org.name,
        e: EventRow::from(&e),
        l: layout(),
    };
    Ok(render(StatusCode::OK, &page))
}

async fn svg(
    state: State<AppState>,
    c: Console,
    headers: HeaderMap,
    path: Path<(String, String)>,
) -> PageResult {
    qr_file(state, c, headers, path, false).await
}

async fn png(
    state: State<AppState>,
    c: Console,
    headers: HeaderMap,
    path: Path<(String, String)>,
) -> PageResult {
    qr_file(state, c, headers, path, true).await
}

async fn qr_file(
    State(state): State<AppState>,
    c: Console,
    headers: HeaderMap,
    Path((id, event)): Path<(String, String)>,
    png: bool,
) -> PageResult {
    let (_, e) = event_in(&state, &c, &id, &event).await?;
    let url = base_url::absolute(&state, &headers, &format!("/join/{}", e.token));
    qr_download(&url, &format!("event-{}", e.id), png).or_page(|| c.layout())
}

async fn close(
    State(state): State<AppState>,
    Path((id, event)): Path<(String, String)>,
    form: PostForm,
) -> PageResult {
    let (org, e) = event_in(&state, &form.c, &id, &event).await?;
    events::close(&state.db, &form.c.user.session.actor, e.id)
        .await
        .or_page(|| form.c.layout())?;
    Ok(see_other(&format!(
        "/console/orgs/{}/events/{}",
        org.id, e.id
    )))
}
