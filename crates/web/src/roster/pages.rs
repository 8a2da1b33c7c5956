//! Roster import in the console (集中入会): upload a platform's or
//! employer's list, watch it run, download the report of failed rows.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use nuanxin_domain::account::Permission;
use nuanxin_domain::roster::COLUMNS;
use nuanxin_domain::FieldError;
use nuanxin_store::orgs;
use nuanxin_store::roster::{self, ImportMode, Phase, RosterFile, RosterRequest};

use crate::auth::CSRF_FIELD;
use crate::error::ApiError;
use crate::http::same_secret;
use crate::i18n::Tr;
use crate::pages::PageUser;
use crate::pages::{render, see_other, Console, Here, Layout, OrPage, PageError, PageResult};
use crate::roster::jobs::{Outcome, RosterJob};
use crate::AppState;

/// The largest roster file accepted: a million rows of `.xlsx` is about 40 MB.
pub const MAX_UPLOAD_BYTES: usize = 100 * 1024 * 1024;

/// Failed rows listed on the page; the downloadable report has them all.
const ERRORS_ON_PAGE: usize = 200;

/// Routes that take uploads: the caller gives them a larger body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/console/orgs/{id}/roster", get(show).post(upload))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/roster-template.xlsx", get(template))
        .route("/console/roster/{job}", get(job_page))
        .route("/console/roster/{job}/report.xlsx", get(report))
}

pub struct ColumnView {
    pub header: &'static str,
    /// The field name, which the import also takes as a header.
    pub field: &'static str,
    pub required: bool,
}

#[derive(Template)]
#[template(path = "roster/roster.html")]
struct RosterPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    columns: Vec<ColumnView>,
    has_default_region: bool,
    errors: Vec<FieldError>,
    mode: String,
}

/// The entry organisation, checked for scope and the review right.
async fn entry_org(state: &AppState, c: &Console, id: &str) -> Result<orgs::Org, PageError> {
    let id = c.id(id)?;
    let actor = &c.user.session.actor;
    let org = orgs::get(&state.db, &actor.scope, id)
        .await
        .or_page(|| c.layout())?;
    actor.require(Permission::Review).or_page(|| c.layout())?;
    Ok(org)
}

fn page(c: &Console, org: &orgs::Org, errors: Vec<FieldError>, mode: &str) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let has_default_region = roster::default_work_region(&org.region_code).is_some();
    render(
        status,
        &RosterPage {
            l: c.layout(),
            org_id: org.id,
            org_name: org.name.clone(),
            columns: COLUMNS
                .iter()
                .map(|c| ColumnView {
                    header: c.header_zh,
                    field: c.field,
                    required: c.required,
                })
                .collect(),
            has_default_region,
            errors,
            mode: mode.to_string(),
        },
    )
}

async fn show(State(state): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let org = entry_org(&state, &c, &id).await?;
    Ok(page(&c, &org, vec![], "check"))
}

/// The fields of the upload form.
#[derive(Default)]
struct Upload {
    csrf: String,
    mode: String,
    consent: bool,
    file_name: String,
    bytes: Vec<u8>,
}

fn too_large() -> FieldError {
    FieldError::new("file", "roster.too_large").with("mb", MAX_UPLOAD_BYTES / 1024 / 1024)
}

async fn read_upload(mut m: Multipart) -> Result<Upload, FieldError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            FieldError::new("file", "roster.upload")
        }
    };
    let mut u = Upload::default();
    while let Some(field) = m.next_field().await.map_err(broken)? {
        match field.name().unwrap_or("") {
            "file" => {
                u.file_name = field.file_name().unwrap_or("").to_string();
                // Into a Vec without copying: the upload may be 100 MB.
                u.bytes = field.bytes().await.map_err(broken)?.into();
            }
            name => {
                let name = name.to_string();
                let value = field.text().await.map_err(broken)?;
                match name.as_str() {
                    CSRF_FIELD => u.csrf = value,
                    "mode" => u.mode = value,
                    "consent" => u.consent = !value.is_empty(),
                    _ => {}
                }
            }
        }
    }
    Ok(u)
}

