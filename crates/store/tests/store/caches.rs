//! What a server remembers of recent reads: sessions and organisations.
//! Changes made through this process are seen at once and every reader's
//! scope is still checked; changes made behind its back (another server on
//! the same database, the command line) arrive within `RECHECK_AFTER`.

use crate::common::*;
use nuanxin_domain::account::{PasswordPolicy, Role};
use nuanxin_store::accounts::{self, NewAccount};
use nuanxin_store::orgs::{self, OrgUpdate};
use nuanxin_store::sessions::{self, SessionPolicy};
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Actor, Query, StoreError, RECHECK_AFTER};

#[tokio::test]
async fn a_remembered_organisation_is_still_scoped_and_follows_changes_at_once() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let sys = Actor::system();
        let district_a = actor_at(&tr.district_a, Role::UnionAdmin);
        let district_b = actor_at(&tr.district_b, Role::UnionAdmin);
        // Read by someone who may see it, then asked for by someone who may not.
        orgs::get(db, &sys.scope, tr.union_a.id).await.unwrap();
        orgs::get(db, &district_a.scope, tr.union_a.id)
            .await
            .unwrap();
        assert!(
            matches!(
                orgs::get(db, &district_b.scope, tr.union_a.id).await,
                Err(StoreError::NotFound)
            ),
            "{}: another district's union",
            t.name
        );

        let renamed = OrgUpdate {
            name: "某快递公司新工会".into(),
            region_code: tr.union_a.region_code.clone(),
            industry: None,
            uscc: None,
        };
        orgs::update(db, &sys, &regions(), tr.union_a.id, &renamed)
            .await
            .unwrap();
        let seen = orgs::get(db, &district_a.scope, tr.union_a.id)
            .await
            .unwrap();
        assert_eq!(seen.name, "某快递公司新工会", "{}: rename", t.name);

        let before = orgs::get(db, &sys.scope, tr.district_b.id).await.unwrap();
        orgs::move_to(db, &sys, tr.union_a.id, tr.district_b.id)
            .await
            .unwrap();
        assert!(
            matches!(
                orgs::get(db, &district_a.scope, tr.union_a.id).await,
                Err(StoreError::NotFound)
            ),
            "{}: moved out of district A",
            t.name
        );
        let moved = orgs::get(db, &district_b.scope, tr.union_a.id)
            .await
            .unwrap();
        assert!(moved.path.starts_with(&tr.district_b.path), "{}", t.name);
        let after = orgs::get(db, &sys.scope, tr.district_b.id).await.unwrap();
        assert_eq!(
            after.child_count,
            before.child_count + 1,
            "{}: the new parent counts its child at once",
            t.name
        );
    }
}

#[tokio::test]
async fn changes_behind_the_servers_back_arrive_within_the_recheck_time() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let sys = Actor::system();
        let account = accounts::create(
            db,
            &sys,
            &PasswordPolicy::default(),
            &NewAccount {
                username: "sun".into(),
                display_name: "孙".into(),
                password: "Nuanxin-2026".into(),
                role: "union_admin".into(),
                org_id: tr.district_a.id,
            },
        )
        .await
        .unwrap();
        let session = sessions::create(db, account.id, None, None).await.unwrap();
        let policy = SessionPolicy::default();
        assert!(sessions::lookup(db, &session.token, &policy, None)
            .await
            .unwrap()
            .is_some());
        orgs::get(db, &sys.scope, tr.union_b.id).await.unwrap();

        // Another process disables the account and renames a union: this
        // one has not heard of it yet.
        db.execute(&Query::new("DELETE FROM sessions WHERE account_id = $1").bind(account.id))
            .await
            .unwrap();
        db.execute(
            &Query::new("UPDATE orgs SET name = $1 WHERE id = $2")
                .bind("改名后的联合工会")
                .bind(tr.union_b.id),
        )
        .await
        .unwrap();
        // Until the recheck this server answers from what it read, so the
        // bound below is the one that matters.
        let remembered = orgs::get(db, &sys.scope, tr.union_b.id).await.unwrap();
        assert_eq!(remembered.name, tr.union_b.name, "{}", t.name);
        assert!(
            sessions::lookup(db, &session.token, &policy, None)
                .await
                .unwrap()
                .is_some(),
            "{}: remembered",
            t.name
        );
        tokio::time::sleep(RECHECK_AFTER + std::time::Duration::from_millis(100)).await;
        assert!(
            sessions::lookup(db, &session.token, &policy, None)
                .await
                .unwrap()
                .is_none(),
            "{}: session ended elsewhere",
            t.name
        );
        let union_b = orgs::get(db, &sys.scope, tr.union_b.id).await.unwrap();
        assert_eq!(union_b.name, "改名后的联合工会", "{}", t.name);
    }
}
