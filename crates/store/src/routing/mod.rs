//! Which grassroots union takes an application ("系统平台分派处理").
//!
//! A union's own code sends applications to that union. Under a
//! federation's code, the routing rules kept by admins are tried first (see
//! [`nuanxin_domain::routing_rule`] for their order); when none takes the
//! application, the tree decides: the industry federation for the worker's
//! occupation in their district, then the catch-all union of the district
//! or street.

mod book;
pub mod rules;

pub(crate) use book::invalidate;
pub use book::{CompiledRule, RuleBook, RuleCache, Subject};
use std::sync::Arc;

use nuanxin_domain::membership::{Application, Occupation};
use nuanxin_domain::org::{Industry, OrgKind, OrgStatus};
use nuanxin_domain::region::{RegionCode, Regions};
use nuanxin_domain::{FieldError, ValidationErrors};
use serde::{Deserialize, Serialize};

use crate::{Db, Query, Scope, StoreError, StoreResult};

/// Where an application goes, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    pub org_id: i64,
    pub org_name: String,
    /// What decided: `rule:{id}` for a routing rule, `reviewer` for a
    /// re-routing, or the name of the built-in step (`scanned_union`,
    /// `industry_federation`, `catch_all_union`).
    pub rule: String,
    pub args: RouteArgs,
}

/// What the worker is told about a route, as arguments: the pages put them
/// into words in the reader's language (`told-<rule>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteArgs {
    /// The union it went to, as named then.
    pub union: String,
    /// The applicant's occupation group's code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// For a routing rule, the stage it matched (`employer`, …), whose
    /// default reason applies when the rule has none of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// What a person wrote: a rule's own reason, a reviewer's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl RouteArgs {
    /// As stored in `members.route_args`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored value; `None` for rows from before the column, whose
    /// `route_reason` holds the whole sentence.
    pub fn from_json(raw: Option<&str>) -> Option<RouteArgs> {
        raw.and_then(|r| serde_json::from_str(r).ok())
    }
}

