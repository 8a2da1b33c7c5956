use crate::common::*;

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let r = client()
        .get(app.url(&format!("/console/orgs/{}", app.union_a.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?next=/console/orgs/"));
    let html = client()
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("工作人员登录") && html.contains("lang=\"zh-CN\""));
}

#[tokio::test]
async fn console_login_scope_and_errors() {
    for app in apps().await {
        let (_, status) = app.console("a_admin", "wrong").await;
        assert_eq!(status, 401);
        let (c, status) = app.console("a_admin", PW).await;
        assert_eq!(status, 303, "{}", app.backend);
        let own = c
            .get(app.url(&format!("/console/orgs/{}", app.union_a.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), 200);
        assert!(own.text().await.unwrap().contains("玄武快递工会"));
        for hidden in [app.union_b.id, app.district_b.id, app.city.id] {
            let r = c
                .get(app.url(&format!("/console/orgs/{hidden}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{} {hidden}", app.backend);
            let body = r.text().await.unwrap();
            assert!(
                !body.contains("秦淮外卖工会"),
                "nothing of the hidden union shows"
            );
            let r = c
                .get(app.url(&format!("/console/orgs/{hidden}/tree")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404);
        }
        let search = c
            .get(app.url("/console/orgs?q=%E7%A7%A6%E6%B7%AE"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!search.contains("秦淮外卖工会"), "{}", app.backend);
        // Create a union with markup in its name: it renders as text.
        let page = c
            .get(app.url(&format!("/console/orgs/{}", app.district_a.id)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = field_value(&page, "_csrf");
        let r = c
            .post(app.url(&format!("/console/orgs/{}/children", app.district_a.id)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "<script>alert(1)</script>"),
                ("kind", "enterprise"),
                ("region_code", "320102"),
                ("industry", ""),
                ("uscc", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", app.backend);
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let html = c
            .get(app.url(&location))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "escaped: {html}"
        );
        assert!(!html.contains("<script>alert"));
        // A bad form comes back with the message next to the field, and nothing is written.
        let r = c
            .post(app.url(&format!("/console/orgs/{}/children", app.district_a.id)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "某工会"),
                ("kind", "enterprise"),
                ("region_code", "320102"),
                ("uscc", "914403001922038217"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("统一社会信用代码校验位不正确") && html.contains("value=\"某工会\""));
        // Forms without the CSRF token are refused.
        let r = c
            .post(app.url(&format!("/console/orgs/{}/children", app.district_a.id)))
            .form(&[
                ("name", "x"),
                ("kind", "enterprise"),
                ("region_code", "320102"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
        let page = r.text().await.unwrap();
        assert!(
            content_type.starts_with("text/html") && page.contains("页面已过期"),
            "a console page in the user's language, not JSON: {content_type} {page}"
        );
        // Posting into another district is a 404, not a write.
        let r = c
            .post(app.url(&format!("/console/orgs/{}/edit", app.union_b.id)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "劫持"),
                ("region_code", "320104"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{}", app.backend);
        // Logout ends the server session.
        let r = c
            .post(app.url("/logout"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = c
            .get(app.url(&format!("/console/orgs/{}", app.union_a.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "logged out");
    }
}

#[tokio::test]
async fn english_is_one_click_away() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let (c, _) = app.console("city", PW).await;
    let r = c
        .get(app.url("/lang/en?back=/console/accounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/console/accounts");
    let html = c
        .get(app.url("/console/accounts"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Accounts") && html.contains("lang=\"en\""));
    // The membership pages follow the switch too: an English heading, and
    // not the Chinese one.
    let u = app.union_a.id;
    let city = app.city.id;
    for (path, en, zh) in [
        (
            format!("/console/orgs/{city}"),
            "Routing rules",
            "入会分派规则",
        ),
        (
            format!("/console/orgs/{city}/routing"),
            "Routing rules",
            "入会分派规则",
        ),
        (
            format!("/console/orgs/{u}/members"),
            "Members and applications",
            "会员与入会申请",
        ),
        (
            format!("/console/orgs/{u}/roster"),
            "Roster import",
            "名单导入",
        ),
        (
            format!("/console/orgs/{u}/join"),
            "Enrolment events",
            "入会活动",
        ),
        (
            format!("/console/orgs/{u}/api-keys"),
            "Platform API keys",
            "平台接口密钥",
        ),
    ] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains(en) && !html.contains(zh), "{path}");
    }
    let r = c
        .get(app.url("/lang/en?back=//evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/console");
}

#[tokio::test]
async fn audit_page_and_export_are_scoped() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let (c, _) = app.console("b_admin", PW).await;
    let html = c
        .get(app.url("/console/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("login.ok"));
    assert!(
        !html.contains(&format!("org {}<", app.union_a.id)),
        "district A's union is not in B's trail"
    );
    let r = c
        .get(app.url("/console/audit?from=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = c
        .get(app.url("/console/audit/export.xlsx?action=login."))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (v, _) = app.console("a_viewer", PW).await;
    assert_eq!(
        v.get(app.url("/console/audit"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        v.get(app.url("/console/accounts"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

#[tokio::test]
async fn a_credit_code_without_the_union_prefix_is_saved_with_a_note() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let (c, _) = app.console("a_admin", PW).await;
    let page = c
        .get(app.url(&format!("/console/orgs/{}", app.district_a.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = field_value(&page, "_csrf");
    let r = c
        .post(app.url(&format!("/console/orgs/{}/children", app.district_a.id)))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "华为工会"),
            ("kind", "enterprise"),
            ("region_code", "320102"),
            ("uscc", "914403001922038216"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = c
        .get(app.url(r.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("通常以 81 开头") && html.contains("已创建"));
}

#[tokio::test]
async fn the_move_form_finds_the_new_parent_by_name_within_scope() {
    for app in apps().await {
        let page = app.url(&format!("/console/orgs/{}", app.union_a.id));
        let move_url = app.url(&format!("/console/orgs/{}/move", app.union_a.id));
        let post = |c: reqwest::Client, to: &'static str| {
            let (page, move_url) = (page.clone(), move_url.clone());
            async move {
                let html = c.get(&page).send().await.unwrap().text().await.unwrap();
                let csrf = field_value(&html, "_csrf");
                let r = c
                    .post(&move_url)
                    .form(&[("_csrf", csrf.as_str()), ("parent_id", to)])
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                (status, r.text().await.unwrap())
            }
        };
        // District A's officer cannot find district B by name: it is outside their scope.
        let (a, _) = app.console("a_admin", PW).await;
        let (status, html) = post(a, "秦淮区").await;
        assert_eq!(status, 422, "{}", app.backend);
        assert!(html.contains("没有名称包含“秦淮区”的组织"), "{html}");
        let (city, _) = app.console("city", PW).await;
        let (status, html) = post(city.clone(), "区总工会").await;
        assert_eq!(status, 422);
        assert!(
            html.contains("有多个组织名称包含")
                && html.contains(&format!("秦淮区总工会（{}）", app.district_b.id)),
            "{html}"
        );
        let (status, _) = post(city, "秦淮区总工会").await;
        assert_eq!(status, 303);
        let moved =
            nuanxin_store::orgs::get(&app.db, &nuanxin_store::Scope::everything(), app.union_a.id)
                .await
                .unwrap();
        assert_eq!(moved.parent_id, Some(app.district_b.id));
    }
}
