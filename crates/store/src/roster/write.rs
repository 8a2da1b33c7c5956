//! The enrolling pass: batches of valid rows, each in one transaction with
//! its audit row, sealed on a reader thread while the last batch is written.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use nuanxin_domain::membership::MemberNo;
use nuanxin_domain::region::RegionCode;
use nuanxin_domain::roster::Columns;
use serde_json::json;

use super::{prepared_row, Progress, RosterFile, RowContext, BATCH_ROWS};
use crate::audit::{self, Event};
use crate::membership::{reserve_numbers, Prepared};
use crate::sensitive::Sealer;
use crate::{Actor, Db, Query, StoreError, StoreResult, Tx};

/// Members written to the database per statement's bind limit: 20 values a
/// row stays under SQLite's 32,766 and PostgreSQL's 65,535.
const ROWS_PER_INSERT: usize = 1000;
/// SQLite page cache during an import, in KiB: with batches of
/// [`BATCH_ROWS`](super::BATCH_ROWS) rows it holds most pages a batch
/// touches, and keeps a million-row import under 300 MB in all.
const IMPORT_CACHE_KIB: i64 = 65_536;

/// Enrols every row not in `failed_rows`; returns (new members, people
/// already holding a membership).
#[allow(clippy::too_many_arguments)]
pub(super) async fn enrol(
    db: &Db,
    actor: &Actor,
    entry_path: &str,
    mut file: RosterFile,
    columns: Columns,
    failed_rows: HashSet<u32>,
    ctx: RowContext,
    sealer: Arc<Sealer>,
    progress: &Progress,
) -> StoreResult<(u32, u32)> {
    // At most one sealed batch waits while another is written and the next
    // is sealed: enough to keep both cores busy, little memory.
    let (batches, mut rx) = tokio::sync::mpsc::channel::<Vec<Prepared>>(1);
    let reader = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        let mut header = true;
        let mut stopped = false;
        file.for_each_row(|n, cells| {
            if std::mem::take(&mut header) || failed_rows.contains(&n) {
                return ControlFlow::Continue(());
            }
            if let Some(p) = prepared_row(&ctx, &sealer, &columns, cells) {
                batch.push(p);
            }
            if batch.len() == BATCH_ROWS {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                if batches.blocking_send(full).is_err() {
                    stopped = true;
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        })?;
        if !batch.is_empty() && !stopped {
            let _ = batches.blocking_send(batch);
        }
        Ok::<(), nuanxin_domain::FieldError>(())
    });

    // SQLite: a larger page cache while the import runs keeps the indexes'
    // hot pages in memory across a batch; the server's normal size after.
    let sqlite = db.backend() == crate::Backend::Sqlite;
    if sqlite {
        db.execute(&Query::new(&format!(
            "PRAGMA cache_size = -{IMPORT_CACHE_KIB}"
        )))
        .await?;
    }
    let written = write_all(db, actor, entry_path, &mut rx, progress).await;
    if sqlite {
        db.execute(&Query::new(&format!(
            "PRAGMA cache_size = -{}",
            crate::db::SQLITE_CACHE_KIB
        )))
        .await?;
    }
    // Stop the reader before reporting, whatever happened to the writes.
    drop(rx);
    reader
        .await
        .map_err(|e| StoreError::Internal(format!("roster reader stopped: {e}")))?
        .map_err(|e| StoreError::Validation(e.into()))?;
    let (enrolled, existing) = written?;
    Ok((enrolled, existing))
}

/// Writes each batch from the reader in its own transaction.
async fn write_all(
    db: &Db,
    actor: &Actor,
    entry_path: &str,
    rx: &mut tokio::sync::mpsc::Receiver<Vec<Prepared>>,
    progress: &Progress,
) -> StoreResult<(u32, u32)> {
    let mut regions: HashMap<i64, RegionCode> = HashMap::new();
    let (mut enrolled, mut existing) = (0u32, 0u32);
    while let Some(batch) = rx.recv().await {
        let rows = batch.len() as u32;
        let mut tx = db.begin().await?;
        let (new, old) = write_batch(&mut tx, actor, entry_path, &batch, &mut regions).await?;
        tx.commit().await?;
        enrolled += new;
        existing += old;
        progress.written.fetch_add(rows, Ordering::Relaxed);
    }
    Ok((enrolled, existing))
}

