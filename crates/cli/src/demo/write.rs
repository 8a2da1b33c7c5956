//! Writes a plan through the store as the system actor: the root with an
//! ordinary create, everything else in one batch import, so every
//! organisation is checked by the same rules as one entered in the console
//! and leaves its audit row, without a commit per organisation.

use anyhow::Context;
use nuanxin_domain::org::{FoundingStep, OrgStatus};
use nuanxin_domain::region::Regions;
use nuanxin_store::orgs::{self, ImportOrg, NewOrg, ParentRef};
use nuanxin_store::{Actor, Db};

use super::plan::{Founding, Plan};

/// Creates the plan's organisations and returns their ids, by plan index.
pub async fn write(db: &Db, regions: &Regions, plan: &Plan) -> anyhow::Result<Vec<i64>> {
    let actor = Actor::system();
    let n = plan.orgs.len();
    // Parents before children: the import refers to earlier rows only.
    let mut depth = vec![0usize; n];
    for (i, o) in plan.orgs.iter().enumerate() {
        depth[i] = o.parent.map_or(0, |p| depth[p] + 1);
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|i| depth[*i]);
    let root = order[0];
    anyhow::ensure!(
        plan.orgs[root].parent.is_none(),
        "the demo plan has no root"
    );
    let r = &plan.orgs[root];
    let input = NewOrg {
        parent_id: None,
        kind: r.kind.code().to_string(),
        name: r.name.clone(),
        region_code: r.region.clone(),
        industry: r.industry.map(|i| i.code().to_string()),
        uscc: r.uscc.clone(),
    };
    let root_id = orgs::create(db, &actor, regions, &input)
        .await
        .context("the demo root")?
        .org
        .id;

    // Plan index -> row in the batch.
    let mut row_of = vec![usize::MAX; n];
    let mut rows = Vec::with_capacity(n - 1);
    for &i in &order[1..] {
        let o = &plan.orgs[i];
        let p = o.parent.expect("only the root has no parent");
        let parent = if p == root {
            ParentRef::Existing(root_id)
        } else {
            ParentRef::Row(row_of[p])
        };
        let (status, dates): (Option<OrgStatus>, &[chrono::NaiveDate]) = match &o.founding {
            Founding::Automatic => (None, &[]),
            Founding::Founded(d) => (Some(OrgStatus::Founded), d),
            Founding::Preparing(d) => (Some(OrgStatus::Preparing), d),
        };
        row_of[i] = rows.len();
        rows.push(ImportOrg {
            parent,
            kind: o.kind.code().to_string(),
            name: o.name.clone(),
            region_code: o.region.clone(),
            industry: o.industry.map(|x| x.code().to_string()),
            uscc: o.uscc.clone(),
            status,
            // Founded on the day of the last founding step.
            founded_on: (status == Some(OrgStatus::Founded))
                .then(|| dates.last().copied())
                .flatten(),
            checklist: FoundingStep::ALL
                .iter()
                .copied()
                .zip(dates.iter().copied())
                .collect(),
        });
    }
    let imported = match orgs::import(db, &actor, regions, &rows).await? {
        Ok(ids) => ids,
        Err(errors) => {
            let first = &errors[0];
            anyhow::bail!(
                "demo organisation {} was refused: {}",
                first.row + 2,
                first.errors
            );
        }
    };
    let mut ids = vec![0i64; n];
    ids[root] = root_id;
    for &i in &order[1..] {
        ids[i] = imported[row_of[i]];
    }
    Ok(ids)
}