/// Reads an upload to its end without keeping it.
async fn discard(mut multipart: Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

async fn upload(
    State(state): State<AppState>,
    c: Console,
    Path(id): Path<String>,
    multipart: Multipart,
) -> PageResult {
    let org = entry_org(&state, &c, &id).await?;
    let Some(turn) = state.imports.try_turn() else {
        // Read the file through before answering: a browser still sending
        // it when the connection closes shows "connection reset", not this.
        discard(multipart).await;
        let busy = FieldError::new("file", "roster.busy");
        return Ok(page(&c, &org, vec![busy], "check"));
    };
    let upload = match read_upload(multipart).await {
        Ok(u) => u,
        Err(e) => return Ok(page(&c, &org, vec![e], "check")),
    };
    if !same_secret(&upload.csrf, &c.user.session.csrf) {
        return Err(PageError::new(c.layout(), ApiError::csrf()));
    }
    let mut errors = Vec::new();
    let mode = ImportMode::from_code(&upload.mode);
    if mode.is_none() {
        errors.push(FieldError::new("mode", "roster.mode"));
    }
    if !upload.consent && mode != Some(ImportMode::Check) {
        errors.push(roster::consent_required());
    }
    let file = if upload.bytes.is_empty() && upload.file_name.is_empty() {
        Err(FieldError::new("file", "roster.no_file"))
    } else {
        RosterFile::open(upload.bytes)
    };
    let file = match file {
        Ok(f) => Some(f),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (Some(mode), Some(file), true) = (mode, file, errors.is_empty()) else {
        return Ok(page(&c, &org, errors, &upload.mode));
    };
    let actor = c.user.session.actor.clone();
    let job = state.imports.add(
        actor.account_id,
        org.id,
        org.name.clone(),
        upload.file_name,
        mode,
    );
    let request = RosterRequest::new(org.id, mode, upload.consent);
    let running = job.clone();
    tokio::spawn(async move {
        let _turn = turn;
        let result = roster::import(
            &state.db,
            &actor,
            state.sealer.clone(),
            state.regions(),
            file,
            &request,
            running.progress.clone(),
        )
        .await;
        running.finish(match result {
            Ok(report) => Outcome::Report(report),
            Err(nuanxin_store::StoreError::Validation(v)) => Outcome::Refused(v.0),
            Err(e) => {
                tracing::error!(error = %e, job = %running.id, "roster import failed");
                Outcome::Failed
            }
        });
    });
    Ok(see_other(&format!("/console/roster/{}", job.id)))
}

pub struct ErrorRow {
    pub row: u32,
    pub column: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "roster/roster_job.html")]
struct JobPage {
    l: Layout,
    id: String,
    org_id: i64,
    org_name: String,
    file_name: String,
    mode: String,
    /// The mode's code: `check`, `valid_rows` or `all_or_nothing`.
    mode_code: &'static str,
    /// "checking", "enrolling" or "finished".
    phase: &'static str,
    checked: u32,
    written: u32,
    to_write: u32,
    report: Option<roster::ImportReport>,
    refused: Vec<FieldError>,
    failed: bool,
    errors: Vec<ErrorRow>,
    more_errors: bool,
}

fn mode_label(t: Tr, m: ImportMode) -> String {
    t.s(match m {
        ImportMode::Check => "roster-mode-check",
        ImportMode::ValidRows => "roster-mode-valid_rows",
        ImportMode::AllOrNothing => "roster-mode-all_or_nothing",
    })
}

fn job_of(state: &AppState, c: &Console, id: &str) -> Result<std::sync::Arc<RosterJob>, PageError> {
    state
        .imports
        .get(id, c.user.session.actor.account_id)
        .ok_or_else(|| PageError::new(c.layout(), ApiError::not_found()))
}

async fn job_page(State(state): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let job = job_of(&state, &c, &id)?;
    let outcome = job.outcome();
    let (written, to_write) = job.progress.written();
    let mut view = JobPage {
        l: c.layout(),
        id: job.id.clone(),
        org_id: job.org_id,
        org_name: job.org_name.clone(),
        file_name: job.file_name.clone(),
        mode: mode_label(c.t, job.mode),
        mode_code: match job.mode {
            ImportMode::Check => "check",
            ImportMode::ValidRows => "valid_rows",
            ImportMode::AllOrNothing => "all_or_nothing",
        },
        phase: match (&outcome, job.progress.phase()) {
            (Some(_), _) | (None, Phase::Finished) => "finished",
            (None, Phase::Enrolling) => "enrolling",
            (None, Phase::Checking) => "checking",
        },
        checked: job.progress.checked(),
        written,
        to_write,
        report: None,
        refused: vec![],
        failed: false,
        errors: vec![],
        more_errors: false,
    };
    match outcome {
        Some(Outcome::Report(r)) => {
            view.errors = r
                .errors
                .iter()
                .take(ERRORS_ON_PAGE)
                .map(|e| ErrorRow {
                    row: e.row,
                    column: e.column,
                    message: c.t.error(&e.error()),
                })
                .collect();
            view.more_errors = r.errors.len() > ERRORS_ON_PAGE;
            view.report = Some(r);
        }
        Some(Outcome::Refused(v)) => view.refused = v,
        Some(Outcome::Failed) => view.failed = true,
        None => {}
    }
    Ok(render(StatusCode::OK, &view))
}

async fn report(State(state): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let job = job_of(&state, &c, &id)?;
    let Some(Outcome::Report(r)) = job.outcome() else {
        return Err(PageError::new(c.layout(), ApiError::not_found()));
    };
    // The rows as they were sent, then what is wrong with each: corrected
    // in place, the sheet can be uploaded again (the two added columns are
    // ignored on import).
    let mut problems: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    for e in &r.errors {
        let message = c.t.error(&e.error());
        let text = if e.column.is_empty() {
            message
        } else {
            format!("{}：{message}", e.column)
        };
        problems.entry(e.row).or_default().push(text);
    }
    let width = r
        .failed_cells
        .iter()
        .map(|(_, cells)| cells.len())
        .max()
        .unwrap_or(0)
        .max(r.header.len());
    let rows: Vec<Vec<String>> = r
        .failed_cells
        .iter()
        .map(|(row, cells)| {
            let mut out = cells.clone();
            out.resize(width, String::new());
            out.push(row.to_string());
            out.push(problems.remove(row).unwrap_or_default().join("；"));
            out
        })
        .collect();
    let (row_word, problem_word) = (c.t.s("roster-row"), c.t.s("roster-problem"));
    let mut header: Vec<&str> = r.header.iter().map(String::as_str).collect();
    header.resize(width, "");
    header.push(&row_word);
    header.push(&problem_word);
    let layout = || c.layout();
    nuanxin_store::audit::record_export(
        &state.db,
        &c.user.session.actor,
        "roster_report",
        serde_json::json!({ "job": id, "org_id": job.org_id }),
        rows.len(),
    )
    .await
    .or_page(layout)?;
    let bytes = crate::export::xlsx("report", &header, &rows)
        .map_err(|e| ApiError::Internal(e.to_string()))
        .or_page(layout)?;
    Ok(crate::export::xlsx_response(
        bytes,
        &crate::export::dated_name(&format!("{}-{}", c.t.s("roster-report_file"), job.org_name)),
    ))
}

/// The template: the header row, and a second sheet that explains each
/// column and lists the occupation groups.
async fn template(_user: PageUser, t: Tr, here: Here) -> PageResult {
    let bytes = crate::export::roster_template()
        .map_err(|e| ApiError::Internal(e.to_string()))
        .or_page(|| Layout::anonymous(t, &here))?;
    Ok(crate::export::xlsx_response(bytes, "roster-template.xlsx"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn modes_have_both_labels() {
        for m in [
            ImportMode::Check,
            ImportMode::ValidRows,
            ImportMode::AllOrNothing,
        ] {
            let (zh, en) = (
                mode_label(Tr { lang: Lang::Zh }, m),
                mode_label(Tr { lang: Lang::En }, m),
            );
            assert!(!zh.is_ascii() && en.is_ascii() && en != "?", "{zh} / {en}");
        }
        assert_eq!(
            mode_label(Tr { lang: Lang::Zh }, ImportMode::Check),
            "只检查，不导入"
        );
    }
}
