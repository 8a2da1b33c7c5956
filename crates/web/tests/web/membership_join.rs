use crate::common::*;
use nuanxin_store::{membership, Actor, Scope};

fn form<'a>(csrf: &'a str, id: &'a str, phone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("name", "赵六"),
        ("id_number", id),
        ("phone", phone),
        ("occupation", "courier"),
        ("employer", "顺捷快递"),
        ("work_region", "320102"),
        ("consent", "yes"),
    ]
}

/// An app on SQLite, a worker's browser, and union A's join form as it
/// opened there: (app, browser, the form's path, the page).
async fn union_a_join_form() -> (TestApp, reqwest::Client, String, String) {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let token = nuanxin_store::membership::join_links::link_for_org(
        &app.db,
        &Actor::system(),
        app.union_a.id,
    )
    .await
    .unwrap();
    let c = client();
    let join_url = format!("/join/{token}");
    let page = app.page(&c, &join_url).await;
    (app, c, join_url, page)
}

/// Approves the application of the person with ID number `idn`, as its
/// union's reviewer would.
async fn approve_person(db: &nuanxin_store::Db, idn: &str) {
    let id = nuanxin_domain::ids::IdNumber::parse(idn).unwrap();
    let m = membership::search_exact(
        db,
        &Actor::system(),
        &nuanxin_store::sensitive::Sealer::from_key(&[7u8; 64]),
        membership::Exact::IdNumber(&id),
        Default::default(),
    )
    .await
    .unwrap();
    membership::approve(db, &Actor::system(), m[0].id)
        .await
        .unwrap();
}

