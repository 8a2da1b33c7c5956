mod common;

use common::*;
use nuanxin_domain::membership::ApplicationForm;
use nuanxin_store::membership::{self, Applied};
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
    let a = ApplicationForm {
        name: "孙八".into(),
        id_number: id_for(date),
        phone: "13733334444".into(),
        occupation: "ride_hailing_driver".into(),
        employer: String::new(),
        work_region: "320102".into(),
        consent: true,
    }
    .check(
        &nuanxin_domain::region::Regions::shipped(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap();
    let route = Route {
        org_id: app.union_a.id,
        org_name: app.union_a.name.clone(),
        rule: "scanned_union".into(),
        reason_zh: "扫码".into(),
    };
    match membership::apply(&app.db, &Sealer::from_key(&[7u8; 64]), &route, &a)
        .await
        .unwrap()
    {
        Applied::Created { member_id, .. } => member_id,
        other => panic!("{other:?}"),
    }
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
