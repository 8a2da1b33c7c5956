//! The reviewer's day in the store: the subtree queue, one decision over
//! many applications, corrections, and members' requests.

use crate::common::*;
use chrono::{Duration, Utc};
use nuanxin_domain::account::Role;
use nuanxin_domain::ids::{IdNumber, Phone};
use nuanxin_domain::membership::request::{Request, RequestKind, RequestStatus};
use nuanxin_domain::membership::{Correction, MembershipStatus};
use nuanxin_store::membership::{self, requests, Applied, Decision, Exact};
use nuanxin_store::routing::Route;
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::testing::TestDb;
use nuanxin_store::{audit, Actor, Db, Query, StoreError};

fn sealer() -> Sealer {
    Sealer::from_key(&[9u8; 64])
}

fn to(org: &nuanxin_store::orgs::Org) -> Route {
    Route {
        org_id: org.id,
        org_name: org.name.clone(),
        rule: "scanned_union".into(),
        args: Default::default(),
    }
}

async fn apply(db: &Db, org: &nuanxin_store::orgs::Org, name: &str, n: u32) -> i64 {
    let idn = nuanxin_testkit::id_number("320102", "19900307", &format!("{n:03}"));
    match membership::apply(
        db,
        &sealer(),
        &to(org),
        &nuanxin_testkit::application(name, &idn, &format!("138000{n:05}")),
    )
    .await
    .unwrap()
    {
        Applied::Created { member_id, .. } => member_id,
        other => panic!("{other:?}"),
    }
}

/// Moves an application's due time, as if it had waited that long.
async fn due_in(db: &Db, id: i64, hours: i64) {
    db.execute(
        &Query::new("UPDATE members SET due_at = $1 WHERE id = $2")
            .bind(Utc::now() + Duration::hours(hours))
            .bind(id),
    )
    .await
    .unwrap();
}

async fn status_token(db: &Db, id: i64) -> String {
    let (t,): (String,) = db
        .fetch_optional(&Query::new("SELECT status_token FROM members WHERE id = $1").bind(id))
        .await
        .unwrap()
        .unwrap();
    t
}

#[tokio::test]
async fn the_queue_puts_overdue_applications_first_and_stays_in_scope() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let fresh = apply(db, &tr.union_a, "王一", 1).await;
        let late = apply(db, &tr.union_a, "王二", 2).await;
        let later = apply(db, &tr.union_a, "王三", 3).await;
        let elsewhere = apply(db, &tr.union_b, "秦四", 4).await;
        due_in(db, late, -2).await;
        due_in(db, later, -48).await;
        let q = membership::queue(
            db,
            &actor_at(&tr.district_a, Role::Reviewer).scope,
            None,
            50,
            0,
        )
        .await
        .unwrap();
        let ids: Vec<i64> = q.rows.iter().map(|m| m.id).collect();
        assert_eq!(ids, vec![later, late, fresh], "{}", t.name);
        assert_eq!((q.total, q.overdue), (3, 2), "{}", t.name);
        assert!(!ids.contains(&elsewhere));
        // An organisation outside the scope is not found, not an empty queue.
        let err = membership::queue(
            db,
            &actor_at(&tr.district_a, Role::Reviewer).scope,
            Some(tr.union_b.id),
            50,
            0,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{}: {err:?}", t.name);
        let city = membership::queue(db, &actor_at(&tr.city, Role::Reviewer).scope, None, 50, 0)
            .await
            .unwrap();
        assert_eq!(city.total, 4, "{}", t.name);
    }
}

