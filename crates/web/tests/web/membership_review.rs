use crate::common::*;
use nuanxin_domain::membership::MembershipStatus;
use nuanxin_store::membership::{self};
use nuanxin_store::Scope;

async fn apply(app: &TestApp, date: &str) -> i64 {
    let id = nuanxin_testkit::id_number("320102", date, "555");
    let mut f = nuanxin_testkit::form("钱七", &id, "13811112222");
    f.occupation = "delivery_rider".into();
    f.employer = String::new();
    app.apply(&app.union_a, &f).await
}

#[tokio::test]
async fn the_review_queue_and_join_qr_are_scoped() {
    for app in apps().await {
        let first = apply(&app, "19900101").await;
        let second = apply(&app, "19910101").await;
        let (a, _) = app.console("a_admin", PW).await;
        let (b, _) = app.console("b_admin", PW).await;
        let qr = a
            .get(app.url(&format!("/console/orgs/{}/join", app.union_a.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(qr.status(), 200, "{}", app.backend);
        let html = qr.text().await.unwrap();
        assert!(html.contains("<svg") && html.contains("/join/"));
        assert_eq!(
            b.get(app.url(&format!("/console/orgs/{}/join", app.union_a.id)))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            b.get(app.url(&format!("/console/orgs/{}/members", app.union_a.id)))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        // Printable downloads, for the union's own officers only.
        for (file, kind, magic) in [
            ("join-qr.svg", "image/svg+xml", &b"<svg"[..]),
            ("join-qr.png", "image/png", &b"\x89PNG"[..]),
        ] {
            let url = app.url(&format!("/console/orgs/{}/{file}", app.union_a.id));
            let r = a.get(&url).send().await.unwrap();
            assert_eq!(r.headers()["content-type"], kind, "{file}");
            let body = r.bytes().await.unwrap();
            assert!(
                body.windows(magic.len()).take(64).any(|w| w == magic),
                "{file}"
            );
            assert_eq!(b.get(&url).send().await.unwrap().status(), 404, "{file}");
        }
        let queue = a
            .get(app.url(&format!(
                "/console/orgs/{}/members?status=applied",
                app.union_a.id
            )))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            queue.contains("<title>会员 · 玄武快递工会 · 暖新</title>")
                && queue.contains("钱七")
                && queue.contains("138****2222")
                && !queue.contains("13811112222"),
            "{}",
            app.backend
        );
        let csrf = field_value(&queue, "_csrf");
        // Rejection needs a reason.
        let r = a
            .post(app.url(&format!("/console/orgs/{}/members/decide", app.union_a.id)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("id", &first.to_string()),
                ("decision", "reject"),
                ("reason", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        // An unknown decision is refused, never read as a rejection; a
        // re-route target outside the scope is not found by name.
        let decide_url = app.url(&format!("/console/orgs/{}/members/decide", app.union_a.id));
        for (decision, target, message) in [
            ("maybe", "", "请选择批准、不予通过或改派"),
            ("reroute", "秦淮", "没有名称包含“秦淮”、可以受理入会的工会"),
        ] {
            let r = a
                .post(&decide_url)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("id", &first.to_string()),
                    ("decision", decision),
                    ("to_org_id", target),
                    ("reason", "x"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 422, "{decision} ({})", app.backend);
            assert!(r.text().await.unwrap().contains(message), "{decision}");
            let m = membership::get(&app.db, &Scope::everything(), first)
                .await
                .unwrap();
            assert_eq!(m.status, MembershipStatus::Applied, "{decision}");
        }
        // Bulk approval of both.
        let r = a
            .post(app.url(&format!("/console/orgs/{}/members/decide", app.union_a.id)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("id", &first.to_string()),
                ("id", &second.to_string()),
                ("decision", "approve"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", app.backend);
        assert!(r.text().await.unwrap().contains("已批准 2 份申请"));
        for id in [first, second] {
            let m = membership::get(&app.db, &Scope::everything(), id)
                .await
                .unwrap();
            assert_eq!(m.status, MembershipStatus::Active);
            assert!(m.member_no.is_some());
        }
        // Another district cannot decide on them, even through its own union's URL.
        let other = b
            .get(app.url(&format!("/console/orgs/{}/members", app.union_b.id)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf_b = field_value(&other, "_csrf");
        let r = b
            .post(app.url(&format!("/console/orgs/{}/members/decide", app.union_b.id)))
            .form(&[
                ("_csrf", csrf_b.as_str()),
                ("id", &first.to_string()),
                ("decision", "reject"),
                ("reason", "x"),
            ])
            .send()
            .await
            .unwrap();
        // Skipped exactly as an application that does not exist.
        assert_eq!(r.status(), 200, "{}", app.backend);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("已不予通过 0 份申请") && html.contains("1 份未处理：未找到这份申请"),
            "{html}"
        );
        let m = membership::get(&app.db, &Scope::everything(), first)
            .await
            .unwrap();
        assert_eq!(m.status, MembershipStatus::Active);
    }
}

#[tokio::test]
async fn settings_and_overdue_notice() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let (a, _) = app.console("a_admin", PW).await;
    let page = a
        .get(app.url(&format!("/console/orgs/{}/members", app.union_a.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = field_value(&page, "_csrf");
    let url = app.url(&format!(
        "/console/orgs/{}/members/settings",
        app.union_a.id
    ));
    let r = a
        .post(&url)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("auto_approve", "yes"),
            ("review_days", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("审核时限应为 1 至 90 天"));
    let r = a
        .post(&url)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("auto_approve", "yes"),
            ("review_days", "5"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let id = apply(&app, "19920202").await;
    let m = membership::get(&app.db, &Scope::everything(), id)
        .await
        .unwrap();
    assert_eq!(m.status, MembershipStatus::Active, "auto-approved");
    // An overdue application is flagged on the federation's page.
    let r = a
        .post(&url)
        .form(&[("_csrf", csrf.as_str()), ("review_days", "5")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let waiting = apply(&app, "19930303").await;
    app.db
        .execute(
            &nuanxin_store::Query::new("UPDATE members SET due_at = $1 WHERE id = $2")
                .bind(chrono::Utc::now() - chrono::Duration::days(1))
                .bind(waiting),
        )
        .await
        .unwrap();
    let (city, _) = app.console("city", PW).await;
    let html = city
        .get(app.url(&format!("/console/orgs/{}", app.city.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("1 份入会申请已超过审核时限"),
        "overdue notice"
    );
}

#[tokio::test]
async fn the_roll_searches_exactly_and_reveals_only_with_the_right() {
    for app in apps().await {
        let id = apply(&app, "19880808").await;
        let idn = {
            let mut s = b"32010219880808555".to_vec();
            s.push(nuanxin_domain::ids::id_check_char(&s));
            String::from_utf8(s).unwrap()
        };
        let (a, _) = app.console("a_admin", PW).await;
        let (b, _) = app.console("b_admin", PW).await;
        let html = a
            .get(app.url(&format!("/console/members?status=all&id_number={idn}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let table = &html[html.find("id=\"roll\"").unwrap()..];
        assert!(
            table.contains("钱七") && !table.contains(&idn[6..14]),
            "{}: found, masked",
            app.backend
        );
        let html = b
            .get(app.url(&format!("/console/members?status=all&id_number={idn}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("钱七"),
            "{}: another district finds nothing",
            app.backend
        );
        let r = a
            .get(app.url("/console/members?id_number=123"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = a
            .get(app.url("/console/members?status=all&phone=13811112222"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("138****2222"));
        let csrf = field_value(&html, "_csrf");
        let search = "/console/members?status=all&phone=13811112222";
        let r = a
            .post(app.url(&format!("/console/members/{id}/reveal")))
            .header("referer", app.url(search))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let shown = r.text().await.unwrap();
        assert!(shown.contains(&idn) && shown.contains("13811112222"));
        // The language switch goes back to the search the form was on, not
        // to the reveal's own address, which only takes a POST.
        let switch = "/lang/en?back=/console/members%3Fstatus%3Dall%26phone%3D13811112222";
        assert!(shown.contains(switch), "{}", app.backend);
        let r = a.get(app.url(switch)).send().await.unwrap();
        assert_eq!(r.headers()["location"], search);
        let r = a.get(app.url(search)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("138****2222") && html.contains("lang=\"en\""));
        a.get(app.url("/lang/zh?back=/console"))
            .send()
            .await
            .unwrap();
        let (rows, _) = nuanxin_store::audit::list(
            &app.db,
            &Scope::everything(),
            &nuanxin_store::audit::AuditFilter {
                action: Some("member.reveal".into()),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (rows.len(), rows[0].actor_name.as_str()),
            (1, "a_admin"),
            "{}",
            app.backend
        );
        let (v, _) = app.console("a_viewer", PW).await;
        let html = v
            .get(app.url("/console/members?status=all"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("钱七") && !html.contains("查看完整信息"));
        let csrf_v = field_value(&html, "_csrf");
        let r = v
            .post(app.url(&format!("/console/members/{id}/reveal")))
            .form(&[("_csrf", csrf_v.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = b
            .post(app.url(&format!("/console/members/{id}/reveal")))
            .form(&[(
                "_csrf",
                field_value(
                    &b.get(app.url("/console/members"))
                        .send()
                        .await
                        .unwrap()
                        .text()
                        .await
                        .unwrap(),
                    "_csrf",
                )
                .as_str(),
            )])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{}", app.backend);
        let r = a
            .get(app.url("/console/members/export.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let r = a
            .get(app.url("/console/members/export.xlsx?phone=12345"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            422,
            "a malformed phone is named, not exported empty"
        );
    }
}

#[tokio::test]
async fn the_receiving_union_accepts_a_transfer_in_the_console() {
    let app = spawn_on(nuanxin_store::testing::TestDb::sqlite().await).await;
    let id = apply(&app, "19890909").await;
    let no = membership::approve(&app.db, &nuanxin_store::Actor::system(), id)
        .await
        .unwrap()
        .member_no
        .unwrap();
    nuanxin_store::membership::transfers::request(&app.db, None, &no, app.union_b.id)
        .await
        .unwrap();
    let (b, _) = app.console("b_admin", PW).await;
    let page = b
        .get(app.url(&format!("/console/orgs/{}/members", app.union_b.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("会籍转接") && page.contains(&no) && page.contains("待接收"));
    let tid = nuanxin_store::membership::transfers::list(&app.db, &Scope::everything(), true, 5)
        .await
        .unwrap()[0]
        .id;
    let csrf = field_value(&page, "_csrf");
    let url = app.url(&format!("/console/orgs/{}/transfers/{tid}", app.union_b.id));
    let r = b
        .post(&url)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("decision", "refuse"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = b
        .post(&url)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("decision", "maybe"),
            ("reason", "不清楚"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "an unknown decision is no refusal");
    assert!(r.text().await.unwrap().contains("请选择接收或拒绝"));
    let still_open =
        nuanxin_store::membership::transfers::list(&app.db, &Scope::everything(), true, 5)
            .await
            .unwrap();
    assert_eq!(still_open.first().map(|t| t.id), Some(tid));
    let (a, _) = app.console("a_admin", PW).await;
    let a_page = a
        .get(app.url(&format!("/console/orgs/{}/members", app.union_a.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = a
        .post(app.url(&format!("/console/orgs/{}/transfers/{tid}", app.union_a.id)))
        .form(&[
            ("_csrf", field_value(&a_page, "_csrf").as_str()),
            ("decision", "accept"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "the sending side cannot accept");
    let r = b
        .post(&url)
        .form(&[("_csrf", csrf.as_str()), ("decision", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let m = membership::get(&app.db, &Scope::everything(), id)
        .await
        .unwrap();
    assert_eq!(
        (m.org_id, m.member_no.as_deref()),
        (app.union_b.id, Some(no.as_str()))
    );
}
