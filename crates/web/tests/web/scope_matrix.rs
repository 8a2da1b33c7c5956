//! The scope matrix: every route of the router, and every operation of the
//! OpenAPI document, called by accounts outside district B (a sibling
//! district's admin, the admin of a union below district B that holds none
//! of B's records, and an anonymous caller) with identifiers of district
//! B's records in the path, the query and the body. No answer may show B's
//! data, a record outside scope must answer exactly like one that does
//! not exist, nothing may answer 5xx, and the database must be unchanged
//! afterwards. A route missing from the table fails the test.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;
use chrono::{Duration, Utc};
use nuanxin_domain::membership::ApplicationForm;
use nuanxin_domain::routing_rule::RuleForm;
use nuanxin_store::membership::{self, Applied};
use nuanxin_store::routing::Route;
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::{membership::events, membership::transfers, platform_keys, Actor, Query};
use reqwest::Method;
use serde_json::Value;

/// How a route is reached.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Names a record in its path or body: outsiders must get exactly
    /// the answer for a record that does not exist.
    Record,
    /// Lists or searches the caller's own scope, or serves everyone
    /// (probes, assets, login): only the leak check applies.
    Own,
    /// The worker's pages: whoever holds the unguessable token is meant to
    /// see them, account or not. Called with tokens that do not exist.
    Token,
}

struct Case {
    method: &'static str,
    path: &'static str,
    kind: Kind,
    /// JSON for `/api/`, `k=v&k=v` form fields for pages; placeholders as
    /// in the path.
    body: &'static str,
}

const fn rec(method: &'static str, path: &'static str, body: &'static str) -> Case {
    case(Kind::Record, method, path, body)
}

const fn tok(method: &'static str, path: &'static str, body: &'static str) -> Case {
    case(Kind::Token, method, path, body)
}

const fn own(method: &'static str, path: &'static str, body: &'static str) -> Case {
    case(Kind::Own, method, path, body)
}

const fn case(kind: Kind, method: &'static str, path: &'static str, body: &'static str) -> Case {
    Case {
        method,
        path,
        kind,
        body,
    }
}

