//! A few routing rules for the demo city: in each district, applications
//! naming one of two founded enterprise unions' companies go to that union,
//! so the rules page and the routing trial have something to show.

use anyhow::Context;
use nuanxin_domain::org::OrgKind;
use nuanxin_domain::region::Regions;
use nuanxin_domain::routing_rule::RuleForm;
use nuanxin_store::routing::rules;
use nuanxin_store::{Actor, Db};

use super::plan::{Founding, Plan};

const PER_DISTRICT: usize = 2;

/// Whether organisation `i` of the plan lies under organisation `root`.
fn descends(plan: &Plan, mut i: usize, root: usize) -> bool {
    while let Some(p) = plan.orgs[i].parent {
        if p == root {
            return true;
        }
        i = p;
    }
    false
}

/// Creates the rules; returns how many.
pub async fn create(db: &Db, regions: &Regions, plan: &Plan, ids: &[i64]) -> anyhow::Result<usize> {
    let sys = Actor::system();
    let mut created = 0;
    for &(_, district) in &plan.districts {
        let picks = plan
            .orgs
            .iter()
            .enumerate()
            .filter(|(i, o)| {
                o.kind == OrgKind::Enterprise
                    && matches!(o.founding, Founding::Founded(_))
                    && descends(plan, *i, district)
            })
            .take(PER_DISTRICT);
        for (i, o) in picks {
            let form = RuleForm {
                employer: o.name.trim_end_matches("工会").to_string(),
                ..Default::default()
            };
            rules::create(db, &sys, regions, ids[district], &form, ids[i])
                .await
                .with_context(|| format!("routing rule for {}", o.name))?;
            created += 1;
        }
    }
    Ok(created)
}
