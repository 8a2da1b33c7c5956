use crate::common::*;
use nuanxin_domain::account::Role;
use nuanxin_domain::ids::{IdNumber, Phone};
use nuanxin_domain::membership::{Application, MembershipStatus};
use nuanxin_store::membership::{self, Applied, Exact};
use nuanxin_store::routing::Route;
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::testing::TestDb;
use nuanxin_store::{audit, Actor, Query, StoreError};

fn sealer() -> Sealer {
    Sealer::from_key(&[9u8; 64])
}

fn application(id_number: &str, phone: &str) -> Application {
    nuanxin_testkit::application("李强", id_number, phone)
}

fn to(org: &nuanxin_store::orgs::Org) -> Route {
    Route {
        org_id: org.id,
        org_name: org.name.clone(),
        rule: "scanned_union".into(),
        args: Default::default(),
    }
}

fn created(a: Applied) -> i64 {
    match a {
        Applied::Created { member_id, .. } => member_id,
        other => panic!("expected a new application, got {other:?}"),
    }
}

#[tokio::test]
async fn apply_approve_and_number() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let s = sealer();
        let idn = nuanxin_testkit::id_number("320102", "19900307", "123");
        let id = created(
            membership::apply(db, &s, &to(&tr.union_a), &application(&idn, "13812345678"))
                .await
                .unwrap(),
        );
        let reviewer = actor_at(&tr.district_a, Role::Reviewer);
        let m = membership::approve(db, &reviewer, id).await.unwrap();
        assert_eq!(m.status, MembershipStatus::Active, "{}", t.name);
        let no = m.member_no.clone().unwrap();
        assert!(no.starts_with("320102"), "{no}");
        assert_eq!(m.id_number_masked, format!("320***********{}", &idn[14..]));
        assert_eq!(m.phone_masked, "138****5678");
        let second = created(
            membership::apply(
                db,
                &s,
                &to(&tr.union_a),
                &application(
                    &nuanxin_testkit::id_number("320102", "19920101", "456"),
                    "13900001111",
                ),
            )
            .await
            .unwrap(),
        );
        let n2 = membership::approve(db, &reviewer, second)
            .await
            .unwrap()
            .member_no
            .unwrap();
        assert_eq!(
            n2[8..16].parse::<u32>().unwrap(),
            no[8..16].parse::<u32>().unwrap() + 1,
            "{}: numbers follow each other",
            t.name
        );
        let e = membership::approve(db, &reviewer, id).await.unwrap_err();
        assert!(
            matches!(e, StoreError::Validation(v) if v.0[0].code == "membership.illegal_transition")
        );
        let h = membership::history(db, &reviewer.scope, id).await.unwrap();
        assert_eq!(
            h.iter().map(|e| e.to_status.as_str()).collect::<Vec<_>>(),
            ["applied", "active"]
        );
        let (rows, _) = audit::list(
            db,
            &reviewer.scope,
            &audit::AuditFilter {
                action: Some("member.status".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(rows.len(), 2, "{}", t.name);
    }
}

#[tokio::test]
async fn one_person_one_membership_even_under_a_burst() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let s = sealer();
        let app = application(
            &nuanxin_testkit::id_number("320102", "19950505", "777"),
            "13700000000",
        );
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let (db, s, app, org) = (db.clone(), s.clone(), app.clone(), to(&tr.union_a));
            tasks.spawn(async move { membership::apply(&db, &s, &org, &app).await });
        }
        let mut created_n = 0;
        let mut existing_n = 0;
        while let Some(r) = tasks.join_next().await {
            match r.unwrap().expect("every submission gets a proper answer") {
                Applied::Created { .. } => created_n += 1,
                Applied::Existing { status, .. } => {
                    assert_eq!(status, MembershipStatus::Applied);
                    existing_n += 1
                }
            }
        }
        assert_eq!((created_n, existing_n), (1, 49), "{}", t.name);
        let n: i64 = db
            .scalar(&Query::new("SELECT COUNT(*) FROM members"))
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
}

#[tokio::test]
async fn rejection_needs_a_reason_and_allows_a_new_application() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let s = sealer();
        let app = application(
            &nuanxin_testkit::id_number("320102", "19880808", "888"),
            "13600000000",
        );
        let id = created(
            membership::apply(db, &s, &to(&tr.union_a), &app)
                .await
                .unwrap(),
        );
        let reviewer = actor_at(&tr.district_a, Role::Reviewer);
        assert!(matches!(
            membership::reject(db, &reviewer, id, "  ").await,
            Err(StoreError::Validation(_))
        ));
        let m = membership::reject(db, &reviewer, id, "不在本单位工作")
            .await
            .unwrap();
        assert_eq!(
            (m.status, m.reject_reason.as_deref()),
            (MembershipStatus::Rejected, Some("不在本单位工作")),
            "{}",
            t.name
        );
        assert!(m.member_no.is_none());
        created(
            membership::apply(db, &s, &to(&tr.union_a), &app)
                .await
                .unwrap(),
        );
        let e = membership::apply(
            db,
            &s,
            &to(&tr.district_a),
            &application(
                &nuanxin_testkit::id_number("320102", "19700101", "111"),
                "13500000000",
            ),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, StoreError::Validation(v) if v.0[0].code == "membership.union_unavailable"),
            "a federation takes no members directly"
        );
    }
}

