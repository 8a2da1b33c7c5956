//! The real console in headless Chromium, driven over WebDriver.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Where they are missing the
//! test says so and passes, except in CI (`CI` set), where it fails: there the
//! browser tests are mandatory.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::*;
use fantoccini::{Client, ClientBuilder, Locator};

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find(bin: &str) -> Option<String> {
    std::env::var("PATH")
        .ok()?
        .split(':')
        .map(|d| format!("{d}/{bin}"))
        .find(|p| std::path::Path::new(p).exists())
}

/// Starts chromedriver, or explains why not.
fn driver() -> Option<Driver> {
    let (Some(chromedriver), Some(_)) = (find("chromedriver"), find("chromium")) else {
        if std::env::var_os("CI").is_some() {
            panic!("CI requires chromium and chromium-driver for the browser tests");
        }
        eprintln!(
            "browser tests skipped: install Debian's chromium and chromium-driver to run them"
        );
        return None;
    };
    let port = free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    Some(Driver { child, port })
}

async fn browser(d: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": find("chromium").unwrap(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,900", "--lang=zh-CN"]
        }),
    );
    let url = format!("http://127.0.0.1:{}", d.port);
    for attempt in 0..50 {
        match ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return c,
            Err(e) if attempt < 49 => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot reach chromedriver: {e}"),
        }
    }
    unreachable!()
}

