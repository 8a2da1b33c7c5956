//! Re-routing by a reviewer: an application that routing sent to the wrong
//! union goes to another grassroots union in the reviewer's scope, with a
//! reason the worker sees.

use chrono::Utc;
use nuanxin_domain::account::Permission;
use nuanxin_domain::membership::MembershipStatus;
use nuanxin_domain::{text, FieldError};
use serde_json::json;

use super::{get, record_event, Member, Why};
use crate::audit::{self, Event};
use crate::routing::RouteArgs;
use crate::{Actor, Db, Query, StoreResult};

/// Moves a pending application to `to_org_id`; both unions in scope.
pub async fn reroute(
    db: &Db,
    actor: &Actor,
    id: i64,
    to_org_id: i64,
    reason: &str,
) -> StoreResult<Member> {
    actor.require(Permission::Review)?;
    let reason = text::required_line("reason", "label-reroute_reason", reason, 200)?;
    let target = match crate::orgs::get_current(db, &actor.scope, to_org_id).await {
        Err(crate::StoreError::NotFound) => return Err(not_a_target().into()),
        other => other?,
    };
    if !target.kind.receives_members(target.status) {
        return Err(not_a_target().into());
    }
    let mut tx = db.begin().await?;
    let before = get(&mut tx, &actor.scope, id).await?;
    if before.status != MembershipStatus::Applied {
        return Err(decided().into());
    }
    if before.org_id == to_org_id {
        return Err(FieldError::new("org_id", "membership.reroute_same").into());
    }
    let route_args = RouteArgs {
        union: target.name.clone(),
        occupation: Some(before.occupation.code().into()),
        reason: Some(reason.clone()),
        ..Default::default()
    };
    // Still pending and where it was read at the moment of writing: a
    // decision or another re-route committed meanwhile wins.
    let moved = tx
        .execute(
            &Query::new("UPDATE members SET org_id = $1, route_rule = 'reviewer', route_reason = $2, route_args = $3, updated_at = $4 WHERE id = $5 AND status = 'applied' AND org_id = $6")
                .bind(to_org_id)
                .bind(&reason)
                .bind(route_args.to_json())
                .bind(Utc::now())
                .bind(id)
                .bind(before.org_id),
        )
        .await?;
    if moved == 0 {
        return Err(super::changed_meanwhile());
    }
    record_event(
        &mut tx,
        id,
        Some(before.status),
        before.status,
        to_org_id,
        &actor.username,
        Why::wrote(Some(&reason)),
    )
    .await?;
    let after = get(&mut tx, &actor.scope, id).await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "member.reroute",
            entity: "member",
            entity_id: Some(id.to_string()),
            org_path: &after.org_path,
            before: Some(json!({ "org_id": before.org_id })),
            after: Some(json!({ "org_id": to_org_id, "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn decided() -> FieldError {
    FieldError::new("id", "membership.reroute_decided")
}

fn not_a_target() -> FieldError {
    FieldError::new("org_id", "membership.reroute_target")
}
