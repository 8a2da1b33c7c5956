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

/// The problem code for an error status; its words are `problem-<code>`.
pub(crate) fn explained(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "content_type",
        s if s.is_server_error() => "internal",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        _ => "bad_request",
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
    let error = ApiError::new(status, explained(status));
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