#[tokio::test]
async fn one_decision_over_many_skips_what_it_cannot_decide_and_says_why() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let reviewer = actor_at(&tr.district_a, Role::Reviewer);
        let a = apply(db, &tr.union_a, "王一", 1).await;
        let b = apply(db, &tr.union_a, "王二", 2).await;
        let taken = apply(db, &tr.union_a, "王三", 3).await;
        let outside = apply(db, &tr.union_b, "秦四", 4).await;
        membership::approve(db, &reviewer, taken).await.unwrap();
        let out = membership::decide_many(
            db,
            &reviewer,
            &[a, b, taken, outside, a],
            &Decision::Approve,
            None,
        )
        .await
        .unwrap();
        let done: Vec<i64> = out.done.iter().map(|m| m.id).collect();
        assert_eq!(done, vec![a, b], "{}", t.name);
        assert!(out.done.iter().all(|m| m.member_no.is_some()));
        let skipped: Vec<(i64, &str)> = out.skipped.iter().map(|(id, e)| (*id, e.code)).collect();
        assert_eq!(
            skipped,
            vec![
                (taken, "membership.illegal_transition"),
                (outside, "membership.not_found")
            ],
            "{}",
            t.name
        );
        // The other district's application is untouched.
        let sys = Actor::system();
        assert_eq!(
            membership::get(db, &sys.scope, outside)
                .await
                .unwrap()
                .status,
            MembershipStatus::Applied
        );
        // A rejection without a reason touches nothing.
        let c = apply(db, &tr.union_a, "王五", 5).await;
        let err =
            membership::decide_many(db, &reviewer, &[c], &Decision::Reject("  ".into()), None)
                .await
                .unwrap_err();
        assert!(matches!(err, StoreError::Validation(_)), "{err:?}");
        assert_eq!(
            membership::get(db, &sys.scope, c).await.unwrap().status,
            MembershipStatus::Applied
        );
        // A union's own queue decides only its own applications.
        let d = apply(db, &tr.union_b, "秦六", 6).await;
        let city = actor_at(&tr.city, Role::Reviewer);
        let out = membership::decide_many(
            db,
            &city,
            &[c, d],
            &Decision::Reject("材料不全".into()),
            Some(tr.union_a.id),
        )
        .await
        .unwrap();
        assert_eq!(out.done.len(), 1);
        assert_eq!(out.done[0].reject_reason.as_deref(), Some("材料不全"));
        assert_eq!(out.skipped[0].0, d);
        // Viewers decide nothing.
        let viewer = actor_at(&tr.district_a, Role::Viewer);
        assert!(matches!(
            membership::decide_many(db, &viewer, &[d], &Decision::Approve, None).await,
            Err(StoreError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn a_correction_changes_what_was_typed_and_keeps_one_person_one_membership() {
    for t in TestDb::all().await {
        let db = &t.db;
        let s = sealer();
        let tr = tree(db).await;
        let reviewer = actor_at(&tr.district_a, Role::Reviewer);
        let id = apply(db, &tr.union_a, "王一", 1).await;
        let other = apply(db, &tr.union_a, "王二", 2).await;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        // The same middle digits hidden by the mask: compared by the blind index.
        let new_id = IdNumber::parse_on(
            &nuanxin_testkit::id_number("320102", "19910307", "001"),
            today,
        )
        .unwrap();
        let c = Correction {
            name: Some("王壹".into()),
            id_number: Some(new_id.clone()),
            phone: Some(Phone::parse("13912345678").unwrap()),
            reason: "本人持身份证核对".into(),
            ..Default::default()
        };
        let m = membership::correct(db, &reviewer, &s, id, &c)
            .await
            .unwrap();
        assert_eq!(
            (m.name.as_str(), m.phone_masked.as_str()),
            ("王壹", "139****5678"),
            "{}",
            t.name
        );
        let found = membership::search_exact(
            db,
            &reviewer,
            &s,
            Exact::IdNumber(&new_id),
            Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(found.iter().map(|m| m.id).collect::<Vec<_>>(), vec![id]);
        let (_, phone) = membership::reveal(db, &Actor::system(), &s, id)
            .await
            .unwrap();
        assert_eq!(phone, "13912345678");
        // Audited with masks only, and in the history with its reason.
        let rows = audit::list(
            db,
            &Actor::system().scope,
            &audit::AuditFilter {
                action: Some("member.correct".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0;
        let after = rows[0].after_json.clone().unwrap();
        assert!(
            after.contains("139****5678") && !after.contains("13912345678"),
            "{after}"
        );
        let h = membership::history(db, &reviewer.scope, id).await.unwrap();
        assert!(h
            .last()
            .unwrap()
            .reason
            .as_deref()
            .unwrap()
            .contains("本人持身份证核对"));
        // Retyping what is on record changes nothing.
        let same = Correction {
            phone: Some(Phone::parse("13912345678").unwrap()),
            reason: "再次核对".into(),
            ..Default::default()
        };
        let err = membership::correct(db, &reviewer, &s, id, &same)
            .await
            .unwrap_err();
        assert!(
            format!("{err:?}").contains("membership.nothing_to_correct"),
            "{err:?}"
        );
        // Another open record's ID number is refused, and nothing changes.
        let taken = Correction {
            id_number: Some(new_id),
            name: Some("王贰".into()),
            reason: "录入错误".into(),
            ..Default::default()
        };
        let err = membership::correct(db, &reviewer, &s, other, &taken)
            .await
            .unwrap_err();
        assert!(
            format!("{err:?}").contains("membership.person_exists"),
            "{}: {err:?}",
            t.name
        );
        assert_eq!(
            membership::get(db, &reviewer.scope, other)
                .await
                .unwrap()
                .name,
            "王二"
        );
        // Outside the scope: not found.
        let b = actor_at(&tr.district_b, Role::Reviewer);
        assert!(matches!(
            membership::correct(db, &b, &s, id, &same).await,
            Err(StoreError::NotFound)
        ));
    }
}

#[tokio::test]
async fn a_members_requests_go_to_their_union_and_are_carried_out() {
    for t in TestDb::all().await {
        let db = &t.db;
        let s = sealer();
        let tr = tree(db).await;
        let reviewer = actor_at(&tr.district_a, Role::Reviewer);
        let id = apply(db, &tr.union_a, "王一", 1).await;
        membership::approve(db, &reviewer, id).await.unwrap();
        let token = status_token(db, id).await;
        let phone = Request {
            kind: RequestKind::Phone,
            detail: String::new(),
            phone: Some(Phone::parse("13700001111").unwrap()),
        };
        let r = nuanxin_store::membership::worker::file_request(db, &s, &token, &phone)
            .await
            .unwrap();
        assert_eq!(
            (r.status, r.org_id),
            (RequestStatus::Open, tr.union_a.id),
            "{}",
            t.name
        );
        assert_eq!(r.new_phone_masked.as_deref(), Some("137****1111"));
        assert!(r.due_at > Utc::now() + Duration::days(14));
        // One open request of a kind at a time.
        assert!(matches!(
            nuanxin_store::membership::worker::file_request(db, &s, &token, &phone).await,
            Err(StoreError::Conflict(_))
        ));
        // The other district sees nothing of it.
        let b = actor_at(&tr.district_b, Role::Reviewer);
        assert!(requests::open(db, &b.scope, 50).await.unwrap().0.is_empty());
        assert!(matches!(
            requests::decide(db, &b, &s, r.id, true, "").await,
            Err(StoreError::NotFound)
        ));
        let (open, total, _) = requests::open(db, &reviewer.scope, 50).await.unwrap();
        assert_eq!((open.len(), total), (1, 1));
        // Done: the new phone is on record.
        let done = requests::decide(db, &reviewer, &s, r.id, true, "已更换")
            .await
            .unwrap();
        assert_eq!(done.status, RequestStatus::Done);
        assert_eq!(
            membership::get(db, &reviewer.scope, id)
                .await
                .unwrap()
                .phone_masked,
            "137****1111"
        );
        assert!(matches!(
            requests::decide(db, &reviewer, &s, r.id, true, "").await,
            Err(StoreError::Conflict(_))
        ));
        // Refusing needs a reason the worker reads.
        let leave = Request {
            kind: RequestKind::Leave,
            detail: "换城市了".into(),
            phone: None,
        };
        let l = nuanxin_store::membership::worker::file_request(db, &s, &token, &leave)
            .await
            .unwrap();
        assert!(matches!(
            requests::decide(db, &reviewer, &s, l.id, false, " ").await,
            Err(StoreError::Validation(_))
        ));
        let l = requests::decide(db, &reviewer, &s, l.id, true, "")
            .await
            .unwrap();
        assert_eq!(l.status, RequestStatus::Done);
        assert_eq!(
            membership::get(db, &reviewer.scope, id)
                .await
                .unwrap()
                .status,
            MembershipStatus::Left,
            "{}",
            t.name
        );
        // Leaving twice cannot be asked; deletion still can.
        assert!(matches!(
            nuanxin_store::membership::worker::file_request(db, &s, &token, &leave).await,
            Err(StoreError::Validation(_))
        ));
        let erase = Request {
            kind: RequestKind::Erase,
            detail: String::new(),
            phone: None,
        };
        let e = nuanxin_store::membership::worker::file_request(db, &s, &token, &erase)
            .await
            .unwrap();
        requests::decide(db, &reviewer, &s, e.id, true, "")
            .await
            .unwrap();
        let m = membership::get(db, &reviewer.scope, id).await.unwrap();
        assert_eq!(
            (
                m.name.as_str(),
                m.phone_masked.as_str(),
                m.id_number_masked.as_str()
            ),
            (requests::ERASED_NAME, "", ""),
            "{}",
            t.name
        );
        assert!(
            m.member_no.is_some(),
            "the number stays for the union's counts"
        );
        let idn =
            IdNumber::parse(&nuanxin_testkit::id_number("320102", "19900307", "001")).unwrap();
        let sys = Actor::system();
        assert!(
            membership::search_exact(db, &sys, &s, Exact::IdNumber(&idn), Default::default())
                .await
                .unwrap()
                .is_empty()
        );
        let card = membership::worker::card_by_status_token(db, &token)
            .await
            .unwrap();
        assert!(card.erased());
        assert!(matches!(
            nuanxin_store::membership::worker::file_request(db, &s, &token, &erase).await,
            Err(StoreError::Validation(_))
        ));
        // The person can join again afterwards.
        let again = apply(db, &tr.union_a, "王一", 1).await;
        assert_ne!(again, id);
    }
}