#[tokio::test]
async fn the_roll_is_scoped_sealed_and_revealed_only_with_the_right() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let s = sealer();
        let idn = nuanxin_testkit::id_number("320102", "19910203", "345");
        let id = created(
            membership::apply(db, &s, &to(&tr.union_a), &application(&idn, "13812349876"))
                .await
                .unwrap(),
        );
        let b = actor_at(&tr.district_b, Role::UnionAdmin);
        assert!(
            matches!(
                membership::get(db, &b.scope, id).await,
                Err(StoreError::NotFound)
            ),
            "{}",
            t.name
        );
        assert!(matches!(
            membership::approve(db, &actor_at(&tr.district_b, Role::Reviewer), id).await,
            Err(StoreError::NotFound)
        ));
        let by_id = IdNumber::parse(&idn.to_lowercase()).unwrap();
        let by_phone = Phone::parse("13812349876").unwrap();
        let b_reviewer = actor_at(&tr.district_b, Role::Reviewer);
        assert!(membership::search_exact(
            db,
            &b_reviewer,
            &s,
            Exact::IdNumber(&by_id),
            Default::default()
        )
        .await
        .unwrap()
        .is_empty());
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        assert_eq!(
            membership::search_exact(db, &a, &s, Exact::IdNumber(&by_id), Default::default())
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            membership::search_exact(db, &a, &s, Exact::Phone(&by_phone), Default::default())
                .await
                .unwrap()[0]
                .phone_masked,
            "138****9876"
        );
        assert!(
            membership::search_exact(
                db,
                &a,
                &s,
                Exact::Phone(&by_phone),
                membership::ExactFilter {
                    status: Some(MembershipStatus::Active),
                    org_id: None
                }
            )
            .await
            .unwrap()
            .is_empty(),
            "{}: the status filter holds for an exact search too",
            t.name
        );
        let union_of = |org_id| membership::ExactFilter {
            status: None,
            org_id: Some(org_id),
        };
        assert_eq!(
            membership::search_exact(db, &a, &s, Exact::Phone(&by_phone), union_of(tr.union_a.id))
                .await
                .unwrap()
                .len(),
            1,
            "{}: the union filter keeps its own",
            t.name
        );
        assert!(
            membership::search_exact(
                db,
                &a,
                &s,
                Exact::Phone(&by_phone),
                union_of(tr.street_a.id)
            )
            .await
            .unwrap()
            .is_empty(),
            "{}: and holds for an exact search too",
            t.name
        );
        assert!(matches!(
            membership::search_exact(db, &a, &s, Exact::Phone(&by_phone), union_of(tr.union_b.id))
                .await,
            Err(StoreError::NotFound)
        ));
        // Each search is an access to personal data: audited, masked, and
        // refused to a role without the permission.
        assert!(matches!(
            membership::search_exact(
                db,
                &actor_at(&tr.district_a, Role::Viewer),
                &s,
                Exact::Phone(&by_phone),
                Default::default()
            )
            .await,
            Err(StoreError::Forbidden)
        ));
        let (searches, _) = audit::list(
            db,
            &Actor::system().scope,
            &audit::AuditFilter {
                action: Some("member.search".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(searches.len(), 6, "{}", t.name);
        let newest = searches[0].after_json.as_deref().unwrap();
        assert!(
            newest.contains("138****9876") && !newest.contains("13812349876"),
            "{newest}"
        );
        let viewer = actor_at(&tr.district_a, Role::Viewer);
        assert!(matches!(
            membership::reveal(db, &viewer, &s, id).await,
            Err(StoreError::Forbidden)
        ));
        assert_eq!(
            membership::reveal(db, &a, &s, id).await.unwrap(),
            (idn.clone(), "13812349876".to_string()),
            "{}",
            t.name
        );
        let (rows, _) = audit::list(
            db,
            &a.scope,
            &audit::AuditFilter {
                action: Some("member.reveal".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(rows.len(), 1);
        // No column of the stored row holds the plain ID number or phone.
        let stored: (String, String, String, String) = db
            .fetch_optional(&Query::new("SELECT person_key, id_number_sealed, phone_key, phone_sealed FROM members WHERE id = $1").bind(id))
            .await
            .unwrap()
            .unwrap();
        for col in [stored.0, stored.1, stored.2, stored.3] {
            assert!(
                !col.contains(&idn[..14]) && !col.contains("13812349876"),
                "{}: plaintext stored",
                t.name
            );
        }
    }
}

#[tokio::test]
async fn auto_approval_issues_the_card_at_once_and_overdue_applications_surface() {
    use nuanxin_store::membership::UnionSettings;
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let s = sealer();
        let admin = actor_at(&tr.district_a, Role::UnionAdmin);
        let on = UnionSettings {
            auto_approve: true,
            review_days: 3,
        };
        membership::set_settings(db, &admin, tr.union_a.id, on)
            .await
            .unwrap();
        assert_eq!(
            membership::settings(db, &admin.scope, tr.union_a.id)
                .await
                .unwrap(),
            on
        );
        assert!(membership::set_settings(
            db,
            &admin,
            tr.union_a.id,
            UnionSettings {
                auto_approve: true,
                review_days: 0
            }
        )
        .await
        .is_err());
        assert!(
            matches!(
                membership::set_settings(db, &admin, tr.union_b.id, on).await,
                Err(StoreError::NotFound)
            ),
            "{}",
            t.name
        );
        let id = created(
            membership::apply(
                db,
                &s,
                &to(&tr.union_a),
                &application(
                    &nuanxin_testkit::id_number("320102", "19930303", "303"),
                    "13800000003",
                ),
            )
            .await
            .unwrap(),
        );
        let m = membership::get(db, &admin.scope, id).await.unwrap();
        assert_eq!(m.status, MembershipStatus::Active, "{}", t.name);
        assert!(m.member_no.is_some());
        // An undecided application past its limit shows up for the federation above.
        let waiting = created(
            membership::apply(
                db,
                &s,
                &to(&tr.union_b),
                &application(
                    &nuanxin_testkit::id_number("320102", "19940404", "404"),
                    "13800000004",
                ),
            )
            .await
            .unwrap(),
        );
        let city = actor_at(&tr.city, Role::UnionAdmin);
        assert_eq!(
            membership::overdue_count(db, &city.scope, tr.city.id)
                .await
                .unwrap(),
            0
        );
        db.execute(
            &Query::new("UPDATE members SET due_at = $1 WHERE id = $2")
                .bind(chrono::Utc::now() - chrono::Duration::hours(1))
                .bind(waiting),
        )
        .await
        .unwrap();
        assert_eq!(
            membership::overdue_count(db, &city.scope, tr.city.id)
                .await
                .unwrap(),
            1,
            "{}",
            t.name
        );
        assert_eq!(
            membership::overdue_count(db, &admin.scope, tr.district_a.id)
                .await
                .unwrap(),
            0,
            "not district A's"
        );
    }
}

#[tokio::test]
async fn the_group_commit_queue_files_bursts_and_isolates_refusals() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let s = sealer();
        let queue = membership::ApplyQueue::start(db.clone());
        let mut tasks = tokio::task::JoinSet::new();
        // 40 different people, the same person 20 times, and 5 sent to a federation (refused).
        for i in 0..65u32 {
            let (q, s) = (queue.clone(), s.clone());
            let (org, id) = match i {
                0..=39 => (
                    to(&tr.union_a),
                    nuanxin_testkit::id_number("320102", "19900101", &format!("{i:03}")),
                ),
                40..=59 => (
                    to(&tr.union_b),
                    nuanxin_testkit::id_number("320102", "19800101", "999"),
                ),
                _ => (
                    to(&tr.district_a),
                    nuanxin_testkit::id_number("320102", "19700101", &format!("{i:03}")),
                ),
            };
            tasks.spawn(async move {
                q.submit(membership::prepare(
                    &s,
                    &org,
                    &application(&id, "13812345678"),
                ))
                .await
            });
        }
        let (mut created_n, mut existing_n, mut refused_n) = (0, 0, 0);
        while let Some(r) = tasks.join_next().await {
            match r.unwrap() {
                Ok(Applied::Created { .. }) => created_n += 1,
                Ok(Applied::Existing { .. }) => existing_n += 1,
                Err(StoreError::Validation(v)) if v.0[0].code == "membership.union_unavailable" => {
                    refused_n += 1
                }
                Err(e) => panic!("{}: {e:?}", t.name),
            }
        }
        assert_eq!(
            (created_n, existing_n, refused_n),
            (41, 19, 5),
            "{}",
            t.name
        );
        let n: i64 = db
            .scalar(&Query::new("SELECT COUNT(*) FROM members"))
            .await
            .unwrap();
        assert_eq!(n, 41, "{}", t.name);
    }
}
