//! Keeping the routing rules: admins list, add, reorder and delete the
//! rules of organisations in their scope. Every change is audited and
//! marks the servers' compiled rules stale in the same transaction.

use chrono::{DateTime, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_domain::membership::Occupation;
use nuanxin_domain::org::OrgStatus;
use nuanxin_domain::region::{RegionCode, Regions};
use nuanxin_domain::routing_rule::{RuleConditions, RuleForm, Stage};
use nuanxin_domain::FieldError;
use serde::Serialize;
use serde_json::json;

use super::book::invalidate;
use crate::audit::{self, Event};
use crate::{Actor, Db, Query, Scope, StoreError, StoreResult, Tx};

/// A rule as the console and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub id: i64,
    pub owner_org_id: i64,
    pub position: i64,
    pub stage: Stage,
    /// Normalised keyword the employer name must contain.
    pub employer: Option<String>,
    pub occupation: Option<Occupation>,
    pub region_code: Option<String>,
    pub target_org_id: i64,
    pub target_name: String,
    /// A closed target takes nothing: the rule is skipped.
    pub target_closed: bool,
    /// The target was moved out of the owner's subtree, where the owner's
    /// rules may not send anyone: the rule is skipped.
    pub target_elsewhere: bool,
    /// The worker is told this, or the stage's default when it is none.
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: i64,
    owner_org_id: i64,
    position: i64,
    employer: Option<String>,
    occupation: Option<String>,
    region_code: Option<String>,
    target_org_id: i64,
    target_name: String,
    target_status: String,
    target_path: String,
    reason: Option<String>,
    created_by: String,
    created_at: DateTime<Utc>,
    owner_path: String,
}

impl RuleRow {
    fn into_rule(self) -> (Rule, String) {
        let conditions = RuleConditions {
            employer: self.employer,
            occupation: self.occupation.as_deref().and_then(Occupation::from_code),
            region: self
                .region_code
                .as_deref()
                .and_then(|r| RegionCode::parse(r).ok()),
            reason: self.reason,
        };
        let stage = conditions.stage();
        let rule = Rule {
            id: self.id,
            owner_org_id: self.owner_org_id,
            position: self.position,
            stage,
            employer: conditions.employer,
            occupation: conditions.occupation,
            region_code: self.region_code,
            target_org_id: self.target_org_id,
            target_name: self.target_name,
            target_closed: self.target_status == OrgStatus::Closed.code(),
            target_elsewhere: !self.target_path.starts_with(&self.owner_path),
            reason: conditions.reason,
            created_by: self.created_by,
            created_at: self.created_at,
        };
        (rule, self.owner_path)
    }
}

const SELECT: &str = "SELECT r.id, r.owner_org_id, r.position, r.employer, r.occupation, r.region_code,
        r.target_org_id, t.name AS target_name, t.status AS target_status, t.path AS target_path, r.reason, r.created_by, r.created_at,
        o.path AS owner_path
    FROM routing_rules r
    JOIN orgs o ON o.id = r.owner_org_id
    JOIN orgs t ON t.id = r.target_org_id";

/// The rules an organisation in scope keeps, in the order they are tried.
pub async fn list(db: &Db, scope: &Scope, owner_org_id: i64) -> StoreResult<Vec<Rule>> {
    crate::orgs::get(db, scope, owner_org_id).await?;
    let rows: Vec<RuleRow> = db
        .fetch_all(
            Query::new(SELECT)
                .push(" WHERE r.owner_org_id = ")
                .push_bind(owner_org_id)
                .push(" ORDER BY r.position, r.id"),
        )
        .await?;
    let mut rules: Vec<Rule> = rows.into_iter().map(|r| r.into_rule().0).collect();
    rules.sort_by_key(|r| (r.stage, r.position, r.id));
    Ok(rules)
}

/// One rule whose owner is in scope; others are not found.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<Rule> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE r.id = ").push_bind(id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    let row: RuleRow = db.fetch_optional(&q).await?.ok_or(StoreError::NotFound)?;
    Ok(row.into_rule().0)
}

async fn get_in_tx(tx: &mut Tx, scope: &Scope, id: i64) -> StoreResult<(Rule, String)> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE r.id = ").push_bind(id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    let row: RuleRow = tx.fetch_optional(&q).await?.ok_or(StoreError::NotFound)?;
    Ok(row.into_rule())
}

