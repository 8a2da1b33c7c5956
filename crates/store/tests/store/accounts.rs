use crate::common::*;
use chrono::Duration;
use nuanxin_domain::account::{PasswordPolicy, Role};
use nuanxin_store::accounts::{self, Account, AccountFilter, LoginFailure, NewAccount};
use nuanxin_store::sessions::{self, SessionPolicy};
use nuanxin_store::testing::TestDb;
use nuanxin_store::{audit, Actor, Db, Query, StoreError};

const PW: &str = "Nuanxin-2026";

fn new_account(username: &str, role: &str, org_id: i64) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: "张三".into(),
        password: PW.into(),
        role: role.into(),
        org_id,
    }
}

/// An account made by the system with the default password policy.
async fn created_by_system(db: &Db, username: &str, role: &str, org_id: i64) -> Account {
    accounts::create(
        db,
        &Actor::system(),
        &PasswordPolicy::default(),
        &new_account(username, role, org_id),
    )
    .await
    .unwrap()
}

fn field_code(e: StoreError) -> String {
    match e {
        StoreError::Validation(v) => v.0.iter().map(|f| f.code).collect::<Vec<_>>().join(","),
        StoreError::Conflict(f) => f.code.to_string(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn accounts_are_scoped_and_validated() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let policy = PasswordPolicy::default();
        let a = actor_at(&tr.district_a, Role::UnionAdmin);
        let acc = accounts::create(
            db,
            &a,
            &policy,
            &new_account("Li.Si", "reviewer", tr.union_a.id),
        )
        .await
        .unwrap();
        assert_eq!(acc.username, "li.si", "{}", t.name);
        let e = accounts::create(
            db,
            &a,
            &policy,
            &new_account("li.si", "viewer", tr.union_a.id),
        )
        .await
        .unwrap_err();
        assert_eq!(field_code(e), "username.taken");
        let e = accounts::create(
            db,
            &a,
            &policy,
            &new_account("other", "viewer", tr.union_b.id),
        )
        .await
        .unwrap_err();
        assert_eq!(
            field_code(e),
            "account.org_not_found",
            "{}: org outside scope",
            t.name
        );
        let e = accounts::create(
            db,
            &a,
            &policy,
            &new_account("boss", "system_admin", tr.district_a.id),
        )
        .await
        .unwrap_err();
        assert_eq!(field_code(e), "role.not_grantable");
        let mut weak = new_account("weak", "viewer", tr.district_a.id);
        weak.password = "password".into();
        weak.display_name = "".into();
        assert_eq!(
            field_code(accounts::create(db, &a, &policy, &weak).await.unwrap_err()),
            "text.empty,password.policy"
        );
        let b = actor_at(&tr.district_b, Role::UnionAdmin);
        assert!(
            matches!(
                accounts::get(db, &b.scope, acc.id).await,
                Err(StoreError::NotFound)
            ),
            "{}",
            t.name
        );
        let (list_b, total_b) = accounts::list(
            db,
            &b.scope,
            &AccountFilter {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(list_b.is_empty() && total_b == 0);
        let (list_a, _) = accounts::list(
            db,
            &a.scope,
            &AccountFilter {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(list_a.len(), 1);
        let r = actor_at(&tr.district_a, Role::Reviewer);
        assert!(matches!(
            accounts::create(
                db,
                &r,
                &policy,
                &new_account("x1x", "viewer", tr.district_a.id)
            )
            .await,
            Err(StoreError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn login_locks_after_five_failures_for_known_and_unknown_names() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        created_by_system(db, "wang", "viewer", tr.city.id).await;
        assert!(accounts::authenticate(db, "wang", PW, None)
            .await
            .unwrap()
            .is_ok());
        for name in ["wang", "nobody"] {
            for i in 1..=4 {
                assert_eq!(
                    accounts::authenticate(db, name, "wrong", None)
                        .await
                        .unwrap()
                        .unwrap_err(),
                    LoginFailure::BadCredentials,
                    "{} {name} {i}",
                    t.name
                );
            }
            assert!(matches!(
                accounts::authenticate(db, name, "wrong", None)
                    .await
                    .unwrap(),
                Err(LoginFailure::Locked { .. })
            ));
        }
        // Locked: even the right password is refused until the lock expires.
        assert!(
            matches!(
                accounts::authenticate(db, "wang", PW, None).await.unwrap(),
                Err(LoginFailure::Locked { .. })
            ),
            "{}",
            t.name
        );
        db.execute(
            &Query::new("UPDATE login_throttle SET locked_until = $1")
                .bind(chrono::Utc::now() - Duration::seconds(1)),
        )
        .await
        .unwrap();
        assert!(
            accounts::authenticate(db, "wang", PW, None)
                .await
                .unwrap()
                .is_ok(),
            "{}: lock expired",
            t.name
        );
        let sys = Actor::system();
        let (fails, _) = audit::list(
            db,
            &sys.scope,
            &audit::AuditFilter {
                action: Some("login.fail".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            fails
                .iter()
                .map(|e| e.actor_name.as_str())
                .collect::<Vec<_>>(),
            ["wang"; 5],
            "{}: a made-up name writes no audit row anyone could flood",
            t.name
        );
    }
}

/// Forty wrong guesses sent at once, then the right password: the count
/// is taken before each check, so at most five are checked and the
/// account is locked when the right one arrives.
#[tokio::test]
async fn parallel_guesses_lock_the_account() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        created_by_system(db, "liwei", "viewer", tr.city.id).await;
        let guesses = (0..40).map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                accounts::authenticate(&db, "liwei", &format!("guess-{i}"), None)
                    .await
                    .unwrap()
            })
        });
        let mut checked = 0;
        for g in guesses.collect::<Vec<_>>() {
            match g.await.unwrap() {
                Err(LoginFailure::BadCredentials) => checked += 1,
                Err(LoginFailure::Locked { .. }) => {}
                Ok(_) => panic!("a wrong guess logged in"),
            }
        }
        assert!(checked < 5, "{}: {checked} guesses were checked", t.name);
        assert!(
            matches!(
                accounts::authenticate(db, "liwei", PW, None).await.unwrap(),
                Err(LoginFailure::Locked { .. })
            ),
            "{}: the right password after the burst is refused",
            t.name
        );
    }
}

#[tokio::test]
async fn sessions_time_out_and_end_when_the_account_is_disabled() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let sys = Actor::system();
        let acc = created_by_system(db, "zhao", "union_admin", tr.district_a.id).await;
        let policy = SessionPolicy::default();
        let s = sessions::create(db, acc.id, Some("10.0.0.1"), Some("test"))
            .await
            .unwrap();
        let live = sessions::lookup(db, &s.token, &policy, None)
            .await
            .unwrap()
            .expect("live");
        assert_eq!(live.actor.scope.path, tr.district_a.path, "{}", t.name);
        assert_eq!(live.csrf, s.csrf);
        assert!(sessions::lookup(db, "forged", &policy, None)
            .await
            .unwrap()
            .is_none());
        nuanxin_store::testing::age_session(
            db,
            &s.token,
            Duration::minutes(40),
            Duration::minutes(31),
        )
        .await
        .unwrap();
        assert!(
            sessions::lookup(db, &s.token, &policy, None)
                .await
                .unwrap()
                .is_none(),
            "{}: idle timeout",
            t.name
        );
        let s = sessions::create(db, acc.id, None, None).await.unwrap();
        nuanxin_store::testing::age_session(
            db,
            &s.token,
            Duration::hours(12) + Duration::minutes(1),
            Duration::minutes(1),
        )
        .await
        .unwrap();
        assert!(
            sessions::lookup(db, &s.token, &policy, None)
                .await
                .unwrap()
                .is_none(),
            "{}: absolute timeout",
            t.name
        );
        let s = sessions::create(db, acc.id, None, None).await.unwrap();
        // Looked up first, so the server remembers it: the change must void that.
        assert!(sessions::lookup(db, &s.token, &policy, None)
            .await
            .unwrap()
            .is_some());
        accounts::set_disabled(db, &sys, acc.id, true)
            .await
            .unwrap();
        assert!(
            sessions::lookup(db, &s.token, &policy, None)
                .await
                .unwrap()
                .is_none(),
            "{}: disabled",
            t.name
        );
        assert!(accounts::authenticate(db, "zhao", PW, None)
            .await
            .unwrap()
            .is_err());
        accounts::set_disabled(db, &sys, acc.id, false)
            .await
            .unwrap();
        let s = sessions::create(db, acc.id, None, None).await.unwrap();
        assert!(sessions::lookup(db, &s.token, &policy, None)
            .await
            .unwrap()
            .is_some());
        sessions::delete(db, &s.token).await.unwrap();
        assert!(
            sessions::lookup(db, &s.token, &policy, None)
                .await
                .unwrap()
                .is_none(),
            "{}: logout",
            t.name
        );
    }
}

#[tokio::test]
async fn moving_an_account_ends_its_sessions_and_the_next_one_sees_the_new_scope() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let sys = Actor::system();
        let acc = created_by_system(db, "qian", "union_admin", tr.district_a.id).await;
        let policy = SessionPolicy::default();
        let s = sessions::create(db, acc.id, None, None).await.unwrap();
        // Looked up first, so the server remembers it: the move must void that.
        let before = sessions::lookup(db, &s.token, &policy, None)
            .await
            .unwrap()
            .expect("live");
        assert!(
            nuanxin_store::orgs::get(db, &before.actor.scope, tr.union_a.id)
                .await
                .is_ok()
        );
        accounts::update(
            db,
            &sys,
            acc.id,
            &accounts::AccountUpdate {
                display_name: "钱七".into(),
                role: "union_admin".into(),
                org_id: tr.district_b.id,
            },
        )
        .await
        .unwrap();
        assert!(
            sessions::lookup(db, &s.token, &policy, None)
                .await
                .unwrap()
                .is_none(),
            "{}: the old scope's session ended",
            t.name
        );
        let s = sessions::create(db, acc.id, None, None).await.unwrap();
        let after = sessions::lookup(db, &s.token, &policy, None)
            .await
            .unwrap()
            .expect("live");
        assert_eq!(after.actor.scope.path, tr.district_b.path, "{}", t.name);
        assert!(
            matches!(
                nuanxin_store::orgs::get(db, &after.actor.scope, tr.union_a.id).await,
                Err(StoreError::NotFound)
            ),
            "{}: the old district's union is out of reach",
            t.name
        );
    }
}

