//! The worker's side: scan a union's QR code, apply in a minute, follow the
//! application at a private link, show the e-card, and let anyone verify it.
//! Mobile-first pages for phones and WeChat's browser.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use nuanxin_domain::membership::request::RequestKind;
use nuanxin_domain::membership::{ApplicationForm, MembershipStatus, Occupation};
use nuanxin_domain::ValidationErrors;
use nuanxin_store::membership::{self, Applied};
use nuanxin_store::{routing, sessions, StoreError};

use crate::error::{ApiError, ProblemMessage};
use crate::http::{cookie, same_secret, set_cookie};
use crate::i18n::Tr;
use crate::pages::{render, Here};
use crate::rate::Submission;
use crate::{base_url, AppState};

/// Double-submit token of the join form (workers have no session).
pub(super) const JOIN_CSRF_COOKIE: &str = "nx_join";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/join/{token}", get(show).post(submit))
        // The transfer form posts to the page that shows it, like the join
        // form: every worker page's address can be loaded again.
        .route("/me/{token}", get(status).post(request_transfer))
        .route("/verify/{token}", get(verify))
        .route_layer(axum::middleware::from_fn(as_worker_page))
        .route(
            "/assets/worker.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    include_str!("../../../assets/worker.css"),
                )
            }),
        )
}

#[derive(Default)]
pub struct JoinValues {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub occupation: String,
    pub employer: String,
    pub work_region: String,
    pub consent: bool,
}

/// What every worker page knows: its language, and where the language
/// switch comes back to.
pub(super) struct Worker {
    pub(super) t: Tr,
    pub(super) back: String,
}

impl Worker {
    pub(super) fn new(t: Tr, here: &Here) -> Self {
        Self {
            t,
            back: here.back_to_own(),
        }
    }

    /// A field error, or a refusal, in the page's language.
    pub(super) fn says(&self, e: &nuanxin_domain::FieldError) -> String {
        self.t.error(e)
    }
}

#[derive(Template)]
#[template(path = "membership/join.html")]
struct JoinPage {
    t: Tr,
    back: String,
    token: String,
    union_name: String,
    event_name: Option<String>,
    csrf: String,
    v: JoinValues,
    errors: ValidationErrors,
    message: Option<String>,
    occupations: Vec<(&'static str, &'static str)>,
    regions: Vec<(String, String)>,
}

impl JoinPage {
    fn err(&self, field: &str) -> Option<String> {
        self.errors.for_field(field).map(|e| self.t.error(e))
    }

    /// `(field, its label, the message)` of every error, for the summary
    /// at the top of a form that is longer than a phone's screen.
    fn summary(&self) -> Vec<(String, String, String)> {
        self.errors
            .0
            .iter()
            .map(|e| {
                let label = match e.field.as_str() {
                    "name" => self.t.s("join-name"),
                    "id_number" => self.t.s("join-id_number"),
                    "phone" => self.t.s("join-phone"),
                    "occupation" => self.t.s("join-occupation"),
                    "employer" => self.t.s("join-employer"),
                    "work_region" => self.t.s("join-work_region"),
                    _ => self.t.s("join-consent_short"),
                };
                (e.field.clone(), label, self.t.error(e))
            })
            .collect()
    }
}

/// The place-of-work picker: the counties of the union's city, or, for a
/// federation of a county or a street (whose code routes only within its
/// own area), that county alone: offering the others would send a rider
/// who works there to a refusal.
fn work_regions(
    state: &AppState,
    entry: &nuanxin_store::membership::worker::Entry,
) -> Vec<(String, String)> {
    let regions = state.regions();
    let code = entry.org_region.as_str();
    let county = code.get(..6).filter(|c| !c.ends_with("00"));
    if let (false, Some(county)) = (entry.grassroots, county) {
        return vec![(county.to_string(), regions.full_name(county))];
    }
    let city = format!("{}00", &code[..4.min(code.len())]);
    let mut v: Vec<(String, String)> = regions
        .children(&city)
        .into_iter()
        .map(|r| (r.code.clone(), regions.full_name(&r.code)))
        .collect();
    if v.is_empty() {
        v.push((code.to_string(), regions.full_name(code)));
    }
    v
}

