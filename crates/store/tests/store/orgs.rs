use crate::common::*;
use nuanxin_domain::account::Role;
use nuanxin_domain::org::{FoundingStep, OrgStatus};
use nuanxin_store::orgs::{self, OrgFilter, OrgUpdate};
use nuanxin_store::testing::TestDb;
use nuanxin_store::{audit, Actor, StoreError};

fn code_of(e: StoreError) -> String {
    match e {
        StoreError::Validation(v) => v.0[0].code.to_string(),
        StoreError::Conflict(f) => f.code.to_string(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn paths_children_and_counts() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        assert_eq!(tr.city.path, format!("/{}/", tr.city.id), "{}", t.name);
        assert_eq!(
            tr.union_a.path,
            format!("{}{}/", tr.street_a.path, tr.union_a.id)
        );
        assert_eq!(tr.union_a.depth, 3);
        let admin = actor_at(&tr.city, Role::UnionAdmin);
        // 建 sorts first by code point; the region codes put it last.
        orgs::create(
            db,
            &Actor::system(),
            &regions(),
            &new_org(Some(tr.city.id), "district", "建邺区总工会", "320105"),
        )
        .await
        .unwrap();
        let kids = orgs::children(db, &admin.scope, tr.city.id, 100, 0)
            .await
            .unwrap();
        let names: Vec<_> = kids.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            ["玄武区总工会", "秦淮区总工会", "建邺区总工会"],
            "{}: in the order of their region codes",
            t.name
        );
        assert_eq!(
            kids.iter()
                .find(|o| o.id == tr.district_a.id)
                .unwrap()
                .child_count,
            1
        );
        let counts = orgs::subtree_counts(db, &admin.scope, tr.city.id)
            .await
            .unwrap();
        assert_eq!(
            (counts.total, counts.preparing, counts.founded),
            (7, 2, 5),
            "{}: the tree and 建邺",
            t.name
        );
    }
}

