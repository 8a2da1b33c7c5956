//! The enrolling pass: batches of valid rows, each in one transaction with
//! its audit row. A reader thread seals and routes the rows in chunks while
//! the database writes the chunk before, so a batch can be far larger than
//! what is held in memory at once.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use nuanxin_domain::membership::MemberNo;
use nuanxin_domain::region::RegionCode;
use nuanxin_domain::roster::Columns;
use serde_json::json;

use super::{prepared_row, Progress, RosterFile, RowContext};
use crate::audit::{self, Event};
use crate::membership::{reserve_numbers, Prepared, ROSTER_IMPORT};
use crate::sensitive::Sealer;
use crate::{Actor, Backend, Db, Query, StoreError, StoreResult, Tx};

/// Write-ahead log pages after which SQLite copies the log back into the
/// database during an import (about 200 MB): see [`import_settings`].
const IMPORT_CHECKPOINT_PAGES: u32 = 50_000;
/// SQLite's default.
const SQLITE_CHECKPOINT_PAGES: u32 = 1_000;
/// Valid rows from which an import takes the settings of
/// [`import_settings`]: a load of tens of seconds or more.
const LARGE_IMPORT_ROWS: u32 = 100_000;

/// Rows sealed and handed to the writer at a time: what bounds the memory
/// of the pipeline (two chunks, about 10 MB), whatever the batch size.
const CHUNK_ROWS: usize = 10_000;
/// Rows per multi-row insert on PostgreSQL: at 20 values a row, under its
/// 65,535 parameters.
const ROWS_PER_INSERT: usize = 1000;
/// SQLite page cache during an import, in KiB: it holds most of the
/// person and phone index pages a batch touches, and keeps a million-row
/// import under 300 MB in all.
const IMPORT_CACHE_KIB: i64 = 65_536;

/// Rows sealed by the reader; `ends_batch` marks the last chunk of a batch.
struct Chunk {
    rows: Vec<Prepared>,
    ends_batch: bool,
}

