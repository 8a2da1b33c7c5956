use crate::common::*;
use nuanxin_store::membership::{self, MemberFilter};
use nuanxin_store::Scope;
use reqwest::multipart::{Form, Part};

fn id_number(k: u32) -> String {
    let mut s = format!("3201021990010{}{:03}", k % 10, k).into_bytes();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).unwrap()
}

/// Two good rows and, on line 3, a phone that is not a mobile number.
fn roster() -> Vec<u8> {
    format!(
        "姓名,身份证号,手机号,职业群体\n张伟,{},13800000001,快递员\n李娜,{},12345,快递员\n王芳,{},13800000003,网约配送员\n",
        id_number(1),
        id_number(2),
        id_number(3)
    )
    .into_bytes()
}

fn form(csrf: &str, mode: &str, consent: bool, file: Vec<u8>) -> Form {
    let mut f = Form::new()
        .text("_csrf", csrf.to_string())
        .text("mode", mode.to_string())
        .part("file", Part::bytes(file).file_name("名单.csv"));
    if consent {
        f = f.text("consent", "1");
    }
    f
}

async fn csrf_of(c: &reqwest::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    let status = r.status().as_u16();
    let html = r.text().await.unwrap();
    (status, field_value(&html, "_csrf"))
}

/// Follows the job page until it says the import finished.
async fn finished(c: &reqwest::Client, url: &str) -> String {
    for _ in 0..100 {
        let html = c.get(url).send().await.unwrap().text().await.unwrap();
        if html.contains(r#"data-phase="finished""#) {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import did not finish");
}

async fn member_count(app: &TestApp) -> i64 {
    let f = MemberFilter {
        org_id: Some(app.union_a.id),
        limit: 10,
        ..Default::default()
    };
    membership::list(&app.db, &Scope::everything(), &f)
        .await
        .unwrap()
        .1
}

#[tokio::test]
async fn an_officer_imports_a_roster_and_downloads_the_report() {
    for app in apps().await {
        let (a, _) = app.console("a_admin", PW).await;
        let page = app.url(&format!("/console/orgs/{}/roster", app.union_a.id));
        let (status, csrf) = csrf_of(&a, &page).await;
        assert_eq!(status, 200, "{}", app.backend);
        let r = a
            .post(&page)
            .multipart(form(&csrf, "valid_rows", true, roster()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", app.backend);
        let job = app.url(r.headers()["location"].to_str().unwrap());
        let html = finished(&a, &job).await;
        assert!(html.contains(r#"<td id="enrolled">2</td>"#), "{html}");
        assert!(html.contains(r#"<td id="failed">1</td>"#));
        assert!(
            html.contains("<td>3</td><td>手机号</td>"),
            "row 3's phone is named"
        );
        assert_eq!(member_count(&app).await, 2);

        let report = a.get(format!("{job}/report.xlsx")).send().await.unwrap();
        assert_eq!(report.status(), 200);
        assert!(report.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        assert_eq!(report.headers()["cache-control"], "no-store");
        // The failed row as it was sent, then its row number and problem:
        // corrected in place, the sheet can be uploaded again.
        let mut sheet =
            nuanxin_store::roster::RosterFile::open(report.bytes().await.unwrap().to_vec())
                .unwrap();
        let mut rows = Vec::new();
        sheet
            .for_each_row(|_, cells, _| {
                rows.push(cells.to_vec());
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(
            rows[0],
            ["姓名", "身份证号", "手机号", "职业群体", "行号", "问题"]
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(
            rows[1][..5],
            ["李娜", id_number(2).as_str(), "12345", "快递员", "3"]
        );
        assert!(rows[1][5].starts_with("手机号："), "{}", rows[1][5]);
        let token = app.token("a_admin").await;
        let (_, trail) = app.get(&token, "/api/v1/audit?action=export").await;
        assert_eq!(
            (
                trail["items"][0]["entity"].as_str(),
                trail["items"][0]["after"]["rows"].as_i64()
            ),
            (Some("roster_report"), Some(1)),
            "{trail}"
        );

        // The job is the officer's own: another account cannot open it.
        let (b, _) = app.console("b_admin", PW).await;
        assert_eq!(b.get(&job).send().await.unwrap().status(), 404);
        assert_eq!(
            b.get(format!("{job}/report.xlsx"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );

        // The same file again enrols nobody twice.
        let r = a
            .post(&page)
            .multipart(form(&csrf, "valid_rows", true, roster()))
            .send()
            .await
            .unwrap();
        let job = app.url(r.headers()["location"].to_str().unwrap());
        let html = finished(&a, &job).await;
        assert!(html.contains(r#"<td id="already">2</td>"#), "{html}");
        assert_eq!(member_count(&app).await, 2);

        let template = a
            .get(app.url("/console/roster-template.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(template.status(), 200);
        assert!(template.bytes().await.unwrap().starts_with(b"PK"));
    }
}

#[tokio::test]
async fn roster_import_is_scoped_and_refuses_bad_requests_whole() {
    for app in apps().await {
        let page = app.url(&format!("/console/orgs/{}/roster", app.union_a.id));
        let (b, _) = app.console("b_admin", PW).await;
        assert_eq!(
            b.get(&page).send().await.unwrap().status(),
            404,
            "{}",
            app.backend
        );
        let (v, _) = app.console("a_viewer", PW).await;
        assert_eq!(v.get(&page).send().await.unwrap().status(), 403);

        let (a, _) = app.console("a_admin", PW).await;
        let (_, csrf) = csrf_of(&a, &page).await;
        let (_, b_csrf) = csrf_of(
            &b,
            &app.url(&format!("/console/orgs/{}/roster", app.union_b.id)),
        )
        .await;
        // Another district's officer posting into this union, with their own token.
        let r = b
            .post(&page)
            .multipart(form(&b_csrf, "valid_rows", true, roster()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = a
            .post(&page)
            .multipart(form("forged", "valid_rows", true, roster()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        let r = a
            .post(&page)
            .multipart(form(&csrf, "valid_rows", false, roster()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("个人信息处理告知书"));
        let r = a
            .post(&page)
            .multipart(form(
                &csrf,
                "valid_rows",
                true,
                vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0],
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("另存为 .xlsx"));

        // Columns that are not the template's: refused whole, after upload.
        let r = a
            .post(&page)
            .multipart(form(
                &csrf,
                "valid_rows",
                true,
                "名字,电话\n张伟,13800000001\n".into(),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let html = finished(&a, &app.url(r.headers()["location"].to_str().unwrap())).await;
        assert!(html.contains("缺少“身份证号”列"), "{html}");

        // All or nothing with a bad row writes nothing.
        let r = a
            .post(&page)
            .multipart(form(&csrf, "all_or_nothing", true, roster()))
            .send()
            .await
            .unwrap();
        let html = finished(&a, &app.url(r.headers()["location"].to_str().unwrap())).await;
        assert!(html.contains(r#"id="nothing-written""#), "{html}");
        assert_eq!(member_count(&app).await, 0);
    }
}
