use crate::common::*;
use nuanxin_domain::account::Role;
use nuanxin_domain::membership::{Application, ApplicationForm};
use nuanxin_domain::org::OrgStatus;
use nuanxin_domain::routing_rule::{RuleForm, Stage};
use nuanxin_store::audit::{self, AuditFilter};
use nuanxin_store::orgs::{self, Org};
use nuanxin_store::routing;
use nuanxin_store::routing::rules::{self, Direction};
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Actor, Db, StoreError};

fn app(occupation: &str, employer: &str, work_region: &str) -> Application {
    let mut id = b"32010219900307123".to_vec();
    id.push(nuanxin_domain::ids::id_check_char(&id));
    ApplicationForm {
        name: "王五".into(),
        id_number: String::from_utf8(id).unwrap(),
        phone: "13812345678".into(),
        occupation: occupation.into(),
        employer: employer.into(),
        work_region: work_region.into(),
        consent: true,
    }
    .check(
        &regions(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap()
}

fn form(employer: &str, occupation: &str, region: &str) -> RuleForm {
    RuleForm {
        employer: employer.into(),
        occupation: occupation.into(),
        region_code: region.into(),
        reason: String::new(),
    }
}

async fn union(db: &Db, parent: &Org, kind: &str, name: &str, industry: Option<&str>) -> Org {
    let mut input = new_org(Some(parent.id), kind, name, &parent.region_code);
    input.industry = industry.map(Into::into);
    orgs::create(db, &Actor::system(), &regions(), &input)
        .await
        .unwrap()
        .org
}

async fn add(db: &Db, actor: &Actor, owner: &Org, f: RuleForm, target: &Org) -> i64 {
    rules::create(db, actor, &regions(), owner.id, &f, target.id)
        .await
        .unwrap()
        .id
}

/// Routes through the city's code, as a worker scanning the city poster.
async fn routed(db: &Db, entry: &Org, a: &Application) -> (i64, String, routing::RouteArgs) {
    let r = routing::route(db, entry.id, a).await.unwrap();
    (r.org_id, r.rule, r.args)
}

#[tokio::test]
async fn rules_decide_in_the_default_order_and_name_themselves() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let partner = union(db, &tr.street_a, "enterprise", "美团玄武合作商工会", None).await;
        let express = union(
            db,
            &tr.district_a,
            "industry",
            "玄武区快递行业工会联合会",
            Some("express"),
        )
        .await;
        let admin = actor_at(&tr.district_a, Role::UnionAdmin);
        // Added out of the default order on purpose: the stage decides.
        let by_occupation = add(
            db,
            &admin,
            &tr.district_a,
            form("", "courier", ""),
            &express,
        )
        .await;
        let by_partner = add(
            db,
            &admin,
            &tr.district_a,
            form("美团", "", "320102"),
            &partner,
        )
        .await;
        let by_employer = add(
            db,
            &admin,
            &tr.district_a,
            form("顺丰", "", ""),
            &tr.union_a,
        )
        .await;

        let (org, rule, reason) =
            routed(db, &tr.city, &app("courier", "顺丰 速运", "320102")).await;
        assert_eq!(
            (org, rule),
            (tr.union_a.id, format!("rule:{by_employer}")),
            "{}",
            t.name
        );
        // The worker is told the union and the stage's reason (the rule has
        // none of its own).
        assert_eq!(
            (
                reason.union.as_str(),
                reason.stage.as_deref(),
                reason.reason
            ),
            ("某快递公司工会", Some("employer"), None)
        );
        let (org, rule, reason) = routed(db, &tr.city, &app("courier", "美团外卖", "320102")).await;
        assert_eq!(
            (org, rule),
            (partner.id, format!("rule:{by_partner}")),
            "{}",
            t.name
        );
        assert_eq!(
            (reason.union.as_str(), reason.stage.as_deref()),
            ("美团玄武合作商工会", Some("platform_partner"))
        );
        let (org, rule, _) = routed(db, &tr.city, &app("courier", "", "320102")).await;
        assert_eq!(
            (org, rule),
            (express.id, format!("rule:{by_occupation}")),
            "{}",
            t.name
        );

        // A district's rules cover only its own area.
        let e = routing::route(db, tr.city.id, &app("courier", "顺丰", "320104"))
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Validation(v) if v.0[0].code == "routing.no_union"),
            "{}",
            t.name
        );
        // Routes never leave the subtree of the scanned code: the city's rule
        // covers district B's area, but its target lies in district A.
        let city_admin = actor_at(&tr.city, Role::UnionAdmin);
        let by_city = add(db, &city_admin, &tr.city, form("京东", "", ""), &tr.union_a).await;
        // Tried through district A, the city's rule decides; the district
        // learns that a federation above did, not which one.
        let through_a = routing::route(db, tr.district_a.id, &app("courier", "京东", "320102"))
            .await
            .unwrap();
        assert_eq!(through_a.rule, format!("rule:{by_city}"), "{}", t.name);
        let owner = |scope| routing::rule_owner(db, scope, &through_a);
        assert_eq!(
            owner(&admin.scope).await.unwrap(),
            Some(routing::RuleOwner::Above),
            "{}",
            t.name
        );
        assert_eq!(
            owner(&city_admin.scope).await.unwrap(),
            Some(routing::RuleOwner::InScope(tr.city.name.clone())),
            "{}",
            t.name
        );
        let e = routing::route(db, tr.district_b.id, &app("courier", "京东", "320104"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Validation(v) if v.0[0].code == "routing.no_union"),
            "{}: {e:?}",
            t.name
        );
        // A union's own code still takes the application itself, even where
        // a rule would have sent it to the same union.
        let (org, rule, _) = routed(db, &tr.union_a, &app("courier", "顺丰", "320102")).await;
        assert_eq!(
            (org, rule.as_str()),
            (tr.union_a.id, "scanned_union"),
            "{}",
            t.name
        );

        let listed = rules::list(db, &admin.scope, tr.district_a.id)
            .await
            .unwrap();
        let order: Vec<_> = listed.iter().map(|r| (r.id, r.stage)).collect();
        assert_eq!(
            order,
            vec![
                (by_employer, Stage::Employer),
                (by_partner, Stage::PlatformPartner),
                (by_occupation, Stage::Occupation)
            ],
            "{}",
            t.name
        );

        // A target moved out of the owner's subtree no longer receives
        // through the owner's rule.
        orgs::move_to(db, &Actor::system(), tr.union_a.id, tr.district_b.id)
            .await
            .unwrap();
        let (org, rule, _) = routed(db, &tr.city, &app("courier", "顺丰", "320102")).await;
        assert_eq!(
            (org, rule),
            (express.id, format!("rule:{by_occupation}")),
            "the next rule decides instead, on {}",
            t.name
        );
        let kept = rules::get(db, &admin.scope, by_employer).await.unwrap();
        assert!(
            kept.target_elsewhere && !kept.target_closed,
            "the list says why the rule is skipped, on {}",
            t.name
        );
        let other = rules::get(db, &admin.scope, by_occupation).await.unwrap();
        assert!(!other.target_elsewhere, "{}", t.name);
    }
}