/// Enrols every row not in `failed_rows` in batches of `batch_rows`;
/// returns (new members, people already holding a membership).
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
    batch_rows: usize,
    progress: &Progress,
) -> StoreResult<(u32, u32)> {
    // Even a small batch is handed over in a few chunks, so the writer
    // starts on a batch while the reader still seals its end.
    let chunk_rows = CHUNK_ROWS.min(batch_rows.div_ceil(4));
    // At most one sealed chunk waits while another is written and the next
    // is sealed: enough to keep both cores busy, little memory.
    let (chunks, mut rx) = tokio::sync::mpsc::channel::<Chunk>(1);
    let reader = tokio::task::spawn_blocking(move || {
        let mut chunk = Vec::with_capacity(chunk_rows);
        let mut in_batch = 0;
        let mut header = true;
        let mut stopped = false;
        file.for_each_row(|n, cells, numeric| {
            if std::mem::take(&mut header) || failed_rows.contains(&n) {
                return ControlFlow::Continue(());
            }
            if let Some(p) = prepared_row(&ctx, &sealer, &columns, cells, numeric) {
                chunk.push(p);
                in_batch += 1;
            }
            let ends_batch = in_batch == batch_rows;
            if chunk.len() == chunk_rows || ends_batch {
                if ends_batch {
                    in_batch = 0;
                }
                let rows = std::mem::replace(&mut chunk, Vec::with_capacity(chunk_rows));
                if chunks.blocking_send(Chunk { rows, ends_batch }).is_err() {
                    stopped = true;
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        })?;
        if in_batch > 0 && !stopped {
            let _ = chunks.blocking_send(Chunk {
                rows: chunk,
                ends_batch: true,
            });
        }
        Ok::<(), nuanxin_domain::FieldError>(())
    });

    // Only a large import changes the writer's settings: a platform's push
    // of a few hundred rows must not end with a checkpoint of the whole log
    // that every other write waits behind.
    let tune = db.backend() == Backend::Sqlite
        && progress.total.load(Ordering::Relaxed) >= LARGE_IMPORT_ROWS;
    if tune {
        large_import_starts(db).await?;
    }
    let written = write_all(db, actor, entry_path, &mut rx, progress).await;
    if tune {
        large_import_ends(db).await;
    }
    // Stop the reader before reporting, whatever happened to the writes.
    drop(rx);
    reader
        .await
        .map_err(|e| StoreError::Internal(format!("roster reader stopped: {e}")))?
        .map_err(|e| StoreError::Validation(e.into()))?;
    written
}

/// Gives the writer the settings of [`import_settings`], unless another
/// large import already did.
async fn large_import_starts(db: &Db) -> StoreResult<()> {
    let mut running = db.large_imports.lock().await;
    if *running == 0 {
        import_settings(db, true).await?;
    }
    *running += 1;
    Ok(())
}

/// Gives the writer the server's own settings back once the last large
/// import has ended, so that one import ending does not slow another down.
/// Whatever that does, the import's own outcome is the answer.
async fn large_import_ends(db: &Db) {
    let mut running = db.large_imports.lock().await;
    *running -= 1;
    if *running == 0 {
        if let Err(e) = import_settings(db, false).await {
            tracing::warn!(error = %e, "the writer's settings could not be restored after an import");
        }
    }
}

/// SQLite settings of the writer connection while an import runs, and the
/// server's own after it.
///
/// - A larger page cache keeps the indexes' hot pages in memory across a
///   batch.
/// - The write-ahead log is copied back into the database less often. With
///   the person and phone indexes keyed at random, every batch changes most
///   of their pages again; a checkpoint after each batch (SQLite's default
///   is every 1,000 pages) wrote each page back once per batch, a larger log
///   writes it back once per several. After the import the log is copied
///   back and truncated, so the disk space returns.
async fn import_settings(db: &Db, importing: bool) -> StoreResult<()> {
    let (cache_kib, checkpoint_pages) = if importing {
        (IMPORT_CACHE_KIB, IMPORT_CHECKPOINT_PAGES)
    } else {
        (crate::db::SQLITE_CACHE_KIB, SQLITE_CHECKPOINT_PAGES)
    };
    db.execute(&Query::new(&format!("PRAGMA cache_size = -{cache_kib}")))
        .await?;
    db.execute(&Query::new(&format!(
        "PRAGMA wal_autocheckpoint = {checkpoint_pages}"
    )))
    .await?;
    if !importing {
        // Waits for readers (the busy timeout); a log still in use is left
        // for SQLite's next automatic checkpoint.
        if let Err(e) = db
            .execute(&Query::new("PRAGMA wal_checkpoint(TRUNCATE)"))
            .await
        {
            tracing::warn!(error = %e, "the write-ahead log could not be truncated after the import");
        }
    }
    Ok(())
}

/// What one batch has written so far.
#[derive(Default)]
struct Tally {
    rows: u32,
    enrolled: u32,
    first_id: Option<i64>,
    last_id: Option<i64>,
}

/// Writes the chunks from the reader, each batch in its own transaction,
/// committed with its audit row after its last chunk.
async fn write_all(
    db: &Db,
    actor: &Actor,
    entry_path: &str,
    rx: &mut tokio::sync::mpsc::Receiver<Chunk>,
    progress: &Progress,
) -> StoreResult<(u32, u32)> {
    let mut regions: HashMap<i64, RegionCode> = HashMap::new();
    let (mut enrolled, mut existing) = (0u32, 0u32);
    let mut open: Option<(Tx, Tally)> = None;
    while let Some(chunk) = rx.recv().await {
        let (tx, tally) = match &mut open {
            Some(batch) => batch,
            None => open.insert((db.begin().await?, Tally::default())),
        };
        if !chunk.rows.is_empty() {
            write_chunk(tx, &chunk.rows, &mut regions, actor, tally).await?;
        }
        if chunk.ends_batch {
            let (mut tx, tally) = open.take().expect("opened above");
            audit_batch(&mut tx, actor, entry_path, &tally).await?;
            tx.commit().await?;
            enrolled += tally.enrolled;
            existing += tally.rows - tally.enrolled;
            progress.written.fetch_add(tally.rows, Ordering::Relaxed);
        }
    }
    // The reader always ends its last batch; one left open means it stopped
    // early, and dropping the transaction rolls that batch back.
    Ok((enrolled, existing))
}

/// One audit row per batch: how many rows, how many enrolled, and the
/// range of new member ids.
async fn audit_batch(
    tx: &mut Tx,
    actor: &Actor,
    entry_path: &str,
    tally: &Tally,
) -> StoreResult<()> {
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
                "rows": tally.rows,
                "enrolled": tally.enrolled,
                "member_ids": [tally.first_id, tally.last_id],
            })),
        },
    )
    .await
}

