use crate::common::*;
use nuanxin_store::Actor;
use reqwest::Method;
use serde_json::{json, Value};

fn id_number() -> String {
    let mut s = b"32010219900307321".to_vec();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).unwrap()
}

fn rules_path(org: i64) -> String {
    format!("/api/v1/orgs/{org}/routing-rules")
}

#[tokio::test]
async fn admins_keep_rules_in_scope_and_applications_follow_them() {
    for app in apps().await {
        let a = app.token("a_admin").await;
        let b = app.token("b_admin").await;
        let viewer = app.token("a_viewer").await;
        let city = app.token("city").await;
        let da = app.district_a.id;

        let rule = json!({ "employer": "顺丰", "target_org_id": app.union_a.id });
        let (status, created) = app
            .send(Method::POST, &a, &rules_path(da), rule.clone())
            .await;
        assert_eq!(status, 201, "{}: {created}", app.backend);
        assert_eq!(created["stage"], "employer");
        assert_eq!(created["reason"], "您的工作单位已建立工会");
        let id = created["id"].as_i64().unwrap();

        // Bad input names the field; nothing is written.
        let outside = json!({ "occupation": "courier", "target_org_id": app.union_b.id });
        let (status, p) = app.send(Method::POST, &a, &rules_path(da), outside).await;
        assert_eq!(status, 422, "{}", app.backend);
        assert_eq!(p["errors"][0]["field"], "target_org_id");
        assert_eq!(p["errors"][0]["code"], "routing_rule.target_outside");
        let (status, p) = app
            .send(
                Method::POST,
                &a,
                &rules_path(da),
                json!({ "occupation": "pilot", "target_org_id": app.union_a.id }),
            )
            .await;
        assert_eq!(
            (status, p["errors"][0]["field"].as_str()),
            (422, Some("occupation"))
        );
        let (status, p) = app
            .send(
                Method::POST,
                &a,
                &rules_path(da),
                json!({ "employer": "顺丰" }),
            )
            .await;
        assert_eq!(status, 422, "a rule needs a target");
        assert!(p.to_string().contains("target_org_id"), "{p}");
        let (status, p) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/routing-rules/{id}/move"),
                json!({ "direction": "sideways" }),
            )
            .await;
        assert_eq!(
            (status, p["errors"][0]["field"].as_str()),
            (422, Some("direction"))
        );

        // Scope on every endpoint that reads or writes.
        let (status, list) = app.get(&a, &rules_path(da)).await;
        assert_eq!(
            (status, list.as_array().map(Vec::len)),
            (200, Some(1)),
            "{}",
            app.backend
        );
        let (status, list) = app.get(&viewer, &rules_path(da)).await;
        assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)));
        assert_eq!(app.get(&b, &rules_path(da)).await.0, 404);
        assert_eq!(
            app.send(Method::POST, &b, &rules_path(da), rule.clone())
                .await
                .0,
            404
        );
        assert_eq!(
            app.send(Method::POST, &viewer, &rules_path(da), rule.clone())
                .await
                .0,
            403
        );
        assert_eq!(
            app.send(
                Method::DELETE,
                &b,
                &format!("/api/v1/routing-rules/{id}"),
                Value::Null
            )
            .await
            .0,
            404
        );
        let up = json!({ "direction": "up" });
        let move_path = format!("/api/v1/routing-rules/{id}/move");
        assert_eq!(
            app.send(Method::POST, &b, &move_path, up.clone()).await.0,
            404
        );
        assert_eq!(
            app.send(Method::POST, &viewer, &move_path, up.clone())
                .await
                .0,
            403
        );
        // A second rule of the same stage moves ahead of the first.
        let second = json!({ "employer": "京东", "target_org_id": app.union_a.id });
        let (status, created) = app.send(Method::POST, &a, &rules_path(da), second).await;
        assert_eq!(status, 201, "{}: {created}", app.backend);
        let id2 = created["id"].as_i64().unwrap();
        let (status, list) = app
            .send(
                Method::POST,
                &a,
                &format!("/api/v1/routing-rules/{id2}/move"),
                up,
            )
            .await;
        let order: Vec<_> = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert_eq!((status, order), (200, vec![id2, id]), "{}", app.backend);
        assert_eq!(
            app.send(
                Method::DELETE,
                &a,
                &format!("/api/v1/routing-rules/{id2}"),
                Value::Null
            )
            .await
            .0,
            204
        );
        // A district's admin cannot read or try the city's rules above it.
        let city_rules = rules_path(app.city.id);
        assert_eq!(app.get(&a, &city_rules).await.0, 404, "{}", app.backend);
        assert_eq!(
            app.send(
                Method::POST,
                &a,
                &format!("/api/v1/orgs/{}/routing-trial", app.city.id),
                json!({ "occupation": "courier", "work_region": "320104" }),
            )
            .await
            .0,
            404
        );
        let trial =
            json!({ "occupation": "courier", "employer": "顺丰速运", "work_region": "320102" });
        assert_eq!(
            app.send(
                Method::POST,
                &b,
                &format!("/api/v1/orgs/{da}/routing-trial"),
                trial.clone()
            )
            .await
            .0,
            404
        );

        // A trial through the city's code names the rule that would fire.
        let (status, r) = app
            .send(
                Method::POST,
                &city,
                &format!("/api/v1/orgs/{}/routing-trial", app.city.id),
                trial,
            )
            .await;
        assert_eq!(status, 200, "{}: {r}", app.backend);
        assert_eq!(r["org_id"], app.union_a.id);
        assert_eq!(r["rule"], format!("rule:{id}"));
        let (status, p) = app
            .send(
                Method::POST,
                &city,
                &format!("/api/v1/orgs/{}/routing-trial", app.city.id),
                json!({ "occupation": "courier", "work_region": "99" }),
            )
            .await;
        assert_eq!(
            (status, p["errors"][0]["field"].as_str()),
            (422, Some("work_region"))
        );

        // A worker scanning the city's poster lands at the employer's union
        // and reads why.
        let token = nuanxin_store::membership::join_links::link_for_org(
            &app.db,
            &Actor::system(),
            app.city.id,
        )
        .await
        .unwrap();
        let c = client();
        let page = c
            .get(app.url(&format!("/join/{token}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = field_value(&page, "_csrf");
        let idn = id_number();
        let r = c
            .post(app.url(&format!("/join/{token}")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "赵六"),
                ("id_number", idn.as_str()),
                ("phone", "13812345678"),
                ("occupation", "courier"),
                ("employer", "ＳＦ顺丰 速运"),
                ("work_region", "320102"),
                ("consent", "yes"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", app.backend);
        let status_url = r.headers()["location"].to_str().unwrap().to_string();
        let html = c
            .get(app.url(&status_url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("已分派至 玄武快递工会：您的工作单位已建立工会"),
            "{}",
            app.backend
        );

        assert_eq!(
            app.send(
                Method::DELETE,
                &a,
                &format!("/api/v1/routing-rules/{id}"),
                Value::Null
            )
            .await
            .0,
            204
        );
        assert_eq!(
            app.get(&a, &rules_path(da))
                .await
                .1
                .as_array()
                .map(Vec::len),
            Some(0)
        );
    }
}

#[tokio::test]
async fn the_console_page_adds_orders_tries_and_deletes_rules() {
    for app in apps().await {
        let (c, _) = app.console("a_admin", PW).await;
        let url = app.url(&format!("/console/orgs/{}/routing", app.district_a.id));
        let page = c.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("本组织还没有分派规则"), "{}", app.backend);
        let csrf = field_value(&page, "_csrf");
        let add = |occupation: &'static str, region: &'static str, target: String| {
            let (c, url, csrf) = (c.clone(), url.clone(), csrf.clone());
            async move {
                c.post(&url)
                    .form(&[
                        ("_csrf", csrf.as_str()),
                        ("employer", ""),
                        ("occupation", occupation),
                        ("region_code", region),
                        ("target", target.as_str()),
                        ("reason", ""),
                    ])
                    .send()
                    .await
                    .unwrap()
            }
        };
        // The target by name; a name outside the district is not offered.
        let r = add("courier", "", "秦淮外卖".into()).await;
        assert_eq!(r.status(), 422, "{}", app.backend);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("没有名称包含“秦淮外卖”、可以受理入会的工会"));
        // “玄武” also names the district federation itself, which takes no
        // members, so only the union is offered.
        let r = add("courier", "", "玄武".into()).await;
        assert_eq!(r.status(), 303, "{}", app.backend);
        let r = add("courier", "320102", app.union_a.id.to_string()).await;
        assert_eq!(r.status(), 303);
        let r = add("courier", "<script>", app.union_a.id.to_string()).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("data-field=\"region_code\"") && !html.contains("<script>"));

        let page = c.get(&url).send().await.unwrap().text().await.unwrap();
        let ids: Vec<i64> = page
            .match_indices("data-rule=\"")
            .map(|(i, m)| {
                page[i + m.len()..]
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        assert_eq!(ids.len(), 2, "{}", app.backend);
        let r = c
            .post(app.url(&format!(
                "/console/orgs/{}/routing/{}/move",
                app.district_a.id, ids[1]
            )))
            .form(&[("_csrf", csrf.as_str()), ("direction", "up")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = c.get(&url).send().await.unwrap().text().await.unwrap();
        let first = page.find(&format!("data-rule=\"{}\"", ids[1])).unwrap();
        let second = page.find(&format!("data-rule=\"{}\"", ids[0])).unwrap();
        assert!(first < second, "moved up ({})", app.backend);

        let trial = c
            .get(format!(
                "{url}?trial_occupation=courier&trial_employer=&trial_region=320102"
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            trial.contains(&format!("玄武区总工会的分派规则 #{}", ids[1])),
            "{}",
            app.backend
        );
        let trial = c
            .get(format!(
                "{url}?trial_occupation=courier&trial_region=320104"
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            trial.contains("暂无可以受理入会的工会"),
            "outside the district"
        );
        let trial = c
            .get(format!("{url}?trial_occupation=courier&trial_region=abc"))
            .send()
            .await
            .unwrap();
        assert_eq!(trial.status(), 422, "a malformed region is named");

        // Another district's admin sees nothing of it, by page or by URL.
        let (other, _) = app.console("b_admin", PW).await;
        assert_eq!(other.get(&url).send().await.unwrap().status(), 404);
        let other_csrf = field_value(
            &other
                .get(app.url(&format!("/console/orgs/{}", app.district_b.id)))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            "_csrf",
        );
        let r = other
            .post(app.url(&format!(
                "/console/orgs/{}/routing/{}/delete",
                app.district_a.id, ids[0]
            )))
            .form(&[("_csrf", other_csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        let r = c
            .post(app.url(&format!(
                "/console/orgs/{}/routing/{}/delete",
                app.district_a.id, ids[0]
            )))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = c.get(&url).send().await.unwrap().text().await.unwrap();
        assert_eq!(page.matches("data-rule=\"").count(), 1, "{}", app.backend);
    }
}

#[tokio::test]
async fn unused_rules_of_a_union_that_receives_members_can_be_deleted() {
    for app in apps().await {
        // Rules kept from before such unions could not own any: two of one
        // stage, which a federation's page would offer to reorder.
        for (position, occupation) in [(1, "courier"), (2, "delivery_rider")] {
            app.db
                .execute(
                    &nuanxin_store::Query::new(
                        "INSERT INTO routing_rules (owner_org_id, position, occupation, target_org_id, created_by, created_at)
                         VALUES ($1, $2, $3, $1, 'admin', $4)",
                    )
                    .bind(app.union_a.id)
                    .bind(position)
                    .bind(occupation)
                    .bind(chrono::Utc::now()),
                )
                .await
                .unwrap();
        }
        let (c, _) = app.console("a_admin", PW).await;
        let url = app.url(&format!("/console/orgs/{}/routing", app.union_a.id));
        let page = c.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("现在不会生效，可以删除"),
            "the page says the rule is unused ({})",
            app.backend
        );
        assert!(
            !page.contains("id=\"rule-form\""),
            "no new rules here ({})",
            app.backend
        );
        let id: String = page
            .split("data-rule=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .into();
        // Deleted, not reordered: the order of unused rules means nothing.
        assert!(
            page.contains(&format!("/routing/{id}/delete")) && !page.contains("/move\""),
            "{}",
            app.backend
        );
        let r = c
            .post(app.url(&format!(
                "/console/orgs/{}/routing/{id}/delete",
                app.union_a.id
            )))
            .form(&[("_csrf", field_value(&page, "_csrf").as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", app.backend);
        let page = c.get(&url).send().await.unwrap().text().await.unwrap();
        assert_eq!(page.matches("data-rule=\"").count(), 1, "{}", app.backend);
    }
}