#[tokio::test]
async fn scan_apply_follow_and_verify() {
    for app in apps().await {
        let token = nuanxin_store::membership::join_links::link_for_org(
            &app.db,
            &Actor::system(),
            app.union_a.id,
        )
        .await
        .unwrap();
        let c = client();
        let page = app.page(&c, &format!("/join/{token}")).await;
        assert!(
            page.contains("玄武快递工会") && page.contains("个人信息处理告知书"),
            "{}",
            app.backend
        );
        let csrf = field_value(&page, "_csrf");
        // Bad input: each message next to its field, nothing written.
        let mut bad = form(&csrf, "320102199003073210", "1234");
        bad.retain(|(k, _)| *k != "consent");
        let r = c
            .post(app.url(&format!("/join/{token}")))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        for id in ["id_number-error", "phone-error", "consent-error"] {
            assert!(html.contains(id), "{}: {id}", app.backend);
        }
        assert!(
            html.contains("value=\"赵六\""),
            "the form keeps what was typed"
        );
        // Fields with errors are outlined and summed up at the top.
        assert!(html.contains(r#"id="error-summary""#) && html.contains("请修改以下 3 处"));
        assert!(html.contains(r##"<a href="#phone">手机号"##), "{html}");
        assert!(html.contains(r#"name="phone" aria-invalid="true""#));
        assert!(!html.contains(r#"name="name" aria-invalid"#));
        let young = nuanxin_testkit::id_number("320102", "20120101", "321");
        let r = c
            .post(app.url(&format!("/join/{token}")))
            .form(&form(&csrf, &young, "13812345678"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("年满 16 周岁"));
        // A good application goes to the union and shows where and why.
        let idn = nuanxin_testkit::id_number("320102", "19900307", "321");
        let r = c
            .post(app.url(&format!("/join/{token}")))
            .form(&form(&csrf, &idn, "13812345678"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", app.backend);
        let me = r.headers()["location"].to_str().unwrap().to_string();
        assert!(
            me.starts_with("/me/") && !me.contains(&idn),
            "no personal data in the URL"
        );
        let html = app.page(&c, &me).await;
        assert!(
            html.contains("待审核") && html.contains("已提交至 玄武快递工会"),
            "{}",
            app.backend
        );
        // Someone else's ID number and phone under another name open nothing.
        let mut other_name = form(&csrf, &idn, "13812345678");
        other_name[1] = ("name", "钱七");
        let r = c
            .post(app.url(&format!("/join/{token}")))
            .form(&other_name)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409, "{}", app.backend);
        let page = r.text().await.unwrap();
        assert!(page.contains("姓名与登记的不一致") && !page.contains(&me));
        // The same person again with the same phone sees the same record; with another phone, nothing.
        let r = c
            .post(app.url(&format!("/join/{token}")))
            .form(&form(&csrf, &idn, "13812345678"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"].to_str().unwrap(), me);
        let r = c
            .post(app.url(&format!("/join/{token}")))
            .form(&form(&csrf, &idn, "13900000000"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        assert!(!r.text().await.unwrap().contains(&me));
        // Approved: the e-card, masked, with a QR code that verifies without personal data.
        approve_person(&app.db, &idn).await;
        let html = app.page(&c, &me).await;
        assert!(
            html.contains("e-card") && html.contains("<svg") && !html.contains(&idn),
            "{}",
            app.backend
        );
        assert!(html.contains(&format!("320***********{}", &idn[14..])));
        let card = membership::worker::card_by_status_token(&app.db, me.trim_start_matches("/me/"))
            .await
            .unwrap();
        let v = app.page(&c, &format!("/verify/{}", card.card_token)).await;
        assert!(
            v.contains("会籍有效") && v.contains("玄武快递工会") && !v.contains("赵六"),
            "{}",
            app.backend
        );
        // Masked name and number: a screenshot of someone else's card
        // no longer passes for one's own.
        let no = card.member_no.clone().unwrap();
        assert!(v.contains(r#"<dd id="verify-name">赵*</dd>"#), "{v}");
        assert!(v.contains(&nuanxin_domain::mask::mask_member_no(&no)) && !v.contains(&no));
        assert!(html.contains("您已是工会会员") && !html.contains("随时查看办理进度"));
        assert_eq!(
            c.get(app.url("/verify/nope"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            c.get(app.url("/join/nope")).send().await.unwrap().status(),
            404
        );
        assert_eq!(
            c.get(app.url("/me/nope")).send().await.unwrap().status(),
            404
        );
    }
}

#[tokio::test]
async fn a_form_without_its_token_is_refused() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let token = nuanxin_store::membership::join_links::link_for_org(
        &app.db,
        &Actor::system(),
        app.union_a.id,
    )
    .await
    .unwrap();
    let idn = nuanxin_testkit::id_number("320102", "19900307", "321");
    let r = client()
        .post(app.url(&format!("/join/{token}")))
        .form(&form("forged", &idn, "13812345678"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_member_scanning_another_unions_code_is_offered_a_transfer() {
    for app in apps().await {
        let token_a = nuanxin_store::membership::join_links::link_for_org(
            &app.db,
            &Actor::system(),
            app.union_a.id,
        )
        .await
        .unwrap();
        let token_b = nuanxin_store::membership::join_links::link_for_org(
            &app.db,
            &Actor::system(),
            app.union_b.id,
        )
        .await
        .unwrap();
        let c = client();
        let idn = nuanxin_testkit::id_number("320102", "19850505", "321");
        let apply = |token: String| {
            let c = c.clone();
            let url = app.url(&format!("/join/{token}"));
            let idn = idn.clone();
            async move {
                let page = c.get(&url).send().await.unwrap().text().await.unwrap();
                let csrf = field_value(&page, "_csrf");
                c.post(&url)
                    .form(&form(&csrf, &idn, "13812345678"))
                    .send()
                    .await
                    .unwrap()
            }
        };
        let me = apply(token_a.clone()).await.headers()["location"]
            .to_str()
            .unwrap()
            .to_string();
        approve_person(&app.db, &idn).await;

        // Scanning union B's code: the card, and an offer to move there.
        let r = apply(token_b).await;
        let offer = r.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(
            offer,
            format!("{me}?transfer_to={}", app.union_b.id),
            "{}",
            app.backend
        );
        let html = app.page(&c, &offer).await;
        assert!(
            html.contains("transfer-offer") && html.contains("申请转入秦淮外卖工会"),
            "{html}"
        );
        // The offer is only for a real other union.
        let own = app
            .page(&c, &format!("{me}?transfer_to={}", app.union_a.id))
            .await;
        assert!(!own.contains("transfer-offer"));

        // A post without the form's token (from another site) moves nothing.
        let r = c
            .post(app.url(&me))
            .form(&[("to_org_id", app.union_b.id.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let none =
            nuanxin_store::membership::transfers::list(&app.db, &Scope::everything(), true, 10)
                .await
                .unwrap();
        assert!(none.is_empty(), "{}", app.backend);

        let csrf = field_value(&html, "_csrf");
        let r = c
            .post(app.url(&me))
            .form(&[
                ("_csrf", csrf.clone()),
                ("to_org_id", app.union_b.id.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let html = app.page(&c, &me).await;
        assert!(html.contains("转接中"), "{html}");
        let open =
            nuanxin_store::membership::transfers::list(&app.db, &Scope::everything(), true, 10)
                .await
                .unwrap();
        assert_eq!((open.len(), open[0].to_org_id), (1, app.union_b.id));
        assert_eq!(open[0].requested_by, "worker");
        // Asking again while one is open is refused with a message.
        let r = c
            .post(app.url(&me))
            .form(&[("_csrf", csrf), ("to_org_id", app.union_b.id.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
    }
}

#[tokio::test]
async fn a_worker_can_apply_and_see_the_card_in_english() {
    let (app, c, join_url, page) = union_a_join_form().await;
    let token = join_url.trim_start_matches("/join/");
    // The switch is on the page and comes back to it.
    assert!(page.contains(&format!("/lang/en?back=/join/{token}")));
    let r = c
        .get(app.url(&format!("/lang/en?back=/join/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), join_url);
    let page = app.page(&c, &join_url).await;
    assert!(
        page.contains("Apply to join the union")
            && page.contains("Courier")
            && page.contains("lang=\"en\"")
            && !page.contains("提交入会申请"),
        "{page}"
    );
    let csrf = field_value(&page, "_csrf");
    // Errors next to their fields, in English: a ten-year-old, a short phone.
    let ten = format!("{}0101", chrono::Datelike::year(&chrono::Utc::now()) - 10);
    let r = c
        .post(app.url(&join_url))
        .form(&form(
            &csrf,
            &nuanxin_testkit::id_number("320102", &ten, "321"),
            "1234",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("applicants must be at least 16")
            && html.contains("11-digit mainland China mobile number")
            && !html.contains("年满 16 周岁"),
        "{html}"
    );
    let idn = nuanxin_testkit::id_number("320102", "19900307", "321");
    let r = c
        .post(app.url(&join_url))
        .form(&form(&csrf, &idn, "13812345678"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let me = r.headers()["location"].to_str().unwrap().to_string();
    let html = app.page(&c, &me).await;
    assert!(
        html.contains("My application")
            && html.contains("id=\"application-status\">Applied<")
            && !html.contains("待审核")
            && html.contains("you scanned this union&#39;s code")
            && !html.contains("您扫描的是"),
        "{html}"
    );
    approve_person(&app.db, &idn).await;
    let html = app.page(&c, &me).await;
    assert!(
        html.contains("Union membership e-card") && html.contains("Membership number"),
        "{html}"
    );
    let card = membership::worker::card_by_status_token(&app.db, me.trim_start_matches("/me/"))
        .await
        .unwrap();
    let v = app.page(&c, &format!("/verify/{}", card.card_token)).await;
    assert!(
        v.contains("Valid membership") && !v.contains("会籍有效"),
        "{v}"
    );
    let r = c.get(app.url("/join/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Invalid QR code"));
}

#[tokio::test]
async fn a_fault_on_the_servers_side_is_a_page_for_the_worker() {
    let (app, c, join_url, page) = union_a_join_form().await;
    let csrf = field_value(&page, "_csrf");
    // The database goes out of reach after the form was shown.
    app.db.close().await;
    let r = c
        .post(app.url(&join_url))
        .form(&form(
            &csrf,
            &nuanxin_testkit::id_number("320102", "19900307", "321"),
            "13812345678",
        ))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_server_error(), "{}", r.status());
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"worker-message\"")
            && html.contains("不是您填写的原因")
            && html.contains(&format!("?back={join_url}")),
        "{html}"
    );
}

/// A district federation's code routes only within the district: its form
/// offers that district alone (chosen already) and says where riders who
/// work elsewhere should apply; a union's and the city's code offer the
/// city's districts.
#[tokio::test]
async fn a_district_code_offers_only_its_own_district() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let c = client();
    let options = |html: &str| {
        let select = &html[html.find(r#"<select id="work_region""#).unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        select.matches("<option value=\"3").count()
    };
    for (org, expected) in [(&app.district_a, 1), (&app.city, 11), (&app.union_a, 11)] {
        let token =
            nuanxin_store::membership::join_links::link_for_org(&app.db, &Actor::system(), org.id)
                .await
                .unwrap();
        let page = app.page(&c, &format!("/join/{token}")).await;
        assert_eq!(options(&page), expected, "{}", org.name);
        assert_eq!(
            page.contains("work_region-only"),
            expected == 1,
            "{}",
            org.name
        );
    }
}
