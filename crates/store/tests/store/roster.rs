use std::sync::Arc;

use crate::common::*;
use nuanxin_domain::account::Role;
use nuanxin_domain::error::Arg;
use nuanxin_domain::membership::{MemberNo, MembershipStatus};
use nuanxin_store::audit::{self, AuditFilter};
use nuanxin_store::membership::{self, MemberFilter};
use nuanxin_store::roster::{self, ImportMode, ImportReport, Progress, RosterFile, RosterRequest};
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Actor, Db, Scope, StoreError};

fn sealer() -> Arc<Sealer> {
    Arc::new(Sealer::from_key(&[9u8; 64]))
}

/// A valid ID number, distinct for every `k`, born in the 1980s or 1990s.
fn id_for(k: u32) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()
        + chrono::Days::new(u64::from(k / 1000));
    let mut s = format!("320102{}{:03}", born.format("%Y%m%d"), k % 1000).into_bytes();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).unwrap()
}

fn csv(rows: &[String]) -> Vec<u8> {
    let mut s = String::from("姓名,身份证号,手机号,职业群体,工作单位或平台\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

fn row(name: &str, k: u32) -> String {
    format!("{name},{},138{:08},快递员,顺捷快递", id_for(k), k)
}

async fn run(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    mode: ImportMode,
    bytes: Vec<u8>,
) -> Result<ImportReport, StoreError> {
    import_with(db, actor, &RosterRequest::new(org_id, mode, true), bytes).await
}

async fn import_with(
    db: &Db,
    actor: &Actor,
    request: &RosterRequest,
    bytes: Vec<u8>,
) -> Result<ImportReport, StoreError> {
    let file = RosterFile::open(bytes).map_err(StoreError::from)?;
    roster::import(
        db,
        actor,
        sealer(),
        Arc::new(regions()),
        file,
        request,
        Arc::new(Progress::default()),
    )
    .await
}

async fn members_of(db: &Db, org_id: i64) -> Vec<membership::Member> {
    let f = MemberFilter {
        org_id: Some(org_id),
        limit: 1000,
        ..Default::default()
    };
    membership::list(db, &Scope::everything(), &f)
        .await
        .unwrap()
        .0
}

/// Four good rows and three bad ones: a wrong check digit, a 15-year-old, and
/// the same person twice.
fn mixed_roster() -> Vec<u8> {
    let mut bad_id = id_for(5);
    let last = if bad_id.ends_with('0') { "1" } else { "0" };
    bad_id.replace_range(17.., last);
    let young = {
        let mut s = b"32010220150101123".to_vec();
        s.push(nuanxin_domain::ids::id_check_char(&s));
        String::from_utf8(s).unwrap()
    };
    csv(&[
        row("张伟", 1),
        row("李娜", 2),
        format!("王芳,{bad_id},13800000005,快递员,"),
        row("刘洋", 3),
        format!("陈静,{young},13800000006,快递员,"),
        row("李娜", 2),
        row("赵磊", 4),
    ])
}

#[tokio::test]
async fn valid_rows_are_enrolled_failed_rows_reported_and_a_rerun_adds_nobody() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let officer = actor_at(&tr.street_a, Role::UnionAdmin);
        let report = run(
            db,
            &officer,
            tr.union_a.id,
            ImportMode::ValidRows,
            mixed_roster(),
        )
        .await
        .unwrap();
        assert_eq!(
            (report.rows, report.valid, report.failed),
            (7, 4, 3),
            "{}",
            t.name
        );
        let by_row: Vec<(u32, &str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.row, e.column, e.code))
            .collect();
        assert_eq!(
            by_row,
            vec![
                (4, "身份证号", "id_number.check_digit"),
                (6, "身份证号", "id_number.too_young"),
                (7, "身份证号", "roster.duplicate_row"),
            ],
            "{}",
            t.name
        );
        assert_eq!(
            report.errors[2].error().arg("first"),
            Some(&Arg::Text("3".into()))
        );
        assert_eq!(
            (report.enrolled, report.already_members, report.written),
            (4, 0, true)
        );

        let members = members_of(db, tr.union_a.id).await;
        assert_eq!(members.len(), 4);
        assert!(members.iter().all(|m| m.status == MembershipStatus::Active));
        let mut numbers: Vec<_> = members
            .iter()
            .map(|m| m.member_no.clone().unwrap())
            .collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 4, "every member has their own number");
        let mut by_number: Vec<_> = members
            .iter()
            .map(|m| (m.member_no.clone().unwrap(), m.name.clone()))
            .collect();
        by_number.sort();
        let names: Vec<_> = by_number.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            names,
            ["张伟", "李娜", "刘洋", "赵磊"],
            "{}: numbers follow the file's order",
            t.name
        );
        let history = membership::history(db, &Scope::everything(), members[0].id)
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            (
                history[0].reason.as_deref(),
                history[0].reason_code.as_deref()
            ),
            (None, Some("roster_import"))
        );
        assert_eq!(history[0].actor_name, officer.username);
        assert_eq!(
            batch_audits(db, &officer).await,
            [(4, 4)],
            "one audit row for the one batch"
        );

        let again = run(
            db,
            &officer,
            tr.union_a.id,
            ImportMode::ValidRows,
            mixed_roster(),
        )
        .await
        .unwrap();
        assert_eq!(
            (again.enrolled, again.already_members),
            (0, 4),
            "{}",
            t.name
        );
        assert_eq!(members_of(db, tr.union_a.id).await.len(), 4);
    }
}

