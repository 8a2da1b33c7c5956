use crate::common::*;
use nuanxin_domain::membership::ApplicationForm;
use nuanxin_store::membership::{self};
use nuanxin_store::routing::Route;
use nuanxin_store::sensitive::Sealer;
use reqwest::Method;
use serde_json::json;

fn id_for(date: &str) -> String {
    let mut s = format!("320102{date}777").into_bytes();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).unwrap()
}

async fn apply(app: &TestApp, date: &str) -> i64 {
    let mut f = nuanxin_testkit::form("孙八", &id_for(date), "13733334444");
    f.occupation = "ride_hailing_driver".into();
    f.employer = String::new();
    app.apply(&app.union_a, &f).await
}

#[tokio::test]
async fn member_endpoints_are_scoped_and_validated() {
    for app in apps().await {
        let id = apply(&app, "19850505").await;
        let a = app.token("a_admin").await;
        let b = app.token("b_admin").await;
        let v = app.token("a_viewer").await;
        // Scope matrix on every read endpoint: own subtree, sibling district, anonymous.
        for path in [
            format!("/api/v1/members/{id}"),
            format!("/api/v1/members/{id}/history"),
        ] {
            assert_eq!(app.get(&a, &path).await.0, 200, "{} {path}", app.backend);
            assert_eq!(app.get(&b, &path).await.0, 404, "{} {path}", app.backend);
            assert_eq!(app.get("", &path).await.0, 401);
        }
        assert_eq!(
            app.get(&b, "/api/v1/members").await.1["total"],
            0,
            "{}",
            app.backend
        );
        let (s, list) = app.get(&a, "/api/v1/members?status=applied").await;
        assert_eq!((s, list["total"].as_i64()), (200, Some(1)));
        assert_eq!(list["items"][0]["phone_masked"], "137****4444");
        let (_, found) = app
            .get(
                &a,
                &format!("/api/v1/members?id_number={}", id_for("19850505")),
            )
            .await;
        assert_eq!(found["total"], 1);
        let (s, p) = app.get(&a, "/api/v1/members?id_number=123").await;
        assert_eq!(
            (s, p["errors"][0]["field"].as_str()),
            (422, Some("id_number"))
        );
        assert_eq!(app.get(&a, "/api/v1/members?status=bogus").await.0, 400);
        // Decisions.
        let (s, p) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/members/{id}/reject"),
                json!({"reason": ""}),
            )
            .await;
        assert_eq!((s, p["errors"][0]["field"].as_str()), (422, Some("reason")));
        assert_eq!(
            app.send(
                Method::POST,
                &b,
                &format!("/api/v1/members/{id}/approve"),
                json!({})
            )
            .await
            .0,
            404
        );
        assert_eq!(
            app.send(
                Method::POST,
                &v,
                &format!("/api/v1/members/{id}/approve"),
                json!({})
            )
            .await
            .0,
            403
        );
        let (s, m) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/members/{id}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(
            (s, m["status"].as_str()),
            (200, Some("active")),
            "{}",
            app.backend
        );
        assert!(m["member_no"].as_str().unwrap().starts_with("320102"));
        let (s, p) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/members/{id}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(
            (s, p["errors"][0]["code"].as_str()),
            (422, Some("membership.illegal_transition"))
        );
        // Reveal: permission and audit.
        assert_eq!(
            app.send(
                Method::POST,
                &v,
                &format!("/api/v1/members/{id}/reveal"),
                json!({})
            )
            .await
            .0,
            403
        );
        let (s, r) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/members/{id}/reveal"),
                json!({}),
            )
            .await;
        assert_eq!(
            (s, r["id_number"].as_str()),
            (200, Some(id_for("19850505").as_str()))
        );
        let (_, audit) = app.get(&a, "/api/v1/audit?action=member.reveal").await;
        assert_eq!(audit["total"], 1, "{}", app.backend);
        // Join link and settings.
        let (s, link) = app
            .get(&a, &format!("/api/v1/orgs/{}/join-link", app.union_a.id))
            .await;
        assert_eq!(s, 200);
        assert!(link["path"].as_str().unwrap().starts_with("/join/"));
        assert_eq!(
            app.get(&b, &format!("/api/v1/orgs/{}/join-link", app.union_a.id))
                .await
                .0,
            404
        );
        let (s, p) = app
            .send(
                Method::PUT,
                &a,
                &format!("/api/v1/orgs/{}/membership-settings", app.union_a.id),
                json!({"auto_approve": true, "review_days": 400}),
            )
            .await;
        assert_eq!(
            (s, p["errors"][0]["field"].as_str()),
            (422, Some("review_days"))
        );
        let (s, _) = app
            .send(
                Method::PUT,
                &a,
                &format!("/api/v1/orgs/{}/membership-settings", app.union_a.id),
                json!({"auto_approve": true, "review_days": 3}),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            app.get(
                &a,
                &format!("/api/v1/orgs/{}/membership-settings", app.union_a.id)
            )
            .await
            .1["auto_approve"],
            true
        );
        // Leaving ends it.
        let (s, m) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/members/{id}/leave"),
                json!({"reason": "离开本市"}),
            )
            .await;
        assert_eq!(
            (s, m["status"].as_str()),
            (200, Some("left")),
            "{}",
            app.backend
        );
    }
}

