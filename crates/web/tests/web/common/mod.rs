//! A running server on port 0 with a fresh database and a small tree.
#![allow(dead_code)]

use nuanxin_domain::account::PasswordPolicy;
use nuanxin_domain::membership::ApplicationForm;
use nuanxin_store::accounts::{self, NewAccount};
use nuanxin_store::membership::{self, Applied};
use nuanxin_store::orgs::Org;
use nuanxin_store::routing::{Route, RouteArgs};
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Actor, Db};
pub use nuanxin_testkit::tree::org;
use nuanxin_web::{AppConfig, AppState};
use serde_json::{json, Value};

pub const PW: &str = "Nuanxin-2026";

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub backend: &'static str,
    pub city: Org,
    pub district_a: Org,
    pub district_b: Org,
    pub union_a: Org,
    pub union_b: Org,
    _t: TestDb,
}

pub async fn account(db: &Db, username: &str, role: &str, org_id: i64) {
    let input = NewAccount {
        username: username.into(),
        display_name: username.into(),
        password: PW.into(),
        role: role.into(),
        org_id,
    };
    accounts::create(db, &Actor::system(), &PasswordPolicy::default(), &input)
        .await
        .unwrap();
    // As if its holder had already chosen their own password; the first
    // login's change has its own test.
    db.execute(
        &nuanxin_store::Query::new(
            "UPDATE accounts SET must_change_password = FALSE WHERE username = $1",
        )
        .bind(username),
    )
    .await
    .unwrap();
}

/// Accounts: `admin` (system admin, city), `city` (union admin, city),
/// `a_admin` / `b_admin` (union admins of districts A and B),
/// `a_viewer` (viewer, district A).
pub async fn spawn_on(t: TestDb) -> TestApp {
    let db = t.db.clone();
    let city = org(&db, None, "city", "南京市总工会", "320100").await;
    let district_a = org(&db, Some(city.id), "district", "玄武区总工会", "320102").await;
    let district_b = org(&db, Some(city.id), "district", "秦淮区总工会", "320104").await;
    let union_a = org(
        &db,
        Some(district_a.id),
        "enterprise",
        "玄武快递工会",
        "320102",
    )
    .await;
    let union_b = org(
        &db,
        Some(district_b.id),
        "enterprise",
        "秦淮外卖工会",
        "320104",
    )
    .await;
    account(&db, "admin", "system_admin", city.id).await;
    account(&db, "city", "union_admin", city.id).await;
    account(&db, "a_admin", "union_admin", district_a.id).await;
    account(&db, "b_admin", "union_admin", district_b.id).await;
    account(&db, "a_viewer", "viewer", district_a.id).await;
    let state = AppState::new(
        db.clone(),
        AppConfig::default(),
        Sealer::from_key(&[7u8; 64]),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(nuanxin_web::serve(state, listener, std::future::pending()));
    TestApp {
        base: format!("http://{addr}"),
        backend: t.name,
        db,
        city,
        district_a,
        district_b,
        union_a,
        union_b,
        _t: t,
    }
}

/// One app per configured backend.
pub async fn apps() -> Vec<TestApp> {
    let mut v = Vec::new();
    for t in TestDb::all().await {
        v.push(spawn_on(t).await);
    }
    v
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Files `form` at `org` as if its join code were scanned, checked on
    /// the test kit's day; returns the new application's id.
    pub async fn apply(&self, org: &Org, form: &ApplicationForm) -> i64 {
        let route = Route {
            org_id: org.id,
            org_name: org.name.clone(),
            rule: "scanned_union".into(),
            args: RouteArgs {
                union: org.name.clone(),
                ..Default::default()
            },
        };
        let a = nuanxin_testkit::checked(form);
        match membership::apply(&self.db, &Sealer::from_key(&[7u8; 64]), &route, &a)
            .await
            .unwrap()
        {
            Applied::Created { member_id, .. } => member_id,
            other => panic!("{other:?}"),
        }
    }

    /// Posts a console form with the session's CSRF token, as the page
    /// would; returns the status and the body.
    pub async fn post_form(
        &self,
        c: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let csrf = field_value(&self.page(c, "/console/password").await, "_csrf");
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("_csrf", &csrf));
        let r = c.post(self.url(path)).form(&f).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }

    /// The body of the page at `path`, fetched with `c`.
    pub async fn page(&self, c: &reqwest::Client, path: &str) -> String {
        c.get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Logs in through the API; returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let r = client()
            .post(self.url("/api/v1/session"))
            .json(&json!({"username": username, "password": PW}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login {username}");
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let r = client()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let r = client()
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Logs in through the console form with a cookie-keeping client.
    pub async fn console(
        &self,
        username: &str,
        password: &str,
    ) -> (reqwest::Client, reqwest::StatusCode) {
        let c = client();
        let page = c
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = field_value(&page, "_csrf");
        let r = c
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("_csrf", &csrf),
                ("next", "/console"),
            ])
            .send()
            .await
            .unwrap();
        let status = r.status();
        (c, status)
    }
}

/// The value of a hidden input in a page.
pub fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}
