//! The demo city as a plan: every organisation with its parent, name,
//! region, industry, credit code and founding history, decided up front
//! from the seed alone. Writing it is a separate step, so the same seed
//! gives the same city on either database.

use chrono::NaiveDate;
use nuanxin_domain::org::{FoundingStep, Industry, OrgKind};
use nuanxin_domain::region::Regions;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::codes::UsccMaker;
use super::names::{Namer, Place};
use super::streets::{self, district_short, StreetRow, Use, CITY_CODE};
use crate::error::UserError;

/// China has some 10^5–10^6 union organisations; a demo city larger than
/// that is a typo, not a test.
pub const MAX_ORGS: usize = 2_000_000;

/// How an organisation gets its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Founding {
    /// Level federations (city, district, street) are entered as founded.
    Automatic,
    /// The whole founding checklist, one date per step, then founded.
    Founded([NaiveDate; 9]),
    /// Still preparing: the first steps only.
    Preparing(Vec<NaiveDate>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedOrg {
    /// Index of the parent in [`Plan::orgs`]; parents always come first.
    pub parent: Option<usize>,
    pub kind: OrgKind,
    pub name: String,
    pub region: String,
    pub industry: Option<Industry>,
    pub uscc: Option<String>,
    pub founding: Founding,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub orgs: Vec<PlannedOrg>,
    /// Index of the city federation.
    pub city: usize,
    /// `(district region code, index of its federation)`.
    pub districts: Vec<(String, usize)>,
    /// The street file's rows, imported before the plan is written.
    pub street_rows: Vec<StreetRow>,
}

impl Plan {
    pub fn district(&self, code: &str) -> Option<usize> {
        self.districts
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, i)| *i)
    }
}

/// The three industries of the articles' industry federations, with the
/// federation's name after the place.
const MAIN_INDUSTRIES: [(Industry, &str); 3] = [
    (Industry::Express, "快递行业工会联合会"),
    (Industry::FoodDelivery, "网约送餐行业工会联合会"),
    (Industry::RideHailing, "网约车行业工会联合会"),
];

/// Where grassroots unions can hang: a street federation or a regional
/// federation, with the place their names are made from.
#[derive(Debug, Clone)]
struct Spot {
    org: usize,
    region: String,
    district: usize,
    street_name: String,
    stem: String,
}

struct Builder {
    rng: StdRng,
    namer: Namer,
    uscc: UsccMaker,
    orgs: Vec<PlannedOrg>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

impl Builder {
    fn push(
        &mut self,
        parent: Option<usize>,
        kind: OrgKind,
        name: String,
        region: &str,
        industry: Option<Industry>,
        founding: Founding,
    ) -> usize {
        // Fixed names are reserved here so that no generated name takes
        // them (generated ones were reserved by the namer). Two level
        // federations with one name would mean a broken street file.
        let fresh = self.namer.reserve(&name);
        debug_assert!(
            fresh || kind.is_grassroots(),
            "duplicate federation name {name}"
        );
        let uscc = match (&founding, kind.is_grassroots()) {
            // A founded union holds its legal-person certificate, and most
            // have their credit code entered; the rest are left to fill in.
            (Founding::Founded(_), true) if self.rng.gen_bool(0.85) => {
                Some(self.uscc.make(&mut self.rng, &region[..6]))
            }
            _ => None,
        };
        self.orgs.push(PlannedOrg {
            parent,
            kind,
            name,
            region: region.to_string(),
            industry,
            uscc,
            founding,
        });
        self.orgs.len() - 1
    }

    /// The nine steps done in order over a few months, some years ago.
    fn founded(&mut self) -> Founding {
        let mut d = date(2015, 1, 1) + chrono::Duration::days(self.rng.gen_range(0..3400));
        let mut dates = [d; 9];
        for slot in dates.iter_mut().skip(1) {
            d += chrono::Duration::days(self.rng.gen_range(1..=21));
            *slot = d;
        }
        Founding::Founded(dates)
    }

    /// Started in the last two years and part of the way through.
    fn preparing(&mut self) -> Founding {
        let today = nuanxin_domain::time::today_china();
        let mut d = date(2025, 3, 1) + chrono::Duration::days(self.rng.gen_range(0..365));
        let steps = self.rng.gen_range(0..FoundingStep::ALL.len());
        let mut dates = Vec::with_capacity(steps);
        for _ in 0..steps {
            dates.push(d.min(today));
            d += chrono::Duration::days(self.rng.gen_range(1..=21));
        }
        Founding::Preparing(dates)
    }

