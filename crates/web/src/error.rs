//! Errors as `application/problem+json`: a stable code, Chinese and English
//! messages rendered from it, and the fields at fault. Internal errors are
//! logged with their cause and answered with a request id only: never SQL,
//! never a stack trace.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use nuanxin_domain::error::Arg;
use nuanxin_domain::{FieldError, ValidationErrors};
use nuanxin_store::StoreError;
use serde::Serialize;

use crate::i18n::Tr;

#[derive(Debug)]
pub enum ApiError {
    /// A 4xx answer: a code with its arguments, and the fields at fault. The
    /// words are chosen when it is rendered (`problem-<code>` in the
    /// catalogue, or the fields' own messages).
    Client {
        status: StatusCode,
        code: &'static str,
        args: Vec<(&'static str, Arg)>,
        fields: Vec<FieldError>,
    },
    /// A 500: the cause is logged, not sent.
    Internal(String),
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`; the stable code is in `code`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code, e.g. `validation`, `not_found`.
    pub code: String,
    pub detail: String,
    pub message_zh: String,
    pub message_en: String,
    pub errors: Vec<ProblemField>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

impl ProblemField {
    /// A field's error with its message in both languages, for the API.
    pub fn of(f: &FieldError) -> Self {
        ProblemField {
            field: f.field.clone(),
            code: f.code.to_string(),
            message_zh: Tr::ZH.error(f),
            message_en: Tr::EN.error(f),
        }
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        ApiError::Client {
            status,
            code,
            args: vec![],
            fields: vec![],
        }
    }

    /// The message's placeholder `name` set to `value`.
    pub fn with(mut self, name: &'static str, value: impl std::fmt::Display) -> Self {
        if let ApiError::Client { args, .. } = &mut self {
            args.push((name, Arg::Text(value.to_string())));
        }
        self
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }

    pub fn csrf() -> Self {
        Self::new(StatusCode::FORBIDDEN, "csrf")
    }

    pub fn validation(errors: ValidationErrors) -> Self {
        ApiError::Client {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation",
            args: vec![],
            fields: errors.0,
        }
    }

    pub fn bad_request(code: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code)
    }
}

impl Tr {
    /// A problem's message in this language: a refusal of fields says what
    /// is wrong with each, any other problem has a word of its own.
    pub fn problem(
        &self,
        code: &str,
        args: &[(&'static str, Arg)],
        fields: &[FieldError],
    ) -> String {
        match (code, fields) {
            ("validation" | "conflict", [_, ..]) => {
                let each = fields.iter().map(|f| {
                    if self.en() && code == "validation" {
                        format!("{}: {}", f.field, self.error(f))
                    } else {
                        self.error(f)
                    }
                });
                each.collect::<Vec<_>>()
                    .join(if self.en() { "; " } else { "；" })
            }
            _ => self.message(&format!("problem-{}", code.replace('.', "-")), args, code),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Forbidden => ApiError::forbidden(),
            StoreError::Validation(v) => ApiError::validation(v),
            StoreError::Conflict(f) => ApiError::Client {
                status: StatusCode::CONFLICT,
                code: "conflict",
                args: vec![],
                fields: vec![f],
            },
            other => ApiError::Internal(format!("{other:#}")),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::validation(e.into())
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(format!("{e:#}"))
    }
}

/// The problem document of a 4xx or 5xx answer, in both languages.
pub fn problem_response(
    status: StatusCode,
    code: &str,
    args: &[(&'static str, Arg)],
    fields: &[FieldError],
) -> Response {
    let (zh, en) = (
        Tr::ZH.problem(code, args, fields),
        Tr::EN.problem(code, args, fields),
    );
    let body = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        code: code.to_string(),
        detail: en.clone(),
        message_zh: zh.clone(),
        message_en: en.clone(),
        errors: fields.iter().map(ProblemField::of).collect(),
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        json,
    )
        .into_response();
    res.extensions_mut().insert(ProblemMessage { zh, en });
    res
}

/// The message of a problem response, kept beside its body for pages that
/// show it in their own way (the worker's pages).
#[derive(Clone)]
pub struct ProblemMessage {
    pub zh: String,
    pub en: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Client {
                status,
                code,
                args,
                fields,
            } => problem_response(status, code, &args, &fields),
            ApiError::Internal(cause) => {
                tracing::error!(cause = %cause, "internal error");
                problem_response(StatusCode::INTERNAL_SERVER_ERROR, "internal", &[], &[])
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A panic in a handler becomes a logged 500 without details.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("panic");
    ApiError::Internal(format!("handler panicked: {msg}")).into_response()
}