#[tokio::test]
async fn password_change_ends_sessions_and_checks_policy() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let sys = Actor::system();
        let policy = PasswordPolicy::default();
        let acc = accounts::create(
            db,
            &sys,
            &policy,
            &new_account("qian", "viewer", tr.city.id),
        )
        .await
        .unwrap();
        let s = sessions::create(db, acc.id, None, None).await.unwrap();
        assert!(
            sessions::lookup(db, &s.token, &SessionPolicy::default(), None)
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(
            field_code(
                accounts::set_password(db, &sys, &policy, acc.id, "short")
                    .await
                    .unwrap_err()
            ),
            "password.policy"
        );
        accounts::set_password(db, &sys, &policy, acc.id, "Another-Pass-9")
            .await
            .unwrap();
        assert!(
            sessions::lookup(db, &s.token, &SessionPolicy::default(), None)
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.name
        );
        assert!(accounts::authenticate(db, "qian", "Another-Pass-9", None)
            .await
            .unwrap()
            .is_ok());
        assert!(accounts::authenticate(db, "qian", PW, None)
            .await
            .unwrap()
            .is_err());
    }
}

#[tokio::test]
async fn password_hashes_are_argon2id_with_the_required_cost() {
    let h = accounts::hash_password(PW).await.unwrap();
    assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
}