/// The industry whose federation organises an occupation group.
pub fn industry_of(o: Occupation) -> Option<Industry> {
    Some(match o {
        Occupation::TruckDriver => Industry::Trucking,
        Occupation::Courier => Industry::Express,
        Occupation::DeliveryRider => Industry::FoodDelivery,
        Occupation::RideHailingDriver => Industry::RideHailing,
        Occupation::DomesticWorker => Industry::DomesticService,
        Occupation::CareWorker => Industry::Care,
        Occupation::RetailInformation => Industry::Retail,
        Occupation::EstateAgent => Industry::RealEstate,
        Occupation::SecurityGuard => Industry::Security,
        Occupation::Other => return None,
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Candidate {
    id: i64,
    name: String,
    kind: String,
    region_code: String,
    industry: Option<String>,
    status: String,
    path: String,
}

/// How closely a union's region fits the place of work: 3 for the same
/// street or county, 2 for the city, 1 for the province, none outside it.
fn fit(union_region: &str, work: &RegionCode) -> Option<u8> {
    let r = RegionCode::parse(union_region).ok()?;
    if !work.is_within(&r) && !r.is_within(work) {
        return None;
    }
    Some(match r.level() {
        nuanxin_domain::region::RegionLevel::Street
        | nuanxin_domain::region::RegionLevel::County => 3,
        nuanxin_domain::region::RegionLevel::City => 2,
        nuanxin_domain::region::RegionLevel::Province => 1,
    })
}

/// The candidates under one entry organisation, loaded once: a single
/// application loads and decides, a roster import loads once and decides
/// for every row without touching the database.
#[derive(Debug, Clone)]
pub struct Router {
    entry: Candidate,
    grassroots: bool,
    candidates: Vec<Candidate>,
    rules: Arc<RuleBook>,
}

impl Router {
    /// Loads what decides for applications that came in through
    /// `entry_org_id`. A union's own code needs no rules, so only a
    /// federation's asks this process's rule cache for the current book.
    pub async fn load(db: &Db, entry_org_id: i64) -> StoreResult<Router> {
        let entry: Candidate = db
            .fetch_optional(&Query::new("SELECT id, name, kind, region_code, industry, status, path FROM orgs WHERE id = $1").bind(entry_org_id))
            .await?
            .ok_or(StoreError::NotFound)?;
        let kind = OrgKind::from_code(&entry.kind).ok_or_else(|| {
            StoreError::Internal(format!("org {} has kind {:?}", entry.id, entry.kind))
        })?;
        let (candidates, rules) = if kind.is_grassroots() {
            (Vec::new(), Arc::default())
        } else {
            let subtree = Scope {
                org_id: entry.id,
                path: entry.path.clone(),
            };
            let mut q = Query::new("SELECT id, name, kind, region_code, industry, status, path FROM orgs WHERE kind IN ('industry', 'catch_all') AND status <> 'closed' AND");
            subtree.push_filter(&mut q, "path");
            q.push(" ORDER BY path");
            (
                db.fetch_all(&q).await?,
                db.caches().rules.current(db).await?,
            )
        };
        Ok(Router {
            grassroots: kind.is_grassroots(),
            entry,
            candidates,
            rules,
        })
    }

    /// The entry organisation's path: routes never leave its subtree.
    pub fn entry_path(&self) -> &str {
        &self.entry.path
    }

    /// Picks the union for one application.
    pub fn route(&self, app: &Application) -> Result<Route, FieldError> {
        self.route_parts(app.occupation, app.employer.as_deref(), &app.work_region)
    }

    /// Picks the union from the three things routing looks at.
    pub fn route_parts(
        &self,
        occupation: Occupation,
        employer: Option<&str>,
        work_region: &RegionCode,
    ) -> Result<Route, FieldError> {
        let entry = &self.entry;
        if entry.status == OrgStatus::Closed.code() {
            return Err(no_union());
        }
        if self.grassroots {
            return Ok(Route {
                org_id: entry.id,
                org_name: entry.name.clone(),
                rule: "scanned_union".into(),
                args: RouteArgs {
                    union: entry.name.clone(),
                    occupation: Some(occupation.code().into()),
                    ..Default::default()
                },
            });
        }
        let subject = Subject {
            entry_path: &entry.path,
            occupation,
            employer,
            work_region,
        };
        if let Some(r) = self.rules.decide(&subject) {
            return Ok(Route {
                org_id: r.target_id,
                org_name: r.target_name.clone(),
                rule: format!("rule:{}", r.id),
                args: RouteArgs {
                    union: r.target_name.clone(),
                    occupation: Some(occupation.code().into()),
                    stage: Some(r.stage.code().into()),
                    reason: r.reason.clone(),
                },
            });
        }
        let wanted = industry_of(occupation).map(|i| i.code());
        let best = |kind: &str, industry: Option<&str>| {
            self.candidates
                .iter()
                .filter(|c| {
                    c.kind == kind && (industry.is_none() || c.industry.as_deref() == industry)
                })
                .filter_map(|c| fit(&c.region_code, work_region).map(|f| (f, c.path.len(), c)))
                .max_by_key(|(f, depth, _)| (*f, *depth))
                .map(|(_, _, c)| c)
        };
        if let Some(w) = wanted {
            if let Some(c) = best("industry", Some(w)) {
                return Ok(Route {
                    org_id: c.id,
                    org_name: c.name.clone(),
                    rule: "industry_federation".into(),
                    args: RouteArgs {
                        union: c.name.clone(),
                        occupation: Some(occupation.code().into()),
                        ..Default::default()
                    },
                });
            }
        }
        if let Some(c) = best("catch_all", None) {
            return Ok(Route {
                org_id: c.id,
                org_name: c.name.clone(),
                rule: "catch_all_union".into(),
                args: RouteArgs {
                    union: c.name.clone(),
                    occupation: Some(occupation.code().into()),
                    ..Default::default()
                },
            });
        }
        Err(no_union())
    }
}

/// Picks the union for an application that came in through `entry_org_id`,
/// with this server's compiled rules.
pub async fn route(db: &Db, entry_org_id: i64, app: &Application) -> StoreResult<Route> {
    Ok(Router::load(db, entry_org_id).await?.route(app)?)
}

/// What an admin asks when trying the routing out: where would this
/// application go if it came in through that code?
#[derive(Debug, Clone, Default)]
pub struct Trial {
    pub occupation: String,
    pub employer: String,
    pub work_region: String,
}

/// Routes a trial application through an organisation in scope without
/// storing anything; field problems are reported as for a real one.
pub async fn try_route(
    db: &Db,
    scope: &Scope,
    regions: &Regions,
    entry_org_id: i64,
    t: &Trial,
) -> StoreResult<Route> {
    crate::orgs::get(db, scope, entry_org_id).await?;
    let mut e = ValidationErrors::new();
    let occupation = e.check(Occupation::parse(&t.occupation));
    let work_region = e.check(nuanxin_domain::membership::parse_work_region(
        regions,
        &t.work_region,
    ));
    let (Some(occupation), Some(work_region)) = (occupation, work_region) else {
        return Err(e.into());
    };
    let employer = Some(t.employer.trim()).filter(|s| !s.is_empty());
    let router = Router::load(db, entry_org_id).await?;
    Ok(router.route_parts(occupation, employer, &work_region)?)
}

/// Whose routing rule decided a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleOwner {
    /// An organisation in the caller's scope, by name.
    InScope(String),
    /// An organisation above the caller's scope: a district's trial may be
    /// decided by its city's rule, whose name the scope does not show.
    Above,
}

/// Whose routing rule decided `route`, as far as `scope` may see. None for
/// a built-in step, or a rule deleted since.
pub async fn rule_owner(db: &Db, scope: &Scope, route: &Route) -> StoreResult<Option<RuleOwner>> {
    let Some(id) = route
        .rule
        .strip_prefix("rule:")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let owner: Option<(String, String)> = db
        .fetch_optional(
            &Query::new(
                "SELECT o.name, o.path FROM routing_rules r JOIN orgs o ON o.id = r.owner_org_id WHERE r.id = $1",
            )
            .bind(id),
        )
        .await?;
    Ok(owner.map(|(name, path)| {
        if scope.contains(&path) {
            RuleOwner::InScope(name)
        } else {
            RuleOwner::Above
        }
    }))
}

fn no_union() -> FieldError {
    FieldError::new("work_region", "routing.no_union")
}
