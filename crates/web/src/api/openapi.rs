//! The OpenAPI 3.1 description of `/api/v1` and a docs page rendered from it.

use std::sync::OnceLock;

use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::i18n::Tr;
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Nuanxin API", description = "暖新：新就业形态工会服务平台 API. Errors are `application/problem+json` with a stable `code`, `message_zh` and `message_en`, and `errors` per field."),
    paths(
        crate::session::api::login, crate::session::api::logout, crate::session::api::me, crate::session::api::change_password,
        crate::orgs::api::list, crate::orgs::api::show, crate::orgs::api::children, crate::orgs::api::create, crate::orgs::api::update,
        crate::orgs::api::move_org, crate::orgs::api::set_status, crate::orgs::api::checklist, crate::orgs::api::set_step,
        crate::accounts::api::list, crate::accounts::api::show, crate::accounts::api::create, crate::accounts::api::update,
        crate::accounts::api::disable, crate::accounts::api::enable, crate::accounts::api::set_password,
        crate::audit::api::list, crate::audit::api::export,
        crate::membership::api::members::list, crate::membership::api::members::show, crate::membership::api::members::approve, crate::membership::api::members::reject,
        crate::membership::api::members::leave, crate::membership::api::members::reroute, crate::membership::api::members::reveal, crate::membership::api::members::history, crate::membership::api::members::join_link,
        crate::membership::api::members::get_settings, crate::membership::api::members::put_settings,
        crate::membership::api::review::queue, crate::membership::api::review::decide, crate::membership::api::review::correct, crate::membership::api::review::member_requests,
        crate::membership::api::review::open_requests, crate::membership::api::review::decide_request,
        crate::orgs::api::get_contact, crate::orgs::api::put_contact,
        crate::membership::api::transfers::list, crate::membership::api::transfers::request, crate::membership::api::transfers::accept, crate::membership::api::transfers::refuse,
        crate::platform_keys::api::push,
        crate::routing::api::list, crate::routing::api::create, crate::routing::api::remove,
        crate::routing::api::move_rule, crate::routing::api::trial,
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
            get(|| async { Json(document().clone()) }),
        )
        .route("/api/docs", get(docs))
}

/// The document as served: what the annotations say, completed by rules
/// that hold for every operation, so that a new one cannot make the
/// document invalid or leave out what every operation may answer.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        complete(serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises"))
    })
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn complete(mut doc: Value) -> Value {
    doc["components"]["securitySchemes"] = json!({
        "session": {
            "type": "http", "scheme": "bearer",
            "description": "The token that POST /api/v1/session answers with."
        },
        "cookie": {
            "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE,
            "description": "The console's session cookie. Writes made with it also need the session's CSRF token in the X-CSRF-Token header."
        },
        "platform_key": {
            "type": "http", "scheme": "bearer",
            "description": "A union's API key (nxk_…), created in the console, for the roster push only."
        },
    });
    doc["security"] = json!([{ "session": [] }, { "cookie": [] }]);
    let problem = json!({
        "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } }
    });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let names: Vec<&str> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            // Unique by construction: `get_orgs_by_id_children`. Function
            // names (`list`, `show`) repeat across modules.
            op.insert("operationId".into(), json!(operation_id(method, path)));
            let params = op.entry("parameters").or_insert_with(|| json!([]));
            for name in &names {
                let declared = params
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["in"] == "path" && p["name"] == *name);
                if !declared {
                    let schema = if *name == "step" {
                        json!({ "type": "string" })
                    } else {
                        json!({ "type": "integer", "format": "int64" })
                    };
                    params
                        .as_array_mut()
                        .expect("parameters is a list")
                        .push(json!({
                            "name": name, "in": "path", "required": true, "schema": schema,
                        }));
                }
            }
            let public = method == "post" && path == "/api/v1/session";
            if public {
                op.insert("security".into(), json!([]));
            } else if path == "/api/v1/platform/roster" {
                op.insert("security".into(), json!([{ "platform_key": [] }]));
            }
            let responses = op.entry("responses").or_insert_with(|| json!({}));
            let responses = responses.as_object_mut().expect("responses is a map");
            for (code, r) in responses.iter_mut() {
                if code.as_str() >= "400" {
                    r["content"] = problem.clone();
                }
            }
            let mut common = vec![
                (
                    "400",
                    "The request cannot be read: malformed JSON, query or path",
                ),
                (
                    "403",
                    "Not allowed: the role lacks the permission, or the CSRF token is missing",
                ),
                ("422", "Invalid input: `errors` names each field"),
                ("429", "Too many requests: wait and try again"),
            ];
            if !public {
                common.push(("401", "Not logged in, or the session has ended"));
            }
            if !names.is_empty() {
                common.push(("404", "No such record in the caller's scope"));
            }
            for (code, description) in common {
                responses.entry(code).or_insert_with(
                    || json!({ "description": description, "content": problem.clone() }),
                );
            }
            responses.entry("default").or_insert_with(
                || json!({ "description": "Any other error, as a problem", "content": problem.clone() }),
            );
        }
    }
    doc
}

fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for seg in path
        .trim_start_matches("/api/v1")
        .split('/')
        .filter(|s| !s.is_empty())
    {
        id.push('_');
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                id.push_str("by_");
                id.push_str(name);
            }
            None => id.extend(
                seg.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
            ),
        }
    }
    id
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plain, self-contained page: no CDN, so it works on an offline server.
async fn docs(t: Tr) -> Html<String> {
    let doc = document();
    let mut body = String::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let summary = op["summary"]
                .as_str()
                .or(op["description"].as_str())
                .unwrap_or_default();
            let codes: Vec<&str> = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(c, _)| c.as_str())
                .collect();
            body.push_str(&format!(
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                method.to_uppercase(),
                escape(path),
                escape(summary),
                escape(&codes.join(", "))
            ));
        }
    }
    Html(format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Nuanxin API</title>
<link rel="stylesheet" href="/assets/app.css"></head><body class="docs"><main class="content">
<p><a href="/console">{back}</a> · <a href="/lang/{other_code}?back=/api/docs">{other}</a></p>
<h1>Nuanxin API <small>v{version}</small></h1>
<p>{intro}</p>
<table class="grid"><thead><tr><th>{method}</th><th>{path}</th><th>{summary}</th><th>{responses}</th></tr></thead><tbody>{body}</tbody></table>
</main></body></html>"#,
        lang = if t.en() { "en" } else { "zh-CN" },
        back = t.s("apidocs-back"),
        other_code = if t.en() { "zh" } else { "en" },
        other = t.s("nav-other_lang"),
        version = escape(doc["info"]["version"].as_str().unwrap_or_default()),
        intro = t.s("apidocs-intro"),
        method = t.s("apidocs-method"),
        path = t.s("apidocs-path"),
        summary = t.s("apidocs-summary"),
        responses = t.s("apidocs-responses"),
    ))
}