/// Placeholders: `{org}` union B, `{fed}` district B, `{member}` an active
/// member of union B, `{pending}` an application to union B, `{member_no}`,
/// `{account}` district B's admin, `{rule}` district B's routing rule,
/// `{event}` union B's enrolment event, `{key}` its API key, `{transfer}`
/// a transfer out of union B, `{token}` union B's join token,
/// `{status_token}` and `{card_token}` the member's private links,
/// `{own_org}` the caller's own union.
const CASES: &[Case] = &[
    // Operations
    own("GET", "/healthz", ""),
    own("GET", "/readyz", ""),
    own("GET", "/metrics", ""),
    own("GET", "/api/openapi.json", ""),
    own("GET", "/api/docs", ""),
    own("GET", "/assets/app.css", ""),
    own("GET", "/assets/app.js", ""),
    own("GET", "/assets/worker.css", ""),
    own("GET", "/", ""),
    own("GET", "/lang/{lang}", ""),
    // Sessions
    own("GET", "/login", ""),
    own("GET", "/api/v1/session", ""),
    own(
        "POST",
        "/api/v1/session",
        r#"{"username":"nobody","password":"wrong"}"#,
    ),
    own(
        "POST",
        "/api/v1/session/password",
        r#"{"current_password":"wrong","new_password":"Taken-over-2026"}"#,
    ),
    own("GET", "/console/password", ""),
    own(
        "POST",
        "/console/password",
        "current_password=wrong&new_password=Taken-over-2026&confirm_password=Taken-over-2026",
    ),
    own("GET", "/console", ""),
    // Organisations
    own("GET", "/api/v1/orgs", ""),
    rec("GET", "/api/v1/orgs?parent_id={fed}", ""),
    rec(
        "POST",
        "/api/v1/orgs",
        r#"{"parent_id":{fed},"kind":"enterprise","name":"外来工会","region_code":"320104"}"#,
    ),
    rec("GET", "/api/v1/orgs/{org}", ""),
    rec("PATCH", "/api/v1/orgs/{org}", r#"{"name":"改名"}"#),
    rec("GET", "/api/v1/orgs/{fed}/children", ""),
    rec(
        "POST",
        "/api/v1/orgs/{org}/move",
        r#"{"parent_id":{own_fed}}"#,
    ),
    rec(
        "POST",
        "/api/v1/orgs/{own_org}/move",
        r#"{"parent_id":{fed}}"#,
    ),
    rec(
        "POST",
        "/api/v1/orgs/{org}/status",
        r#"{"status":"closed"}"#,
    ),
    rec("GET", "/api/v1/orgs/{org}/checklist", ""),
    rec(
        "PUT",
        "/api/v1/orgs/{org}/checklist/{step}",
        r#"{"done_on":"2026-01-01"}"#,
    ),
    own("GET", "/console/orgs", ""),
    rec("GET", "/console/orgs/{org}", ""),
    rec("GET", "/console/orgs/{fed}/tree", ""),
    rec(
        "POST",
        "/console/orgs/{fed}/children",
        "kind=enterprise&name=外来工会&region_code=320104",
    ),
    rec(
        "POST",
        "/console/orgs/{org}/edit",
        "name=改名&region_code=320104",
    ),
    rec("POST", "/console/orgs/{org}/move", "parent={own_fed}"),
    rec("POST", "/console/orgs/{own_org}/move", "parent={fed}"),
    rec("POST", "/console/orgs/{org}/status", "status=closed"),
    rec(
        "POST",
        "/console/orgs/{org}/checklist",
        "step=1&done_on=2026-01-01",
    ),
    // Accounts
    own("GET", "/api/v1/accounts", ""),
    rec("GET", "/api/v1/accounts?org_id={fed}", ""),
    rec(
        "POST",
        "/api/v1/accounts",
        r#"{"username":"intruder","display_name":"x","password":"Nuanxin-2026","role":"viewer","org_id":{fed}}"#,
    ),
    rec("GET", "/api/v1/accounts/{account}", ""),
    rec(
        "PATCH",
        "/api/v1/accounts/{account}",
        r#"{"display_name":"改名"}"#,
    ),
    rec("POST", "/api/v1/accounts/{account}/disable", ""),
    rec("POST", "/api/v1/accounts/{account}/enable", ""),
    rec(
        "POST",
        "/api/v1/accounts/{account}/password",
        r#"{"password":"Taken-over-2026"}"#,
    ),
    own("GET", "/console/accounts", ""),
    rec(
        "POST",
        "/console/accounts",
        "username=intruder&display_name=x&password=Nuanxin-2026&role=viewer&org={fed}",
    ),
    rec("GET", "/console/accounts/{account}", ""),
    rec(
        "POST",
        "/console/accounts/{account}/edit",
        "display_name=改名&role=viewer&org={own_org}",
    ),
    rec(
        "POST",
        "/console/accounts/{account}/password",
        "password=Taken-over-2026",
    ),
    rec("POST", "/console/accounts/{account}/disable", ""),
    rec("POST", "/console/accounts/{account}/enable", ""),
    // Audit
    own("GET", "/api/v1/audit", ""),
    own("GET", "/api/v1/audit/export.xlsx", ""),
    own("GET", "/console/audit", ""),
    own("GET", "/console/audit/export.xlsx", ""),
    // Members
    own("GET", "/api/v1/members", ""),
    rec("GET", "/api/v1/members?org_id={org}", ""),
    rec("GET", "/api/v1/members?q={member_no}", ""),
    rec("GET", "/api/v1/members/{member}", ""),
    rec("GET", "/api/v1/members/{member}/history", ""),
    rec("POST", "/api/v1/members/{pending}/approve", ""),
    rec(
        "POST",
        "/api/v1/members/{pending}/reject",
        r#"{"reason":"不符合"}"#,
    ),
    rec(
        "POST",
        "/api/v1/members/{member}/leave",
        r#"{"reason":"退会"}"#,
    ),
    rec(
        "POST",
        "/api/v1/members/{pending}/reroute",
        r#"{"org_id":{own_org},"reason":"改派"}"#,
    ),
    rec("POST", "/api/v1/members/{member}/reveal", ""),
    own("GET", "/api/v1/review-queue", ""),
    rec("GET", "/api/v1/review-queue?org_id={org}", ""),
    rec(
        "POST",
        "/api/v1/members/decide",
        r#"{"ids":[{pending}],"decision":"approve"}"#,
    ),
    rec(
        "PATCH",
        "/api/v1/members/{member}",
        r#"{"name":"改名字","reason":"更正"}"#,
    ),
    rec("GET", "/api/v1/members/{member}/requests", ""),
    own("GET", "/api/v1/member-requests", ""),
    rec(
        "POST",
        "/api/v1/member-requests/{request}/decide",
        r#"{"done":true}"#,
    ),
    rec("GET", "/api/v1/orgs/{org}/contact", ""),
    rec(
        "PUT",
        "/api/v1/orgs/{org}/contact",
        r#"{"phone":"025-12345678","address":"外来"}"#,
    ),
    rec("GET", "/api/v1/orgs/{org}/join-link", ""),
    rec("GET", "/api/v1/orgs/{org}/membership-settings", ""),
    rec(
        "PUT",
        "/api/v1/orgs/{org}/membership-settings",
        r#"{"auto_approve":true,"review_days":3}"#,
    ),
    own("GET", "/console/members", ""),
    rec("GET", "/console/members?q={member_no}", ""),
    own("GET", "/console/members/export.xlsx", ""),
    rec("POST", "/console/members/{member}/reveal", ""),
    rec(
        "POST",
        "/console/queue/decide",
        "decision=approve&id={pending}",
    ),
    rec("GET", "/console/members/{member}", ""),
    rec("POST", "/console/members/{member}/leave", "reason=退会"),
    rec(
        "POST",
        "/console/members/{member}/transfer",
        "to_org_id={own_org}",
    ),
    rec(
        "POST",
        "/console/members/{member}/correct",
        "name=改名字&reason=更正",
    ),
    rec(
        "POST",
        "/console/members/{member}/requests/{request}",
        "decision=done",
    ),
    rec(
        "POST",
        "/console/orgs/{org}/contact",
        "contact_phone=025-12345678",
    ),
    rec("GET", "/console/orgs/{org}/members", ""),
    rec(
        "POST",
        "/console/orgs/{org}/members/decide",
        "decision=approve&ids={pending}",
    ),
    rec(
        "POST",
        "/console/orgs/{org}/members/settings",
        "auto_approve=on&review_days=3",
    ),
    rec(
        "POST",
        "/console/orgs/{org}/transfers/{transfer}",
        "decision=accept",
    ),
    rec("GET", "/console/orgs/{org}/join", ""),
    rec("GET", "/console/orgs/{org}/join-qr.svg", ""),
    rec("GET", "/console/orgs/{org}/join-qr.png", ""),
    rec("POST", "/console/orgs/{org}/join/renew", ""),
    // Transfers
    own("GET", "/api/v1/transfers", ""),
    rec(
        "POST",
        "/api/v1/transfers",
        r#"{"member_no":"{member_no}","to_org_id":{own_org}}"#,
    ),
    rec("POST", "/api/v1/transfers/{transfer}/accept", ""),
    rec(
        "POST",
        "/api/v1/transfers/{transfer}/refuse",
        r#"{"reason":"不接收"}"#,
    ),
    // Enrolment events
    rec("GET", "/console/orgs/{org}/events/new", ""),
    rec(
        "POST",
        "/console/orgs/{org}/events",
        "name=外来活动&ends_at=2099-01-01T10:00&per_minute=10",
    ),
    rec("GET", "/console/orgs/{org}/events/{event}", ""),
    rec("GET", "/console/orgs/{org}/events/{event}/qr.svg", ""),
    rec("GET", "/console/orgs/{org}/events/{event}/qr.png", ""),
    rec("POST", "/console/orgs/{org}/events/{event}/close", ""),
    // Routing rules
    rec("GET", "/api/v1/orgs/{fed}/routing-rules", ""),
    rec(
        "POST",
        "/api/v1/orgs/{fed}/routing-rules",
        r#"{"employer":"某","occupation":"","region_code":"","reason":"x","target_org_id":{org}}"#,
    ),
    rec(
        "POST",
        "/api/v1/orgs/{own_fed}/routing-rules",
        r#"{"employer":"某","occupation":"","region_code":"","reason":"x","target_org_id":{org}}"#,
    ),
    rec(
        "POST",
        "/api/v1/orgs/{fed}/routing-trial",
        r#"{"occupation":"courier","employer":"","work_region":"320104"}"#,
    ),
    rec("DELETE", "/api/v1/routing-rules/{rule}", ""),
    rec(
        "POST",
        "/api/v1/routing-rules/{rule}/move",
        r#"{"direction":"up"}"#,
    ),
    rec("GET", "/console/orgs/{fed}/routing", ""),
    rec(
        "POST",
        "/console/orgs/{fed}/routing",
        "employer=某&reason=x&target={org}",
    ),
    rec(
        "POST",
        "/console/orgs/{fed}/routing/{rule}/move",
        "direction=up",
    ),
    rec("POST", "/console/orgs/{fed}/routing/{rule}/delete", ""),
    // Rosters and platform keys
    rec("GET", "/console/orgs/{org}/roster", ""),
    rec("POST", "/console/orgs/{org}/roster", "mode=check"),
    own("GET", "/console/roster-template.xlsx", ""),
    rec("GET", "/console/roster/{job}", ""),
    rec("GET", "/console/roster/{job}/report.xlsx", ""),
    rec("GET", "/console/orgs/{org}/api-keys", ""),
    rec("POST", "/console/orgs/{org}/api-keys", "name=外来密钥"),
    rec("POST", "/console/orgs/{org}/api-keys/{key}/revoke", ""),
    own(
        "POST",
        "/api/v1/platform/roster",
        r#"{"consent":true,"members":[]}"#,
    ),
    // The worker's pages: reached by unguessable tokens, by design without
    // an account; an unknown token must answer like any other.
    tok("GET", "/join/{token}", ""),
    tok("POST", "/join/{token}", "name=x"),
    tok("GET", "/me/{status_token}", ""),
    tok("POST", "/me/{status_token}", "to_org_id={own_org}"),
    tok("GET", "/verify/{card_token}", ""),
    own("GET", "/card", ""),
    own("POST", "/card", "name=秦淮某&id_number=x&phone=x"),
    tok("POST", "/me/{status_token}/requests", "kind=leave"),
    // Last: these end the caller's session (a login attempt starts afresh).
    own("POST", "/login", "username=nobody&password=wrong"),
    own("POST", "/logout", ""),
    own("DELETE", "/api/v1/session", ""),
];

/// The cases that end the caller's session, run after every other.
fn ends_session(c: &Case) -> bool {
    matches!(
        (c.method, c.path),
        ("POST", "/login") | ("POST", "/logout") | ("DELETE", "/api/v1/session")
    )
}

/// `(METHOD, path)` of every `.route(…)` in the web crate's source: the
/// router has no public list of its routes, and reading the source means
/// a new route cannot be added without the table hearing of it.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices(".route(") {
                let rest = &text[at + ".route(".len()..];
                let start = rest.find('"').unwrap() + 1;
                let route = &rest[start..start + rest[start..].find('"').unwrap()];
                // The methods: everything up to the `.route(` call's own
                // closing parenthesis.
                let mut depth = 1;
                let mut end = 0;
                for (i, c) in rest.char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                let call = &rest[..end];
                for m in ["get", "post", "put", "patch", "delete"] {
                    let calls = call.match_indices(&format!("{m}(")).any(|(i, _)| {
                        i == 0
                            || !call.as_bytes()[i - 1].is_ascii_alphanumeric()
                                && call.as_bytes()[i - 1] != b'_'
                    });
                    if calls {
                        found.insert((m.to_uppercase(), route.to_string()));
                    }
                }
            }
        }
    }
    found
}