#[tokio::test]
async fn scope_hides_other_subtrees() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        assert!(
            orgs::get(db, &a.scope, tr.union_a.id).await.is_ok(),
            "{}: own subtree",
            t.name
        );
        for hidden in [tr.union_b.id, tr.district_b.id, tr.city.id] {
            assert!(
                matches!(
                    orgs::get(db, &a.scope, hidden).await,
                    Err(StoreError::NotFound)
                ),
                "{}: {hidden}",
                t.name
            );
        }
        assert!(orgs::children(db, &a.scope, tr.city.id, 100, 0)
            .await
            .unwrap()
            .iter()
            .all(|o| o.id == tr.district_a.id));
        let (found, total) = orgs::search(
            db,
            &a.scope,
            &OrgFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(total, 3, "{}", t.name);
        assert!(found
            .iter()
            .all(|o| o.path.starts_with(&tr.district_a.path)));
        let (found, _) = orgs::search(
            db,
            &a.scope,
            &OrgFilter {
                q: Some("秦淮".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(found.is_empty(), "{}: search must not cross scope", t.name);
        // Writes are scoped too: creating under, renaming or moving another district's union.
        let r = regions();
        let e = orgs::create(
            db,
            &a,
            &r,
            &new_org(Some(tr.district_b.id), "enterprise", "越界", "320104"),
        )
        .await
        .unwrap_err();
        assert_eq!(code_of(e), "org.parent_not_found");
        let upd = OrgUpdate {
            name: "改名".into(),
            region_code: "320104".into(),
            ..Default::default()
        };
        assert!(matches!(
            orgs::update(db, &a, &r, tr.union_b.id, &upd).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            orgs::move_to(db, &a, tr.union_b.id, tr.street_a.id).await,
            Err(StoreError::NotFound)
        ));
        // A viewer reads but cannot write.
        let v = actor_at(&tr.district_a, Role::Viewer);
        assert!(matches!(
            orgs::update(db, &v, &r, tr.union_a.id, &upd).await,
            Err(StoreError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn a_sibling_with_a_longer_id_is_not_in_scope() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let sys = nuanxin_store::Actor::system();
        let r = regions();
        // Create organisations until one's id begins with district_a's id digits.
        let target = tr.district_a.id.to_string();
        let mut found = None;
        for i in 0..200 {
            let o = orgs::create(
                db,
                &sys,
                &r,
                &new_org(Some(tr.city.id), "street", &format!("街道{i}"), "320100"),
            )
            .await
            .unwrap()
            .org;
            if o.id.to_string().starts_with(&target) && o.id.to_string() != target {
                found = Some(o);
                break;
            }
        }
        let lookalike = found.expect("an id sharing the prefix");
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        assert!(
            matches!(
                orgs::get(db, &a.scope, lookalike.id).await,
                Err(StoreError::NotFound)
            ),
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn invalid_input_is_refused_and_nothing_written() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let a = actor_at(&tr.city, Role::UnionAdmin);
        let r = regions();
        let cases = [
            (
                new_org(Some(tr.street_a.id), "enterprise", "", "320102"),
                "text.empty",
            ),
            (
                new_org(
                    Some(tr.street_a.id),
                    "enterprise",
                    &"长".repeat(101),
                    "320102",
                ),
                "text.too_long",
            ),
            (
                new_org(Some(tr.street_a.id), "enterprise", "x", "329999"),
                "region_code.unknown",
            ),
            (
                new_org(Some(tr.street_a.id), "bogus", "x", "320102"),
                "org.kind_unknown",
            ),
            (
                new_org(Some(tr.union_a.id), "enterprise", "x", "320102"),
                "org.parent_kind",
            ),
            (
                new_org(Some(tr.street_a.id), "city", "x", "320100"),
                "org.parent_kind",
            ),
            (
                new_org(None, "enterprise", "x", "320102"),
                "org.parent_required",
            ),
            (
                NewOrgExt::with_uscc(
                    new_org(Some(tr.street_a.id), "enterprise", "x", "320102"),
                    "914403001922038217",
                ),
                "uscc.check_char",
            ),
        ];
        let before = orgs::subtree_counts(db, &a.scope, tr.city.id)
            .await
            .unwrap()
            .total;
        for (input, code) in cases {
            let e = orgs::create(db, &a, &r, &input).await.unwrap_err();
            assert_eq!(code_of(e), code, "{}", t.name);
        }
        assert_eq!(
            orgs::subtree_counts(db, &a.scope, tr.city.id)
                .await
                .unwrap()
                .total,
            before
        );
        // Markup is kept as text, not refused.
        let o = orgs::create(
            db,
            &a,
            &r,
            &new_org(
                Some(tr.street_a.id),
                "enterprise",
                "<script>alert(1)</script>",
                "320102",
            ),
        )
        .await
        .unwrap();
        assert_eq!(o.org.name, "<script>alert(1)</script>");
    }
}

trait NewOrgExt {
    fn with_uscc(self, u: &str) -> Self;
}
impl NewOrgExt for orgs::NewOrg {
    fn with_uscc(mut self, u: &str) -> Self {
        self.uscc = Some(u.into());
        self
    }
}

#[tokio::test]
async fn credit_codes_warn_on_prefix_and_are_unique() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let a = actor_at(&tr.city, Role::UnionAdmin);
        let r = regions();
        let saved = orgs::create(
            db,
            &a,
            &r,
            &new_org(Some(tr.street_a.id), "enterprise", "华为工会", "320102")
                .with_uscc("914403001922038216"),
        )
        .await
        .unwrap();
        assert_eq!(saved.warnings.len(), 1, "{}", t.name);
        assert_eq!(saved.warnings[0].code, "uscc.not_union_prefix");
        let e = orgs::create(
            db,
            &a,
            &r,
            &new_org(Some(tr.street_a.id), "enterprise", "重复", "320102")
                .with_uscc("914403001922038216"),
        )
        .await
        .unwrap_err();
        assert_eq!(code_of(e), "uscc.taken", "{}", t.name);
    }
}

#[tokio::test]
async fn moving_rewrites_the_subtree_and_refuses_cycles() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let admin = actor_at(&tr.city, Role::UnionAdmin);
        let moved = orgs::move_to(db, &admin, tr.street_a.id, tr.district_b.id)
            .await
            .unwrap();
        assert_eq!(
            moved.path,
            format!("{}{}/", tr.district_b.path, tr.street_a.id),
            "{}",
            t.name
        );
        let child = orgs::get(db, &admin.scope, tr.union_a.id).await.unwrap();
        assert_eq!(child.path, format!("{}{}/", moved.path, tr.union_a.id));
        assert_eq!(child.depth, 3);
        // District A no longer sees the moved street; district B does.
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        assert!(orgs::get(db, &a.scope, tr.union_a.id).await.is_err());
        let e = orgs::move_to(db, &admin, tr.district_b.id, tr.street_a.id)
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "org.move_cycle", "{}", t.name);
        let e = orgs::move_to(db, &admin, tr.district_b.id, tr.district_b.id)
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "org.move_cycle");
        let e = orgs::move_to(db, &admin, tr.city.id, tr.district_b.id)
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "org.move_scope_root");
        let hist = audit::list(
            db,
            &admin.scope,
            &audit::AuditFilter {
                action: Some("org.move".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(hist.1, 1, "{}", t.name);
    }
}

#[tokio::test]
async fn founding_and_closing_follow_the_rules() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let admin = actor_at(&tr.city, Role::UnionAdmin);
        let e = orgs::set_status(db, &admin, tr.union_a.id, OrgStatus::Founded)
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "org.checklist_incomplete", "{}", t.name);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        for s in FoundingStep::ALL {
            orgs::set_checklist_step(db, &admin, tr.union_a.id, *s, Some(day))
                .await
                .unwrap();
        }
        let list = orgs::checklist(db, &admin.scope, tr.union_a.id)
            .await
            .unwrap();
        assert!(list.iter().all(|i| i.done_on == Some(day)));
        let founded = orgs::set_status(db, &admin, tr.union_a.id, OrgStatus::Founded)
            .await
            .unwrap();
        assert_eq!(founded.status, OrgStatus::Founded);
        assert!(founded.founded_on.is_some());
        let e = orgs::set_status(db, &admin, tr.street_a.id, OrgStatus::Closed)
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "org.open_children", "{}", t.name);
        orgs::set_status(db, &admin, tr.union_a.id, OrgStatus::Closed)
            .await
            .unwrap();
        let e = orgs::set_status(db, &admin, tr.union_a.id, OrgStatus::Founded)
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "org.illegal_transition");
        orgs::set_status(db, &admin, tr.street_a.id, OrgStatus::Closed)
            .await
            .unwrap();
        let e = orgs::set_status(db, &admin, tr.city.id, OrgStatus::Closed)
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "org.close_scope_root");
        let future = chrono::Utc::now().date_naive() + chrono::Duration::days(3);
        let e =
            orgs::set_checklist_step(db, &admin, tr.union_b.id, FoundingStep::Plan, Some(future))
                .await
                .unwrap_err();
        assert_eq!(code_of(e), "checklist.future_date");
    }
}