async fn screenshot(c: &Client, name: &str) {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn login(c: &Client, app: &TestApp, user: &str, password: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    let submit = c.find(Locator::Id("login-submit")).await.unwrap();
    submit.click().await.unwrap();
    // Wait for the answer page: the old form's button goes stale.
    for _ in 0..100 {
        if submit.text().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The text of `css` once it satisfies `done`: after a click that navigates,
/// the old page's element may still be there for a moment.
async fn text_when(c: &Client, css: &str, done: impl Fn(&str) -> bool) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        // The element may go stale mid-navigation: try again.
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                text = t;
                if done(&text) {
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_in_a_real_browser() {
    let Some(d) = driver() else { return };
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let c = browser(&d).await;

    // Login as the district-A admin lands on the home page of their day,
    // whose figures lead on to the district's page.
    login(&c, &app, "a_admin", PW).await;
    assert!(text_of(&c, "#pending-count").await == "0");
    screenshot(&c, "home").await;
    c.goto(&app.url(&format!("/console/orgs/{}", app.district_a.id)))
        .await
        .unwrap();
    assert_eq!(
        text_of(&c, "#org-name").await.split_whitespace().next(),
        Some("玄武区总工会")
    );
    assert!(text_of(&c, "#whoami").await.contains("玄武区总工会"));
    screenshot(&c, "district-page").await;

    // The lazy tree opens the district's children.
    c.find(Locator::Css(".tree .toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let tree = text_of(&c, ".tree ul ul").await;
    assert!(tree.contains("玄武快递工会"), "{tree}");

    // Creating a union through the form, with markup in its name shown as text.
    c.find(Locator::Id("new-name"))
        .await
        .unwrap()
        .send_keys("<b>梅园</b>骑手联合工会")
        .await
        .unwrap();
    c.find(Locator::Css("#new-kind option[value='joint']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("create-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let title = text_when(&c, "#org-name", |t| t.starts_with("<b>梅园</b>")).await;
    assert!(title.starts_with("<b>梅园</b>骑手联合工会"), "{title}");
    assert!(text_of(&c, ".notice").await.contains("已创建"));
    screenshot(&c, "union-created").await;

    // A bad credit code is refused with the message next to the form.
    c.goto(&app.url(&format!("/console/orgs/{}", app.district_a.id)))
        .await
        .unwrap();
    c.find(Locator::Id("new-name"))
        .await
        .unwrap()
        .send_keys("错误代码工会")
        .await
        .unwrap();
    c.find(Locator::Id("new-uscc"))
        .await
        .unwrap()
        .send_keys("914403001922038217")
        .await
        .unwrap();
    c.find(Locator::Id("create-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(text_of(&c, "#create-form .errors")
        .await
        .contains("校验位不正确"));
    // The answer shows the address of the page the form was on, not the
    // POST's: a reload does not send the form again, and the language
    // switch reloads that page instead of asking for the POST's address.
    let district_page = format!("/console/orgs/{}", app.district_a.id);
    assert_eq!(c.current_url().await.unwrap().path(), district_page);
    for (click, now) in [("English", "中文"), ("中文", "English")] {
        let switch = c.find(Locator::Css("a.lang")).await.unwrap();
        assert_eq!(switch.text().await.unwrap(), click);
        switch.click().await.unwrap();
        assert_eq!(text_when(&c, "a.lang", |t| t == now).await, now);
        assert_eq!(c.current_url().await.unwrap().path(), district_page);
    }

    // Another district's union: not by URL, not in search, not in the tree.
    c.goto(&app.url(&format!("/console/orgs/{}", app.union_b.id)))
        .await
        .unwrap();
    assert!(text_of(&c, "#error-message")
        .await
        .contains("不在您的管理范围内"));
    assert!(!c.source().await.unwrap().contains("秦淮外卖工会"));
    c.goto(&app.url("/console/orgs?q=%E7%A7%A6%E6%B7%AE"))
        .await
        .unwrap();
    assert!(!c.source().await.unwrap().contains("秦淮外卖工会"));
    c.goto(&app.url(&format!("/console/orgs/{}/tree", app.district_b.id)))
        .await
        .unwrap();
    assert!(!c.source().await.unwrap().contains("秦淮外卖工会"));
    screenshot(&c, "other-district-refused").await;

    // Log out through the header button; the console is closed again.
    c.goto(&app.url("/console")).await.unwrap();
    c.find(Locator::Id("logout"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("login-submit"))
        .await
        .unwrap();
    c.goto(&app.url(&format!("/console/orgs/{}", app.union_a.id)))
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));

    // Five wrong passwords lock the account, with the answer on the page.
    for _ in 0..5 {
        login(&c, &app, "b_admin", "wrong-password").await;
    }
    let msg = text_of(&c, "#login-error").await;
    assert!(msg.contains("已锁定"), "{msg}");
    login(&c, &app, "b_admin", PW).await;
    assert!(
        text_of(&c, "#login-error").await.contains("已锁定"),
        "the right password does not unlock it"
    );
    screenshot(&c, "locked").await;

    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_joins_on_a_phone() {
    let Some(d) = driver() else { return };
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let token = nuanxin_store::membership::join_links::link_for_org(
        &app.db,
        &nuanxin_store::Actor::system(),
        app.union_a.id,
    )
    .await
    .unwrap();
    let c = browser(&d).await;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&app.url(&format!("/join/{token}"))).await.unwrap();
    assert!(text_of(&c, ".union").await.contains("玄武快递工会"));
    let mut id = b"32010219960606246".to_vec();
    id.push(nuanxin_domain::ids::id_check_char(&id));
    let id = String::from_utf8(id).unwrap();
    c.find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys("周九")
        .await
        .unwrap();
    // A typo in the ID number first: the message appears next to the field.
    c.find(Locator::Id("id_number"))
        .await
        .unwrap()
        .send_keys(&format!("{}0", &id[..17]))
        .await
        .unwrap();
    c.find(Locator::Id("phone"))
        .await
        .unwrap()
        .send_keys("13955556666")
        .await
        .unwrap();
    c.find(Locator::Css("#occupation option[value='courier']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#work_region option[value='320102']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("consent"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("join-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let msg = text_of(&c, "#id_number-error").await;
    assert!(msg.contains("校验位") || msg.contains("出生日期"), "{msg}");
    screenshot(&c, "join-error-phone").await;
    let field = c.find(Locator::Id("id_number")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(&id).await.unwrap();
    c.find(Locator::Id("join-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(text_of(&c, "#application-status").await.contains("待审核"));
    assert!(text_of(&c, "#route-reason").await.contains("玄武快递工会"));
    // The union approves; the worker's page now shows the e-card.
    let idn = nuanxin_domain::ids::IdNumber::parse(&id).unwrap();
    let found = nuanxin_store::membership::search_exact(
        &app.db,
        &nuanxin_store::Actor::system(),
        &nuanxin_store::sensitive::Sealer::from_key(&[7u8; 64]),
        nuanxin_store::membership::Exact::IdNumber(&idn),
        Default::default(),
    )
    .await
    .unwrap();
    nuanxin_store::membership::approve(&app.db, &nuanxin_store::Actor::system(), found[0].id)
        .await
        .unwrap();
    c.refresh().await.unwrap();
    assert!(text_of(&c, "#card-no").await.starts_with("320102"));
    assert_eq!(text_of(&c, "#card-name").await, "周九");
    screenshot(&c, "e-card-phone").await;
    c.close().await.unwrap();
}
