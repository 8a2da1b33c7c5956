//! Demo members: applications from fictional workers to the demo city's
//! unions, most approved, some waiting in the review queues.

use anyhow::Context;
use chrono::NaiveDate;
use nuanxin_domain::ids::Phone;
use nuanxin_domain::membership::request::{Request, RequestKind};
use nuanxin_domain::membership::{ApplicationForm, Occupation};
use nuanxin_domain::org::{Industry, OrgKind, OrgStatus};
use nuanxin_store::membership::{self, Applied};
use nuanxin_store::orgs::{self, OrgFilter};
use nuanxin_store::routing::{Route, RouteArgs};
use nuanxin_store::sensitive::Sealer;
use nuanxin_store::{Actor, Db, Query, Scope};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const DEFAULT_MEMBERS: usize = 300;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "芳", "娜", "敏", "静", "丽", "霞",
    "鹏", "辉", "建国", "志强", "海燕", "晓东", "春梅", "国华",
];

/// What was loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct MembersSummary {
    pub applications: usize,
    pub approved: usize,
    /// Waiting past their union's review limit.
    pub overdue: usize,
    /// Members' requests (new phone, correction) waiting for an answer.
    pub requests: usize,
}

fn occupation_for(industry: Option<Industry>, rng: &mut StdRng) -> Occupation {
    match industry {
        Some(Industry::Express) => Occupation::Courier,
        Some(Industry::FoodDelivery) => Occupation::DeliveryRider,
        Some(Industry::RideHailing) => Occupation::RideHailingDriver,
        Some(Industry::Trucking) => Occupation::TruckDriver,
        _ => Occupation::ALL[rng.gen_range(0..Occupation::ALL.len())],
    }
}

fn id_number(county: &str, birth: NaiveDate, seq: u32) -> String {
    let mut s = format!("{county}{}{seq:03}", birth.format("%Y%m%d")).into_bytes();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).expect("ascii")
}

/// Files `count` applications (deterministic for a seed) with the demo's
/// founded grassroots unions and approves about four in five.
pub async fn load(
    db: &Db,
    sealer: &Sealer,
    seed: u64,
    count: usize,
) -> anyhow::Result<MembersSummary> {
    let filter = OrgFilter {
        status: Some(OrgStatus::Founded),
        limit: 2000,
        ..Default::default()
    };
    let (unions, _) = orgs::search(db, &Scope::everything(), &filter).await?;
    let unions: Vec<_> = unions
        .into_iter()
        .filter(|o| o.kind.is_grassroots() && o.kind != OrgKind::Regional)
        .collect();
    anyhow::ensure!(
        !unions.is_empty(),
        "the demo city has no founded unions to join"
    );
    let regions = nuanxin_store::regions::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6d65_6d62);
    let today = nuanxin_domain::time::today_china();
    let mut summary = MembersSummary::default();
    for i in 0..count {
        let union = &unions[rng.gen_range(0..unions.len())];
        // The county of the union's region; a city-level union's members work in one of its districts.
        let county = match &union.region_code[..] {
            r if r.len() == 9 => r[..6].to_string(),
            r if r.ends_with("00") => {
                let kids = regions.children(r);
                kids.get(rng.gen_range(0..kids.len().max(1)))
                    .map_or_else(|| r.to_string(), |k| k.code.clone())
            }
            r => r.to_string(),
        };
        let birth = NaiveDate::from_ymd_opt(1965, 1, 1).expect("date")
            + chrono::Duration::days(rng.gen_range(0..14_600));
        let form = ApplicationForm {
            name: format!(
                "{}{}",
                SURNAMES[rng.gen_range(0..SURNAMES.len())],
                GIVEN[rng.gen_range(0..GIVEN.len())]
            ),
            id_number: id_number(&county, birth, (i % 1000) as u32),
            phone: format!(
                "1{}{:09}",
                [3, 5, 7, 8, 9][rng.gen_range(0..5)],
                rng.gen_range(0..1_000_000_000u32)
            ),
            occupation: occupation_for(union.industry, &mut rng).code().into(),
            employer: String::new(),
            work_region: county,
            consent: true,
        };
        let app = form
            .check(&regions, today)
            .map_err(|e| anyhow::anyhow!("demo application {i}: {e}"))?;
        let route = Route {
            org_id: union.id,
            org_name: union.name.clone(),
            rule: "scanned_union".into(),
            args: RouteArgs {
                union: union.name.clone(),
                occupation: Some(app.occupation.code().into()),
                ..Default::default()
            },
        };
        if let Applied::Created {
            member_id,
            status_token,
        } = membership::apply(db, sealer, &route, &app)
            .await
            .with_context(|| format!("demo application {i}"))?
        {
            summary.applications += 1;
            if rng.gen_bool(0.8) {
                membership::approve(db, &Actor::system(), member_id).await?;
                summary.approved += 1;
                if let Some(r) = demo_request(summary.approved, &mut rng) {
                    nuanxin_store::membership::worker::file_request(db, sealer, &status_token, &r)
                        .await?;
                    summary.requests += 1;
                }
            } else if rng.gen_bool(0.3) {
                // Applied ten days ago: past a seven-day review limit.
                let then = chrono::Utc::now() - chrono::Duration::days(10);
                db.execute(
                    &Query::new("UPDATE members SET applied_at = $1, due_at = $2 WHERE id = $3")
                        .bind(then)
                        .bind(then + chrono::Duration::days(7))
                        .bind(member_id),
                )
                .await?;
                summary.overdue += 1;
            }
        }
    }
    contacts(db, &unions, &mut rng).await?;
    Ok(summary)
}

/// Every 20th member asks for something: mostly a new phone, some a
/// correction of their data.
fn demo_request(nth: usize, rng: &mut StdRng) -> Option<Request> {
    if !nth.is_multiple_of(20) {
        return None;
    }
    Some(if nth.is_multiple_of(40) {
        Request {
            kind: RequestKind::Correct,
            detail: "工作单位填错了，应为所在站点的合作商".into(),
            phone: None,
        }
    } else {
        let phone = format!("139{:08}", rng.gen_range(0..100_000_000u32));
        Request {
            kind: RequestKind::Phone,
            detail: String::new(),
            phone: Some(
                Phone::parse(&phone)
                    .map_err(|e| anyhow::anyhow!("demo phone: {e}"))
                    .ok()?,
            ),
        }
    })
}

/// A phone and an address for each demo union, as its posters print them.
async fn contacts(db: &Db, unions: &[orgs::Org], rng: &mut StdRng) -> anyhow::Result<()> {
    for u in unions {
        let phone = format!("025-8{:07}", rng.gen_range(0..10_000_000u32));
        let address = format!("{}服务站", u.name.trim_end_matches("工会"));
        orgs::set_contact(db, &Actor::system(), u.id, &phone, &address).await?;
    }
    Ok(())
}