fn import_row(parent: orgs::ParentRef, kind: &str, name: &str) -> orgs::ImportOrg {
    orgs::ImportOrg {
        parent,
        kind: kind.into(),
        name: name.into(),
        region_code: "320102".into(),
        industry: None,
        uscc: None,
        status: None,
        founded_on: None,
        checklist: vec![],
    }
}

#[tokio::test]
async fn batch_import_is_all_or_nothing_and_scoped() {
    use orgs::ParentRef::{Existing, Row};
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        let day = chrono::NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
        let mut founded = import_row(Row(0), "enterprise", "已建会企业工会");
        founded.status = Some(OrgStatus::Founded);
        founded.founded_on = Some(day);
        founded.checklist = FoundingStep::ALL.iter().map(|s| (*s, day)).collect();
        let good = vec![
            import_row(Existing(tr.district_a.id), "street", "新街道总工会"),
            founded.clone(),
            import_row(Row(0), "joint", "联合工会"),
        ];
        let mut bad = good.clone();
        bad.push(import_row(
            Existing(tr.district_b.id),
            "enterprise",
            "越界工会",
        ));
        let mut incomplete = founded.clone();
        incomplete.checklist.pop();
        bad.push(incomplete);
        bad.push(import_row(Row(9), "enterprise", "悬空工会"));
        let before = orgs::subtree_counts(db, &a.scope, tr.district_a.id)
            .await
            .unwrap()
            .total;
        let errs = orgs::import(db, &a, &regions(), &bad)
            .await
            .unwrap()
            .unwrap_err();
        let codes: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.errors.0[0].code)).collect();
        assert_eq!(
            codes,
            vec![
                (3, "org.parent_not_found"),
                (4, "org.checklist_incomplete"),
                (5, "org.parent_not_found")
            ],
            "{}",
            t.name
        );
        assert_eq!(
            orgs::subtree_counts(db, &a.scope, tr.district_a.id)
                .await
                .unwrap()
                .total,
            before,
            "{}: nothing written",
            t.name
        );
        let ids = orgs::import(db, &a, &regions(), &good)
            .await
            .unwrap()
            .unwrap();
        let union = orgs::get(db, &a.scope, ids[1]).await.unwrap();
        assert_eq!(
            union.path,
            format!("{}{}/{}/", tr.district_a.path, ids[0], ids[1]),
            "{}",
            t.name
        );
        assert_eq!(
            (union.status, union.founded_on, union.depth),
            (OrgStatus::Founded, Some(day), 3)
        );
        assert!(orgs::checklist(db, &a.scope, ids[1])
            .await
            .unwrap()
            .iter()
            .all(|c| c.done_on == Some(day)));
        let (rows, n) = audit::list(
            db,
            &a.scope,
            &audit::AuditFilter {
                action: Some("org.import".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((n, rows[0].actor_name.as_str()), (3, a.username.as_str()));
    }
}
