//! A reviewer's day in the console: the home page's queue across the
//! subtree, decided many at a time, and one member's page.

use crate::common::*;
use chrono::{Duration, Utc};
use nuanxin_domain::membership::MembershipStatus;
use nuanxin_store::membership::{self};
use nuanxin_store::{Actor, Query};

async fn apply(app: &TestApp, org: &nuanxin_store::orgs::Org, name: &str, seq: u32) -> i64 {
    let born = format!("199001{:02}", seq % 28 + 1);
    let id = nuanxin_testkit::id_number("320102", &born, &format!("{seq:03}"));
    let mut f = nuanxin_testkit::form(name, &id, &format!("1381111{seq:04}"));
    f.occupation = "delivery_rider".into();
    f.employer = String::new();
    app.apply(org, &f).await
}

async fn status_of(app: &TestApp, id: i64) -> MembershipStatus {
    membership::get(&app.db, &Actor::system().scope, id)
        .await
        .unwrap()
        .status
}

#[tokio::test]
async fn the_home_page_queues_the_subtree_overdue_first_and_decides_many_at_once() {
    for app in apps().await {
        let fresh = apply(&app, &app.union_a, "周新", 1).await;
        let late = apply(&app, &app.union_a, "吴迟", 2).await;
        let third = apply(&app, &app.union_a, "郑三", 3).await;
        let other = apply(&app, &app.union_b, "秦淮甲", 4).await;
        app.db
            .execute(
                &Query::new("UPDATE members SET due_at = $1 WHERE id = $2")
                    .bind(Utc::now() - Duration::days(3))
                    .bind(late),
            )
            .await
            .unwrap();
        let (a, _) = app.console("a_admin", PW).await;
        let home = app.page(&a, "/console").await;
        assert!(
            home.contains(r#"id="pending-count">3<"#),
            "{}: {home}",
            app.backend
        );
        assert!(home.contains(r#"id="overdue-count">1<"#));
        assert!(!home.contains("秦淮甲"), "another district's application");
        let (l, f) = (home.find("吴迟").unwrap(), home.find("周新").unwrap());
        assert!(l < f, "the overdue application comes first");
        assert!(home.contains("已超期 3 天") && home.contains(r#"data-select-all="id""#));
        // Approve two, and try the other district's one by its id.
        let (fresh_s, late_s, other_s) = (fresh.to_string(), late.to_string(), other.to_string());
        let (status, page) = app
            .post_form(
                &a,
                "/console/queue/decide",
                &[
                    ("decision", "approve"),
                    ("id", &fresh_s),
                    ("id", &late_s),
                    ("id", &other_s),
                ],
            )
            .await;
        assert_eq!(status, 200, "{}", app.backend);
        assert!(
            page.contains("已批准 2 份申请：周新、吴迟。1 份未处理"),
            "{page}"
        );
        assert!(page.contains("1 份未处理：未找到这份申请"), "{page}");
        assert!(!page.contains("秦淮甲"));
        assert_eq!(status_of(&app, fresh).await, MembershipStatus::Active);
        assert_eq!(status_of(&app, other).await, MembershipStatus::Applied);
        assert!(page.contains(r#"id="pending-count">1<"#));
        // Rejecting without a reason is refused, with the message, and
        // decides nothing.
        let third_s = third.to_string();
        let (status, page) = app
            .post_form(
                &a,
                "/console/queue/decide",
                &[("decision", "reject"), ("id", &third_s)],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("不予通过的理由"), "{page}");
        assert_eq!(status_of(&app, third).await, MembershipStatus::Applied);
        // A viewer sees the queue and decides nothing.
        let (v, _) = app.console("a_viewer", PW).await;
        let home = app.page(&v, "/console").await;
        assert!(home.contains("郑三") && !home.contains(r#"name="id""#));
        let (status, _) = app
            .post_form(
                &v,
                "/console/queue/decide",
                &[("decision", "approve"), ("id", &third_s)],
            )
            .await;
        assert_eq!(status, 403);
        assert_eq!(status_of(&app, third).await, MembershipStatus::Applied);
        // The API's queue says the same.
        let token = app.token("a_admin").await;
        let (s, q) = app.get(&token, "/api/v1/review-queue").await;
        assert_eq!(
            (s, q["total"].as_i64(), q["items"][0]["name"].as_str()),
            (200, Some(1), Some("郑三"))
        );
    }
}

#[tokio::test]
async fn a_members_page_shows_their_record_and_ends_transfers_or_corrects_it() {
    for app in apps().await {
        let id = apply(&app, &app.union_a, "冯五", 5).await;
        membership::approve(&app.db, &Actor::system(), id)
            .await
            .unwrap();
        let second = org(
            &app.db,
            Some(app.district_a.id),
            "enterprise",
            "玄武外卖工会",
            "320102",
        )
        .await;
        let (a, _) = app.console("a_admin", PW).await;
        let path = format!("/console/members/{id}");
        let page = app.page(&a, &path).await;
        assert!(
            page.contains("冯五") && page.contains("138****0005"),
            "{}",
            app.backend
        );
        assert!(page.contains("待审核 → 有效"), "the history: {page}");
        assert!(
            page.contains("扫描本工会二维码"),
            "the staff's routing label"
        );
        assert!(!page.contains("13811110005"), "only masked");
        let (b, _) = app.console("b_admin", PW).await;
        let r = b.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404);
        // Correct the name, audited.
        let (s, _) = app
            .post_form(
                &a,
                &format!("{path}/correct"),
                &[("name", "冯伍"), ("reason", "本人持身份证核对")],
            )
            .await;
        assert_eq!(s, 303, "{}", app.backend);
        let page = app.page(&a, &path).await;
        assert!(
            page.contains("冯伍") && page.contains("更正姓名：本人持身份证核对"),
            "{page}"
        );
        // A bad phone is named and nothing changes.
        let (s, page) = app
            .post_form(
                &a,
                &format!("{path}/correct"),
                &[("phone", "12345"), ("reason", "x")],
            )
            .await;
        assert_eq!(s, 422);
        assert!(page.contains("手机号"), "{page}");
        // Start a transfer by the receiving union's name.
        let (s, _) = app
            .post_form(
                &a,
                &format!("{path}/transfer"),
                &[("to_org_id", "玄武外卖")],
            )
            .await;
        assert_eq!(s, 303);
        let page = app.page(&a, &path).await;
        assert!(
            page.contains(r#"id="member-transfers""#) && page.contains(&second.name),
            "{page}"
        );
        assert_eq!(status_of(&app, id).await, MembershipStatus::Transferring);
        // Leaving needs a reason; with one the membership ends.
        let other = apply(&app, &app.union_a, "陈六", 6).await;
        membership::approve(&app.db, &Actor::system(), other)
            .await
            .unwrap();
        let (s, page) = app
            .post_form(
                &a,
                &format!("/console/members/{other}/leave"),
                &[("reason", "")],
            )
            .await;
        assert_eq!(s, 422);
        assert!(page.contains("退会原因"), "{page}");
        let (s, _) = app
            .post_form(
                &a,
                &format!("/console/members/{other}/leave"),
                &[("reason", "离开本市")],
            )
            .await;
        assert_eq!(s, 303);
        assert_eq!(status_of(&app, other).await, MembershipStatus::Left);
        // The rejected list says why.
        let rejected = apply(&app, &app.union_a, "褚七", 7).await;
        membership::reject(&app.db, &Actor::system(), rejected, "非本单位职工")
            .await
            .unwrap();
        let list = app
            .page(
                &a,
                &format!("/console/orgs/{}/members?status=rejected", app.union_a.id),
            )
            .await;
        assert!(list.contains("未通过：非本单位职工"), "{list}");
    }
}