#[tokio::test]
async fn all_or_nothing_and_check_write_nothing_when_a_row_fails() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let officer = actor_at(&tr.street_a, Role::UnionAdmin);
        for mode in [ImportMode::AllOrNothing, ImportMode::Check] {
            let report = run(db, &officer, tr.union_a.id, mode, mixed_roster())
                .await
                .unwrap();
            assert_eq!(report.failed, 3);
            assert!(!report.written, "{mode:?} on {}", t.name);
        }
        assert!(members_of(db, tr.union_a.id).await.is_empty());
        let clean = csv(&[row("张伟", 1), row("李娜", 2)]);
        let report = run(db, &officer, tr.union_a.id, ImportMode::AllOrNothing, clean)
            .await
            .unwrap();
        assert_eq!((report.enrolled, report.written), (2, true));
    }
}

async fn run_in_batches(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    batch_rows: usize,
    bytes: Vec<u8>,
) -> Result<ImportReport, StoreError> {
    let request = RosterRequest {
        batch_rows,
        ..RosterRequest::new(org_id, ImportMode::ValidRows, true)
    };
    import_with(db, actor, &request, bytes).await
}

/// The audit rows of roster batches, oldest first, as (rows, enrolled).
async fn batch_audits(db: &Db, officer: &Actor) -> Vec<(u64, u64)> {
    let (rows, _) = audit::list(
        db,
        &officer.scope,
        &AuditFilter {
            action: Some("member.roster_import".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut batches: Vec<(u64, u64)> = rows
        .iter()
        .map(|r| {
            let after: serde_json::Value =
                serde_json::from_str(r.after_json.as_deref().expect("batch figures")).unwrap();
            (
                after["rows"].as_u64().unwrap(),
                after["enrolled"].as_u64().unwrap(),
            )
        })
        .collect();
    batches.reverse();
    batches
}

#[tokio::test]
async fn batches_commit_whole_and_numbers_stay_unique_across_them() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let officer = actor_at(&tr.union_a, Role::UnionAdmin);
        let n = 2 * 1000 + 321;
        let rows: Vec<String> = (0..n).map(|k| row("张伟", k)).collect();
        let report = run_in_batches(db, &officer, tr.union_a.id, 1000, csv(&rows))
            .await
            .unwrap();
        assert_eq!(report.enrolled, n, "{}", t.name);
        let distinct: i64 = db
            .scalar(
                &nuanxin_store::Query::new(
                    "SELECT COUNT(DISTINCT member_no) FROM members WHERE org_id = $1",
                )
                .bind(tr.union_a.id),
            )
            .await
            .unwrap();
        assert_eq!(distinct, i64::from(n));
        assert_eq!(
            batch_audits(db, &officer).await,
            [(1000, 1000), (1000, 1000), (321, 321)],
            "one audit row per batch, on {}",
            t.name
        );
    }
}

#[tokio::test]
async fn a_batch_that_fails_midway_leaves_nothing_of_itself() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let officer = actor_at(&tr.union_a, Role::UnionAdmin);
        // One member first, who then holds the number the import will
        // issue to its 1,499th row: in the second batch of 1,000, after
        // that batch's first chunks have been written.
        let first = run(
            db,
            &officer,
            tr.union_a.id,
            ImportMode::ValidRows,
            csv(&[row("王芳", 9_000)]),
        )
        .await
        .unwrap();
        assert_eq!(first.enrolled, 1);
        let issued: String = db
            .scalar(&nuanxin_store::Query::new("SELECT member_no FROM members"))
            .await
            .unwrap();
        let region = nuanxin_domain::region::RegionCode::parse(&issued[..6]).unwrap();
        let year = 2000 + issued[6..8].parse::<i32>().unwrap();
        let taken = MemberNo::issue(&region, year, 1_500).unwrap();
        db.execute(
            &nuanxin_store::Query::new("UPDATE members SET member_no = $1").bind(taken.as_str()),
        )
        .await
        .unwrap();

        let rows: Vec<String> = (0..2_321).map(|k| row("张伟", k)).collect();
        let outcome = run_in_batches(db, &officer, tr.union_a.id, 1000, csv(&rows)).await;
        assert!(
            matches!(&outcome, Err(StoreError::Database(e)) if e.as_database_error().is_some_and(|d| d.is_unique_violation())),
            "the number clash stops the import on {}: {outcome:?}",
            t.name
        );
        let members: i64 = db
            .scalar(&nuanxin_store::Query::new("SELECT COUNT(*) FROM members"))
            .await
            .unwrap();
        assert_eq!(
            members,
            1 + 1000,
            "the first batch stays, nothing of the second, on {}",
            t.name
        );
        assert_eq!(
            batch_audits(db, &officer).await,
            [(1, 1), (1000, 1000)],
            "no audit row for the batch that failed"
        );
    }
}