struct World {
    ids: BTreeMap<&'static str, String>,
    /// Texts that only B's records contain (union B2's own name is its
    /// admin's to see).
    markers: Vec<String>,
}

async fn world(app: &TestApp) -> World {
    let sys = Actor::system();
    let union_b2 = org(
        &app.db,
        Some(app.district_b.id),
        "enterprise",
        "秦淮快递二工会",
        "320104",
    )
    .await;
    account(&app.db, "b2_admin", "union_admin", union_b2.id).await;
    // Receives the transfer below: neither caller is on either side of it.
    let union_b3 = org(
        &app.db,
        Some(app.district_b.id),
        "enterprise",
        "秦淮物流工会",
        "320104",
    )
    .await;
    let sealer = Sealer::from_key(&[7u8; 64]);
    let apply = |name: &'static str, date: &'static str, phone: &'static str| {
        let app_db = app.db.clone();
        let (org_id, org_name) = (app.union_b.id, app.union_b.name.clone());
        let sealer = &sealer;
        async move {
            let mut id = format!("320104{date}919").into_bytes();
            id.push(nuanxin_domain::ids::id_check_char(&id));
            let form = ApplicationForm {
                name: name.into(),
                id_number: String::from_utf8(id).unwrap(),
                phone: phone.into(),
                occupation: "courier".into(),
                employer: String::new(),
                work_region: "320104".into(),
                consent: true,
            }
            .check(
                &nuanxin_domain::region::Regions::shipped(),
                chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            )
            .unwrap();
            let route = Route {
                org_id,
                org_name,
                rule: "scanned_union".into(),
                args: Default::default(),
            };
            match membership::apply(&app_db, sealer, &route, &form)
                .await
                .unwrap()
            {
                Applied::Created { member_id, .. } => member_id,
                other => panic!("{other:?}"),
            }
        }
    };
    let member = apply("秦淮甲", "19880808", "13955550001").await;
    let pending = apply("秦淮乙", "19890909", "13955550002").await;
    let active = membership::approve(&app.db, &sys, member).await.unwrap();
    let member_no = active.member_no.unwrap();
    let second = apply("秦淮丙", "19870707", "13955550003").await;
    let moving = membership::approve(&app.db, &sys, second).await.unwrap();
    let transfer = transfers::request(
        &app.db,
        Some(&sys),
        moving.member_no.as_deref().unwrap(),
        union_b3.id,
    )
    .await
    .unwrap();
    let rule = nuanxin_store::routing::rules::create(
        &app.db,
        &sys,
        &nuanxin_domain::region::Regions::shipped(),
        app.district_b.id,
        &RuleForm {
            employer: "秦淮专送".into(),
            occupation: String::new(),
            region_code: String::new(),
            reason: "秦淮专送骑手".into(),
        },
        app.union_b.id,
    )
    .await
    .unwrap();
    let event = events::create(
        &app.db,
        &sys,
        app.union_b.id,
        &events::NewEvent {
            name: "秦淮集中入会".into(),
            starts_at: None,
            place: None,
            ends_at: Utc::now() + Duration::hours(2),
            per_minute: 10,
        },
    )
    .await
    .unwrap();
    let (key, _) = platform_keys::create(&app.db, &sys, app.union_b.id, "秦淮平台")
        .await
        .unwrap();
    let token = nuanxin_store::membership::join_links::link_for_org(&app.db, &sys, app.union_b.id)
        .await
        .unwrap();
    let card = membership::get(&app.db, &sys.scope, member).await.unwrap();
    let (status_token, card_token): (String, String) = app
        .db
        .fetch_optional(
            &Query::new("SELECT status_token, card_token FROM members WHERE id = $1").bind(card.id),
        )
        .await
        .unwrap()
        .unwrap();
    let request = membership::worker::file_request(
        &app.db,
        &sealer,
        &status_token,
        &nuanxin_domain::membership::request::Request {
            kind: nuanxin_domain::membership::request::RequestKind::Correct,
            detail: "秦淮更正".into(),
            phone: None,
        },
    )
    .await
    .unwrap();
    let b_admin = nuanxin_store::accounts::find_by_username(&app.db, "b_admin")
        .await
        .unwrap();
    let ids = BTreeMap::from([
        ("org", app.union_b.id.to_string()),
        ("fed", app.district_b.id.to_string()),
        ("member", member.to_string()),
        ("pending", pending.to_string()),
        ("member_no", member_no.clone()),
        ("account", b_admin.id.to_string()),
        ("rule", rule.id.to_string()),
        ("event", event.id.to_string()),
        ("key", key.id.to_string()),
        ("transfer", transfer.id.to_string()),
        ("request", request.id.to_string()),
        ("token", token),
        ("status_token", status_token),
        ("card_token", card_token),
        ("step", "1".into()),
        ("job", "0123456789abcdef0123456789abcdef".into()),
        ("lang", "en".into()),
    ]);
    World {
        ids,
        markers: vec![
            app.district_b.name.clone(),
            app.union_b.name.clone(),
            union_b3.name.clone(),
            "秦淮甲".into(),
            "秦淮乙".into(),
            "秦淮丙".into(),
            member_no,
            "秦淮专送".into(),
            "秦淮集中入会".into(),
            "秦淮更正".into(),
            "秦淮平台".into(),
            "13955550001".into(),
            "139****0001".into(),
        ],
    }
}