#[tokio::test]
async fn transfers_through_the_api() {
    for app in apps().await {
        let id = apply(&app, "19840404").await;
        let a = app.token("a_admin").await;
        let b = app.token("b_admin").await;
        let (_, m) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/members/{id}/approve"),
                json!({}),
            )
            .await;
        let no = m["member_no"].as_str().unwrap().to_string();
        let (s, t) = app
            .send(
                Method::POST,
                &a,
                "/api/v1/transfers",
                json!({"member_no": no, "to_org_id": app.union_b.id}),
            )
            .await;
        assert_eq!(s, 201, "{}: {t}", app.backend);
        let (s, p) = app
            .send(
                Method::POST,
                &a,
                "/api/v1/transfers",
                json!({"member_no": no, "to_org_id": app.union_b.id}),
            )
            .await;
        assert_eq!(
            (s, p["errors"][0]["code"].as_str()),
            (422, Some("membership.illegal_transition"))
        );
        let tid = t["id"].as_i64().unwrap();
        assert_eq!(
            app.send(
                Method::POST,
                &a,
                &format!("/api/v1/transfers/{tid}/accept"),
                json!({})
            )
            .await
            .0,
            404,
            "not the receiving side"
        );
        let (_, pending) = app.get(&b, "/api/v1/transfers?pending=true").await;
        assert_eq!(pending.as_array().unwrap().len(), 1, "{}", app.backend);
        let (s, p) = app
            .send(
                Method::POST,
                &b,
                &format!("/api/v1/transfers/{tid}/refuse"),
                json!({"reason": " "}),
            )
            .await;
        assert_eq!((s, p["errors"][0]["field"].as_str()), (422, Some("reason")));
        let (s, done) = app
            .send(
                Method::POST,
                &b,
                &format!("/api/v1/transfers/{tid}/accept"),
                json!({}),
            )
            .await;
        assert_eq!((s, done["status"].as_str()), (200, Some("accepted")));
        let (s, m) = app.get(&b, &format!("/api/v1/members/{id}")).await;
        assert_eq!(
            (s, m["member_no"].as_str(), m["org_id"].as_i64()),
            (200, Some(no.as_str()), Some(app.union_b.id)),
            "{}",
            app.backend
        );
        assert_eq!(app.get(&a, &format!("/api/v1/members/{id}")).await.0, 404);
    }
}

/// The takeover once possible: district B names district A's member by
/// their (guessable) number and a union of its own. It answers as an
/// unknown number, echoes nothing, and the member stays unrevealed.
#[tokio::test]
async fn a_district_cannot_pull_in_another_districts_member() {
    for app in apps().await {
        let id = apply(&app, "19850505").await;
        let a = app.token("a_admin").await;
        let b = app.token("b_admin").await;
        let (_, m) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/members/{id}/approve"),
                json!({}),
            )
            .await;
        let no = m["member_no"].as_str().unwrap().to_string();
        let (s, stolen) = app
            .send(
                Method::POST,
                &b,
                "/api/v1/transfers",
                json!({"member_no": no, "to_org_id": app.union_b.id}),
            )
            .await;
        let (s2, unknown) = app
            .send(
                Method::POST,
                &b,
                "/api/v1/transfers",
                json!({"member_no": "32010426000001X", "to_org_id": app.union_b.id}),
            )
            .await;
        assert_eq!((s, s2), (404, 404), "{}: {stolen}", app.backend);
        assert_eq!(stolen, unknown, "the same answer as an unknown number");
        let text = stolen.to_string();
        assert!(
            !text.contains(&no) && !text.contains("玄武") && !text.contains("孙八"),
            "nothing echoed: {text}"
        );
        let (_, none) = app.get(&b, "/api/v1/transfers").await;
        assert_eq!(none, json!([]), "{}", app.backend);
        assert_eq!(
            app.send(
                Method::POST,
                &b,
                &format!("/api/v1/members/{id}/reveal"),
                json!({})
            )
            .await
            .0,
            404
        );
        let (_, m) = app.get(&a, &format!("/api/v1/members/{id}")).await;
        assert_eq!(
            (m["status"].as_str(), m["org_id"].as_i64()),
            (Some("active"), Some(app.union_a.id))
        );
    }
}