/// A token that opens nothing: unknown, revoked, or an event that ended
/// (which points to its union's own code, when it has one).
async fn closed_entry(
    state: &AppState,
    w: &Worker,
    token: &str,
    e: StoreError,
) -> Result<Response, ApiError> {
    match e {
        StoreError::NotFound => Ok(gone(w)),
        StoreError::Conflict(f) => {
            let code = match nuanxin_store::membership::worker::event_org(&state.db, token).await? {
                Some(org) => nuanxin_store::membership::worker::live_token(&state.db, org).await?,
                None => None,
            };
            Ok(message_with_link(
                w,
                StatusCode::GONE,
                &w.t.s("join-event_over"),
                w.says(&f),
                code.map(|c| (format!("/join/{c}"), w.t.s("join-union_code"))),
            ))
        }
        e => Err(e.into()),
    }
}

fn gone(w: &Worker) -> Response {
    message(
        w,
        StatusCode::NOT_FOUND,
        &w.t.s("join-gone_title"),
        w.t.s("join-gone"),
    )
}

/// The worker's pages answer a failure their handlers pass on (a fault on
/// the server's side, the database out of reach) with a page of their own
/// in the worker's language, not with the API's problem document.
pub(super) async fn as_worker_page(t: Tr, here: Here, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let Some(problem) = res.extensions().get::<ProblemMessage>().cloned() else {
        return res;
    };
    let w = Worker::new(t, &here);
    let status = res.status();
    let text = match status {
        // A refusal of what the worker sent says what was wrong with it.
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT if t.en() => problem.en,
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => problem.zh,
        // Other texts speak to an officer or an administrator ("not in your
        // scope", "give the request id"); the worker only needs to know
        // whether it was their mistake.
        s if s.is_server_error() => t.s("worker-fault"),
        _ => t.s("worker-failed"),
    };
    let mut page = message(&w, status, &t.s("worker-failed_title"), text);
    // Some of these pages are private links.
    page.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    page
}

/// A private link that opens no application.
pub(super) fn no_application(w: &Worker) -> Response {
    message(
        w,
        StatusCode::NOT_FOUND,
        &w.t.s("status-not_found_title"),
        w.t.s("status-not_found"),
    )
}

/// A page that only says something.
pub(super) fn message(w: &Worker, status: StatusCode, title: &str, message: String) -> Response {
    message_with_link(w, status, title, message, None)
}

/// A page that says something and offers one way on: `(href, text)`.
fn message_with_link(
    w: &Worker,
    status: StatusCode,
    title: &str,
    message: String,
    link: Option<(String, String)>,
) -> Response {
    let page = MessagePage {
        t: w.t,
        back: w.back.clone(),
        title: title.into(),
        message,
        link,
    };
    render(status, &page)
}

#[derive(Template)]
#[template(
    source = "{% extends \"worker_base.html\" %}{% block title %}{{ title }}{% endblock %}{% block content %}<h1>{{ title }}</h1><p class=\"alert\" id=\"worker-message\">{{ message }}</p>{% if let Some(l) = link %}<p><a class=\"button\" id=\"worker-link\" href=\"{{ l.0 }}\">{{ l.1 }}</a></p>{% endif %}{% endblock %}",
    ext = "html"
)]
struct MessagePage {
    t: Tr,
    back: String,
    title: String,
    message: String,
    link: Option<(String, String)>,
}

/// A join form being answered: the code it came through, resolved once.
struct Scanned<'a> {
    state: &'a AppState,
    w: Worker,
    headers: &'a HeaderMap,
    token: &'a str,
    entry: nuanxin_store::membership::worker::Entry,
}