/// Writes one chunk inside its batch's `tx`: skips people with an open
/// membership, numbers the rest from each union's regional sequence, and
/// inserts members and their first history event.
async fn write_chunk(
    tx: &mut Tx,
    chunk: &[Prepared],
    regions: &mut HashMap<i64, RegionCode>,
    actor: &Actor,
    tally: &mut Tally,
) -> StoreResult<()> {
    let fresh = without_members(tx, chunk).await?;
    let now = Utc::now();
    // Numbers follow the file's order.
    let numbers = issue_numbers(tx, &fresh, regions, now).await?;
    // Inserted in key order, consecutive rows land on neighbouring leaves of
    // the person index: each leaf is found once per chunk, not per member.
    let mut numbered: Vec<(&Prepared, MemberNo)> = fresh.into_iter().zip(numbers).collect();
    numbered.sort_unstable_by(|a, b| a.0.person_key.cmp(&b.0.person_key));

    let inserted = match tx.backend() {
        Backend::Sqlite => insert_members_sqlite(tx, &numbered, now, actor).await?,
        Backend::Postgres => insert_members_postgres(tx, &numbered, now, actor).await?,
    };

    tally.rows += chunk.len() as u32;
    tally.enrolled += inserted.len() as u32;
    let ids = inserted.iter().map(|m| m.0);
    tally.first_id = tally.first_id.into_iter().chain(ids.clone()).min();
    tally.last_id = tally.last_id.into_iter().chain(ids).max();
    Ok(())
}

const INSERT_MEMBERS: &str = "INSERT INTO members (person_key, name, id_number_sealed, id_number_masked, phone_key, phone_sealed, phone_masked,
    occupation, employer, work_region, org_id, member_no, status, status_token, card_token, route_rule, route_reason,
    route_args, reject_reason, applied_at, due_at, decided_at, updated_at) VALUES ";
/// A person enrolled by someone else since the check for open memberships
/// is skipped and counted as already a member. Only the one-person index:
/// any other conflict is a fault, and fails the batch.
const ON_CONFLICT: &str = " ON CONFLICT (person_key, closed_seq) DO NOTHING";
/// The first history event of an enrolled member.
const INSERT_EVENT: &str = "INSERT INTO member_events (member_id, at, from_status, to_status, org_id, actor_name, reason_code) VALUES ";

/// PostgreSQL: inserts `numbered` and their first history events, in
/// multi-row statements; returns the new members' (id, org_id).
async fn insert_members_postgres(
    tx: &mut Tx,
    numbered: &[(&Prepared, MemberNo)],
    now: DateTime<Utc>,
    actor: &Actor,
) -> StoreResult<Vec<(i64, i64)>> {
    let mut inserted = Vec::with_capacity(numbered.len());
    for rows in numbered.chunks(ROWS_PER_INSERT) {
        let mut q = Query::new(INSERT_MEMBERS);
        for (i, (p, no)) in rows.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            push_member(&mut q, p, no, now);
        }
        q.push(ON_CONFLICT).push(" RETURNING id, org_id");
        inserted.extend(tx.fetch_all::<(i64, i64)>(&q).await?);
    }
    for events in inserted.chunks(ROWS_PER_INSERT) {
        let mut q = Query::new(INSERT_EVENT);
        for (i, (member_id, org_id)) in events.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(*member_id).push(", ");
            q.push_bind(now).push(", NULL, 'active', ");
            q.push_bind(*org_id).push(", ");
            q.push_bind(actor.username.as_str()).push(", ");
            q.push_bind(ROSTER_IMPORT).push(")");
        }
        tx.execute(&q).await?;
    }
    Ok(inserted)
}

/// One member's values, in the columns of [`INSERT_MEMBERS`].
fn push_member(q: &mut Query, p: &Prepared, no: &MemberNo, now: DateTime<Utc>) {
    q.push("(");
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
    q.push_bind(p.route.args.reason.as_deref().unwrap_or(""))
        .push(", ");
    q.push_bind(p.route.args.to_json()).push(", NULL, ");
    q.push_bind(now).push(", ");
    q.push_bind(now).push(", ");
    q.push_bind(now).push(", ");
    q.push_bind(now).push(")");
}