/// What a record that does not exist is called by.
fn missing(name: &str) -> String {
    match name {
        "token" | "status_token" | "card_token" | "job" => {
            "0000000000000000000000000000000000000000".into()
        }
        "member_no" => "32010426000001X".into(),
        "step" | "lang" => unreachable!(),
        _ => "999999".into(),
    }
}

struct Caller {
    name: &'static str,
    token: String,
    console: reqwest::Client,
    csrf: String,
    own_org: i64,
    own_fed: i64,
}

async fn caller(
    app: &TestApp,
    name: &'static str,
    username: Option<&str>,
    own_org: i64,
    own_fed: i64,
) -> Caller {
    match username {
        Some(u) => {
            let (console, _) = app.console(u, PW).await;
            let page = app.page(&console, "/console/accounts").await;
            Caller {
                name,
                token: app.token(u).await,
                csrf: field_value(&page, "_csrf"),
                console,
                own_org,
                own_fed,
            }
        }
        None => Caller {
            name,
            token: String::new(),
            console: client(),
            csrf: String::new(),
            own_org,
            own_fed,
        },
    }
}

fn fill(text: &str, ids: &BTreeMap<&'static str, String>, who: &Caller, absent: bool) -> String {
    let mut out = text
        .replace("{own_org}", &who.own_org.to_string())
        .replace("{own_fed}", &who.own_fed.to_string());
    for (name, value) in ids {
        let slot = format!("{{{name}}}");
        if out.contains(&slot) {
            let v = if absent && !matches!(*name, "step" | "lang") {
                missing(name)
            } else {
                value.clone()
            };
            out = out.replace(&slot, &v);
        }
    }
    out
}

