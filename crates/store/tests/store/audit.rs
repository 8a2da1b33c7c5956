use crate::common::*;
use nuanxin_domain::account::Role;
use nuanxin_store::audit::{self, AuditFilter};
use nuanxin_store::orgs::{self, OrgUpdate};
use nuanxin_store::testing::TestDb;
use nuanxin_store::Query;

#[tokio::test]
async fn changes_are_audited_with_before_and_after_within_scope() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        let upd = OrgUpdate {
            name: "新名字工会".into(),
            region_code: "320102".into(),
            ..Default::default()
        };
        orgs::update(db, &a, &regions(), tr.union_a.id, &upd)
            .await
            .unwrap();
        let f = AuditFilter {
            action: Some("org.update".into()),
            limit: 10,
            ..Default::default()
        };
        let (rows, total) = audit::list(db, &a.scope, &f).await.unwrap();
        assert_eq!(total, 1, "{}", t.name);
        let row = &rows[0];
        assert_eq!(row.actor_name, a.username);
        assert_eq!(
            row.entity_id.as_deref(),
            Some(tr.union_a.id.to_string().as_str())
        );
        assert_eq!(row.ip.as_deref(), Some("127.0.0.1"));
        assert!(row
            .before_json
            .as_deref()
            .unwrap()
            .contains("某快递公司工会"));
        assert!(row.after_json.as_deref().unwrap().contains("新名字工会"));
        // District B sees none of district A's history; creations under A are A's.
        let b = actor_at(&tr.district_b, Role::UnionAdmin);
        let (rows_b, _) = audit::list(
            db,
            &b.scope,
            &AuditFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            rows_b
                .iter()
                .all(|r| r.org_path.starts_with(&tr.district_b.path)),
            "{}",
            t.name
        );
        assert_eq!(rows_b.len(), 2, "district B and its union were created");
        let (prefix, _) = audit::list(
            db,
            &a.scope,
            &AuditFilter {
                action: Some("org.".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(prefix.iter().all(|r| r.action.starts_with("org.")) && prefix.len() == 4);
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_rows() {
    for t in TestDb::all().await {
        let db = &t.db;
        tree(db).await;
        let n: i64 = db
            .scalar(&Query::new("SELECT COUNT(*) FROM audit_log"))
            .await
            .unwrap();
        assert!(n > 0);
        assert!(
            db.execute(&Query::new("UPDATE audit_log SET actor_name = 'x'"))
                .await
                .is_err(),
            "{}",
            t.name
        );
        assert!(
            db.execute(&Query::new("DELETE FROM audit_log"))
                .await
                .is_err(),
            "{}",
            t.name
        );
        let m: i64 = db
            .scalar(&Query::new(
                "SELECT COUNT(*) FROM audit_log WHERE actor_name <> 'x'",
            ))
            .await
            .unwrap();
        assert_eq!(n, m);
    }
}
