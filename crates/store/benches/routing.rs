//! Deciding an application against a routing table of 50,000 rules
//! (employer keywords, platform partners per district, occupation and
//! area rules), in memory; and loading the table from the database, which
//! a server does after every rule change. Target: decisions in
//! microseconds. The baseline, measured in the same run, is a linear scan
//! of the same rules; every decision is checked against it.
//!
//! `cargo bench -p nuanxin-store --bench routing`

use std::time::{Duration, Instant};

use chrono::Utc;
use nuanxin_domain::membership::Occupation;
use nuanxin_domain::region::RegionCode;
use nuanxin_domain::routing_rule::Stage;
use nuanxin_store::routing::{CompiledRule, RuleBook, Subject};
use nuanxin_store::testing::TestDb;
use nuanxin_store::Query;
use rand::{Rng, SeedableRng};

const EMPLOYERS: usize = 40_000;
const PARTNERS: usize = 5_000;
const AREA_RULES: usize = 5_000;
const SAMPLES: usize = 100_000;
const DISTRICTS: [&str; 11] = [
    "320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115", "320116",
    "320117", "320118",
];

fn rule(id: usize, stage: Stage, district: usize, employer: Option<String>) -> CompiledRule {
    CompiledRule {
        id: id as i64,
        stage,
        owner_depth: 2,
        owner_id: district as i64,
        position: id as i64,
        employer,
        occupation: None,
        area: RegionCode::parse(DISTRICTS[district]).unwrap(),
        target_id: id as i64,
        target_name: format!("工会{id}"),
        target_path: format!("/1/{district}/{id}/"),
        reason: None,
    }
}

fn rules() -> Vec<CompiledRule> {
    let mut v = Vec::new();
    for n in 0..EMPLOYERS {
        v.push(rule(
            v.len(),
            Stage::Employer,
            n % DISTRICTS.len(),
            Some(format!("星河{n}配送")),
        ));
    }
    for n in 0..PARTNERS {
        let mut r = rule(
            v.len(),
            Stage::PlatformPartner,
            n % DISTRICTS.len(),
            Some(format!("平台{}", n / DISTRICTS.len())),
        );
        r.area = RegionCode::parse(&format!(
            "{}{:03}",
            DISTRICTS[n % DISTRICTS.len()],
            n / DISTRICTS.len() % 100 + 1
        ))
        .unwrap();
        v.push(r);
    }
    for n in 0..AREA_RULES {
        let district = n % DISTRICTS.len();
        let mut r = rule(v.len(), Stage::Occupation, district, None);
        r.occupation = Some(Occupation::ALL[n % Occupation::ALL.len()]);
        r.area = RegionCode::parse(&format!(
            "{}{:03}",
            DISTRICTS[district],
            n / DISTRICTS.len() % 200 + 1
        ))
        .unwrap();
        if n % 10 == 0 {
            r.stage = Stage::Region;
            r.occupation = None;
        }
        v.push(r);
    }
    v
}

struct Sample {
    occupation: Occupation,
    employer: Option<String>,
    region: RegionCode,
}

fn samples() -> Vec<Sample> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    (0..SAMPLES)
        .map(|_| {
            let district = DISTRICTS[rng.gen_range(0..DISTRICTS.len())];
            let employer = match rng.gen_range(0..4) {
                0 => Some(format!(
                    "南京星河{}配送服务有限公司",
                    rng.gen_range(0..EMPLOYERS * 2)
                )),
                1 => Some(format!("平台{}外卖", rng.gen_range(0..600))),
                2 => Some("个体经营".to_string()),
                _ => None,
            };
            Sample {
                occupation: Occupation::ALL[rng.gen_range(0..Occupation::ALL.len())],
                employer,
                region: RegionCode::parse(&format!("{district}{:03}", rng.gen_range(1..=250)))
                    .unwrap(),
            }
        })
        .collect()
}

