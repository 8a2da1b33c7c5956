use crate::common::*;
use chrono::{Duration, Utc};
use nuanxin_store::membership::events::{self, NewEvent};
use nuanxin_store::Actor;

fn id_number(k: u32) -> String {
    let mut s = format!("32010219950101{k:03}").into_bytes();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).unwrap()
}

async fn submit(c: &reqwest::Client, url: &str, k: u32) -> (u16, String) {
    submit_id(c, url, k, &id_number(k)).await
}

async fn submit_id(c: &reqwest::Client, url: &str, k: u32, id: &str) -> (u16, String) {
    let page = c.get(url).send().await.unwrap().text().await.unwrap();
    let csrf = field_value(&page, "_csrf");
    let phone = format!("1390000{k:04}");
    let r = c
        .post(url)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "周八"),
            ("id_number", id),
            ("phone", phone.as_str()),
            ("occupation", "courier"),
            ("employer", ""),
            ("work_region", "320102"),
            ("consent", "yes"),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn an_event_code_takes_a_crowd_up_to_its_cap_and_stops_when_it_ends() {
    for app in apps().await {
        let e = events::create(
            &app.db,
            &Actor::system(),
            app.union_a.id,
            &NewEvent {
                name: "快递园区集中入会".into(),
                starts_at: None,
                place: None,
                ends_at: Utc::now() + Duration::hours(2),
                per_minute: 10,
            },
        )
        .await
        .unwrap();
        let url = app.url(&format!("/join/{}", e.token));
        let c = client();
        let page = c.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("入会活动：快递园区集中入会"),
            "{}",
            app.backend
        );
        // The cap counts per clock minute: start early in one, so the
        // eleven submissions below fall in the same minute.
        let second = chrono::Utc::now().timestamp() % 60;
        if second > 40 {
            tokio::time::sleep(std::time::Duration::from_secs((61 - second) as u64)).await;
        }
        // Junk does not count against the cap: it has a budget of its own,
        // and past it junk waits while real workers still get through.
        for k in 0..10 {
            assert_eq!(
                submit_id(&c, &url, k, "junk").await.0,
                422,
                "{} junk #{k}",
                app.backend
            );
        }
        let (status, html) = submit_id(&c, &url, 99, "junk").await;
        assert_eq!(status, 429, "{}", app.backend);
        assert!(html.contains("请稍等一分钟"));
        // One venue, one address: the first ten all get through.
        for k in 0..10 {
            assert_eq!(submit(&c, &url, k).await.0, 303, "{} #{k}", app.backend);
        }
        let (status, html) = submit(&c, &url, 10).await;
        assert_eq!(status, 429);
        assert!(
            html.contains("请稍等一分钟") && html.contains(&id_number(10)),
            "values kept"
        );

        events::close(&app.db, &Actor::system(), e.id)
            .await
            .unwrap();
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 410);
        assert!(r.text().await.unwrap().contains("入会活动已结束"));
        assert_eq!(
            c.get(app.url("/join/no-such-token"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
    }
}

#[tokio::test]
async fn officers_create_events_in_their_scope_only() {
    for app in apps().await {
        let (a, _) = app.console("a_admin", PW).await;
        let new = app.url(&format!("/console/orgs/{}/events/new", app.union_a.id));
        let page = a.get(&new).send().await.unwrap().text().await.unwrap();
        let csrf = field_value(&page, "_csrf");
        let create = app.url(&format!("/console/orgs/{}/events", app.union_a.id));
        let r = a
            .post(&create)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "入会"),
                ("ends_at", "2020-01-01T18:00"),
                ("per_minute", "300"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{}", app.backend);
        assert!(r.text().await.unwrap().contains("结束时间应晚于现在"));
        let tomorrow = (Utc::now() + Duration::days(1))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let r = a
            .post(&create)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "<b>园区</b>入会"),
                ("ends_at", tomorrow.as_str()),
                ("per_minute", "300"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let event = app.url(r.headers()["location"].to_str().unwrap());
        let html = a.get(&event).send().await.unwrap().text().await.unwrap();
        assert!(
            !html.contains("<b>园区") && html.contains("园区") && html.contains("<svg"),
            "escaped name and a QR code"
        );
        assert!(a
            .get(format!("{event}/qr.svg"))
            .send()
            .await
            .unwrap()
            .status()
            .is_success());
        let list = a
            .get(app.url(&format!("/console/orgs/{}/join", app.union_a.id)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains("event-list"));

        // A viewer of the district may not print its join codes.
        let (v, _) = app.console("a_viewer", PW).await;
        assert_eq!(v.get(&event).send().await.unwrap().status(), 403);
        assert_eq!(v.get(&new).send().await.unwrap().status(), 403);
        let (b, _) = app.console("b_admin", PW).await;
        assert_eq!(b.get(&event).send().await.unwrap().status(), 404);
        assert_eq!(
            b.get(format!("{event}/qr.svg"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(b.get(&new).send().await.unwrap().status(), 404);
    }
}
