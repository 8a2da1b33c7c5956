//! Errors as `application/problem+json`: a stable code, Chinese and English
//! messages and the fields at fault. Internal errors are logged with their
//! cause and answered with a request id only: never SQL, never a stack trace.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use nuanxin_domain::{FieldError, ValidationErrors};
use nuanxin_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    /// A 4xx answer.
    Client {
        status: StatusCode,
        code: &'static str,
        zh: String,
        en: String,
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

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        ApiError::Client {
            status,
            code,
            zh: zh.into(),
            en: en.into(),
            fields: vec![],
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录",
            "log in first",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "您没有执行此操作的权限",
            "you do not have permission to do this",
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "未找到，或不在您的管理范围内",
            "not found, or outside your scope",
        )
    }

    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "页面已过期或请求来源无效，请刷新后重试",
            "missing or invalid CSRF token; reload and try again",
        )
    }

    pub fn validation(errors: ValidationErrors) -> Self {
        let zh = errors
            .0
            .iter()
            .map(|e| e.message_zh.as_str())
            .collect::<Vec<_>>()
            .join("；");
        let en = errors
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message_en))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError::Client {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation",
            zh,
            en,
            fields: errors.0,
        }
    }

    pub fn bad_request(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, zh, en)
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
                zh: f.message_zh.clone(),
                en: f.message_en.clone(),
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

pub fn problem_response(
    status: StatusCode,
    code: &str,
    zh: &str,
    en: &str,
    fields: &[FieldError],
) -> Response {
    let body = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        code: code.to_string(),
        detail: en.to_string(),
        message_zh: zh.to_string(),
        message_en: en.to_string(),
        errors: fields
            .iter()
            .map(|f| ProblemField {
                field: f.field.clone(),
                code: f.code.to_string(),
                message_zh: f.message_zh.clone(),
                message_en: f.message_en.clone(),
            })
            .collect(),
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        json,
    )
        .into_response();
    res.extensions_mut().insert(ProblemMessage {
        zh: zh.to_string(),
        en: en.to_string(),
    });
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
                zh,
                en,
                fields,
            } => problem_response(status, code, &zh, &en, &fields),
            ApiError::Internal(cause) => {
                tracing::error!(cause = %cause, "internal error");
                problem_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后重试；如持续出现，请把响应头中的 x-request-id 告诉管理员",
                    "internal server error; if it persists, give the x-request-id response header to an administrator",
                    &[],
                )
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