/// An ID number typed into a General-format Excel cell is a number with
/// 15 significant digits: refused, never repaired into a wrong person;
/// so is a phone stored as a number. Text cells go through.
#[tokio::test]
async fn xlsx_rosters_refuse_numbers_in_id_and_phone_columns() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        // Entered at the street federation, rows go to its catch-all union.
        let catch_all = nuanxin_store::orgs::create(
            db,
            &Actor::system(),
            &regions(),
            &new_org(
                Some(tr.street_a.id),
                "catch_all",
                "梅园新村街道新就业形态兜底工会",
                "320102",
            ),
        )
        .await
        .unwrap()
        .org;
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["序号", "姓名", "身份证号", "手机号", "职业群体"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for k in 0..3u32 {
            let r = k + 1;
            sheet.write_number(r, 0, f64::from(r)).unwrap();
            sheet.write_string(r, 1, "孙丽").unwrap();
            if k == 2 {
                // What Excel keeps of 320102199303046017.
                sheet.write_number(r, 2, 3.20102199303046e17).unwrap();
            } else {
                sheet.write_string(r, 2, id_for(k)).unwrap();
            }
            let phone = 13900000000.0 + f64::from(k);
            if k == 1 {
                sheet.write_number(r, 3, phone).unwrap();
            } else {
                sheet.write_string(r, 3, format!("{phone}")).unwrap();
            }
            sheet.write_string(r, 4, "家政服务员").unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let officer = actor_at(&tr.street_a, Role::UnionAdmin);
        let report = run(db, &officer, tr.street_a.id, ImportMode::ValidRows, bytes)
            .await
            .unwrap();
        assert_eq!(report.ignored_columns, vec!["序号"]);
        assert_eq!((report.rows, report.enrolled), (3, 1), "{}", t.name);
        let errors: Vec<_> = report
            .errors
            .iter()
            .map(|e| (e.row, e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            errors,
            [
                (3, "phone", "roster.phone_as_number"),
                (4, "id_number", "roster.id_number_as_number"),
            ]
        );
        let members = members_of(db, catch_all.id).await;
        assert_eq!(members.len(), 1);
        assert!(members[0].phone_masked.starts_with("139"));
    }
}

#[tokio::test]
async fn bad_files_and_requests_are_refused_whole() {
    for t in TestDb::all().await {
        let db = &t.db;
        let tr = tree(db).await;
        let officer = actor_at(&tr.street_a, Role::UnionAdmin);
        let codes = |e: StoreError| match e {
            StoreError::Validation(v) => v.0.iter().map(|f| f.code).collect::<Vec<_>>(),
            other => panic!("expected a validation error, got {other:?}"),
        };
        let e = run(
            db,
            &officer,
            tr.union_a.id,
            ImportMode::ValidRows,
            "名字,电话\n张伟,138\n".into(),
        )
        .await
        .unwrap_err();
        assert!(codes(e).contains(&"roster.missing_column"));
        let e = run(db, &officer, tr.union_a.id, ImportMode::ValidRows, csv(&[]))
            .await
            .unwrap_err();
        assert_eq!(codes(e), vec!["roster.no_rows"]);

        // Outside the officer's subtree, and without the review right.
        let other = actor_at(&tr.district_b, Role::UnionAdmin);
        let e = run(
            db,
            &other,
            tr.union_a.id,
            ImportMode::ValidRows,
            mixed_roster(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{e:?}");
        let viewer = actor_at(&tr.street_a, Role::Viewer);
        let e = run(
            db,
            &viewer,
            tr.union_a.id,
            ImportMode::ValidRows,
            mixed_roster(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden), "{e:?}");

        let without_consent = RosterRequest::new(tr.union_a.id, ImportMode::ValidRows, false);
        let e = import_with(db, &officer, &without_consent, mixed_roster())
            .await
            .unwrap_err();
        assert_eq!(codes(e), vec!["roster.consent_required"]);
        assert!(members_of(db, tr.union_a.id).await.is_empty());
    }
}