impl<'a> Scanned<'a> {
    /// The code of a join link, resolved; a code that opens nothing is
    /// answered with the page that says so.
    async fn resolve(
        state: &'a AppState,
        w: Worker,
        headers: &'a HeaderMap,
        token: &'a str,
    ) -> Result<Scanned<'a>, Result<Response, ApiError>> {
        match nuanxin_store::membership::worker::resolve(&state.db, token).await {
            Ok(entry) => Ok(Scanned {
                state,
                w,
                headers,
                token,
                entry,
            }),
            Err(e) => Err(closed_entry(state, &w, token, e).await),
        }
    }

    /// The form again, with what was typed, its errors and a message.
    fn page(
        &self,
        status: StatusCode,
        v: JoinValues,
        errors: ValidationErrors,
        message: Option<String>,
    ) -> Response {
        let csrf = form_token(self.headers);
        let t = self.w.t;
        let page = JoinPage {
            t,
            back: self.w.back.clone(),
            token: self.token.to_string(),
            union_name: self.entry.org_name.clone(),
            event_name: self.entry.event.as_ref().map(|e| e.name.clone()),
            csrf: csrf.clone(),
            v,
            errors,
            message,
            occupations: Occupation::ALL
                .iter()
                .map(|o| (o.code(), o.label(t.en())))
                .collect(),
            regions: work_regions(self.state, &self.entry),
        };
        let mut res = render(status, &page);
        set_form_token(self.state, &mut res, &csrf);
        res
    }
}

/// The double-submit token of the worker's forms: the one the browser
/// already holds, or a new one.
pub(super) fn form_token(headers: &HeaderMap) -> String {
    cookie(headers, JOIN_CSRF_COOKIE)
        .filter(|c| c.len() == 43)
        .unwrap_or_else(sessions::random_token)
}

pub(super) fn set_form_token(state: &AppState, res: &mut Response, csrf: &str) {
    let c = set_cookie(
        JOIN_CSRF_COOKIE,
        csrf,
        state.config.secure_cookies,
        Some(3600),
    );
    res.headers_mut()
        .append(header::SET_COOKIE, c.parse().expect("cookie header"));
}

async fn show(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let scanned = match Scanned::resolve(&state, Worker::new(t, &here), &headers, &token).await {
        Ok(scanned) => scanned,
        Err(answer) => return answer,
    };
    Ok(scanned.page(
        StatusCode::OK,
        JoinValues::default(),
        ValidationErrors::new(),
        None,
    ))
}

