use crate::common::*;
use nuanxin_domain::account::Role;
use nuanxin_store::platform_keys::{self, PushStart};
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Query, StoreError};

fn conflict_code(e: StoreError) -> &'static str {
    match e {
        StoreError::Conflict(f) => f.code,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn keys_authenticate_until_revoked_and_idempotency_keys_are_reserved() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let officer = actor_at(&tr.street_a, Role::UnionAdmin);
        let (key, secret) = platform_keys::create(db, &officer, tr.union_a.id, "某平台")
            .await
            .unwrap();
        assert!(secret.starts_with("nxk_") && secret.starts_with(&key.key_prefix));
        let p = platform_keys::authenticate(db, &secret)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.org_id, p.actor.scope.org_id),
            (tr.union_a.id, tr.union_a.id),
            "{}",
            t.name
        );
        assert!(platform_keys::authenticate(db, "nxk_nope")
            .await
            .unwrap()
            .is_none());

        // Reserved, then in progress for a retry, then replayed once finished.
        let begin = |idem: &'static str, hash: &'static str| {
            platform_keys::begin_push(db, key.id, idem, hash)
        };
        let fresh = |start: PushStart| match start {
            PushStart::Fresh(r) => r,
            other => panic!("expected a fresh reservation, got {other:?}"),
        };
        let k1 = fresh(begin("k1", "h1").await.unwrap());
        assert_eq!(
            conflict_code(begin("k1", "h1").await.unwrap_err()),
            "push.in_progress"
        );
        assert_eq!(
            conflict_code(begin("k1", "h2").await.unwrap_err()),
            "push.idempotency_key_reused"
        );
        assert!(platform_keys::finish_push(db, &k1, 200, "{\"ok\":1}")
            .await
            .unwrap());
        let replay = PushStart::Replay {
            status: 200,
            body: "{\"ok\":1}".into(),
        };
        assert_eq!(begin("k1", "h1").await.unwrap(), replay);
        // An abandoned push frees its key; a finished one stays.
        let k2 = fresh(begin("k2", "h").await.unwrap());
        platform_keys::abandon_push(db, &k2).await.unwrap();
        let k2 = fresh(begin("k2", "other").await.unwrap());
        platform_keys::abandon_push(db, &k1).await.unwrap();
        assert_eq!(begin("k1", "h1").await.unwrap(), replay);
        // A reservation left by a server that stopped mid-push is taken
        // over once it is old enough, by the same request only.
        assert_eq!(
            conflict_code(begin("k2", "other").await.unwrap_err()),
            "push.in_progress"
        );
        let stale = chrono::Utc::now() - chrono::Duration::hours(1);
        db.execute(
            &Query::new("UPDATE roster_pushes SET created_at = $1 WHERE idempotency_key = 'k2'")
                .bind(stale),
        )
        .await
        .unwrap();
        assert_eq!(
            conflict_code(begin("k2", "changed").await.unwrap_err()),
            "push.idempotency_key_reused"
        );
        let taken_over = fresh(begin("k2", "other").await.unwrap());
        // Taking over reserves the key again: a second retry waits.
        assert_eq!(
            conflict_code(begin("k2", "other").await.unwrap_err()),
            "push.in_progress",
            "{}",
            t.name
        );
        // The attempt that was taken over can neither free the key nor
        // answer for it; the attempt that took it over does.
        platform_keys::abandon_push(db, &k2).await.unwrap();
        assert!(
            !platform_keys::finish_push(db, &k2, 500, "{\"late\":1}")
                .await
                .unwrap(),
            "{}",
            t.name
        );
        assert_eq!(
            conflict_code(begin("k2", "other").await.unwrap_err()),
            "push.in_progress",
            "the stale attempt left the new reservation in place on {}",
            t.name
        );
        assert!(
            platform_keys::finish_push(db, &taken_over, 200, "{\"ok\":2}")
                .await
                .unwrap()
        );
        assert_eq!(
            begin("k2", "other").await.unwrap(),
            PushStart::Replay {
                status: 200,
                body: "{\"ok\":2}".into()
            },
            "{}",
            t.name
        );

        // Scope: another district neither creates, sees nor revokes keys
        // of this union; a viewer creates none.
        let other = actor_at(&tr.district_b, Role::UnionAdmin);
        assert!(matches!(
            platform_keys::create(db, &other, tr.union_a.id, "x").await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            platform_keys::create(
                db,
                &actor_at(&tr.district_a, Role::Viewer),
                tr.union_a.id,
                "x"
            )
            .await,
            Err(StoreError::Forbidden)
        ));
        assert!(platform_keys::list(db, &other.scope, tr.union_a.id)
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            platform_keys::revoke(db, &other, key.id).await,
            Err(StoreError::NotFound)
        ));
        platform_keys::revoke(db, &officer, key.id).await.unwrap();
        assert!(platform_keys::authenticate(db, &secret)
            .await
            .unwrap()
            .is_none());
    }
}