/// SQLite: inserts `numbered` and their first history events one row per
/// statement, straight through the transaction's connection; returns the
/// new members' (id, org_id).
///
/// One-row statements, because SQLite gives a statement that writes many
/// rows, or has a RETURNING clause (run as a trigger), a statement journal:
/// a copy of each page it changes that the transaction changed before, so
/// that the statement alone can be undone. With the person and phone
/// indexes keyed at random that is nearly every page, and it cost half of
/// an import's time. The new id is the connection's last insert rowid.
async fn insert_members_sqlite(
    tx: &mut Tx,
    numbered: &[(&Prepared, MemberNo)],
    now: DateTime<Utc>,
    actor: &Actor,
) -> StoreResult<Vec<(i64, i64)>> {
    if numbered.is_empty() {
        return Ok(Vec::new());
    }
    let now = crate::sqlite_direct::timestamp_text(now);
    let member_sql = format!(
        "{INSERT_MEMBERS}(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'active', ?13, ?14, ?15, ?16, ?17, NULL, ?18, ?18, ?18, ?18){ON_CONFLICT}"
    );
    let event_sql = format!("{INSERT_EVENT}(?1, ?2, NULL, 'active', ?3, ?4, '{ROSTER_IMPORT}')");
    tx.sqlite_direct(|conn| {
        let mut member = conn.prepare(&member_sql)?;
        let mut event = conn.prepare(&event_sql)?;
        let mut inserted = Vec::with_capacity(numbered.len());
        for (p, no) in numbered {
            let added = member.execute(rusqlite::params![
                p.person_key,
                p.name,
                p.id_sealed,
                p.id_masked,
                p.phone_key,
                p.phone_sealed,
                p.phone_masked,
                p.occupation,
                p.employer,
                p.work_region,
                p.route.org_id,
                no.as_str(),
                p.status_token,
                p.card_token,
                p.route.rule,
                p.route.args.reason.as_deref().unwrap_or(""),
                p.route.args.to_json(),
                now,
            ])?;
            if added == 0 {
                continue;
            }
            let id = conn.last_insert_rowid();
            event.execute(rusqlite::params![id, now, p.route.org_id, actor.username])?;
            inserted.push((id, p.route.org_id));
        }
        Ok(inserted)
    })
    .await
}

/// The rows of `chunk` whose person holds no open membership, in order.
/// They are asked for before numbers are issued, so that a re-run of a
/// file leaves no gaps in the sequence.
async fn without_members<'a>(tx: &mut Tx, chunk: &'a [Prepared]) -> StoreResult<Vec<&'a Prepared>> {
    let open: HashSet<String> = match tx.backend() {
        // One probe of the person index per row, on the connection itself:
        // cheaper than binding ten thousand keys into one statement, and it
        // brings the index pages the inserts will need into the cache.
        Backend::Sqlite => {
            tx.sqlite_direct(|conn| {
                let mut probe =
                    conn.prepare("SELECT 1 FROM members WHERE person_key = ?1 AND closed_seq = 0")?;
                let mut open = HashSet::new();
                for p in chunk {
                    if probe.exists([&p.person_key])? {
                        open.insert(p.person_key.clone());
                    }
                }
                Ok(open)
            })
            .await?
        }
        Backend::Postgres => {
            let mut q = Query::new(
                "SELECT person_key FROM members WHERE closed_seq = 0 AND person_key IN (",
            );
            for (i, p) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push_bind(p.person_key.as_str());
            }
            q.push(")");
            let open: Vec<(String,)> = tx.fetch_all(&q).await?;
            open.into_iter().map(|(k,)| k).collect()
        }
    };
    Ok(chunk
        .iter()
        .filter(|p| !open.contains(&p.person_key))
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn checkpoint_pages(db: &Db) -> i64 {
        // On the writer, whose settings these are.
        let mut tx = db.begin().await.unwrap();
        tx.scalar(&Query::new("PRAGMA wal_autocheckpoint"))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_last_large_import_to_end_restores_the_writer() {
        let t = crate::testing::TestDb::sqlite().await;
        let db = &t.db;
        assert_eq!(
            checkpoint_pages(db).await,
            i64::from(SQLITE_CHECKPOINT_PAGES)
        );
        large_import_starts(db).await.unwrap();
        large_import_starts(db).await.unwrap();
        large_import_ends(db).await;
        assert_eq!(
            checkpoint_pages(db).await,
            i64::from(IMPORT_CHECKPOINT_PAGES),
            "one import still runs"
        );
        large_import_ends(db).await;
        assert_eq!(
            checkpoint_pages(db).await,
            i64::from(SQLITE_CHECKPOINT_PAGES)
        );
    }
}