/// The obvious implementation: every rule, every time.
fn linear<'a>(rules: &'a [CompiledRule], s: &Subject<'_>) -> Option<&'a CompiledRule> {
    let employer = s
        .employer
        .map(nuanxin_domain::routing_rule::normalize_employer);
    rules
        .iter()
        .filter(|r| {
            r.occupation.is_none_or(|o| o == s.occupation)
                && r.target_path.starts_with(s.entry_path)
                && s.work_region.is_within(&r.area)
                && match &r.employer {
                    None => true,
                    Some(k) => employer.as_deref().is_some_and(|e| e.contains(k.as_str())),
                }
        })
        .min_by_key(|r| {
            (
                r.stage,
                -i64::from(r.owner_depth),
                r.owner_id,
                r.position,
                r.id,
            )
        })
}

fn percentiles(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    (us(v[v.len() / 2]), us(v[v.len() * 99 / 100]))
}

fn time(
    samples: &[Sample],
    mut decide: impl FnMut(&Subject<'_>) -> Option<i64>,
) -> (Vec<Duration>, Vec<Option<i64>>) {
    let mut times = Vec::with_capacity(samples.len());
    let mut picks = Vec::with_capacity(samples.len());
    for s in samples {
        let subject = Subject {
            entry_path: "/1/",
            occupation: s.occupation,
            employer: s.employer.as_deref(),
            work_region: &s.region,
        };
        let t = Instant::now();
        let pick = decide(&subject);
        times.push(t.elapsed());
        picks.push(pick);
    }
    (times, picks)
}

async fn load_from(t: TestDb, rules: &[CompiledRule]) {
    let db = &t.db;
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    tx.execute(&Query::new("INSERT INTO orgs (id, parent_id, path, depth, kind, name, region_code, industry, uscc, status, founded_on, created_at, updated_at) VALUES (1, NULL, '/1/', 0, 'city', '市总工会', '320100', NULL, NULL, 'founded', NULL, $1, $1)").bind(now)).await.unwrap();
    tx.execute(&Query::new("INSERT INTO orgs (id, parent_id, path, depth, kind, name, region_code, industry, uscc, status, founded_on, created_at, updated_at) VALUES (2, 1, '/1/2/', 1, 'joint', '联合工会', '320102', NULL, NULL, 'founded', NULL, $1, $1)").bind(now)).await.unwrap();
    for chunk in rules.chunks(1_000) {
        let mut q = Query::new("INSERT INTO routing_rules (owner_org_id, position, employer, occupation, region_code, target_org_id, reason, created_by, created_at) VALUES ");
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(1, ")
                .push_bind(r.position)
                .push(", ")
                .push_bind(r.employer.clone())
                .push(", ");
            q.push_bind(r.occupation.map(|o| o.code().to_string()))
                .push(", ");
            q.push_bind(r.area.as_str().to_string())
                .push(", 2, NULL, 'bench', ")
                .push_bind(now)
                .push(")");
        }
        tx.execute(&q).await.unwrap();
    }
    tx.commit().await.unwrap();
    let started = Instant::now();
    let book = RuleBook::load(db).await.unwrap();
    println!(
        "{}: loading and compiling {} rules from the database: {:.0} ms",
        t.name,
        book.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
}

fn main() {
    let rules = rules();
    let started = Instant::now();
    let book = RuleBook::new(1, rules.clone()).unwrap();
    println!(
        "compiling {} rules in memory: {:.1} ms",
        book.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let samples = samples();
    let (compiled_times, compiled) = time(&samples, |s| book.decide(s).map(|r| r.id));
    let (linear_times, expected) = time(&samples[..SAMPLES / 20], |s| {
        linear(&rules, s).map(|r| r.id)
    });
    assert_eq!(
        &compiled[..SAMPLES / 20],
        &expected[..],
        "the book decides as the linear scan"
    );
    let matched = compiled.iter().filter(|p| p.is_some()).count();
    let (p50, p99) = percentiles(compiled_times);
    let (lp50, lp99) = percentiles(linear_times);
    println!("{SAMPLES} decisions, {matched} matched a rule");
    println!("compiled book: p50 {p50:.2} µs, p99 {p99:.2} µs");
    println!(
        "linear scan (baseline, {} decisions): p50 {lp50:.0} µs, p99 {lp99:.0} µs",
        SAMPLES / 20
    );
    println!("speed-up at p99: {:.0}x", lp99 / p99);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        for t in TestDb::all().await {
            load_from(t, &rules).await;
        }
    });
}