/// Writes one batch inside `tx`: skips people with an open membership,
/// numbers the rest from each union's regional sequence, inserts members
/// and their first history event, and appends one audit row.
async fn write_batch(
    tx: &mut Tx,
    actor: &Actor,
    entry_path: &str,
    batch: &[Prepared],
    regions: &mut HashMap<i64, RegionCode>,
) -> StoreResult<(u32, u32)> {
    let mut q =
        Query::new("SELECT person_key FROM members WHERE closed_seq = 0 AND person_key IN (");
    for (i, p) in batch.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(p.person_key.as_str());
    }
    q.push(")");
    let open: Vec<(String,)> = tx.fetch_all(&q).await?;
    let open: HashSet<String> = open.into_iter().map(|(k,)| k).collect();
    let fresh: Vec<&Prepared> = batch
        .iter()
        .filter(|p| !open.contains(&p.person_key))
        .collect();
    let now = Utc::now();
    // Numbers follow the file's order.
    let numbers = issue_numbers(tx, &fresh, regions, now).await?;
    // Inserted in key order, consecutive rows land on neighbouring leaves of
    // the person index: each leaf is found once per batch, not per member.
    let mut numbered: Vec<(&Prepared, MemberNo)> = fresh.into_iter().zip(numbers).collect();
    numbered.sort_unstable_by(|a, b| a.0.person_key.cmp(&b.0.person_key));

    let mut inserted: Vec<(i64, i64)> = Vec::with_capacity(numbered.len());
    for chunk in numbered.chunks(ROWS_PER_INSERT) {
        let mut q = Query::new(
            "INSERT INTO members (person_key, name, id_number_sealed, id_number_masked, phone_key, phone_sealed, phone_masked,
                occupation, employer, work_region, org_id, member_no, status, status_token, card_token, route_rule, route_reason,
                reject_reason, applied_at, due_at, decided_at, updated_at) VALUES ",
        );
        for (i, (p, no)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(p.person_key.as_str()).push(", ");
            q.push_bind(p.name.as_str()).push(", ");
            q.push_bind(p.id_sealed.as_str()).push(", ");
            q.push_bind(p.id_masked.as_str()).push(", ");
            q.push_bind(p.phone_key.as_str()).push(", ");
            q.push_bind(p.phone_sealed.as_str()).push(", ");
            q.push_bind(p.phone_masked.as_str()).push(", ");
            q.push_bind(p.occupation).push(", ");
            q.push_bind(p.employer.as_deref()).push(", ");
            q.push_bind(p.work_region.as_str()).push(", ");
            q.push_bind(p.route.org_id).push(", ");
            q.push_bind(no.as_str()).push(", 'active', ");
            q.push_bind(p.status_token.as_str()).push(", ");
            q.push_bind(p.card_token.as_str()).push(", ");
            q.push_bind(&p.route.rule).push(", ");
            q.push_bind(p.route.reason_zh.as_str()).push(", NULL, ");
            q.push_bind(now).push(", ");
            q.push_bind(now).push(", ");
            q.push_bind(now).push(", ");
            q.push_bind(now).push(")");
        }
        // A person enrolled by someone else since the check above is skipped
        // here and counted as already a member.
        // Only the one-person index: any other conflict is a fault, not a member.
        q.push(" ON CONFLICT (person_key, closed_seq) DO NOTHING RETURNING id, org_id");
        inserted.extend(tx.fetch_all::<(i64, i64)>(&q).await?);
    }

    for chunk in inserted.chunks(ROWS_PER_INSERT) {
        let mut q = Query::new(
            "INSERT INTO member_events (member_id, at, from_status, to_status, org_id, actor_name, reason) VALUES ",
        );
        for (i, (member_id, org_id)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(*member_id).push(", ");
            q.push_bind(now).push(", NULL, 'active', ");
            q.push_bind(*org_id).push(", ");
            q.push_bind(actor.username.as_str()).push(", '名单导入')");
        }
        if !chunk.is_empty() {
            tx.execute(&q).await?;
        }
    }

    let enrolled = inserted.len() as u32;
    audit::append(
        tx,
        actor,
        Event {
            action: "member.roster_import",
            entity: "member",
            entity_id: None,
            org_path: entry_path,
            before: None,
            after: Some(json!({
                "rows": batch.len(),
                "enrolled": enrolled,
                "member_ids": [inserted.iter().map(|m| m.0).min(), inserted.iter().map(|m| m.0).max()],
            })),
        },
    )
    .await?;
    Ok((enrolled, batch.len() as u32 - enrolled))
}

/// Membership numbers for `fresh`, in order: one sequence reservation per
/// region prefix in the batch instead of one per member.
async fn issue_numbers(
    tx: &mut Tx,
    fresh: &[&Prepared],
    regions: &mut HashMap<i64, RegionCode>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<MemberNo>> {
    let year = now.with_timezone(&nuanxin_domain::time::china()).year();
    let mut per_org: Vec<RegionCode> = Vec::with_capacity(fresh.len());
    for p in fresh {
        let org = p.route.org_id;
        if let std::collections::hash_map::Entry::Vacant(slot) = regions.entry(org) {
            let (code,): (String,) = tx
                .fetch_optional(&Query::new("SELECT region_code FROM orgs WHERE id = $1").bind(org))
                .await?
                .ok_or(StoreError::NotFound)?;
            slot.insert(RegionCode::parse(&code)?);
        }
        per_org.push(regions[&org].clone());
    }
    let mut wanted: HashMap<String, (RegionCode, u32)> = HashMap::new();
    for r in &per_org {
        let prefix = MemberNo::prefix(r, year);
        wanted.entry(prefix).or_insert_with(|| (r.clone(), 0)).1 += 1;
    }
    // The next free number per prefix.
    let mut next: HashMap<String, u32> = HashMap::new();
    for (prefix, (_, count)) in &wanted {
        next.insert(prefix.clone(), reserve_numbers(tx, prefix, *count).await?);
    }
    per_org
        .iter()
        .map(|r| {
            let prefix = MemberNo::prefix(r, year);
            let seq = next.get_mut(&prefix).expect("reserved above");
            let no = MemberNo::issue(r, year, *seq)?;
            *seq += 1;
            Ok(no)
        })
        .collect()
}
