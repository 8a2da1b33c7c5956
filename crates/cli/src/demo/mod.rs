//! A realistic fictional city on Nanjing's real region codes: the city
//! federation, district and street federations, industry federations for
//! couriers, food delivery and ride-hailing, and grassroots unions of
//! partner companies and stations, at any scale and the same for a seed.

mod accounts;
mod codes;
pub mod members;
mod names;
mod plan;
mod rules;
mod streets;
mod write;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use nuanxin_domain::org::OrgKind;
use nuanxin_store::orgs::{self, OrgFilter};
use nuanxin_store::{Db, Scope};

pub use accounts::DemoAccount;
pub use plan::skeleton_size;

use crate::error::{describe_field_error, user_error};
use plan::Founding;

/// About four hundred organisations: small enough to load in seconds,
/// large enough to page through.
pub const DEFAULT_ORGS: usize = 400;
pub const DEFAULT_SEED: u64 = 2024;

/// What was loaded, for the command to print.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub orgs: usize,
    pub by_kind: BTreeMap<OrgKind, usize>,
    pub founded: usize,
    pub preparing: usize,
    pub with_uscc: usize,
    pub streets_imported: usize,
    pub routing_rules: usize,
    /// Each with its password, to print once.
    pub accounts: Vec<DemoAccount>,
    pub elapsed: Duration,
}

/// How many organisations the database holds.
pub async fn org_count(db: &Db) -> anyhow::Result<i64> {
    let filter = OrgFilter {
        limit: 1,
        ..Default::default()
    };
    Ok(orgs::search(db, &Scope::everything(), &filter).await?.1)
}

/// Loads the demo city of `orgs` organisations into an empty database.
pub async fn load_demo(db: &Db, orgs: usize, seed: u64) -> anyhow::Result<DemoSummary> {
    let started = Instant::now();
    let existing = org_count(db).await?;
    if existing > 0 {
        return Err(user_error(format!(
            "the database already has {existing} organisations; the demo loads only into an empty database \
             (use another --data-dir or --database-url)"
        )));
    }
    // Planned before anything is written, so a bad size writes nothing.
    let plan = plan::build(orgs, seed)?;

    let rows: Vec<(usize, String, String, String)> = plan
        .street_rows
        .iter()
        .map(|r| (r.line, r.code.clone(), r.name.clone(), r.parent.clone()))
        .collect();
    let imported = match nuanxin_store::regions::import_streets(db, &rows).await? {
        Ok(n) => n,
        Err(errors) => {
            let first = errors
                .first()
                .map(|e| format!("line {}: {}", e.line, describe_field_error(&e.error)));
            anyhow::bail!(
                "the shipped street file was refused: {}",
                first.unwrap_or_default()
            );
        }
    };
    let regions = nuanxin_store::regions::load(db)
        .await
        .context("loading the region table")?;

    tracing::info!(orgs, seed, "loading the demo city");
    let ids = write::write(db, &regions, &plan).await?;
    let accounts = accounts::create(db, &plan, &ids).await?;
    let routing_rules = rules::create(db, &regions, &plan, &ids).await?;

    let mut by_kind = BTreeMap::new();
    for o in &plan.orgs {
        *by_kind.entry(o.kind).or_insert(0) += 1;
    }
    let status = |f: fn(&Founding) -> bool| plan.orgs.iter().filter(|o| f(&o.founding)).count();
    Ok(DemoSummary {
        orgs: plan.orgs.len(),
        by_kind,
        founded: status(|f| !matches!(f, Founding::Preparing(_))),
        preparing: status(|f| matches!(f, Founding::Preparing(_))),
        with_uscc: plan.orgs.iter().filter(|o| o.uscc.is_some()).count(),
        streets_imported: imported,
        routing_rules,
        accounts,
        elapsed: started.elapsed(),
    })
}