#[tokio::test]
async fn the_most_local_rule_goes_first_and_order_within_a_stage_is_editable() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let express = union(
            db,
            &tr.district_a,
            "industry",
            "玄武区快递行业工会联合会",
            Some("express"),
        )
        .await;
        let city_admin = actor_at(&tr.city, Role::UnionAdmin);
        let admin = actor_at(&tr.district_a, Role::UnionAdmin);
        add(
            db,
            &city_admin,
            &tr.city,
            form("", "courier", ""),
            &tr.union_b,
        )
        .await;
        let first = add(
            db,
            &admin,
            &tr.district_a,
            form("", "courier", "320102"),
            &tr.union_a,
        )
        .await;
        let second = add(
            db,
            &admin,
            &tr.district_a,
            form("", "courier", ""),
            &express,
        )
        .await;
        let courier = app("courier", "", "320102");
        assert_eq!(
            routed(db, &tr.city, &courier).await.0,
            tr.union_a.id,
            "{}",
            t.name
        );

        rules::move_rule(db, &admin, second, Direction::Up)
            .await
            .unwrap();
        assert_eq!(
            routed(db, &tr.city, &courier).await.0,
            express.id,
            "{}",
            t.name
        );
        // Already first of its stage: nothing moves.
        rules::move_rule(db, &admin, second, Direction::Up)
            .await
            .unwrap();
        let ids: Vec<_> = rules::list(db, &admin.scope, tr.district_a.id)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, vec![second, first], "{}", t.name);

        // Outside district A, the city's rule applies.
        let elsewhere = app("courier", "", "320104");
        assert_eq!(
            routed(db, &tr.city, &elsewhere).await.0,
            tr.union_b.id,
            "{}",
            t.name
        );

        // Renaming the target is seen by the rule cache at once.
        let rename = orgs::OrgUpdate {
            name: "玄武区快递业工会联合会".into(),
            region_code: express.region_code.clone(),
            industry: Some("express".into()),
            uscc: None,
        };
        orgs::update(db, &Actor::system(), &regions(), express.id, &rename)
            .await
            .unwrap();
        let (_, _, reason) = routed(db, &tr.city, &courier).await;
        assert!(
            reason.union == "玄武区快递业工会联合会",
            "{}: {reason:?}",
            t.name
        );

        // Deleting and closing are seen by the rule cache at once.
        rules::delete(db, &admin, second).await.unwrap();
        assert_eq!(
            routed(db, &tr.city, &courier).await.0,
            tr.union_a.id,
            "{}",
            t.name
        );
        orgs::set_status(db, &Actor::system(), tr.union_a.id, OrgStatus::Closed)
            .await
            .unwrap();
        assert_eq!(
            routed(db, &tr.city, &courier).await.0,
            tr.union_b.id,
            "{}",
            t.name
        );
        let shown = rules::get(db, &admin.scope, first).await.unwrap();
        assert!(shown.target_closed, "{}", t.name);

        let trail = audit::list(
            db,
            &city_admin.scope,
            &AuditFilter {
                action: Some("routing_rule.".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0;
        let actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
        for a in [
            "routing_rule.create",
            "routing_rule.move",
            "routing_rule.delete",
        ] {
            assert!(actions.contains(&a), "{a} audited ({})", t.name);
        }
    }
}

#[tokio::test]
async fn bad_rules_are_refused_with_the_field_named_and_nothing_written() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let admin = actor_at(&tr.district_a, Role::UnionAdmin);
        let code = |e: StoreError| match e {
            StoreError::Validation(v) => (v.0[0].field.clone(), v.0[0].code),
            other => panic!("{other:?}"),
        };
        let create = |f: RuleForm, target: i64| {
            let admin = admin.clone();
            let owner = tr.district_a.id;
            async move { rules::create(db, &admin, &regions(), owner, &f, target).await }
        };
        let e = create(form("", "courier", ""), tr.union_b.id)
            .await
            .unwrap_err();
        assert_eq!(
            code(e),
            ("target_org_id".into(), "routing_rule.target_outside"),
            "{}",
            t.name
        );
        let e = create(form("", "courier", ""), tr.street_a.id)
            .await
            .unwrap_err();
        assert_eq!(
            code(e),
            ("target_org_id".into(), "routing_rule.target_not_grassroots"),
            "{}",
            t.name
        );
        let e = create(form("", "", "320104"), tr.union_a.id)
            .await
            .unwrap_err();
        assert_eq!(
            code(e),
            ("region_code".into(), "routing_rule.region_outside"),
            "{}",
            t.name
        );
        let e = create(form("顺", "", ""), tr.union_a.id).await.unwrap_err();
        assert_eq!(
            code(e),
            ("employer".into(), "routing_rule.keyword_too_short"),
            "{}",
            t.name
        );
        // A union's own admin cannot pull in its federations' applications.
        let union_admin = actor_at(&tr.union_a, Role::UnionAdmin);
        let e = rules::create(
            db,
            &union_admin,
            &regions(),
            tr.union_a.id,
            &form("", "courier", ""),
            tr.union_a.id,
        )
        .await
        .unwrap_err();
        assert_eq!(
            code(e),
            ("owner_org_id".into(), "routing_rule.owner_grassroots"),
            "{}",
            t.name
        );
        create(form("顺丰", "", ""), tr.union_a.id).await.unwrap();
        let e = create(form(" 顺 丰 ", "", ""), tr.union_a.id)
            .await
            .unwrap_err();
        assert_eq!(
            code(e),
            ("employer".into(), "routing_rule.duplicate"),
            "{}",
            t.name
        );
        assert_eq!(
            rules::list(db, &admin.scope, tr.district_a.id)
                .await
                .unwrap()
                .len(),
            1
        );

        // Scope: another district's admin neither sees nor changes the rules.
        let other = actor_at(&tr.district_b, Role::UnionAdmin);
        let rule = rules::list(db, &admin.scope, tr.district_a.id)
            .await
            .unwrap()[0]
            .id;
        assert!(matches!(
            rules::list(db, &other.scope, tr.district_a.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            rules::get(db, &other.scope, rule).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            rules::delete(db, &other, rule).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            rules::move_rule(db, &other, rule, Direction::Down).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            rules::move_rule(
                db,
                &actor_at(&tr.district_a, Role::Viewer),
                rule,
                Direction::Down
            )
            .await,
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            rules::create(
                db,
                &other,
                &regions(),
                tr.district_a.id,
                &form("", "", ""),
                tr.union_a.id
            )
            .await,
            Err(StoreError::NotFound)
        ));
        // A viewer reads but does not write.
        let viewer = actor_at(&tr.district_a, Role::Viewer);
        assert_eq!(
            rules::list(db, &viewer.scope, tr.district_a.id)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            rules::delete(db, &viewer, rule).await,
            Err(StoreError::Forbidden)
        ));
        assert_eq!(
            rules::list(db, &admin.scope, tr.district_a.id)
                .await
                .unwrap()
                .len(),
            1,
            "{}",
            t.name
        );
    }
}