/// Adds a rule to an organisation in scope, after the ones it already keeps.
/// The target must be an open grassroots union in the owner's subtree.
pub async fn create(
    db: &Db,
    actor: &Actor,
    regions: &Regions,
    owner_org_id: i64,
    form: &RuleForm,
    target_org_id: i64,
) -> StoreResult<Rule> {
    actor.require(Permission::ManageOrgs)?;
    let owner = crate::orgs::get_current(db, &actor.scope, owner_org_id).await?;
    if owner.status == OrgStatus::Closed {
        return Err(FieldError::new("owner_org_id", "routing_rule.owner_closed").into());
    }
    if owner.kind.is_grassroots() {
        // Its own code already routes to itself; a rule here would only
        // pull in the applications that come through its federations' codes.
        return Err(
            FieldError::new("owner_org_id", "routing_rule.owner_grassroots")
                .with_label("kind", owner.kind.label_zh(), owner.kind.label_en())
                .into(),
        );
    }
    let owner_region = RegionCode::parse(&owner.region_code)?;
    let conditions = form.check(regions, &owner_region)?;
    let owner_scope = Scope {
        org_id: owner.id,
        path: owner.path.clone(),
    };
    let target = match crate::orgs::get_current(db, &owner_scope, target_org_id).await {
        Ok(t) => t,
        Err(StoreError::NotFound) => {
            return Err(
                FieldError::new("target_org_id", "routing_rule.target_outside")
                    .with("owner", &owner.name)
                    .into(),
            )
        }
        Err(e) => return Err(e),
    };
    if !target.kind.receives_members(target.status) {
        return Err(
            FieldError::new("target_org_id", "routing_rule.target_not_grassroots")
                .with("target", &target.name)
                .into(),
        );
    }

    let mut tx = db.begin().await?;
    let same: i64 = tx
        .scalar(
            &Query::new(
                "SELECT COUNT(*) FROM routing_rules WHERE owner_org_id = $1
                 AND COALESCE(employer, '') = $2 AND COALESCE(occupation, '') = $3 AND COALESCE(region_code, '') = $4",
            )
            .bind(owner.id)
            .bind(conditions.employer.clone().unwrap_or_default())
            .bind(conditions.occupation.map(|o| o.code()).unwrap_or_default())
            .bind(
                conditions
                    .region
                    .as_ref()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
            ),
        )
        .await?;
    if same > 0 {
        return Err(FieldError::new("employer", "routing_rule.duplicate").into());
    }
    let position: i64 = tx
        .scalar(
            &Query::new(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM routing_rules WHERE owner_org_id = $1",
            )
            .bind(owner.id),
        )
        .await?;
    let id: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO routing_rules (owner_org_id, position, employer, occupation, region_code, target_org_id, reason, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(owner.id)
            .bind(position)
            .bind(conditions.employer.clone())
            .bind(conditions.occupation.map(|o| o.code().to_string()))
            .bind(conditions.region.as_ref().map(|r| r.as_str().to_string()))
            .bind(target.id)
            .bind(conditions.reason.clone())
            .bind(actor.username.as_str())
            .bind(Utc::now()),
        )
        .await?;
    invalidate(&mut tx).await?;
    let (rule, owner_path) = get_in_tx(&mut tx, &actor.scope, id).await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "routing_rule.create",
            entity: "routing_rule",
            entity_id: Some(id.to_string()),
            org_path: &owner_path,
            before: None,
            after: Some(json!(rule)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(rule)
}

/// Deletes a rule of an organisation in scope.
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> StoreResult<()> {
    actor.require(Permission::ManageOrgs)?;
    let mut tx = db.begin().await?;
    let (rule, owner_path) = get_in_tx(&mut tx, &actor.scope, id).await?;
    tx.execute(&Query::new("DELETE FROM routing_rules WHERE id = $1").bind(id))
        .await?;
    invalidate(&mut tx).await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "routing_rule.delete",
            entity: "routing_rule",
            entity_id: Some(id.to_string()),
            org_path: &owner_path,
            before: Some(json!(rule)),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Which way a rule moves in its organisation's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    /// `up` or `down`, as forms and bodies send it.
    pub fn parse(raw: &str) -> Result<Direction, FieldError> {
        match raw.trim() {
            "up" => Ok(Direction::Up),
            "down" => Ok(Direction::Down),
            _ => Err(FieldError::new("direction", "routing_rule.direction")),
        }
    }
}

/// Swaps a rule with its neighbour of the same stage (stages keep the
/// default order; within one, the organisation decides). At either end,
/// nothing changes.
pub async fn move_rule(db: &Db, actor: &Actor, id: i64, direction: Direction) -> StoreResult<()> {
    actor.require(Permission::ManageOrgs)?;
    let mut tx = db.begin().await?;
    let (rule, owner_path) = get_in_tx(&mut tx, &actor.scope, id).await?;
    let rows: Vec<RuleRow> = tx
        .fetch_all(
            Query::new(SELECT)
                .push(" WHERE r.owner_org_id = ")
                .push_bind(rule.owner_org_id),
        )
        .await?;
    let mut same_stage: Vec<Rule> = rows
        .into_iter()
        .map(|r| r.into_rule().0)
        .filter(|r| r.stage == rule.stage)
        .collect();
    same_stage.sort_by_key(|r| (r.position, r.id));
    let at = same_stage
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| StoreError::Internal(format!("rule {id} vanished")))?;
    let other = match direction {
        Direction::Up => at.checked_sub(1).map(|i| &same_stage[i]),
        Direction::Down => same_stage.get(at + 1),
    };
    let Some(other) = other else {
        return Ok(());
    };
    // Equal positions (never written by this code) would swap to no effect.
    let (mine, theirs) = if other.position == rule.position {
        match direction {
            Direction::Up => (other.position - 1, other.position),
            Direction::Down => (other.position + 1, other.position),
        }
    } else {
        (other.position, rule.position)
    };
    for (rule_id, position) in [(id, mine), (other.id, theirs)] {
        tx.execute(
            &Query::new("UPDATE routing_rules SET position = $1 WHERE id = $2")
                .bind(position)
                .bind(rule_id),
        )
        .await?;
    }
    invalidate(&mut tx).await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "routing_rule.move",
            entity: "routing_rule",
            entity_id: Some(id.to_string()),
            org_path: &owner_path,
            before: Some(json!({ "position": rule.position })),
            after: Some(json!({ "position": mine, "swapped_with": other.id })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