    fn founded_with(&mut self, p_founded: f64) -> Founding {
        if self.rng.gen_bool(p_founded) {
            self.founded()
        } else {
            self.preparing()
        }
    }
}

fn place(s: &Spot, districts: &[(String, String)]) -> (String, String, String) {
    (
        district_short(&districts[s.district].1).to_string(),
        s.street_name.clone(),
        s.stem.clone(),
    )
}

/// The fixed part of the city: federations at every level and one
/// catch-all union per street, whatever the size asked for.
struct Skeleton {
    districts: Vec<(String, String)>,
    street_rows: Vec<StreetRow>,
    city: usize,
    city_industry: Vec<usize>,
    district_orgs: Vec<(String, usize)>,
    streets: Vec<Spot>,
    regionals: Vec<Vec<Spot>>,
    district_industry: Vec<[usize; 3]>,
}

fn skeleton(b: &mut Builder) -> Skeleton {
    let districts: Vec<(String, String)> = Regions::shipped()
        .children(CITY_CODE)
        .into_iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let street_rows = streets::rows();
    let city = b.push(
        None,
        OrgKind::City,
        "南京市总工会".into(),
        CITY_CODE,
        None,
        Founding::Automatic,
    );
    let mut city_industry = Vec::new();
    for (industry, suffix) in MAIN_INDUSTRIES {
        let f = b.founded();
        city_industry.push(b.push(
            Some(city),
            OrgKind::Industry,
            format!("南京市{suffix}"),
            CITY_CODE,
            Some(industry),
            f,
        ));
    }
    let mut district_orgs = Vec::new();
    let mut streets = Vec::new();
    let mut regionals = vec![Vec::new(); districts.len()];
    let mut district_industry = Vec::new();
    for (di, (dcode, dname)) in districts.iter().enumerate() {
        let d = b.push(
            Some(city),
            OrgKind::District,
            format!("{dname}总工会"),
            dcode,
            None,
            Founding::Automatic,
        );
        district_orgs.push((dcode.clone(), d));
        for row in street_rows.iter().filter(|r| &r.parent == dcode) {
            match row.usage() {
                Use::Street => {
                    let s = b.push(
                        Some(d),
                        OrgKind::Street,
                        format!("{}总工会", row.name),
                        &row.code,
                        None,
                        Founding::Automatic,
                    );
                    let f = b.founded_with(0.9);
                    b.push(
                        Some(s),
                        OrgKind::CatchAll,
                        format!("{}新就业形态劳动者兜底工会", row.name),
                        &row.code,
                        None,
                        f,
                    );
                    streets.push(Spot {
                        org: s,
                        region: row.code.clone(),
                        district: di,
                        street_name: row.name.clone(),
                        stem: row.stem().to_string(),
                    });
                }
                Use::Zone => {
                    // Short zone names (`高新园区`) need their district to be told apart.
                    let name = if row.name.chars().count() <= 4 {
                        format!("{}{}", district_short(dname), row.name)
                    } else {
                        row.name.clone()
                    };
                    let f = b.founded();
                    let z = b.push(
                        Some(d),
                        OrgKind::Regional,
                        format!("{name}工会联合会"),
                        &row.code,
                        None,
                        f,
                    );
                    regionals[di].push(Spot {
                        org: z,
                        region: row.code.clone(),
                        district: di,
                        street_name: name.clone(),
                        stem: name,
                    });
                }
                Use::Skip => {}
            }
        }
        let mut fed = [0; 3];
        for (slot, (industry, suffix)) in fed.iter_mut().zip(MAIN_INDUSTRIES) {
            let f = b.founded();
            *slot = b.push(
                Some(d),
                OrgKind::Industry,
                format!("{dname}{suffix}"),
                dcode,
                Some(industry),
                f,
            );
        }
        district_industry.push(fed);
    }
    Skeleton {
        districts,
        street_rows,
        city,
        city_industry,
        district_orgs,
        streets,
        regionals,
        district_industry,
    }
}

fn builder(seed: u64) -> Builder {
    Builder {
        rng: StdRng::seed_from_u64(seed),
        namer: Namer::default(),
        uscc: UsccMaker::default(),
        orgs: Vec::new(),
    }
}

/// The smallest city the demo can build.
pub fn skeleton_size() -> usize {
    let mut b = builder(0);
    skeleton(&mut b);
    b.orgs.len()
}

/// Where a new grassroots union goes.
enum Parent {
    /// Under a street or regional federation, named after its place.
    At(Spot),
    /// Under an industry federation, named after a street of its district.
    Federation(usize),
}

/// Plans a city of exactly `total` organisations.
pub fn build(total: usize, seed: u64) -> Result<Plan, UserError> {
    if total > MAX_ORGS {
        return Err(UserError::new(format!(
            "--orgs can be at most {MAX_ORGS}, more than the whole country's union organisations"
        )));
    }
    let mut b = builder(seed);
    let mut sk = skeleton(&mut b);
    let size = b.orgs.len();
    if total < size {
        return Err(UserError::new(format!(
            "--orgs must be at least {size}: the city's federations and one catch-all union per street"
        )));
    }
    // Grassroots unions fill the rest: a few regional federations first, so
    // that unions can join them.
    let rest = total - size;
    let extra_regionals = rest / 25;
    for _ in 0..extra_regionals {
        let s = sk.streets[b.rng.gen_range(0..sk.streets.len())].clone();
        let (district, street, stem) = place(&s, &sk.districts);
        let name = b.namer.regional(
            &mut b.rng,
            Place {
                district: &district,
                street: &street,
                stem: &stem,
            },
        );
        let f = b.founded_with(0.9);
        let r = b.push(Some(s.org), OrgKind::Regional, name, &s.region, None, f);
        sk.regionals[s.district].push(Spot { org: r, ..s });
    }
    for _ in extra_regionals..rest {
        grassroots(&mut b, &sk);
    }
    debug_assert_eq!(b.orgs.len(), total);
    Ok(Plan {
        orgs: b.orgs,
        city: sk.city,
        districts: sk.district_orgs,
        street_rows: sk.street_rows,
    })
}

/// One enterprise or joint union somewhere in the city.
fn grassroots(b: &mut Builder, sk: &Skeleton) {
    let street = sk.streets[b.rng.gen_range(0..sk.streets.len())].clone();
    let industry = pick_industry(&mut b.rng);
    let main = MAIN_INDUSTRIES.iter().position(|(i, _)| *i == industry);
    // With these odds under the district's industry federation, or a
    // regional federation of the district, else the street's federation.
    let under = |rng: &mut StdRng, p_federation: f64, p_regional: f64| -> Parent {
        let r: f64 = rng.gen();
        let regionals = &sk.regionals[street.district];
        match main {
            Some(m) if r < p_federation => {
                Parent::Federation(sk.district_industry[street.district][m])
            }
            _ if r >= 1.0 - p_regional && !regionals.is_empty() => {
                Parent::At(regionals[rng.gen_range(0..regionals.len())].clone())
            }
            _ => Parent::At(street.clone()),
        }
    };
    let roll: f64 = b.rng.gen();
    let (kind, parent, industry) = match main {
        Some(m) if roll < 0.06 => (
            Kind::Platform,
            Parent::Federation(sk.city_industry[m]),
            Some(industry),
        ),
        _ if roll < 0.40 => (Kind::Company, under(&mut b.rng, 0.6, 0.15), Some(industry)),
        _ if roll < 0.85 => (Kind::Outlet, under(&mut b.rng, 0.25, 0.30), Some(industry)),
        _ => {
            let industry = b.rng.gen_bool(0.6).then_some(industry);
            (Kind::Joint, under(&mut b.rng, 0.0, 0.4), industry)
        }
    };
    let (parent_org, spot) = match parent {
        Parent::At(s) => (s.org, s),
        Parent::Federation(f) => (f, street),
    };
    let (district, street_name, stem) = place(&spot, &sk.districts);
    let at = Place {
        district: &district,
        street: &street_name,
        stem: &stem,
    };
    let i = industry.unwrap_or(Industry::Other);
    let name = match kind {
        Kind::Platform => b.namer.platform_company(&mut b.rng, i),
        Kind::Company => b.namer.company(&mut b.rng, i, at),
        Kind::Outlet => b.namer.outlet(&mut b.rng, i, at),
        Kind::Joint => b.namer.joint(&mut b.rng, industry, at),
    };
    let org_kind = if kind == Kind::Joint {
        OrgKind::Joint
    } else {
        OrgKind::Enterprise
    };
    let f = b.founded_with(0.82);
    b.push(Some(parent_org), org_kind, name, &spot.region, industry, f);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Platform,
    Company,
    Outlet,
    Joint,
}

/// Couriers, riders and drivers first; the other groups of the "eight
/// groups" (八大群体) make up the rest.
fn pick_industry(rng: &mut StdRng) -> Industry {
    let r: f64 = rng.gen();
    match r {
        r if r < 0.38 => Industry::Express,
        r if r < 0.72 => Industry::FoodDelivery,
        r if r < 0.88 => Industry::RideHailing,
        r if r < 0.92 => Industry::Trucking,
        r if r < 0.95 => Industry::DomesticService,
        r if r < 0.97 => Industry::Care,
        r if r < 0.985 => Industry::Security,
        r if r < 0.993 => Industry::RealEstate,
        _ => Industry::Retail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nuanxin_domain::ids::Uscc;
    use std::collections::HashSet;

    #[test]
    fn the_plan_has_exactly_the_asked_size_and_a_valid_tree() {
        for total in [skeleton_size(), 400, 5000] {
            let p = build(total, 7).unwrap();
            assert_eq!(p.orgs.len(), total);
            for (i, o) in p.orgs.iter().enumerate() {
                if let Some(parent) = o.parent {
                    assert!(parent < i, "parents come first");
                    let pk = p.orgs[parent].kind;
                    assert!(
                        o.kind.may_be_child_of(pk),
                        "{} under {}",
                        o.name,
                        p.orgs[parent].name
                    );
                    assert!(
                        o.region.starts_with(&p.orgs[parent].region[..4]),
                        "inside the city"
                    );
                }
                if let Some(u) = &o.uscc {
                    assert!(Uscc::parse(u).unwrap().is_grassroots_union());
                }
                if let Founding::Founded(d) = &o.founding {
                    assert!(d.windows(2).all(|w| w[0] < w[1]), "steps in order");
                }
                nuanxin_domain::org::parse_org_name(&o.name).unwrap();
            }
            let names: HashSet<&str> = p.orgs.iter().map(|o| o.name.as_str()).collect();
            assert_eq!(names.len(), total, "names are unique");
        }
    }

    #[test]
    fn the_skeleton() {
        let p = build(400, 1).unwrap();
        let count = |k: OrgKind| p.orgs.iter().filter(|o| o.kind == k).count();
        assert_eq!(count(OrgKind::City), 1);
        assert_eq!(count(OrgKind::District), 11);
        assert_eq!(count(OrgKind::Street), count(OrgKind::CatchAll));
        assert!(count(OrgKind::Street) > 90);
        let city_industry: Vec<&str> = p
            .orgs
            .iter()
            .filter(|o| o.kind == OrgKind::Industry && o.parent == Some(p.city))
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(
            city_industry,
            [
                "南京市快递行业工会联合会",
                "南京市网约送餐行业工会联合会",
                "南京市网约车行业工会联合会"
            ]
        );
        assert_eq!(count(OrgKind::Industry), 3 + 11 * 3);
        let xuanwu = p.district("320102").unwrap();
        assert_eq!(p.orgs[xuanwu].name, "玄武区总工会");
        assert!(p
            .orgs
            .iter()
            .any(|o| o.name == "梅园新村街道总工会" && o.region == "320102002"));
        let min = skeleton_size();
        assert!(build(min - 1, 1).unwrap_err().0.contains(&min.to_string()));
        assert_eq!(build(min, 1).unwrap().orgs.len(), min);
        assert!(build(MAX_ORGS + 1, 1).is_err());
    }

    #[test]
    fn statuses_are_mixed_and_codes_present() {
        let p = build(2000, 5).unwrap();
        let grassroots: Vec<&PlannedOrg> =
            p.orgs.iter().filter(|o| o.kind.is_grassroots()).collect();
        let preparing = grassroots
            .iter()
            .filter(|o| matches!(o.founding, Founding::Preparing(_)))
            .count();
        let share = preparing as f64 / grassroots.len() as f64;
        assert!((0.08..0.3).contains(&share), "{share}");
        assert!(grassroots.iter().filter(|o| o.uscc.is_some()).count() > grassroots.len() / 2);
        assert!(p.orgs.iter().any(|o| o
            .parent
            .is_some_and(|pi| p.orgs[pi].kind == OrgKind::Regional)));
    }

    #[test]
    fn the_same_seed_gives_the_same_plan() {
        assert_eq!(build(600, 42).unwrap().orgs, build(600, 42).unwrap().orgs);
        assert_ne!(build(600, 42).unwrap().orgs, build(600, 43).unwrap().orgs);
    }
}
