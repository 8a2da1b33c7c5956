use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn login_me_and_logout() {
    for app in apps().await {
        let c = client();
        let r = c
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": "A_Admin", "password": PW}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", app.backend);
        let cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let body: Value = r.json().await.unwrap();
        let token = body["token"].as_str().unwrap();
        assert_eq!(body["org_id"], app.district_a.id);
        let (s, me) = app.get(token, "/api/v1/session").await;
        assert_eq!((s, me["username"].as_str()), (200, Some("a_admin")));
        let r = client()
            .delete(app.url("/api/v1/session"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(
            app.get(token, "/api/v1/session").await.0,
            401,
            "{}: the server forgot the session",
            app.backend
        );
    }
}

#[tokio::test]
async fn wrong_passwords_lock_the_name_with_the_same_answer_for_unknown_users() {
    for app in apps().await {
        for name in ["a_admin", "ghost"] {
            for _ in 0..4 {
                let r = client()
                    .post(app.url("/api/v1/session"))
                    .json(&json!({"username": name, "password": "nope"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 401);
                let p: Value = r.json().await.unwrap();
                assert_eq!(p["code"], "bad_credentials");
            }
            let r = client()
                .post(app.url("/api/v1/session"))
                .json(&json!({"username": name, "password": "nope"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 429, "{} {name}", app.backend);
            assert_eq!(r.json::<Value>().await.unwrap()["code"], "locked");
        }
        let r = client()
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": "a_admin", "password": PW}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429, "locked even with the right password");
    }
}

/// Every read endpoint, for the district-A admin: own subtree, sibling,
/// parent, child and anonymous.
#[tokio::test]
async fn scope_matrix_on_every_read_endpoint() {
    for app in apps().await {
        let a = app.token("a_admin").await;
        let cases: Vec<(String, u16)> = vec![
            (format!("/api/v1/orgs/{}", app.district_a.id), 200),
            (format!("/api/v1/orgs/{}", app.union_a.id), 200),
            (format!("/api/v1/orgs/{}", app.district_b.id), 404),
            (format!("/api/v1/orgs/{}", app.union_b.id), 404),
            (format!("/api/v1/orgs/{}", app.city.id), 404),
            (format!("/api/v1/orgs/{}/children", app.district_a.id), 200),
            (format!("/api/v1/orgs/{}/children", app.district_b.id), 404),
            (format!("/api/v1/orgs/{}/children", app.city.id), 404),
            (format!("/api/v1/orgs/{}/checklist", app.union_a.id), 200),
            (format!("/api/v1/orgs/{}/checklist", app.union_b.id), 404),
        ];
        for (path, expected) in &cases {
            assert_eq!(
                app.get(&a, path).await.0,
                *expected,
                "{} {path}",
                app.backend
            );
            assert_eq!(
                app.get("", path).await.0,
                401,
                "{} anonymous {path}",
                app.backend
            );
        }
        let (_, list) = app.get(&a, "/api/v1/orgs?limit=100").await;
        let ids: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_i64().unwrap())
            .collect();
        assert_eq!(
            ids,
            vec![app.district_a.id, app.union_a.id],
            "{}",
            app.backend
        );
        let (_, found) = app.get(&a, "/api/v1/orgs?q=%E7%A7%A6%E6%B7%AE").await; // 秦淮
        assert_eq!(found["total"], 0);
        let (_, accounts) = app.get(&a, "/api/v1/accounts").await;
        let names: Vec<&str> = accounts["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["a_admin", "a_viewer"], "{}", app.backend);
        let (_, audit) = app.get(&a, "/api/v1/audit?limit=500").await;
        for row in audit["items"].as_array().unwrap() {
            let org_b = (row["entity"] == "org")
                && row["entity_id"].as_str() == Some(&app.union_b.id.to_string());
            assert!(!org_b, "{}: audit leaks district B", app.backend);
        }
        let v = app.token("a_viewer").await;
        assert_eq!(app.get(&v, "/api/v1/audit").await.0, 403);
        assert_eq!(app.get(&v, "/api/v1/accounts").await.0, 403);
        assert_eq!(app.get("", "/api/v1/audit").await.0, 401);
    }
}

#[tokio::test]
async fn bad_input_gets_problem_responses_and_writes_nothing() {
    for app in apps().await {
        let a = app.token("a_admin").await;
        let before = app.get(&a, "/api/v1/orgs").await.1["total"]
            .as_i64()
            .unwrap();
        let c = client();
        let r = c
            .post(app.url("/api/v1/orgs"))
            .bearer_auth(&a)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "malformed_json");
        let r = c
            .post(app.url("/api/v1/orgs"))
            .bearer_auth(&a)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415);
        let (s, p) = app
            .send(Method::POST, &a, "/api/v1/orgs", json!({"name": "x"}))
            .await;
        assert_eq!((s, p["code"].as_str()), (422, Some("invalid_body")));
        let (s, p) = app
            .send(Method::POST, &a, "/api/v1/orgs", json!({"parent_id": app.district_a.id, "kind": "enterprise", "name": "", "region_code": "999999", "uscc": "914403001922038217"}))
            .await;
        assert_eq!(s, 422, "{}", app.backend);
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, vec!["name", "region_code", "uscc"]);
        assert!(p["errors"][2]["message_zh"]
            .as_str()
            .unwrap()
            .contains("校验位"));
        let (s, p) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/orgs/{}/move", app.district_a.id),
                json!({"parent_id": app.union_a.id}),
            )
            .await;
        assert_eq!(
            (s, p["code"].as_str()),
            (422, Some("validation")),
            "moving one's own root"
        );
        assert_eq!(app.get(&a, "/api/v1/orgs/abc").await.0, 400);
        assert_eq!(app.get(&a, "/api/v1/orgs?limit=x").await.0, 400);
        assert_eq!(app.get(&a, "/api/v1/nowhere").await.0, 404);
        assert_eq!(
            app.get(&a, "/api/v1/orgs").await.1["total"]
                .as_i64()
                .unwrap(),
            before,
            "{}: nothing written",
            app.backend
        );
    }
}

#[tokio::test]
async fn creating_moving_and_auditing_through_the_api() {
    for app in apps().await {
        let city = app.token("city").await;
        let (s, created) = app
            .send(Method::POST, &city, "/api/v1/orgs", json!({"parent_id": app.district_a.id, "kind": "street", "name": "梅园新村街道总工会", "region_code": "320102"}))
            .await;
        assert_eq!(s, 201, "{}: {created}", app.backend);
        let street = created["org"]["id"].as_i64().unwrap();
        assert_eq!(created["org"]["status"], "founded");
        let (s, moved) = app
            .send(
                Method::POST,
                &city,
                &format!("/api/v1/orgs/{}/move", app.union_a.id),
                json!({"parent_id": street}),
            )
            .await;
        assert_eq!(s, 200, "{moved}");
        assert_eq!(moved["depth"], 3);
        let (s, p) = app
            .send(
                Method::POST,
                &city,
                &format!("/api/v1/orgs/{}/move", app.district_a.id),
                json!({"parent_id": app.union_a.id}),
            )
            .await;
        assert_eq!(
            (s, p["errors"][0]["code"].as_str()),
            (422, Some("org.move_cycle"))
        );
        let (s, _) = app
            .send(
                Method::PUT,
                &city,
                &format!("/api/v1/orgs/{}/checklist/plan", app.union_a.id),
                json!({"done_on": "2026-01-05"}),
            )
            .await;
        assert_eq!(s, 204);
        let (s, p) = app
            .send(
                Method::PUT,
                &city,
                &format!("/api/v1/orgs/{}/checklist/plan", app.union_a.id),
                json!({"done_on": "5 Jan"}),
            )
            .await;
        assert_eq!(
            (s, p["errors"][0]["code"].as_str()),
            (422, Some("date.format"))
        );
        let (_, audit) = app.get(&city, "/api/v1/audit?action=org.&limit=10").await;
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            &actions[..3],
            &["org.checklist", "org.move", "org.create"],
            "{}",
            app.backend
        );
        assert_eq!(audit["items"][1]["actor_name"], "city");
        let r = client()
            .get(app.url("/api/v1/audit/export.xlsx"))
            .bearer_auth(&city)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
    }
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_token_for_writes() {
    for app in apps().await {
        let c = client();
        let r = c
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": "city", "password": PW}))
            .send()
            .await
            .unwrap();
        let csrf = r.json::<Value>().await.unwrap()["csrf_token"]
            .as_str()
            .unwrap()
            .to_string();
        let body = json!({"parent_id": app.district_a.id, "kind": "street", "name": "新街道", "region_code": "320102"});
        let r = c
            .post(app.url("/api/v1/orgs"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "csrf");
        let r = c
            .post(app.url("/api/v1/orgs"))
            .header("x-csrf-token", "forged")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = c
            .post(app.url("/api/v1/orgs"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", app.backend);
    }
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_at_once() {
    for app in apps().await {
        let admin = app.token("a_admin").await;
        let viewer = app.token("a_viewer").await;
        assert_eq!(app.get(&viewer, "/api/v1/session").await.0, 200);
        let (_, list) = app.get(&admin, "/api/v1/accounts?q=viewer").await;
        let id = list["items"][0]["id"].as_i64().unwrap();
        let (s, _) = app
            .send(
                Method::POST,
                &admin,
                &format!("/api/v1/accounts/{id}/disable"),
                json!({}),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            app.get(&viewer, "/api/v1/session").await.0,
            401,
            "{}",
            app.backend
        );
        let b = app.token("b_admin").await;
        let (s, _) = app
            .send(
                Method::POST,
                &b,
                &format!("/api/v1/accounts/{id}/enable"),
                json!({}),
            )
            .await;
        assert_eq!(s, 404, "another district cannot touch it");
        let (s, p) = app
            .send(Method::POST, &admin, "/api/v1/accounts", json!({"username": "a_admin", "display_name": "x", "password": PW, "role": "viewer", "org_id": app.district_a.id}))
            .await;
        assert_eq!((s, p["code"].as_str()), (409, Some("conflict")));
        let (s, p) = app
            .send(Method::POST, &admin, "/api/v1/accounts", json!({"username": "new_one", "display_name": "x", "password": PW, "role": "viewer", "org_id": app.district_b.id}))
            .await;
        assert_eq!((s, p["errors"][0]["field"].as_str()), (422, Some("org_id")));
    }
}

#[tokio::test]
async fn operations_endpoints_and_openapi() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let c = client();
    assert_eq!(
        c.get(app.url("/healthz")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        c.get(app.url("/readyz")).send().await.unwrap().status(),
        200
    );
    let r = c.get(app.url("/api/v1/orgs")).send().await.unwrap();
    assert!(r.headers().contains_key("x-request-id"));
    let metrics = c
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    assert!(metrics.contains("db_pool_connections"));
    let doc: Value = c
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/orgs",
        "/api/v1/orgs/{id}/move",
        "/api/v1/accounts",
        "/api/v1/audit",
        "/api/v1/session",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    let docs = c
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(docs.contains("/api/v1/orgs/{id}/children"));
}

#[tokio::test]
async fn readiness_answers_on_every_backend() {
    for app in apps().await {
        let r = client().get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", app.backend);
    }
}

#[tokio::test]
async fn errors_raised_outside_handlers_have_the_usual_shape() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let token = app.token("admin").await;
    let r = client()
        .post(app.url("/api/v1/orgs"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(vec![b' '; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["code"], "body_too_large");
    assert!(p["message_zh"].as_str().unwrap().contains("超过大小上限"));

    // A page over the body limit: a page that says so, not bare text.
    let r = client()
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("超过大小上限"));

    let r = client().put(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert!(
        r.headers().contains_key("allow"),
        "the original headers stay"
    );
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    // Probes answer machines and stay outside the error shaping.
    let r = client().put(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert!(!r
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("text/html")));
}

/// A password someone else set (an admin creating or resetting the
/// account) must be changed at the first login: until then every call
/// but the change answers 403, on the API and in the console.
#[tokio::test]
async fn passwords_set_by_someone_else_are_changed_at_first_login() {
    for app in apps().await {
        let admin = app.token("a_admin").await;
        let (s, created) = app
            .send(
                reqwest::Method::POST,
                &admin,
                "/api/v1/accounts",
                json!({"username": "newbie", "display_name": "新人", "password": PW, "role": "viewer", "org_id": app.union_a.id}),
            )
            .await;
        assert_eq!(s, 201, "{created}");
        let login = client()
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": "newbie", "password": PW}))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        assert_eq!(login["must_change_password"], true, "{}", app.backend);
        let token = login["token"].as_str().unwrap().to_string();
        let (s, p) = app.get(&token, "/api/v1/orgs").await;
        assert_eq!(
            (s, p["code"].as_str()),
            (403, Some("password.change_required"))
        );
        assert_eq!(
            app.get(&token, "/api/v1/session").await.0,
            200,
            "the session itself answers"
        );
        let change =
            |current: &str, new: &str| json!({"current_password": current, "new_password": new});
        let (s, p) = app
            .send(
                reqwest::Method::POST,
                &token,
                "/api/v1/session/password",
                change("wrong", "Chosen-by-me-1"),
            )
            .await;
        assert_eq!(
            (s, p["errors"][0]["code"].as_str()),
            (422, Some("password.current_wrong"))
        );
        let (s, p) = app
            .send(
                reqwest::Method::POST,
                &token,
                "/api/v1/session/password",
                change(PW, PW),
            )
            .await;
        assert_eq!(
            (s, p["errors"][0]["code"].as_str()),
            (422, Some("password.unchanged"))
        );
        let (s, _) = app
            .send(
                reqwest::Method::POST,
                &token,
                "/api/v1/session/password",
                change(PW, "Chosen-by-me-1"),
            )
            .await;
        assert_eq!(s, 204, "{}", app.backend);
        assert_eq!(
            app.get(&token, "/api/v1/orgs").await.0,
            200,
            "the same session goes on"
        );
        // A session does not let anyone guess the current password: wrong
        // ones count as failed logins and share their lock.
        let mut last = None;
        for _ in 0..6 {
            let (_, p) = app
                .send(
                    reqwest::Method::POST,
                    &token,
                    "/api/v1/session/password",
                    change("guess", "Chosen-by-me-2"),
                )
                .await;
            last = p["errors"][0]["code"].as_str().map(str::to_string);
        }
        assert_eq!(last.as_deref(), Some("password.locked"), "{}", app.backend);
        let (s, p) = app
            .send(
                reqwest::Method::POST,
                &token,
                "/api/v1/session/password",
                change("Chosen-by-me-1", "Chosen-by-me-2"),
            )
            .await;
        assert_eq!(
            (s, p["errors"][0]["code"].as_str()),
            (422, Some("password.locked"))
        );
        let r = client()
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": "newbie", "password": "Chosen-by-me-1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429, "the login is locked too");
        // An admin's reset is someone else's password again.
        let id = created["id"].as_i64().unwrap();
        let (s, _) = app
            .send(
                reqwest::Method::POST,
                &admin,
                &format!("/api/v1/accounts/{id}/password"),
                json!({"password": "Reset-by-admin-2"}),
            )
            .await;
        assert!(s < 300, "{s}");
        let (c, _) = app.console("newbie", "Reset-by-admin-2").await;
        let r = c.get(app.url("/console/members")).send().await.unwrap();
        assert_eq!(
            (
                r.status().as_u16(),
                r.headers()["location"].to_str().unwrap()
            ),
            (303, "/console/password")
        );
        let page = app.page(&c, "/console/password").await;
        assert!(page.contains("此密码由他人设置"), "{}", app.backend);
        let csrf = field_value(&page, "_csrf");
        let r = c
            .post(app.url("/console/password"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("current_password", "Reset-by-admin-2"),
                ("new_password", "Mine-again-2026"),
                ("confirm_password", "Mine-again-2026"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = c.get(app.url("/console/members")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", app.backend);
    }
}
