use crate::common::*;
use chrono::{Duration, Utc};
use nuanxin_domain::account::Role;
use nuanxin_store::membership::events::{self, NewEvent};
use nuanxin_store::testing::TestDb;
use nuanxin_store::StoreError;

fn event(name: &str, hours: i64, per_minute: i64) -> NewEvent {
    NewEvent {
        name: name.into(),
        starts_at: None,
        place: None,
        ends_at: Utc::now() + Duration::hours(hours),
        per_minute,
    }
}

fn codes(e: StoreError) -> Vec<&'static str> {
    match e {
        StoreError::Validation(v) => v.0.iter().map(|f| f.code).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_event_code_opens_its_union_until_the_event_ends() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let officer = actor_at(&tr.street_a, Role::UnionAdmin);
        let e = events::create(db, &officer, tr.union_a.id, &event("园区集中入会", 3, 300))
            .await
            .unwrap();
        assert!(e.token.len() >= 43, "at least 256 random bits");
        let entry = nuanxin_store::membership::worker::resolve(db, &e.token)
            .await
            .unwrap();
        assert_eq!(entry.org_id, tr.union_a.id, "{}", t.name);
        let ev = entry.event.unwrap();
        assert_eq!((ev.name.as_str(), ev.per_minute), ("园区集中入会", 300));

        assert_eq!(
            events::list(db, &officer.scope, tr.union_a.id)
                .await
                .unwrap()
                .len(),
            1
        );
        events::close(db, &officer, e.id).await.unwrap();
        match nuanxin_store::membership::worker::resolve(db, &e.token).await {
            Err(StoreError::Conflict(f)) => assert_eq!(f.code, "join.event_ended"),
            other => panic!("expected the event to have ended, got {other:?}"),
        }
        assert!(matches!(
            nuanxin_store::membership::worker::resolve(db, "unknown-token").await,
            Err(StoreError::NotFound)
        ));
    }
}

#[tokio::test]
async fn events_are_checked_and_scoped() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let officer = actor_at(&tr.street_a, Role::UnionAdmin);
        let bad = NewEvent {
            name: " ".into(),
            starts_at: None,
            place: None,
            ends_at: Utc::now() - Duration::hours(1),
            per_minute: 1,
        };
        let e = events::create(db, &officer, tr.union_a.id, &bad)
            .await
            .unwrap_err();
        let c = codes(e);
        assert!(
            c.contains(&"event.ends_in_past") && c.contains(&"event.per_minute"),
            "{c:?}"
        );
        assert_eq!(c.len(), 3, "the empty name too: {c:?}");
        let e = events::create(db, &officer, tr.union_a.id, &event("太长", 24 * 40, 100))
            .await
            .unwrap_err();
        assert_eq!(codes(e), vec!["event.too_long"]);

        let mine = events::create(db, &officer, tr.union_a.id, &event("入会", 1, 100))
            .await
            .unwrap();
        let other = actor_at(&tr.district_b, Role::UnionAdmin);
        assert!(matches!(
            events::create(db, &other, tr.union_a.id, &event("越权", 1, 100)).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            events::get(db, &other.scope, mine.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(events::list(db, &other.scope, tr.union_a.id)
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            events::close(db, &other, mine.id).await,
            Err(StoreError::NotFound)
        ));
        let viewer = actor_at(&tr.street_a, Role::Viewer);
        assert!(matches!(
            events::create(db, &viewer, tr.union_a.id, &event("查看员", 1, 100)).await,
            Err(StoreError::Forbidden)
        ));
    }
}
