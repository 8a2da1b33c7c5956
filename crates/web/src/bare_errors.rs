//! Errors answered outside the handlers (a body over the limit, a timeout,
//! a form or multipart body an extractor cannot read, a wrong method) come
//! as bare text or no body at all. This gives them the same shape as every
//! other error: `application/problem+json` with a stable code under
//! `/api`, a page in the user's language elsewhere.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::i18n::Tr;
use crate::pages::{Layout, PageError};

/// The code and the Chinese and English message for an error status.
pub(crate) fn explained(status: StatusCode) -> (&'static str, &'static str, &'static str) {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "body_too_large",
            "提交的内容超过大小上限，请缩小或拆分后重试",
            "the request body is larger than allowed; make it smaller or split it",
        ),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "处理超时，请稍后重试",
            "the request took too long; try again later",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "该地址不支持这种请求方式",
            "this address does not take this method",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "content_type",
            "提交内容的类型不正确",
            "the body has the wrong content type",
        ),
        s if s.is_server_error() => (
            "internal",
            "服务器出错，请稍后重试",
            "something went wrong on the server; try again later",
        ),
        StatusCode::NOT_FOUND => (
            "not_found",
            "没有找到这个地址",
            "there is nothing at this address",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "rate_limited",
            "请求过于频繁，请稍后重试",
            "too many requests; try again later",
        ),
        _ => (
            "bad_request",
            "提交的内容无法读取，请检查后重试",
            "the request could not be read",
        ),
    }
}

pub async fn explain(t: Tr, req: Request, next: Next) -> Response {
    // Cheap copies (shared bytes): most answers need no page.
    let (method, uri) = (req.method().clone(), req.uri().clone());
    let referer = req.headers().get(header::REFERER).cloned();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let shaped = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("text/html") || ct.contains("json") || ct.starts_with("image/")
        });
    if shaped {
        return res;
    }
    let (code, zh, en) = explained(status);
    let error = ApiError::new(status, code, zh, en);
    let fresh = if uri.path().starts_with("/api/") {
        error.into_response()
    } else {
        let here = crate::pages::Here::of(&method, &uri, referer.as_ref());
        PageError::new(Layout::anonymous(t, &here), error).into_response()
    };
    // Keep the original headers (Allow, request id), with the new body's type.
    let (mut parts, _) = res.into_parts();
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(ct) = fresh_parts.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    Response::from_parts(parts, body)
}
