//! Member search by phone or ID number (exact, through the blind index) at
//! 1,000,000 members, on SQLite and (with NUANXIN_TEST_DATABASE_URL)
//! PostgreSQL. Target: p99 under 10 ms.
//!
//! `cargo bench -p nuanxin-store --bench member_search`

use std::time::{Duration, Instant};

use chrono::Utc;
use nuanxin_domain::ids::{IdNumber, Phone};
use nuanxin_store::membership::{self, Exact};
use nuanxin_store::orgs::{self, NewOrg};
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Actor, Query, Scope};
use rand::{Rng, SeedableRng};

const MEMBERS: usize = 1_000_000;
const UNIONS: usize = 200;
const SAMPLES: usize = 2_000;

fn id_number(n: usize) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
        + chrono::Duration::days((n / 1000) as i64);
    let mut s = format!("320102{}{:03}", day.format("%Y%m%d"), n % 1000).into_bytes();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).unwrap()
}

fn phone(n: usize) -> String {
    format!("139{n:08}")
}

fn percentiles(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[v.len() / 2]), ms(v[v.len() * 99 / 100]))
}

async fn run(t: TestDb) {
    let db = &t.db;
    let sealer = Sealer::from_key(&[5u8; 64]);
    let sys = Actor::system();
    let regions = nuanxin_domain::region::Regions::shipped();
    let new = |parent, kind: &str, name: String| NewOrg {
        parent_id: parent,
        kind: kind.into(),
        name,
        region_code: "320102".into(),
        ..Default::default()
    };
    let city = orgs::create(db, &sys, &regions, &new(None, "city", "市总工会".into()))
        .await
        .unwrap()
        .org;
    let district = orgs::create(
        db,
        &sys,
        &regions,
        &new(Some(city.id), "district", "区总工会".into()),
    )
    .await
    .unwrap()
    .org;
    let mut unions = Vec::new();
    for i in 0..UNIONS {
        unions.push(
            orgs::create(
                db,
                &sys,
                &regions,
                &new(Some(district.id), "enterprise", format!("工会{i}")),
            )
            .await
            .unwrap()
            .org
            .id,
        );
    }
    let started = Instant::now();
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    for chunk in (0..MEMBERS).collect::<Vec<_>>().chunks(500) {
        let mut q = Query::new(
            "INSERT INTO members (person_key, name, id_number_sealed, id_number_masked, phone_key, phone_sealed, phone_masked, occupation, employer,
             work_region, org_id, member_no, status, status_token, card_token, route_rule, route_reason, reject_reason, applied_at, due_at, decided_at, updated_at) VALUES ",
        );
        for (k, n) in chunk.iter().enumerate() {
            if k > 0 {
                q.push(", ");
            }
            let (id, ph) = (id_number(*n), phone(*n));
            q.push("(")
                .push_bind(sealer.blind_index("id_number", &id))
                .push(", '会员', ")
                .push_bind(sealer.seal(&id));
            q.push(", '320***', ")
                .push_bind(sealer.blind_index("phone", &ph))
                .push(", ")
                .push_bind(sealer.seal(&ph));
            q.push(", '139****', 'courier', NULL, '320102', ")
                .push_bind(unions[n % UNIONS]);
            q.push(", NULL, 'active', ")
                .push_bind(format!("s{n}"))
                .push(", ")
                .push_bind(format!("c{n}"));
            q.push(", 'bench', '', NULL, ")
                .push_bind(now)
                .push(", ")
                .push_bind(now)
                .push(", NULL, ")
                .push_bind(now)
                .push(")");
        }
        tx.execute(&q).await.unwrap();
    }
    tx.commit().await.unwrap();
    let analyze = if db.backend() == nuanxin_store::Backend::Postgres {
        "ANALYZE members"
    } else {
        "ANALYZE"
    };
    db.execute(&Query::new(analyze)).await.unwrap();
    println!(
        "\n{}: {MEMBERS} members loaded in {:.1} s",
        t.name,
        started.elapsed().as_secs_f64()
    );
    // A district's reviewer: each search is scoped and writes its audit row.
    let actor = Actor {
        account_id: None,
        username: "bench".into(),
        role: nuanxin_domain::account::Role::Reviewer,
        scope: Scope {
            org_id: district.id,
            path: district.path.clone(),
        },
        ip: None,
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let picks: Vec<usize> = (0..SAMPLES + 100)
        .map(|_| rng.gen_range(0..MEMBERS))
        .collect();
    let measure = |label: &'static str| (label, Vec::with_capacity(SAMPLES));
    let mut base = measure("baseline: SELECT 1");
    let mut by_id = measure("member by ID number (blind index, scoped)");
    let mut by_phone = measure("member by phone (blind index, scoped)");
    for (i, n) in picks.iter().enumerate() {
        let t0 = Instant::now();
        db.ping().await.unwrap();
        let t1 = Instant::now();
        let (idn, ph) = (
            IdNumber::parse(&id_number(*n)).unwrap(),
            Phone::parse(&phone(*n)).unwrap(),
        );
        let a = membership::search_exact(
            db,
            &actor,
            &sealer,
            Exact::IdNumber(&idn),
            Default::default(),
        )
        .await
        .unwrap();
        let t2 = Instant::now();
        let b =
            membership::search_exact(db, &actor, &sealer, Exact::Phone(&ph), Default::default())
                .await
                .unwrap();
        let t3 = Instant::now();
        assert_eq!((a.len(), b.len()), (1, 1));
        if i >= 100 {
            base.1.push(t1 - t0);
            by_id.1.push(t2 - t1);
            by_phone.1.push(t3 - t2);
        }
    }
    let (_, base_p99) = percentiles(base.1.clone());
    println!("| backend | operation | p50 ms | p99 ms | p99 / baseline p99 |");
    println!("|---|---|---|---|---|");
    for (label, times) in [base, by_id, by_phone] {
        let (p50, p99) = percentiles(times);
        println!(
            "| {} | {label} | {p50:.3} | {p99:.3} | {:.1} |",
            t.name,
            p99 / base_p99
        );
    }
}

#[tokio::main]
async fn main() {
    run(TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(pg) => run(pg).await,
        None => println!("\nPostgreSQL skipped: set NUANXIN_TEST_DATABASE_URL"),
    }
}