#[tokio::test]
async fn rerouting_through_the_api_stays_in_scope() {
    for app in apps().await {
        let id = apply(&app, "19920505").await;
        let path = format!("/api/v1/members/{id}/reroute");
        let b = app.token("b_admin").await;
        let body = json!({ "org_id": app.union_b.id, "reason": "在秦淮区工作" });
        assert_eq!(
            app.send(Method::POST, &b, &path, body.clone()).await.0,
            404,
            "{}",
            app.backend
        );
        let a = app.token("a_admin").await;
        let (status, problem) = app.send(Method::POST, &a, &path, body.clone()).await;
        assert_eq!(status, 422, "union B is outside district A");
        assert_eq!(problem["errors"][0]["code"], "membership.reroute_target");
        let city = app.token("city").await;
        let (status, m) = app.send(Method::POST, &city, &path, body).await;
        assert_eq!(status, 200, "{m}");
        assert_eq!(m["org_id"], app.union_b.id);
        // Now with union B, the application is out of district A's sight.
        assert_eq!(app.get(&a, &format!("/api/v1/members/{id}")).await.0, 404);
        assert_eq!(app.get(&b, &format!("/api/v1/members/{id}")).await.0, 200);
    }
}

/// An exact search confirms a guess of a masked value: only roles with
/// the search permission may make one, each is audited, and an account
/// makes at most so many a minute.
#[tokio::test]
async fn exact_searches_are_permitted_audited_and_limited() {
    for app in apps().await {
        apply(&app, "19860303").await;
        let phone = "/api/v1/members?phone=13733334444";
        let viewer = app.token("a_viewer").await;
        let (s, p) = app.get(&viewer, phone).await;
        assert_eq!(
            (s, p["code"].as_str()),
            (403, Some("forbidden")),
            "{}",
            app.backend
        );
        let a = app.token("a_admin").await;
        let (s, found) = app.get(&a, phone).await;
        assert_eq!(
            (s, found["total"].as_i64()),
            (200, Some(1)),
            "{}",
            app.backend
        );
        let (_, trail) = app.get(&a, "/api/v1/audit?action=member.search").await;
        let after = trail["items"][0]["after"].to_string();
        assert!(
            after.contains("137****4444") && !after.contains("13733334444"),
            "{trail}"
        );
        // Thirty a minute by default: the 31st waits, and says so.
        let mut last = 0;
        for _ in 1..30 {
            last = app.get(&a, phone).await.0;
        }
        assert_eq!(last, 200);
        let (s, p) = app.get(&a, phone).await;
        assert_eq!(
            (s, p["code"].as_str()),
            (429, Some("search.rate_limited")),
            "{}",
            app.backend
        );
        // Other accounts keep their own budget.
        let city = app.token("city").await;
        assert_eq!(app.get(&city, phone).await.0, 200);
    }
}

/// A search text too long for SQLite's LIKE is refused with a message,
/// never a 500; answers carrying personal data are never cached.
#[tokio::test]
async fn long_search_texts_are_refused_and_answers_are_not_cached() {
    for app in apps().await {
        let a = app.token("a_admin").await;
        // Over SQLite's 50,000-byte LIKE limit, which once answered 500.
        let long = "a".repeat(55_000);
        for path in [
            format!("/api/v1/members?q={long}"),
            format!("/api/v1/orgs?q={long}"),
            format!("/api/v1/accounts?q={long}"),
        ] {
            let (s, p) = app.get(&a, &path).await;
            assert_eq!(
                (s, p["errors"][0]["code"].as_str()),
                (422, Some("search.too_long")),
                "{} {}",
                app.backend,
                &path[..20]
            );
        }
        let r = client()
            .get(app.url("/api/v1/members"))
            .bearer_auth(&a)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store");
        let (c, _) = app.console("a_admin", PW).await;
        let r = c.get(app.url("/console/members")).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store");
        let r = c.get(app.url("/assets/app.css")).send().await.unwrap();
        assert_ne!(
            r.headers()["cache-control"],
            "no-store",
            "assets are cached"
        );
    }
}

