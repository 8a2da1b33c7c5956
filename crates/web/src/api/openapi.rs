//! The OpenAPI 3.1 description of `/api/v1` and a docs page rendered from it.

use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::path::Operation;
use utoipa::OpenApi;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Nuanxin API", description = "暖新：新就业形态工会服务平台 API. Errors are `application/problem+json` with a stable `code`, `message_zh` and `message_en`, and `errors` per field."),
    paths(
        super::session::login, super::session::logout, super::session::me,
        super::orgs::list, super::orgs::show, super::orgs::children, super::orgs::create, super::orgs::update,
        super::orgs::move_org, super::orgs::set_status, super::orgs::checklist, super::orgs::set_step,
        super::accounts::list, super::accounts::show, super::accounts::create, super::accounts::update,
        super::accounts::disable, super::accounts::enable, super::accounts::set_password,
        super::audit::list, super::audit::export,
        super::members::list, super::members::show, super::members::approve, super::members::reject,
        super::members::leave, super::members::reroute, super::members::reveal, super::members::history, super::members::join_link,
        super::members::get_settings, super::members::put_settings,
        super::transfers::list, super::transfers::request, super::transfers::accept, super::transfers::refuse,
        super::platform::push,
        super::routing_rules::list, super::routing_rules::create, super::routing_rules::remove,
        super::routing_rules::move_rule, super::routing_rules::trial,
    ),
    tags(
        (name = "session", description = "Log in and out"),
        (name = "orgs", description = "The union organisation tree"),
        (name = "accounts", description = "Staff accounts"),
        (name = "audit", description = "The audit trail"),
        (name = "members", description = "Membership applications and the member roll"),
        (name = "routing", description = "Routing rules: which grassroots union takes an application"),
        (name = "platform", description = "Roster push by platform enterprises, with a union's API key"),
    )
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/openapi.json",
            get(|| async { Json(ApiDoc::openapi()) }),
        )
        .route("/api/docs", get(docs))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plain, self-contained page: no CDN, so it works on an offline server.
async fn docs() -> Html<String> {
    let doc = ApiDoc::openapi();
    let mut body = String::new();
    for (path, item) in &doc.paths.paths {
        let ops: [(&str, &Option<Operation>); 5] = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let summary = op
                .summary
                .clone()
                .or_else(|| op.description.clone())
                .unwrap_or_default();
            let codes: Vec<String> = op.responses.responses.keys().cloned().collect();
            body.push_str(&format!(
                "<tr><td><code>{method}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(path),
                escape(&summary),
                escape(&codes.join(", "))
            ));
        }
    }
    Html(format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Nuanxin API</title>
<link rel="stylesheet" href="/assets/app.css"></head><body class="docs"><main class="content">
<h1>Nuanxin API <small>v{}</small></h1>
<p>机器可读的描述：<a href="/api/openapi.json">/api/openapi.json</a>（OpenAPI {}）。登录：<code>POST /api/v1/session</code>，之后使用 <code>Authorization: Bearer &lt;token&gt;</code>；使用 Cookie 时，写操作需带 <code>X-CSRF-Token</code>。</p>
<p>Errors are <code>application/problem+json</code> with a stable <code>code</code>.</p>
<table class="grid"><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Responses</th></tr></thead><tbody>{body}</tbody></table>
</main></body></html>"#,
        escape(&doc.info.version),
        "3.1"
    ))
}
