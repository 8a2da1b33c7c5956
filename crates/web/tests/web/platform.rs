use crate::common::*;
use serde_json::{json, Value};

fn id_number(k: u32) -> String {
    let mut s = format!("32010219880202{k:03}").into_bytes();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).unwrap()
}

fn member(k: u32, phone: &str) -> Value {
    json!({ "name": "吴九", "id_number": id_number(k), "phone": phone, "occupation": "delivery_rider" })
}

/// Creates a key for union A through the console; returns the secret.
async fn new_key(app: &TestApp, c: &reqwest::Client) -> String {
    let url = app.url(&format!("/console/orgs/{}/api-keys", app.union_a.id));
    let page = c.get(&url).send().await.unwrap().text().await.unwrap();
    let csrf = field_value(&page, "_csrf");
    let r = c
        .post(&url)
        .form(&[("_csrf", csrf.as_str()), ("name", "某外卖平台南京站")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", app.backend);
    let html = r.text().await.unwrap();
    let start = html
        .find(r#"<code id="secret">"#)
        .expect("the new key is shown")
        + r#"<code id="secret">"#.len();
    html[start..].split('<').next().unwrap().to_string()
}

async fn push(
    app: &TestApp,
    key: &str,
    idem: Option<&str>,
    body: &Value,
) -> (u16, Option<String>, Value) {
    let mut req = client()
        .post(app.url("/api/v1/platform/roster"))
        .bearer_auth(key)
        .json(body);
    if let Some(k) = idem {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let replayed = r
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_string());
    (status, replayed, r.json().await.unwrap_or(Value::Null))
}

async fn members_of_union_a(app: &TestApp) -> i64 {
    let token = app.token("admin").await;
    let (_, page) = app
        .get(
            &token,
            &format!("/api/v1/members?org_id={}&limit=1", app.union_a.id),
        )
        .await;
    page["total"].as_i64().unwrap()
}

#[tokio::test]
async fn a_platform_pushes_its_roster_once_whatever_the_retries() {
    for app in apps().await {
        let (a, _) = app.console("a_admin", PW).await;
        let key = new_key(&app, &a).await;
        assert!(key.starts_with("nxk_"));

        let mixed = json!({ "consent": true, "members": [member(1, "13700000001"), member(2, "12345"), member(3, "13700000003")] });
        let (status, _, body) = push(&app, &key, Some("batch-1"), &mixed).await;
        assert_eq!(status, 422, "{}: {body}", app.backend);
        assert_eq!(body["written"], false);
        assert_eq!(body["errors"][0]["index"], 2);
        assert_eq!(body["errors"][0]["field"], "phone");
        assert_eq!(
            members_of_union_a(&app).await,
            0,
            "all or nothing by default"
        );

        let valid = json!({ "mode": "valid_rows", "consent": true, "members": [member(1, "13700000001"), member(2, "12345"), member(3, "13700000003")] });
        let (status, replayed, first) = push(&app, &key, Some("batch-2"), &valid).await;
        assert_eq!((status, replayed), (200, None));
        assert_eq!(first["enrolled"], 2);
        // A retry of the same push gets the same answer and enrols nobody.
        let (status, replayed, again) = push(&app, &key, Some("batch-2"), &valid).await;
        assert_eq!((status, replayed.as_deref()), (200, Some("true")));
        assert_eq!(again, first);
        assert_eq!(members_of_union_a(&app).await, 2);
        // The same key for another body is refused.
        let (status, _, body) = push(&app, &key, Some("batch-2"), &mixed).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["errors"][0]["code"], "push.idempotency_key_reused");
        // A new push of people already enrolled adds nobody.
        let (_, _, body) = push(
            &app,
            &key,
            Some("batch-3"),
            &json!({ "consent": true, "members": [member(1, "13700000001")] }),
        )
        .await;
        assert_eq!(
            (body["enrolled"].as_i64(), body["already_members"].as_i64()),
            (Some(0), Some(1))
        );
    }
}

#[tokio::test]
async fn pushes_need_a_live_key_and_well_formed_requests() {
    for app in apps().await {
        let (a, _) = app.console("a_admin", PW).await;
        let key = new_key(&app, &a).await;
        let body = json!({ "consent": true, "members": [member(1, "13700000001")] });
        let (status, _, problem) = push(&app, "nxk_wrong", Some("x"), &body).await;
        assert_eq!(status, 401, "{}", app.backend);
        assert_eq!(problem["code"], "platform_key.invalid", "{problem}");
        assert_eq!(push(&app, "", Some("x"), &body).await.0, 401);
        assert_eq!(
            push(&app, &key, None, &body).await.0,
            400,
            "an idempotency key is required"
        );
        let unknown = json!({ "consent": true, "members": [], "extra": 1 });
        assert_eq!(push(&app, &key, Some("x"), &unknown).await.0, 422);
        let empty = json!({ "consent": true, "members": [] });
        assert_eq!(push(&app, &key, Some("x"), &empty).await.0, 400);
        let no_consent = json!({ "consent": false, "members": [member(1, "13700000001")] });
        let (status, _, problem) = push(&app, &key, Some("y"), &no_consent).await;
        assert_eq!(status, 422);
        assert_eq!(problem["errors"][0]["code"], "roster.consent_required");
        // Refused as a whole, so the corrected push may use the same key.
        assert_eq!(push(&app, &key, Some("y"), &body).await.0, 200);
        // A platform key opens nothing but the push.
        assert_eq!(app.get(&key, "/api/v1/members").await.0, 401);

        // Keys are managed within scope only.
        let (b, _) = app.console("b_admin", PW).await;
        let keys = app.url(&format!("/console/orgs/{}/api-keys", app.union_a.id));
        assert_eq!(b.get(&keys).send().await.unwrap().status(), 404);
        let (v, _) = app.console("a_viewer", PW).await;
        assert_eq!(v.get(&keys).send().await.unwrap().status(), 403);

        // Revoked in the console: refused at once.
        let page = a.get(&keys).send().await.unwrap().text().await.unwrap();
        let csrf = field_value(&page, "_csrf");
        let id: String = page
            .split("/api-keys/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let r = a
            .post(app.url(&format!(
                "/console/orgs/{}/api-keys/{id}/revoke",
                app.union_a.id
            )))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(push(&app, &key, Some("z"), &body).await.0, 401);
    }
}
