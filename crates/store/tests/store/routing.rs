use crate::common::*;
use nuanxin_domain::account::Role;
use nuanxin_domain::membership::ApplicationForm;
use nuanxin_store::orgs::{self, NewOrg};
use nuanxin_store::testing::TestDb;
use nuanxin_store::{routing, Actor, StoreError};

fn app(occupation: &str) -> nuanxin_domain::membership::Application {
    let mut id = b"32010219900307123".to_vec();
    id.push(nuanxin_domain::ids::id_check_char(&id));
    ApplicationForm {
        name: "王五".into(),
        id_number: String::from_utf8(id).unwrap(),
        phone: "13812345678".into(),
        occupation: occupation.into(),
        employer: String::new(),
        work_region: "320102".into(),
        consent: true,
    }
    .check(
        &regions(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn applications_go_to_the_right_union() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let sys = Actor::system();
        let mk = |parent: i64, kind: &str, name: &str, industry: Option<&str>| NewOrg {
            parent_id: Some(parent),
            kind: kind.into(),
            name: name.into(),
            region_code: "320102".into(),
            industry: industry.map(Into::into),
            uscc: None,
        };
        let express = orgs::create(
            db,
            &sys,
            &regions(),
            &mk(
                tr.district_a.id,
                "industry",
                "玄武区快递行业工会联合会",
                Some("express"),
            ),
        )
        .await
        .unwrap()
        .org;
        let catch_all = orgs::create(
            db,
            &sys,
            &regions(),
            &mk(tr.street_a.id, "catch_all", "梅园新村街道兜底工会", None),
        )
        .await
        .unwrap()
        .org;
        let r = routing::route(db, tr.union_a.id, &app("courier"))
            .await
            .unwrap();
        assert_eq!(
            (r.org_id, r.rule.as_str()),
            (tr.union_a.id, "scanned_union"),
            "{}",
            t.name
        );
        let r = routing::route(db, tr.district_a.id, &app("courier"))
            .await
            .unwrap();
        assert_eq!(
            (r.org_id, r.rule.as_str()),
            (express.id, "industry_federation"),
            "{}",
            t.name
        );
        assert_eq!(r.args.union, "玄武区快递行业工会联合会");
        assert_eq!(r.args.occupation.as_deref(), Some("courier"));
        let r = routing::route(db, tr.city.id, &app("security_guard"))
            .await
            .unwrap();
        assert_eq!(
            (r.org_id, r.rule.as_str()),
            (catch_all.id, "catch_all_union"),
            "{}",
            t.name
        );
        let e = routing::route(db, tr.district_b.id, &app("courier"))
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Validation(v) if v.0[0].code == "routing.no_union"),
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn join_links_resolve_until_renewed() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        let token = nuanxin_store::membership::join_links::link_for_org(db, &a, tr.union_a.id)
            .await
            .unwrap();
        assert!(token.len() >= 22, "at least 128 bits");
        assert_eq!(
            nuanxin_store::membership::join_links::link_for_org(db, &a, tr.union_a.id)
                .await
                .unwrap(),
            token,
            "stable"
        );
        assert_eq!(
            nuanxin_store::membership::worker::resolve(db, &token)
                .await
                .unwrap()
                .org_id,
            tr.union_a.id
        );
        assert!(
            matches!(
                nuanxin_store::membership::join_links::link_for_org(db, &a, tr.union_b.id).await,
                Err(StoreError::NotFound)
            ),
            "{}: scoped",
            t.name
        );
        let fresh = nuanxin_store::membership::join_links::renew(db, &a, tr.union_a.id)
            .await
            .unwrap();
        assert_ne!(fresh, token);
        assert!(
            matches!(
                nuanxin_store::membership::worker::resolve(db, &token).await,
                Err(StoreError::NotFound)
            ),
            "{}: the old code is dead",
            t.name
        );
        assert!(matches!(
            nuanxin_store::membership::worker::resolve(db, "nonsense").await,
            Err(StoreError::NotFound)
        ));
    }
}

#[tokio::test]
async fn reviewers_reroute_pending_applications_within_their_scope() {
    use nuanxin_store::membership::{self, Applied};
    use nuanxin_store::sensitive::Sealer;
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let union_c = orgs::create(
            db,
            &Actor::system(),
            &regions(),
            &new_org(
                Some(tr.street_a.id),
                "enterprise",
                "某外卖平台合作商工会",
                "320102",
            ),
        )
        .await
        .unwrap()
        .org;
        let route = routing::route(db, tr.union_a.id, &app("courier"))
            .await
            .unwrap();
        let id = match membership::apply(db, &Sealer::from_key(&[9u8; 64]), &route, &app("courier"))
            .await
            .unwrap()
        {
            Applied::Created { member_id, .. } => member_id,
            other => panic!("{other:?}"),
        };
        let reviewer = actor_at(&tr.street_a, Role::Reviewer);
        let code = |e: StoreError| match e {
            StoreError::Validation(v) => v.0[0].code,
            other => panic!("{other:?}"),
        };
        let e = membership::reroute(db, &reviewer, id, union_c.id, " ")
            .await
            .unwrap_err();
        assert_eq!(code(e), "text.empty", "{}", t.name);
        for target in [tr.union_b.id, tr.street_a.id, tr.union_a.id] {
            let e = membership::reroute(db, &reviewer, id, target, "平台合作商已建会")
                .await
                .unwrap_err();
            assert!(code(e).starts_with("membership.reroute"), "target {target}");
        }
        let outsider = actor_at(&tr.district_b, Role::Reviewer);
        assert!(matches!(
            membership::reroute(db, &outsider, id, tr.union_b.id, "越权").await,
            Err(StoreError::NotFound)
        ));

        let m = membership::reroute(db, &reviewer, id, union_c.id, "平台合作商已建会")
            .await
            .unwrap();
        assert_eq!(m.org_id, union_c.id);
        assert_eq!(m.route_reason, "平台合作商已建会");
        assert_eq!(m.route_args.unwrap().union, "某外卖平台合作商工会");
        let history = membership::history(db, &reviewer.scope, id).await.unwrap();
        assert_eq!(
            history.last().unwrap().reason.as_deref(),
            Some("平台合作商已建会")
        );
        assert_eq!(history.last().unwrap().org_id, union_c.id);

        membership::approve(db, &reviewer, id).await.unwrap();
        let e = membership::reroute(db, &reviewer, id, tr.union_a.id, "再改")
            .await
            .unwrap_err();
        assert_eq!(code(e), "membership.reroute_decided");
    }
}
