//! The demo city on every backend: its shape, its accounts, its
//! determinism, and its refusal to load twice.

use std::collections::BTreeMap;

use nuanxin::demo::{load_demo, DEFAULT_ORGS};
use nuanxin::error::classify;
use nuanxin_domain::account::Role;
use nuanxin_domain::org::{OrgKind, OrgStatus};
use nuanxin_store::accounts;
use nuanxin_store::orgs::{self, Org, OrgFilter};
use nuanxin_store::routing::{rules, try_route, Trial};
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Db, Scope};

async fn all_orgs(db: &Db) -> Vec<Org> {
    let f = OrgFilter {
        limit: 10_000,
        ..Default::default()
    };
    let (orgs, total) = orgs::search(db, &Scope::everything(), &f).await.unwrap();
    assert_eq!(orgs.len() as i64, total);
    orgs
}

/// The city without its ids, which a concurrent writer may hand out in
/// another order: each organisation with its parent's name.
async fn snapshot(
    db: &Db,
) -> Vec<(
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
)> {
    let orgs = all_orgs(db).await;
    let names: BTreeMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let mut v: Vec<_> = orgs
        .iter()
        .map(|o| {
            (
                o.parent_id.map(|p| names[&p].clone()).unwrap_or_default(),
                o.name.clone(),
                o.kind.code().to_string(),
                o.region_code.clone(),
                o.industry.map(|i| i.code().to_string()),
                o.uscc.clone(),
                o.status.code().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn the_demo_city_has_its_federations_unions_and_accounts() {
    for t in TestDb::all().await {
        let summary = load_demo(&t.db, DEFAULT_ORGS, 11).await.unwrap();
        assert_eq!(summary.orgs, DEFAULT_ORGS, "{}", t.name);
        assert_eq!(summary.streets_imported, 140);
        let orgs = all_orgs(&t.db).await;
        assert_eq!(orgs.len(), DEFAULT_ORGS, "{}", t.name);

        let city = orgs.iter().find(|o| o.parent_id.is_none()).unwrap();
        assert_eq!(
            (city.name.as_str(), city.kind, city.region_code.as_str()),
            ("南京市总工会", OrgKind::City, "320100")
        );
        let mut city_industry: Vec<(&str, &str)> = orgs
            .iter()
            .filter(|o| o.parent_id == Some(city.id) && o.kind == OrgKind::Industry)
            .map(|o| (o.name.as_str(), o.industry.unwrap().code()))
            .collect();
        city_industry.sort();
        assert_eq!(
            city_industry,
            [
                ("南京市快递行业工会联合会", "express"),
                ("南京市网约车行业工会联合会", "ride_hailing"),
                ("南京市网约送餐行业工会联合会", "food_delivery"),
            ],
            "{}",
            t.name
        );
        let count = |k: OrgKind| orgs.iter().filter(|o| o.kind == k).count();
        assert_eq!(count(OrgKind::District), 11);
        assert_eq!(count(OrgKind::Industry), 3 + 33);
        assert_eq!(count(OrgKind::Street), count(OrgKind::CatchAll));
        assert!(count(OrgKind::Enterprise) > 50);
        let xuanwu = orgs.iter().find(|o| o.name == "玄武区总工会").unwrap();
        assert_eq!(xuanwu.parent_id, Some(city.id));
        let meiyuan = orgs
            .iter()
            .find(|o| o.name == "梅园新村街道总工会")
            .unwrap();
        assert_eq!(
            (meiyuan.parent_id, meiyuan.region_code.as_str()),
            (Some(xuanwu.id), "320102002")
        );
        assert!(orgs
            .iter()
            .any(|o| o.parent_id == Some(meiyuan.id) && o.kind == OrgKind::CatchAll));

        // Statuses are mixed, and a founded union went through the checklist.
        let preparing: Vec<&Org> = orgs
            .iter()
            .filter(|o| o.status == OrgStatus::Preparing)
            .collect();
        assert!(
            !preparing.is_empty() && preparing.len() < orgs.len() / 3,
            "{}",
            preparing.len()
        );
        let founded = orgs
            .iter()
            .find(|o| o.kind == OrgKind::Enterprise && o.status == OrgStatus::Founded)
            .unwrap();
        let steps = orgs::checklist(&t.db, &Scope::everything(), founded.id)
            .await
            .unwrap();
        assert!(steps.iter().all(|s| s.done_on.is_some()));
        let partial = orgs::checklist(&t.db, &Scope::everything(), preparing[0].id)
            .await
            .unwrap();
        assert!(partial.iter().any(|s| s.done_on.is_none()));
        assert!(orgs
            .iter()
            .filter_map(|o| o.uscc.as_deref())
            .all(|u| u.starts_with("81") && u.len() == 18));
        assert!(orgs.iter().any(|o| o.uscc.is_some()));

        // The printed passwords log in, each account in its own place.
        assert_eq!(summary.accounts.len(), 4);
        for a in &summary.accounts {
            let acct = accounts::authenticate(&t.db, &a.username, &a.password, None)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(acct.role, a.role);
            assert_eq!(acct.org_name, a.org_name);
        }
        let by_name = |n: &str| summary.accounts.iter().find(|a| a.username == n).unwrap();
        assert_eq!(
            (by_name("admin").role, by_name("admin").org_name.as_str()),
            (Role::SystemAdmin, "南京市总工会")
        );
        assert_eq!(
            (by_name("xuanwu").role, by_name("xuanwu").org_name.as_str()),
            (Role::UnionAdmin, "玄武区总工会")
        );
        assert_eq!(
            (
                by_name("qinhuai").role,
                by_name("qinhuai").org_name.as_str()
            ),
            (Role::UnionAdmin, "秦淮区总工会")
        );
        assert_eq!(by_name("viewer").role, Role::Viewer);

        // Each district has employer rules, and a worker naming such a
        // company through the city's code lands at its union.
        assert!(summary.routing_rules > 0, "{}", t.name);
        let district = orgs.iter().find(|o| o.name == "玄武区总工会").unwrap();
        let rule = &rules::list(&t.db, &Scope::everything(), district.id)
            .await
            .unwrap()[0];
        let trial = Trial {
            occupation: "courier".into(),
            employer: format!("{}（玄武）", rule.employer.as_deref().unwrap()),
            work_region: district.region_code.clone(),
        };
        let regions = nuanxin_store::regions::load(&t.db).await.unwrap();
        let route = try_route(&t.db, &Scope::everything(), &regions, city.id, &trial)
            .await
            .unwrap();
        assert_eq!(
            (route.org_id, route.rule),
            (rule.target_org_id, format!("rule:{}", rule.id)),
            "{}",
            t.name
        );

        // A second load is refused as a user mistake and writes nothing.
        let err = load_demo(&t.db, DEFAULT_ORGS, 11).await.unwrap_err();
        let (code, msg) = classify(&err);
        assert_eq!(code, 2, "{msg}");
        assert!(msg.contains("already has 400 organisations"), "{msg}");
        assert_eq!(all_orgs(&t.db).await.len(), DEFAULT_ORGS);
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_city() {
    let mut pairs = vec![(TestDb::sqlite().await, TestDb::sqlite().await)];
    if let (Some(a), Some(b)) = (TestDb::postgres().await, TestDb::postgres().await) {
        pairs.push((a, b));
    }
    for (a, b) in pairs {
        load_demo(&a.db, DEFAULT_ORGS, 5).await.unwrap();
        load_demo(&b.db, DEFAULT_ORGS, 5).await.unwrap();
        let (sa, sb) = (snapshot(&a.db).await, snapshot(&b.db).await);
        assert_eq!(sa.len(), DEFAULT_ORGS);
        assert!(sa == sb, "{}: the same seed gave different cities", a.name);
    }
}

#[tokio::test]
async fn a_size_below_the_skeleton_is_refused_before_writing() {
    let t = TestDb::sqlite().await;
    let min = nuanxin::demo::skeleton_size();
    let err = load_demo(&t.db, min - 1, 1).await.unwrap_err();
    let (code, msg) = classify(&err);
    assert_eq!(code, 2);
    assert!(msg.contains(&format!("at least {min}")), "{msg}");
    assert!(all_orgs(&t.db).await.is_empty());
    // The smallest city loads.
    assert_eq!(load_demo(&t.db, min, 1).await.unwrap().orgs, min);
}

#[tokio::test]
async fn demo_members_fill_the_review_queues() {
    for t in nuanxin_store::testing::TestDb::all().await {
        load_demo(&t.db, DEFAULT_ORGS, 3).await.unwrap();
        let sealer = nuanxin_store::sensitive::Sealer::from_key(&[1u8; 64]);
        let m = nuanxin::demo::members::load(&t.db, &sealer, 3, 60)
            .await
            .unwrap();
        assert!(
            m.applications >= 55 && m.approved > 0 && m.approved < m.applications,
            "{}: {m:?}",
            t.name
        );
        let active: i64 =
            t.db.scalar(&nuanxin_store::Query::new(
                "SELECT COUNT(*) FROM members WHERE status = 'active' AND member_no IS NOT NULL",
            ))
            .await
            .unwrap();
        assert_eq!(active as usize, m.approved, "{}", t.name);
    }
}
