//! The roster push of platform enterprises: `POST /api/v1/platform/roster`
//! with the union's API key, an idempotency key, and up to 5,000 workers;
//! the same checks and routing as the console's roster import.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use nuanxin_domain::roster::COLUMNS;
use nuanxin_store::platform_keys::{self, Platform, PushStart};
use nuanxin_store::roster::{self, ImportMode, ImportReport, Progress, RosterFile, RosterRequest};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::ApiJson;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Most workers in one push.
pub const MAX_MEMBERS: usize = 5000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/platform/roster", post(push))
}

/// One worker, with the fields of the join form.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushedMember {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    /// An occupation-group code such as `delivery_rider`.
    pub occupation: String,
    #[serde(default)]
    pub employer: String,
    /// District or street region code; the union's own district when empty.
    #[serde(default)]
    pub work_region: String,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterPush {
    /// `all_or_nothing` (the default), `valid_rows` or `check`.
    #[serde(default)]
    pub mode: Option<String>,
    /// The platform confirms that everyone listed accepted the
    /// personal-information notice and asked to join.
    pub consent: bool,
    pub members: Vec<PushedMember>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PushError {
    /// 1-based position in `members`.
    pub index: u32,
    pub field: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PushResult {
    pub rows: u32,
    pub valid: u32,
    pub failed: u32,
    pub enrolled: u32,
    pub already_members: u32,
    /// Whether anything was written.
    pub written: bool,
    pub errors: Vec<PushError>,
    /// Whether more errors were found than `errors` lists.
    pub errors_truncated: bool,
}

impl From<ImportReport> for PushResult {
    fn from(r: ImportReport) -> Self {
        PushResult {
            errors: r
                .errors
                .into_iter()
                .map(|e| {
                    let p = crate::error::ProblemField::of(&e.error());
                    PushError {
                        // Pushed rows are numbered from 1 after the header row 0.
                        index: e.row,
                        field: p.field,
                        code: p.code,
                        message_zh: p.message_zh,
                        message_en: p.message_en,
                    }
                })
                .collect(),
            errors_truncated: r.errors_truncated,
            rows: r.rows,
            valid: r.valid,
            failed: r.failed,
            enrolled: r.enrolled,
            already_members: r.already_members,
            written: r.written,
        }
    }
}

/// The platform behind the request's `Authorization: Bearer nxk_…`.
async fn platform(state: &AppState, headers: &HeaderMap) -> ApiResult<Platform> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    platform_keys::authenticate(&state.db, key.trim())
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "platform_key.invalid"))
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| (1..=100).contains(&k.len()))
        .map(str::to_string)
        .ok_or_else(|| ApiError::bad_request("idempotency_key"))
}

fn json_response(status: StatusCode, body: String, replayed: bool) -> Response {
    let mut res = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if replayed {
        res.headers_mut().insert(
            "idempotent-replayed",
            header::HeaderValue::from_static("true"),
        );
    }
    res
}

/// Pushes a roster. `200` when rows were checked (and, as the mode says,
/// enrolled), `422` when the mode is `all_or_nothing` and a row failed
/// (nothing written; every failed row listed). A retry with the same
/// `Idempotency-Key` and body gets the first answer again.
#[utoipa::path(post, path = "/api/v1/platform/roster", tag = "platform", request_body = RosterPush,
    params(("Idempotency-Key" = String, Header, description = "unique per push; retries repeat it")),
    responses((status = 200, body = PushResult), (status = 401, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = PushResult)))]
pub async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: ApiJson<RosterPush>,
) -> ApiResult<Response> {
    let platform = platform(&state, &headers).await?;
    let key = idempotency_key(&headers)?;
    let ApiJson(push) = body;
    let request_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&push).map_err(|e| ApiError::Internal(e.to_string()))?,
    ));
    let mode = ImportMode::from_code(push.mode.as_deref().unwrap_or("all_or_nothing"))
        .ok_or_else(|| ApiError::bad_request("mode"))?;
    if push.members.is_empty() || push.members.len() > MAX_MEMBERS {
        return Err(ApiError::bad_request("members").with("max_members", MAX_MEMBERS));
    }
    // Reserved before the work: a retry arriving meanwhile is told to wait.
    let reservation =
        match platform_keys::begin_push(&state.db, platform.key_id, &key, &request_hash).await? {
            PushStart::Fresh(reservation) => reservation,
            PushStart::Replay { status, body } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                return Ok(json_response(status, body, true));
            }
        };
    let mut rows = Vec::with_capacity(push.members.len() + 1);
    rows.push(
        COLUMNS
            .iter()
            .map(|c| c.field.to_string())
            .collect::<Vec<_>>(),
    );
    rows.extend(push.members.into_iter().map(|m| {
        vec![
            m.name,
            m.id_number,
            m.phone,
            m.occupation,
            m.employer,
            m.work_region,
        ]
    }));
    // The work runs on its own task: a client that hangs up, or the request
    // timeout, must not leave the key reserved with no answer behind it.
    let request = RosterRequest::new(platform.org_id, mode, push.consent);
    let (status, body) = tokio::spawn(async move {
        let answered = async {
            let report = roster::import(
                &state.db,
                &platform.actor,
                state.sealer.clone(),
                state.regions(),
                RosterFile::Rows(rows),
                &request,
                Arc::new(Progress::default()),
            )
            .await?;
            let status = if mode == ImportMode::AllOrNothing && report.failed > 0 {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let body = serde_json::to_string(&PushResult::from(report))
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            if !platform_keys::finish_push(&state.db, &reservation, status.as_u16(), &body).await? {
                tracing::warn!(
                    "a roster push outlived its reservation; the attempt that took the key over keeps its answer"
                );
            }
            Ok::<_, ApiError>((status, body))
        }
        .await;
        if answered.is_err() {
            // No answer was kept (refused as a whole, say without consent, or
            // a fault): the key is free for the retry. Rows already enrolled
            // are counted as members by it, never enrolled twice.
            // The push's own error is the answer; a key that cannot be freed
            // is only logged: a retry takes it over once the reservation is stale.
            if let Err(e) = platform_keys::abandon_push(&state.db, &reservation).await {
                tracing::error!(error = %e, "a failed roster push kept its idempotency key");
            }
        }
        answered
    })
    .await
    .map_err(|e| ApiError::Internal(format!("roster push task: {e}")))??;
    Ok(json_response(status, body, false))
}