async fn submit(
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
    let scanned = match Scanned::resolve(&state, Worker::new(t, &here), &headers, &token).await {
        Ok(scanned) => scanned,
        Err(answer) => return answer,
    };
    let entry = &scanned.entry;
    let Ok(axum::Form(f)) = form else {
        return Ok(scanned.page(
            StatusCode::BAD_REQUEST,
            JoinValues::default(),
            ValidationErrors::new(),
            Some(t.s("join-unreadable")),
        ));
    };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let v = JoinValues {
        name: get("name"),
        id_number: get("id_number"),
        phone: get("phone"),
        occupation: get("occupation"),
        employer: get("employer"),
        work_region: get("work_region"),
        consent: f.get("consent").is_some_and(|c| c == "yes" || c == "on"),
    };
    let expected = cookie(&headers, JOIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&get("_csrf"), &expected) {
        return Ok(scanned.page(
            StatusCode::FORBIDDEN,
            v,
            ValidationErrors::new(),
            Some(t.s("join-expired")),
        ));
    }
    // An event's cap counts accepted submissions; invalid ones have a
    // budget of their own, so junk cannot lock real workers out.
    let event = entry.event.as_ref().map(|e| (e.id, e.per_minute));
    let admit = |kind: Submission| {
        event.is_none_or(|(id, per_minute)| state.event_rate.admit_now((id, kind), per_minute))
    };
    let busy = |v: JoinValues| {
        Ok(scanned.page(
            StatusCode::TOO_MANY_REQUESTS,
            v,
            ValidationErrors::new(),
            Some(t.s("join-busy")),
        ))
    };
    let refused = |v: JoinValues, errors: ValidationErrors| {
        if admit(Submission::Invalid) {
            Ok(scanned.page(StatusCode::UNPROCESSABLE_ENTITY, v, errors, None))
        } else {
            busy(v)
        }
    };
    let entry = entry.org_id;
    let input = ApplicationForm {
        name: v.name.clone(),
        id_number: v.id_number.clone(),
        phone: v.phone.clone(),
        occupation: v.occupation.clone(),
        employer: v.employer.clone(),
        work_region: v.work_region.clone(),
        consent: v.consent,
    };
    let app = match input.check(&state.regions(), nuanxin_domain::time::today_china()) {
        Ok(a) => a,
        Err(errors) => return refused(v, errors),
    };
    let route = match routing::route(&state.db, entry, &app).await {
        Ok(r) => r,
        Err(StoreError::Validation(errors)) => return refused(v, errors),
        Err(e) => return Err(e.into()),
    };
    if !admit(Submission::Accepted) {
        return busy(v);
    }
    match state
        .applications
        .submit(
            membership::prepare(&state.sealer, &route, &app)
                .at_event(scanned.entry.event.as_ref().map(|e| e.id)),
        )
        .await
    {
        Ok(Applied::Created { status_token, .. }) => {
            Ok(Redirect::to(&format!("/me/{status_token}")).into_response())
        }
        Ok(Applied::Existing {
            org_id: current,
            status,
            ..
        }) => match membership::worker::card_of_person(
            &state.db,
            &state.sealer,
            app.id_number.as_str(),
            app.phone.as_str(),
        )
        .await?
        {
            // The ID number and phone match, the name does not: whoever
            // typed them is not shown someone else's card.
            Some(card) if card.name != app.name => Ok(scanned.page(
                StatusCode::CONFLICT,
                v,
                ValidationErrors::new(),
                Some(t.s("join-name_mismatch")),
            )),
            // The same person, with the phone on record: show the existing card, not a second membership.
            // A member of another union is offered a transfer to the union this code routed to.
            Some(card) if status == MembershipStatus::Active && current != route.org_id => {
                Ok(Redirect::to(&format!(
                    "/me/{}?transfer_to={}",
                    card.status_token, route.org_id
                ))
                .into_response())
            }
            Some(card) => Ok(Redirect::to(&format!("/me/{}", card.status_token)).into_response()),
            // Another phone than the one on record: say which union holds
            // the membership and how to reach it, never the record itself.
            None => {
                let holder = nuanxin_store::orgs::contact(&state.db, current).await?;
                let msg = format!(
                    "{} {}",
                    t.f("join-already_at", "union", &holder.org_name),
                    contact_line(t, &holder)
                );
                Ok(scanned.page(
                    StatusCode::CONFLICT,
                    v,
                    ValidationErrors::new(),
                    Some(msg.trim_end().to_string()),
                ))
            }
        },
        Err(StoreError::Validation(errors)) => {
            Ok(scanned.page(StatusCode::UNPROCESSABLE_ENTITY, v, errors, None))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "membership/join_status.html")]
struct StatusPage {
    t: Tr,
    back: String,
    c: membership::worker::Card,
    /// `(union id, name)` the member may ask to transfer to.
    transfer_offer: Option<(i64, String)>,
    /// Double-submit token of the transfer form.
    csrf: String,
    status_label: &'static str,
    member_no: String,
    decided_on: String,
    applied_at: String,
    qr_svg: String,
    /// How to reach the union that holds the record.
    contact: nuanxin_store::orgs::Contact,
    /// A rejected application: the union's code, to apply again.
    rejoin: Option<String>,
    requests: Vec<WorkerRequest>,
    /// `(kind, label)` of what may be asked now.
    kinds: Vec<(&'static str, &'static str)>,
    /// A request was just filed.
    filed: bool,
    /// Where the application went and why, in the page's language.
    route_sentence: String,
    /// Why it was not accepted, in the worker's language.
    rejected: Option<String>,
}

/// One of the worker's requests, as they see it.
struct WorkerRequest {
    kind: &'static str,
    status: &'static str,
    requested_at: String,
    due_on: String,
    answer: String,
}

/// An SVG QR code of `data`.
pub fn qr_svg(data: &str) -> Result<String, ApiError> {
    let code =
        qrcode::QrCode::new(data.as_bytes()).map_err(|e| ApiError::Internal(format!("qr: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// A PNG QR code of `data`, large enough to print on a poster.
pub fn qr_png(data: &str) -> Result<Vec<u8>, ApiError> {
    let code =
        qrcode::QrCode::new(data.as_bytes()).map_err(|e| ApiError::Internal(format!("qr: {e}")))?;
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(1200, 1200)
        .quiet_zone(true)
        .build();
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| ApiError::Internal(format!("png: {e}")))?;
    Ok(png.into_inner())
}

/// A QR code download, as SVG or PNG by the file name's extension.
pub fn qr_download(url: &str, file_stem: &str, png: bool) -> Result<Response, ApiError> {
    let (kind, ext, body) = if png {
        ("image/png", "png", qr_png(url)?)
    } else {
        ("image/svg+xml", "svg", qr_svg(url)?.into_bytes())
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_stem}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(serde::Deserialize)]
struct StatusQuery {
    transfer_to: Option<String>,
    /// Set after a request was filed.
    filed: Option<String>,
}

/// Where the application went and why, in the worker's language. What a
/// person typed (a routing rule's reason, a reviewer's) stays as written.
fn route_sentence(t: Tr, c: &membership::worker::Card) -> String {
    crate::routing::told::told(t, &c.route_rule, c.route_args().as_ref(), &c.route_reason)
}

/// "联系电话 025-…，地址 …", or nothing when the union gave none.
pub(super) fn contact_line(t: Tr, c: &nuanxin_store::orgs::Contact) -> String {
    let mut parts = vec![];
    if let Some(p) = &c.phone {
        parts.push(t.f("contact-phone_is", "phone", p));
    }
    if let Some(a) = &c.address {
        parts.push(t.f("contact-address_is", "address", a));
    }
    parts.join(if t.en() { "; " } else { "；" })
}

/// What a worker may ask for, as their record stands: nothing once their
/// data are erased; deletion of a record that ended; everything of an
/// open one (leaving waits while a transfer is under way).
fn requestable(status: MembershipStatus, erased: bool) -> &'static [RequestKind] {
    use RequestKind::*;
    match status {
        _ if erased => &[],
        MembershipStatus::Applied | MembershipStatus::Active => &[Phone, Correct, Leave, Erase],
        MembershipStatus::Transferring => &[Phone, Correct, Erase],
        MembershipStatus::Rejected | MembershipStatus::Left => &[Erase],
    }
}

/// The union a member may ask to move to: grassroots, open, not their own.
async fn transfer_target(
    state: &AppState,
    card: &membership::worker::Card,
    raw: Option<&str>,
) -> Result<Option<(i64, String)>, ApiError> {
    let Some(id) = raw.and_then(crate::pages::parse_id) else {
        return Ok(None);
    };
    Ok(membership::worker::transfer_offer(&state.db, card, id).await?)
}

async fn status(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    headers: HeaderMap,
    Path(token): Path<String>,
    query: axum::extract::Query<StatusQuery>,
) -> Result<Response, ApiError> {
    let w = Worker::new(t, &here);
    if token.len() > 64 {
        return Ok(no_application(&w));
    }
    let c = match membership::worker::card_by_status_token(&state.db, &token).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => return Ok(no_application(&w)),
        Err(e) => return Err(e.into()),
    };
    let status = MembershipStatus::from_code(&c.status).unwrap_or(MembershipStatus::Applied);
    let transfer_offer = transfer_target(&state, &c, query.transfer_to.as_deref()).await?;
    let csrf = form_token(&headers);
    let en = t.en();
    let contact = nuanxin_store::orgs::contact(&state.db, c.org_id).await?;
    let rejoin = match status {
        MembershipStatus::Rejected => {
            nuanxin_store::membership::worker::live_token(&state.db, c.org_id).await?
        }
        _ => None,
    };
    let requests = nuanxin_store::membership::worker::requests(&state.db, &token)
        .await?
        .into_iter()
        .map(|r| WorkerRequest {
            kind: r.kind.label(en),
            status: r.status.label(en),
            requested_at: nuanxin_domain::time::format_local(r.requested_at),
            due_on: nuanxin_domain::time::format_local_date(r.due_at),
            answer: r.answer.unwrap_or_default(),
        })
        .collect();
    let kinds = requestable(status, c.erased())
        .iter()
        .map(|k| (k.code(), k.label(en)))
        .collect();
    let page = StatusPage {
        t,
        back: w.back,
        transfer_offer,
        csrf: csrf.clone(),
        status_label: status.label(t.en()),
        member_no: c.member_no.clone().unwrap_or_default(),
        decided_on: c
            .decided_at
            .map(|d| {
                d.with_timezone(&nuanxin_domain::time::china())
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_default(),
        applied_at: nuanxin_domain::time::format_local(c.applied_at),
        qr_svg: if status == MembershipStatus::Active {
            qr_svg(&base_url::absolute(
                &state,
                &headers,
                &format!("/verify/{}", c.card_token),
            ))?
        } else {
            String::new()
        },
        contact,
        rejoin,
        requests,
        kinds,
        filed: query.filed.is_some(),
        route_sentence: route_sentence(t, &c),
        rejected: crate::membership::reason::said(
            t,
            c.reject_reason_code.as_deref(),
            c.reject_reason.as_deref(),
        ),
        c,
    };
    let mut res = render(StatusCode::OK, &page);
    // A private page, never cached by proxies (the site's referrer policy
    // keeps its address from other sites).
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        "private, no-store".parse().expect("header"),
    );
    if page.transfer_offer.is_some() || !page.kinds.is_empty() {
        set_form_token(&state, &mut res, &csrf);
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "membership/verify.html")]
struct VerifyPage {
    t: Tr,
    back: String,
    valid: bool,
    org_name: String,
    name_masked: String,
    member_no_masked: String,
    message: String,
}

async fn verify(
    State(state): State<AppState>,
    t: Tr,
    here: Here,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let back = here.back_to_own();
    let found = if token.len() > 64 {
        Err(StoreError::NotFound)
    } else {
        membership::worker::verify(&state.db, &token).await
    };
    let (status, page) = match found {
        Ok(v) if v.status == MembershipStatus::Active.code() => (
            StatusCode::OK,
            VerifyPage {
                t,
                back,
                valid: true,
                org_name: v.org_name,
                name_masked: v.name_masked,
                member_no_masked: v.member_no_masked,
                message: String::new(),
            },
        ),
        Ok(_) => (
            StatusCode::OK,
            VerifyPage {
                t,
                back,
                valid: false,
                org_name: String::new(),
                name_masked: String::new(),
                member_no_masked: String::new(),
                message: t.s("verify-lapsed"),
            },
        ),
        Err(StoreError::NotFound) => (
            StatusCode::NOT_FOUND,
            VerifyPage {
                t,
                back,
                valid: false,
                org_name: String::new(),
                name_masked: String::new(),
                member_no_masked: String::new(),
                message: t.s("verify-unknown"),
            },
        ),
        Err(e) => return Err(e.into()),
    };
    Ok(render(status, &page))
}

/// The worker asks, through their private link, to move their membership.
async fn request_transfer(
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
    let card = match membership::worker::card_by_status_token(&state.db, &token).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => return Ok(no_application(&w)),
        Err(e) => return Err(e.into()),
    };
    let form = form.ok().map(|axum::Form(f)| f).unwrap_or_default();
    let expected = cookie(&headers, JOIN_CSRF_COOKIE).unwrap_or_default();
    let sent = form.get("_csrf").map(String::as_str).unwrap_or("");
    if expected.is_empty() || !same_secret(sent, &expected) {
        return Ok(message(
            &w,
            StatusCode::FORBIDDEN,
            &t.s("transfer-expired_title"),
            t.s("transfer-expired"),
        ));
    }
    let to = form
        .get("to_org_id")
        .and_then(|v| crate::pages::parse_id(v));
    let target = match to {
        Some(id) => transfer_target(&state, &card, Some(&id.to_string())).await?,
        None => None,
    };
    let (Some((to, _)), Some(member_no)) = (target, card.member_no.as_deref()) else {
        return Ok(message(
            &w,
            StatusCode::UNPROCESSABLE_ENTITY,
            &t.s("transfer-refused_title"),
            t.s("transfer-only_active"),
        ));
    };
    match nuanxin_store::membership::transfers::request(&state.db, None, member_no, to).await {
        Ok(_) => Ok(Redirect::to(&format!("/me/{token}")).into_response()),
        Err(StoreError::Validation(v)) => Ok(message(
            &w,
            StatusCode::UNPROCESSABLE_ENTITY,
            &t.s("transfer-refused_title"),
            v.0.first().map(|e| w.says(e)).unwrap_or_default(),
        )),
        Err(StoreError::Conflict(f)) => Ok(message(
            &w,
            StatusCode::CONFLICT,
            &t.s("transfer-refused_title"),
            w.says(&f),
        )),
        Err(e) => Err(e.into()),
    }
}