/// The roll's export is its own permission, and every export is audited
/// with its filter and row count; the file says whose roll and which day.
#[tokio::test]
async fn roll_exports_take_their_permission_and_are_audited() {
    for app in apps().await {
        apply(&app, "19870303").await;
        let (viewer, _) = app.console("a_viewer", PW).await;
        let r = viewer
            .get(app.url("/console/members/export.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{}", app.backend);
        let (admin, _) = app.console("a_admin", PW).await;
        let r = admin
            .get(app.url("/console/members/export.xlsx?status=all&q=孙"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.contains(&percent("会员名册"))
                && disposition.contains(&percent("玄武区总工会")),
            "{disposition}"
        );
        assert_eq!(r.headers()["cache-control"], "no-store");
        let a = app.token("a_admin").await;
        let (_, trail) = app.get(&a, "/api/v1/audit?action=export").await;
        assert_eq!(trail["items"][0]["entity"], "member", "{trail}");
        let after = &trail["items"][0]["after"];
        assert_eq!(
            (after["rows"].as_i64(), after["filter"]["q"].as_str()),
            (Some(1), Some("孙"))
        );
    }
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The roll is the members: applications show only when asked for, and
/// `org_id` narrows it to one union.
#[tokio::test]
async fn the_roll_shows_members_unless_asked_and_one_union_when_named() {
    for app in apps().await {
        let joined = apply(&app, "19900101").await;
        membership::approve(&app.db, &nuanxin_store::Actor::system(), joined)
            .await
            .unwrap();
        let other = ApplicationForm {
            name: "周九".into(),
            id_number: id_for("19910101"),
            phone: "13733335555".into(),
            occupation: "courier".into(),
            employer: String::new(),
            work_region: "320102".into(),
            consent: true,
        };
        let app_form = other
            .check(
                &nuanxin_domain::region::Regions::shipped(),
                chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            )
            .unwrap();
        let route = Route {
            org_id: app.union_a.id,
            org_name: app.union_a.name.clone(),
            rule: "scanned_union".into(),
            args: Default::default(),
        };
        membership::apply(&app.db, &Sealer::from_key(&[7u8; 64]), &route, &app_form)
            .await
            .unwrap();
        let (c, _) = app.console("city", PW).await;
        let roll = |q: &str| {
            let c = c.clone();
            let url = app.url(&format!("/console/members{q}"));
            async move {
                let html = c.get(url).send().await.unwrap().text().await.unwrap();
                let table = html[html.find("id=\"roll\"").unwrap()..].to_string();
                (table.contains("孙八"), table.contains("周九"))
            }
        };
        assert_eq!(
            roll("").await,
            (true, false),
            "{}: members only",
            app.backend
        );
        assert_eq!(roll("?status=all").await, (true, true));
        assert_eq!(roll("?status=applied").await, (false, true));
        let b = format!("?status=all&org_id={}", app.union_b.id);
        assert_eq!(roll(&b).await, (false, false), "another union's roll");
    }
}

/// The audit trail reads as words an inspector understands: the action,
/// the record and whom it concerns (masked), the change by field.
#[tokio::test]
async fn the_audit_trail_is_readable() {
    for app in apps().await {
        let id = apply(&app, "19930303").await;
        let a = app.token("a_admin").await;
        assert_eq!(
            app.send(
                Method::POST,
                &a,
                &format!("/api/v1/members/{id}/reveal"),
                json!({})
            )
            .await
            .0,
            200
        );
        let (c, _) = app.console("a_admin", PW).await;
        let html = app.page(&c, "/console/audit?action=member.reveal").await;
        let table = &html[html.find("id=\"audit\"").unwrap()..];
        assert!(
            table.contains("查看完整身份证号和手机号") && table.contains("会员 孙*"),
            "{}: {table}",
            app.backend
        );
        assert!(!table.contains("member.reveal") && !table.contains("孙八"));
        assert!(html.contains(r#"<option value="member.reveal" selected>"#));
        c.get(app.url("/lang/en?back=/console"))
            .send()
            .await
            .unwrap();
        let html = app.page(&c, "/console/audit?action=member.reveal").await;
        assert!(
            html.contains("Viewed the full ID number and phone"),
            "{}",
            app.backend
        );
    }
}