async fn call(app: &TestApp, who: &Caller, case: &Case, path: &str, body: &str) -> (u16, String) {
    let method = Method::from_bytes(case.method.as_bytes()).unwrap();
    let url = app.url(path);
    let r = if path.starts_with("/api/") {
        let mut req = client().request(method, &url);
        if !who.token.is_empty() {
            req = req.bearer_auth(&who.token);
        }
        if !body.is_empty() {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        req.send().await.unwrap()
    } else {
        let mut req = who.console.request(method.clone(), &url);
        if method == Method::POST {
            let mut fields: Vec<(String, String)> = body
                .split('&')
                .filter(|kv| !kv.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (k.to_string(), v.to_string())
                })
                .collect();
            fields.push(("_csrf".into(), who.csrf.clone()));
            req = req.form(&fields);
        }
        req.send().await.unwrap()
    };
    let status = r.status().as_u16();
    let bytes = r.bytes().await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Everything the accounts outside B could change, as text.
async fn fingerprint(app: &TestApp) -> Vec<String> {
    let queries = [
        "SELECT CAST(id AS TEXT) || '|' || name || '|' || status || '|' || path || '|' || COALESCE(contact_phone, '') || '|' || COALESCE(contact_address, '') FROM orgs ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || status FROM member_requests ORDER BY id",
        "SELECT CAST(org_id AS TEXT) || '|' || step || '|' || COALESCE(CAST(done_on AS TEXT), '') FROM org_founding_steps ORDER BY org_id, step",
        "SELECT CAST(id AS TEXT) || '|' || username || '|' || display_name || '|' || role || '|' || CAST(org_id AS TEXT) || '|' || CAST(disabled AS TEXT) || '|' || password_hash FROM accounts ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || CAST(org_id AS TEXT) || '|' || status || '|' || name || '|' || phone_masked || '|' || id_number_masked FROM members ORDER BY id",
        "SELECT CAST(COUNT(*) AS TEXT) FROM member_events",
        "SELECT token || '|' || COALESCE(CAST(revoked_at AS TEXT), '') FROM join_links ORDER BY token",
        "SELECT CAST(org_id AS TEXT) || '|' || CAST(auto_approve AS TEXT) || '|' || CAST(review_days AS TEXT) FROM union_settings ORDER BY org_id",
        "SELECT CAST(id AS TEXT) || '|' || status FROM transfers ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || COALESCE(CAST(closed_at AS TEXT), '') FROM enrolment_events ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || COALESCE(CAST(revoked_at AS TEXT), '') FROM api_keys ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || CAST(position AS TEXT) || '|' || CAST(target_org_id AS TEXT) FROM routing_rules ORDER BY id",
    ];
    let mut rows = Vec::new();
    for q in queries {
        let got: Vec<(String,)> = app.db.fetch_all(&Query::new(q)).await.unwrap();
        rows.push(format!(
            "{q}\n{}",
            got.into_iter().map(|(r,)| r).collect::<Vec<_>>().join("\n")
        ));
    }
    rows
}

#[tokio::test]
async fn the_table_lists_every_route_and_every_documented_operation() {
    let listed: BTreeSet<(String, String)> = CASES
        .iter()
        .map(|c| {
            (
                c.method.to_string(),
                c.path.split('?').next().unwrap().to_string(),
            )
        })
        .map(|(m, p)| (m, normalise(&p)))
        .collect();
    let routed: BTreeSet<(String, String)> = routes_in_source()
        .into_iter()
        .map(|(m, p)| (m, normalise(&p)))
        .collect();
    let unlisted: Vec<_> = routed.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "routes missing from the scope matrix: {unlisted:?}"
    );
    let stale: Vec<_> = listed.difference(&routed).collect();
    assert!(
        stale.is_empty(),
        "listed routes the router does not have: {stale:?}"
    );
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let doc: Value = client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let op = (method.to_uppercase(), normalise(path));
            if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&op.0.as_str()) {
                assert!(
                    listed.contains(&op),
                    "documented operation missing from the scope matrix: {op:?}"
                );
            }
        }
    }
}

