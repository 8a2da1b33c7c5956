//! What the notice promises a worker, from their phone: finding their card
//! again, asking their union for a new phone, leaving or deletion, and
//! knowing how to reach the union.

use crate::common::*;
use nuanxin_store::{membership, orgs, Actor};

/// Applies through union A's code as a worker's phone would; the private
/// link it leads to.
async fn join_a(app: &TestApp, c: &reqwest::Client, idn: &str, phone: &str) -> (u16, String) {
    let token = nuanxin_store::membership::join_links::link_for_org(
        &app.db,
        &Actor::system(),
        app.union_a.id,
    )
    .await
    .unwrap();
    let page = app.page(c, &format!("/join/{token}")).await;
    let csrf = field_value(&page, "_csrf");
    let r = c
        .post(app.url(&format!("/join/{token}")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "孙八"),
            ("id_number", idn),
            ("phone", phone),
            ("occupation", "courier"),
            ("employer", ""),
            ("work_region", "320102"),
            ("consent", "yes"),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let to = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, to.unwrap_or_default())
}

async fn lookup(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    idn: &str,
    phone: &str,
) -> reqwest::Response {
    let page = app.page(c, "/card").await;
    let csrf = field_value(&page, "_csrf");
    c.post(app.url("/card"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", name),
            ("id_number", idn),
            ("phone", phone),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_worker_finds_their_card_again_by_name_id_number_and_phone() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let c = client();
    let idn = nuanxin_testkit::id_number("320102", "19880808", "654");
    let (s, me) = join_a(&app, &c, &idn, "13712340001").await;
    assert_eq!(s, 303);
    let lookup_page = app.page(&c, "/card").await;
    assert!(lookup_page.contains("查看我的会员卡"));
    // A typo in the ID number is named, not taken for a missing field.
    let mut typo = idn.clone().into_bytes();
    typo[17] = if typo[17] == b'1' { b'2' } else { b'1' };
    let r = lookup(
        &app,
        &c,
        "孙八",
        &String::from_utf8(typo).unwrap(),
        "13712340001",
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text().await.unwrap().contains("校验"),
        "the check character is named"
    );
    let r = lookup(&app, &c, "孙八", &idn, "13712340001").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"].to_str().unwrap(), me);
    // Any one field wrong: the same answer, and no link.
    let wrong_name = lookup(&app, &c, "孙九", &idn, "13712340001").await;
    assert_eq!(wrong_name.status(), 404);
    let a = wrong_name.text().await.unwrap();
    let wrong_phone = lookup(&app, &c, "孙八", &idn, "13712340002").await;
    assert_eq!(wrong_phone.status(), 404);
    let b = wrong_phone.text().await.unwrap();
    assert!(
        a.contains("没有找到与所填信息一致的会员记录")
            && b.contains("没有找到与所填信息一致的会员记录")
    );
    assert!(!a.contains("/me/") && !b.contains("/me/"));
    // Guessing the phone behind a mask is limited per person per hour.
    let mut last = 0;
    for n in 0..10 {
        last = lookup(&app, &c, "孙八", &idn, &format!("137123400{:02}", n + 10))
            .await
            .status()
            .as_u16();
    }
    assert_eq!(
        last, 429,
        "the tenth wrong guess of the hour is not checked"
    );
    let r = lookup(&app, &c, "孙八", &idn, "13712340001").await;
    assert_eq!(r.status(), 429, "not even the right one, for this hour");
    // Another person is not held up by it.
    let other = nuanxin_testkit::id_number("320102", "19890909", "654");
    join_a(&app, &c, &other, "13712349999").await;
    assert_eq!(
        lookup(&app, &c, "孙八", &other, "13712349999")
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn a_worker_asks_for_a_new_phone_and_the_union_answers_in_time() {
    for app in apps().await {
        orgs::set_contact(
            &app.db,
            &Actor::system(),
            app.union_a.id,
            "025-84510000",
            "玄武区中山路 1 号",
        )
        .await
        .unwrap();
        let c = client();
        let idn = nuanxin_testkit::id_number("320102", "19870707", "654");
        let (_, me) = join_a(&app, &c, &idn, "13612340001").await;
        let page = app.page(&c, &me).await;
        assert!(
            page.contains("025-84510000") && page.contains("玄武区中山路 1 号"),
            "{}: {page}",
            app.backend
        );
        assert!(page.contains(r#"id="request-form""#));
        let csrf = field_value(&page, "_csrf");
        let r = c
            .post(app.url(&format!("{me}/requests")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("kind", "phone"),
                ("phone", "13698765432"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", app.backend);
        let page = app.page(&c, &me).await;
        assert!(
            page.contains("更换手机号") && page.contains("待处理") && page.contains("工会应于"),
            "{page}"
        );
        // A bad phone is named, nothing filed.
        let r = c
            .post(app.url(&format!("{me}/requests")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("kind", "phone"),
                ("phone", "123"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        // The union sees it on its home page and carries it out.
        let (a, _) = app.console("a_admin", PW).await;
        let home = app.page(&a, "/console").await;
        assert!(
            home.contains(r#"id="requests-count">1<"#) && home.contains("更换手机号"),
            "{home}"
        );
        let (b, _) = app.console("b_admin", PW).await;
        assert!(app
            .page(&b, "/console")
            .await
            .contains(r#"id="requests-count">0<"#));
        let token = app.token("a_admin").await;
        let (_, open) = app.get(&token, "/api/v1/member-requests").await;
        let request = open["items"][0]["id"].as_i64().unwrap();
        let member = open["items"][0]["member_id"].as_i64().unwrap();
        let member_page = app.page(&a, &format!("/console/members/{member}")).await;
        assert!(member_page.contains("136****5432"), "{member_page}");
        let csrf = field_value(&member_page, "_csrf");
        let r = a
            .post(app.url(&format!("/console/members/{member}/requests/{request}")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("decision", "done"),
                ("answer", "已为您更换"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let m = membership::get(&app.db, &Actor::system().scope, member)
            .await
            .unwrap();
        assert_eq!(m.phone_masked, "136****5432");
        let page = app.page(&c, &me).await;
        assert!(
            page.contains("已办结") && page.contains("答复：已为您更换"),
            "{page}"
        );
        // The new phone now opens the card; the old one does not.
        let lookup_ok = lookup(&app, &c, "孙八", &idn, "13698765432").await;
        assert_eq!(lookup_ok.status(), 303);
    }
}

#[tokio::test]
async fn a_second_application_with_another_phone_names_the_union_that_holds_it() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    orgs::set_contact(
        &app.db,
        &Actor::system(),
        app.union_a.id,
        "025-84510000",
        "",
    )
    .await
    .unwrap();
    let c = client();
    let idn = nuanxin_testkit::id_number("320102", "19860606", "654");
    join_a(&app, &c, &idn, "13512340001").await;
    let token = nuanxin_store::membership::join_links::link_for_org(
        &app.db,
        &Actor::system(),
        app.union_a.id,
    )
    .await
    .unwrap();
    let page = app.page(&c, &format!("/join/{token}")).await;
    let csrf = field_value(&page, "_csrf");
    let r = c
        .post(app.url(&format!("/join/{token}")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "孙八"),
            ("id_number", idn.as_str()),
            ("phone", "13512349999"),
            ("occupation", "courier"),
            ("work_region", "320102"),
            ("consent", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("玄武快递工会") && html.contains("联系电话 025-84510000"),
        "{html}"
    );
    assert!(!html.contains("/me/"), "no way into the record");
}

#[tokio::test]
async fn a_rejected_worker_can_apply_again_and_an_ended_event_points_to_the_union() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let c = client();
    let idn = nuanxin_testkit::id_number("320102", "19850505", "654");
    let (_, me) = join_a(&app, &c, &idn, "13412340001").await;
    let card = membership::worker::card_by_status_token(&app.db, me.trim_start_matches("/me/"))
        .await
        .unwrap();
    let m = membership::list(
        &app.db,
        &Actor::system().scope,
        &membership::MemberFilter {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .0;
    membership::reject(&app.db, &Actor::system(), m[0].id, "请用本人身份证")
        .await
        .unwrap();
    let page = app.page(&c, &me).await;
    let code =
        nuanxin_store::membership::join_links::link_for_org(&app.db, &Actor::system(), card.org_id)
            .await
            .unwrap();
    assert!(
        page.contains(&format!(r#"href="/join/{code}" id="rejoin""#)),
        "{page}"
    );
    // An event's code: its applications are counted, and once it ends it
    // sends the worker on to the union's own code.
    let e = nuanxin_store::membership::events::create(
        &app.db,
        &Actor::system(),
        app.union_a.id,
        &nuanxin_store::membership::events::NewEvent {
            name: "园区集中入会".into(),
            starts_at: None,
            place: Some("玄武快递园区".into()),
            ends_at: chrono::Utc::now() + chrono::Duration::hours(2),
            per_minute: 100,
        },
    )
    .await
    .unwrap();
    let page = app.page(&c, &format!("/join/{}", e.token)).await;
    let csrf = field_value(&page, "_csrf");
    let other = nuanxin_testkit::id_number("320102", "19840404", "654");
    let r = c
        .post(app.url(&format!("/join/{}", e.token)))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "李九"),
            ("id_number", other.as_str()),
            ("phone", "13412349999"),
            ("occupation", "courier"),
            ("work_region", "320102"),
            ("consent", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let got = nuanxin_store::membership::events::get(&app.db, &Actor::system().scope, e.id)
        .await
        .unwrap();
    assert_eq!(
        (got.applications, got.place.as_deref()),
        (1, Some("玄武快递园区"))
    );
    nuanxin_store::membership::events::close(&app.db, &Actor::system(), e.id)
        .await
        .unwrap();
    let r = c
        .get(app.url(&format!("/join/{}", e.token)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!(r#"href="/join/{code}""#)), "{html}");
}
