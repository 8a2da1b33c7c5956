use crate::common::*;
use nuanxin_domain::account::Role;
use nuanxin_domain::membership::{ApplicationForm, MembershipStatus};
use nuanxin_store::membership::transfers;
use nuanxin_store::membership::{self, Applied};
use nuanxin_store::routing::Route;
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Actor, StoreError};

fn code(e: StoreError) -> String {
    match e {
        StoreError::Validation(v) => v.0[0].code.to_string(),
        StoreError::Conflict(f) => f.code.to_string(),
        other => format!("{other:?}"),
    }
}

async fn active_member(
    db: &nuanxin_store::Db,
    org: &nuanxin_store::orgs::Org,
    date: &str,
) -> (i64, String) {
    let mut id = format!("320102{date}919").into_bytes();
    id.push(nuanxin_domain::ids::id_check_char(&id));
    let app = ApplicationForm {
        name: "吴十".into(),
        id_number: String::from_utf8(id).unwrap(),
        phone: "13600001111".into(),
        occupation: "delivery_rider".into(),
        employer: String::new(),
        work_region: "320102".into(),
        consent: true,
    }
    .check(
        &regions(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap();
    let route = Route {
        org_id: org.id,
        org_name: org.name.clone(),
        rule: "scanned_union".into(),
        args: Default::default(),
    };
    let Applied::Created { member_id, .. } =
        membership::apply(db, &Sealer::from_key(&[3u8; 64]), &route, &app)
            .await
            .unwrap()
    else {
        panic!()
    };
    let m = membership::approve(db, &Actor::system(), member_id)
        .await
        .unwrap();
    (member_id, m.member_no.unwrap())
}

#[tokio::test]
async fn a_member_moves_keeping_their_number() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let (id, no) = active_member(db, &tr.union_a, "19870707").await;
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        let b = actor_at(&tr.district_b, Role::Reviewer);
        // The receiving side cannot pull a member in: the number answers
        // exactly like an unknown one, to the union and to its district.
        for (who, to) in [(&b, tr.union_b.id), (&b, tr.union_a.id)] {
            assert_eq!(
                code(
                    transfers::request(db, Some(who), &no, to)
                        .await
                        .unwrap_err()
                ),
                "NotFound",
                "{}: B does not hold the member",
                t.name
            );
        }
        let union_b_reviewer = actor_at(&tr.union_b, Role::Reviewer);
        assert_eq!(
            code(
                transfers::request(db, Some(&union_b_reviewer), &no, tr.union_b.id)
                    .await
                    .unwrap_err()
            ),
            "NotFound"
        );
        assert_eq!(
            code(
                transfers::request(db, Some(&a), "32010226999999990", tr.union_b.id)
                    .await
                    .unwrap_err()
            ),
            "NotFound",
            "an unknown number answers the same"
        );
        assert_eq!(
            code(
                transfers::request(db, Some(&a), &no, tr.district_b.id)
                    .await
                    .unwrap_err()
            ),
            "transfer.union_unavailable"
        );
        assert_eq!(
            membership::get(db, &a.scope, id).await.unwrap().status,
            MembershipStatus::Active,
            "{}: refused requests changed nothing",
            t.name
        );
        let tf = transfers::request(db, Some(&a), &no, tr.union_b.id)
            .await
            .unwrap();
        assert_eq!(tf.status, "pending", "{}", t.name);
        assert_eq!(
            membership::get(db, &a.scope, id).await.unwrap().status,
            MembershipStatus::Transferring
        );
        assert_eq!(
            code(
                transfers::request(db, Some(&a), &no, tr.union_b.id)
                    .await
                    .unwrap_err()
            ),
            "membership.illegal_transition"
        );
        assert_eq!(
            transfers::list(db, &a.scope, true, 10).await.unwrap().len(),
            1,
            "outgoing, seen by A"
        );
        assert!(
            matches!(
                transfers::decide(db, &a, tf.id, true, None).await,
                Err(StoreError::NotFound)
            ),
            "{}: only the receiving side decides",
            t.name
        );
        let done = transfers::decide(db, &b, tf.id, true, None).await.unwrap();
        assert_eq!(done.status, "accepted");
        let m = membership::get(db, &b.scope, id).await.unwrap();
        assert_eq!(
            (m.org_id, m.status, m.member_no.as_deref()),
            (tr.union_b.id, MembershipStatus::Active, Some(no.as_str())),
            "{}",
            t.name
        );
        assert!(
            matches!(
                membership::get(db, &a.scope, id).await,
                Err(StoreError::NotFound)
            ),
            "{}: A no longer holds the member",
            t.name
        );
        assert_eq!(
            code(
                transfers::decide(db, &b, tf.id, false, Some("x"))
                    .await
                    .unwrap_err()
            ),
            "transfer.not_pending"
        );
        let h = membership::history(db, &b.scope, id).await.unwrap();
        assert_eq!(
            h.iter().map(|e| e.to_status.as_str()).collect::<Vec<_>>(),
            ["applied", "active", "transferring", "active"]
        );
    }
}

#[tokio::test]
async fn a_refused_transfer_leaves_the_member_at_home() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let (id, no) = active_member(db, &tr.union_a, "19860606").await;
        let tf = transfers::request(db, None, &no, tr.union_b.id)
            .await
            .unwrap();
        assert_eq!(tf.requested_by, "worker");
        let b = actor_at(&tr.district_b, Role::Reviewer);
        assert_eq!(
            code(
                transfers::decide(db, &b, tf.id, false, None)
                    .await
                    .unwrap_err()
            ),
            "text.empty",
            "{}",
            t.name
        );
        let done = transfers::decide(db, &b, tf.id, false, Some("不在本区工作"))
            .await
            .unwrap();
        assert_eq!(
            (done.status.as_str(), done.reason.as_deref()),
            ("refused", Some("不在本区工作"))
        );
        let m = membership::get(db, &actor_at(&tr.district_a, Role::Viewer).scope, id)
            .await
            .unwrap();
        assert_eq!(
            (m.org_id, m.status),
            (tr.union_a.id, MembershipStatus::Active),
            "{}",
            t.name
        );
    }
}