/// `{id}`, `{org}`, … all read as `{}`.
fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

#[tokio::test]
async fn no_route_shows_or_changes_another_districts_records() {
    for app in apps().await {
        let w = world(&app).await;
        let b2 = nuanxin_store::accounts::find_by_username(&app.db, "b2_admin")
            .await
            .unwrap();
        let callers = [
            caller(
                &app,
                "sibling district admin",
                Some("a_admin"),
                app.union_a.id,
                app.district_a.id,
            )
            .await,
            caller(
                &app,
                "admin of a union below district B",
                Some("b2_admin"),
                b2.org_id,
                b2.org_id,
            )
            .await,
            caller(&app, "anonymous", None, app.union_a.id, app.district_a.id).await,
        ];
        let before = fingerprint(&app).await;
        let mut checked_sessions = false;
        for case in CASES {
            if ends_session(case) && !checked_sessions {
                checked_sessions = true;
                // Every session lived through the cases before: none of
                // them was tried with a session that had already ended.
                for who in callers.iter().filter(|c| !c.token.is_empty()) {
                    let api = app.get(&who.token, "/api/v1/session").await.0;
                    let page = who
                        .console
                        .get(app.url("/console/accounts"))
                        .send()
                        .await
                        .unwrap()
                        .status();
                    assert_eq!(
                        (api, page.as_u16()),
                        (200, 200),
                        "{}: {}'s sessions ended early",
                        app.backend,
                        who.name
                    );
                }
            }
            for who in &callers {
                let token = case.kind == Kind::Token;
                let path = fill(case.path, &w.ids, who, token);
                let body = fill(case.body, &w.ids, who, token);
                let (status, text) = call(&app, who, case, &path, &body).await;
                let what = format!(
                    "{}: {} {} {path} as {}",
                    app.backend, case.method, case.path, who.name
                );
                assert!(
                    status < 500,
                    "{what} answered {status}: {}",
                    &text[..text.len().min(300)]
                );
                // A page may repeat what the caller typed (a search box).
                for m in w
                    .markers
                    .iter()
                    .filter(|m| !path.contains(m.as_str()) && !body.contains(m.as_str()))
                {
                    assert!(!text.contains(m.as_str()), "{what} shows {m:?}");
                }
                if case.kind == Kind::Record {
                    let absent_path = fill(case.path, &w.ids, who, true);
                    let absent_body = fill(case.body, &w.ids, who, true);
                    let (absent_status, absent_text) =
                        call(&app, who, case, &absent_path, &absent_body).await;
                    assert_eq!(
                        status, absent_status,
                        "{what}: not answered like a record that does not exist"
                    );
                    if path.starts_with("/api/") {
                        let same = |t: &str| {
                            let mut t = t.to_string();
                            for (name, v) in &w.ids {
                                if !matches!(*name, "step" | "lang") {
                                    t = t.replace(v.as_str(), "·").replace(&missing(name), "·");
                                }
                            }
                            t
                        };
                        assert_eq!(
                            same(&text),
                            same(&absent_text),
                            "{what}: answered unlike a missing record"
                        );
                    }
                }
            }
        }
        assert_eq!(
            before,
            fingerprint(&app).await,
            "{}: a caller outside district B changed something",
            app.backend
        );
        // The identifiers are real: district B's own admin reads each of them.
        let own = caller(
            &app,
            "district B admin",
            Some("b_admin"),
            app.union_b.id,
            app.district_b.id,
        )
        .await;
        for case in CASES
            .iter()
            .filter(|c| c.kind == Kind::Record && c.method == "GET")
        {
            if ["{job}", "{token}", "{status_token}", "{card_token}"]
                .iter()
                .any(|t| case.path.contains(t))
            {
                continue;
            }
            let path = fill(case.path, &w.ids, &own, false);
            let (status, _) = call(&app, &own, case, &path, "").await;
            assert_eq!(status, 200, "{}: {path} as district B's admin", app.backend);
        }
    }
}
