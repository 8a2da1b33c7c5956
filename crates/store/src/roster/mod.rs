//! Roster import (集中入会): a platform's or employer's list of workers
//! enrolled in one go by a union officer.
//!
//! Two passes over the file. The first checks every row (the same checks as
//! the join form, routing included, and duplicates inside the file) and
//! keeps the row numbers that failed and, to find people listed twice, a
//! small key per valid row (tens of MB for a million rows); the file's
//! cells are never held as rows. The second, unless the officer only checks or asked for all or
//! nothing and a row failed, enrols the valid rows in batches: a reader
//! thread checks, routes and seals the next batch while the database writes
//! the last one, and each batch commits whole or not at all with its audit
//! row. Re-running a file enrols nobody twice: people who already hold an
//! open membership are counted, not added.

mod read;
mod write;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::Arc;

use nuanxin_domain::account::Permission;
use nuanxin_domain::error::Arg;
use nuanxin_domain::membership::{Application, Occupation};
use nuanxin_domain::region::{RegionCode, RegionLevel, Regions};
use nuanxin_domain::roster::{header_of, Columns};
use nuanxin_domain::FieldError;
use serde::Serialize;

pub use read::{RosterFile, MAX_ROWS};

use crate::membership::{prepare, Prepared};
use crate::routing::{Route, Router};
use crate::sensitive::Sealer;
use crate::{Actor, Db, StoreError, StoreResult};

/// Rows written per transaction by default. On SQLite a batch holds the
/// one write lock while it runs (about half a second at this size), and
/// every other write of a server in use waits for it. Larger batches import
/// faster, because each commit rewrites the index pages its rows touched and
/// the person and phone indexes are keyed at random (BENCHMARKS.md); the
/// command line takes them with `--batch-rows` for loads off hours.
pub const BATCH_ROWS: usize = 10_000;
/// Row errors kept for the report; beyond this they are only counted.
pub const MAX_REPORTED_ERRORS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Check every row and report; write nothing.
    Check,
    /// Enrol the valid rows; report the others.
    ValidRows,
    /// Enrol every row, or nobody when any row fails.
    AllOrNothing,
}

impl ImportMode {
    pub fn from_code(s: &str) -> Option<ImportMode> {
        Some(match s {
            "check" => ImportMode::Check,
            "valid_rows" => ImportMode::ValidRows,
            "all_or_nothing" => ImportMode::AllOrNothing,
            _ => return None,
        })
    }
}

/// What the officer asked for.
#[derive(Debug, Clone)]
pub struct RosterRequest {
    /// The union or federation the roster is enrolled through: rows are
    /// routed as if its QR code had been scanned.
    pub entry_org_id: i64,
    pub mode: ImportMode,
    /// The officer confirms that every listed person consented to the
    /// personal-information notice.
    pub consent: bool,
    /// Rows per transaction: each batch commits whole or not at all.
    pub batch_rows: usize,
}

impl RosterRequest {
    /// A request with the default batch size.
    pub fn new(entry_org_id: i64, mode: ImportMode, consent: bool) -> RosterRequest {
        RosterRequest {
            entry_org_id,
            mode,
            consent,
            batch_rows: BATCH_ROWS,
        }
    }
}

/// One failed row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    /// The row number as the spreadsheet shows it.
    pub row: u32,
    /// The application field, as the API names it.
    pub field: String,
    /// The column header of the template.
    pub column: &'static str,
    pub code: &'static str,
    /// The values its message names.
    pub args: Vec<(&'static str, Arg)>,
}

impl RowError {
    /// The row's problem as the field error it was.
    pub fn error(&self) -> FieldError {
        FieldError {
            field: self.field.clone(),
            code: self.code,
            args: self.args.clone(),
        }
    }
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// Data rows in the file (the header row and blank rows not counted).
    pub rows: u32,
    pub valid: u32,
    /// Rows with at least one error.
    pub failed: u32,
    /// The first [`MAX_REPORTED_ERRORS`] errors, by row.
    pub errors: Vec<RowError>,
    /// Whether more errors were found than `errors` lists.
    pub errors_truncated: bool,
    /// The file's header row and the original cells of every row that
    /// `errors` names, so the failed rows can be corrected and uploaded
    /// again, or sent back to whoever made the list. Not in the API's
    /// answer: the caller sent these rows.
    #[serde(skip)]
    pub header: Vec<String>,
    #[serde(skip)]
    pub failed_cells: Vec<(u32, Vec<String>)>,
    pub ignored_columns: Vec<String>,
    /// New members.
    pub enrolled: u32,
    /// Valid rows whose person already holds an open membership.
    pub already_members: u32,
    /// Whether anything was written.
    pub written: bool,
}

/// How far a running import has come, for the progress page.
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    checked: AtomicU32,
    written: AtomicU32,
    total: AtomicU32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Checking,
    Enrolling,
    Finished,
}

impl Progress {
    pub fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Relaxed) {
            0 => Phase::Checking,
            1 => Phase::Enrolling,
            _ => Phase::Finished,
        }
    }
    /// Rows checked so far.
    pub fn checked(&self) -> u32 {
        self.checked.load(Ordering::Relaxed)
    }
    /// Valid rows written so far, and how many there are.
    pub fn written(&self) -> (u32, u32) {
        (
            self.written.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
    fn set_phase(&self, p: Phase) {
        self.phase.store(p as u8, Ordering::Relaxed);
    }
}

/// What the checking pass leaves for the enrolling pass.
struct Checked {
    columns: Columns,
    failed_rows: HashSet<u32>,
    report: ImportReport,
}

/// The setting shared by both passes.
#[derive(Clone)]
struct RowContext {
    regions: Arc<Regions>,
    router: Arc<Router>,
    default_region: String,
    consent: bool,
    today: chrono::NaiveDate,
    routes: RouteMemo,
}

/// The routes decided so far in one pass, by the three things routing looks
/// at. A roster repeats a few occupations, districts and employers over
/// thousands of rows, and the router is the same for the whole import, so
/// each combination is routed once. A clone starts empty: each pass (each
/// thread) keeps its own.
#[derive(Default)]
struct RouteMemo(RefCell<HashMap<RouteKey, Result<Route, FieldError>>>);

type RouteKey = (Occupation, RegionCode, Option<String>);

/// Combinations remembered at most: a roster of a million different
/// employers must not hold a million routes.
const MEMO_ROUTES: usize = 4096;

impl RouteMemo {
    fn route(&self, router: &Router, app: &Application) -> Result<Route, FieldError> {
        let key = (
            app.occupation,
            app.work_region.clone(),
            app.employer.clone(),
        );
        let mut memo = self.0.borrow_mut();
        if let Some(known) = memo.get(&key) {
            return known.clone();
        }
        let route = router.route(app);
        if memo.len() < MEMO_ROUTES {
            memo.insert(key, route.clone());
        }
        route
    }
}

impl Clone for RouteMemo {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl RowContext {
    /// A row checked and routed, or what is wrong with it.
    fn check(
        &self,
        columns: &Columns,
        cells: &[String],
        numeric: &[bool],
    ) -> Result<(Application, crate::routing::Route), Vec<FieldError>> {
        let typed = columns.stored_as_numbers(numeric);
        let app = columns
            .form(cells, &self.default_region, self.consent)
            .check(&self.regions, self.today);
        let app = match (app, typed.is_empty()) {
            (Ok(app), true) => app,
            // A number-typed ID or phone is named as such, whatever else
            // its digits say; the other fields' errors stand beside it.
            (result, _) => {
                let others = result.err().map(|e| e.0).unwrap_or_default();
                let mut errors = typed.clone();
                errors.extend(
                    others
                        .into_iter()
                        .filter(|e| typed.iter().all(|t| t.field != e.field)),
                );
                return Err(errors);
            }
        };
        let route = self.routes.route(&self.router, &app).map_err(|e| vec![e])?;
        Ok((app, route))
    }
}

/// Checks a roster and, as the mode says, enrols it. Needs the review
/// permission over the entry organisation, which must be in scope.
pub async fn import(
    db: &Db,
    actor: &Actor,
    sealer: Arc<Sealer>,
    regions: Arc<Regions>,
    file: RosterFile,
    req: &RosterRequest,
    progress: Arc<Progress>,
) -> StoreResult<ImportReport> {
    actor.require(Permission::Review)?;
    let entry = crate::orgs::get_current(db, &actor.scope, req.entry_org_id).await?;
    // A check writes nothing, so it needs no confirmation yet.
    if !req.consent && req.mode != ImportMode::Check {
        return Err(consent_required().into());
    }
    if entry.status == nuanxin_domain::org::OrgStatus::Closed {
        return Err(file_error(FieldError::new(
            "org_id",
            "membership.union_unavailable",
        )));
    }
    let router = Arc::new(Router::load(db, entry.id).await?);
    let default_region = default_work_region(&entry.region_code)
        .map(|r| r.as_str().to_string())
        .unwrap_or_default();
    let ctx = RowContext {
        regions,
        router,
        default_region,
        consent: req.consent || req.mode == ImportMode::Check,
        today: nuanxin_domain::time::today_china(),
        routes: RouteMemo::default(),
    };

    let (file, checked) = {
        let ctx = ctx.clone();
        let progress = progress.clone();
        tokio::task::spawn_blocking(move || check_pass(file, &ctx, &progress))
            .await
            .map_err(|e| StoreError::Internal(format!("roster check stopped: {e}")))??
    };
    let Checked {
        columns,
        failed_rows,
        mut report,
    } = checked;
    let write = match req.mode {
        ImportMode::Check => false,
        ImportMode::ValidRows => report.valid > 0,
        ImportMode::AllOrNothing => report.failed == 0 && report.valid > 0,
    };
    if write {
        progress.total.store(report.valid, Ordering::Relaxed);
        progress.set_phase(Phase::Enrolling);
        let (enrolled, existing) = write::enrol(
            db,
            actor,
            &entry.path,
            file,
            columns,
            failed_rows,
            ctx,
            sealer,
            req.batch_rows.max(1),
            &progress,
        )
        .await?;
        report.enrolled = enrolled;
        report.already_members = existing;
        report.written = true;
    }
    progress.set_phase(Phase::Finished);
    Ok(report)
}

/// The officer's (or platform's) confirmation of consent is missing.
pub fn consent_required() -> FieldError {
    FieldError::new("consent", "roster.consent_required")
}

/// Where rows without a work region are taken to work: the entry union's
/// own district or street; none for a city or province federation.
pub fn default_work_region(org_region: &str) -> Option<RegionCode> {
    RegionCode::parse(org_region)
        .ok()
        .filter(|r| matches!(r.level(), RegionLevel::County | RegionLevel::Street))
}

fn file_error(e: FieldError) -> StoreError {
    StoreError::Validation(e.into())
}

/// The checking pass: every row, all its errors, duplicates in the file.
fn check_pass(
    mut file: RosterFile,
    ctx: &RowContext,
    progress: &Progress,
) -> StoreResult<(RosterFile, Checked)> {
    let mut columns: Option<Columns> = None;
    let mut header_error = None;
    let mut too_many = false;
    let mut failed_rows = HashSet::new();
    let mut report = ImportReport::default();
    // The first row of each person, by the 17 digits of the ID number
    // before its check character (which they decide): 16 bytes an entry
    // instead of 24, for a map of up to a million.
    let mut seen: HashMap<u64, u32> = HashMap::new();
    file.for_each_row(|n, cells, numeric| {
        let Some(cols) = &columns else {
            match Columns::from_headers(cells, !ctx.default_region.is_empty()) {
                Ok(c) => {
                    report.ignored_columns = c.ignored.clone();
                    report.header = cells.to_vec();
                    columns = Some(c);
                    return ControlFlow::Continue(());
                }
                Err(e) => {
                    header_error = Some(e);
                    return ControlFlow::Break(());
                }
            }
        };
        if report.rows == MAX_ROWS {
            too_many = true;
            return ControlFlow::Break(());
        }
        report.rows += 1;
        let mut errors =
            match ctx.check(cols, cells, numeric) {
                Ok((app, _)) => {
                    let key = app.id_number.as_str().as_bytes()[..17]
                        .iter()
                        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
                    match seen.get(&key) {
                        Some(first) => vec![FieldError::new("id_number", "roster.duplicate_row")
                            .with("first", first)],
                        None => {
                            seen.insert(key, n);
                            vec![]
                        }
                    }
                }
                Err(errors) => errors,
            };
        if errors.is_empty() {
            report.valid += 1;
        } else {
            report.failed += 1;
            failed_rows.insert(n);
            if report.errors.len() < MAX_REPORTED_ERRORS {
                report.failed_cells.push((n, cells.to_vec()));
            }
            for e in errors.drain(..) {
                if report.errors.len() == MAX_REPORTED_ERRORS {
                    report.errors_truncated = true;
                } else {
                    report.errors.push(RowError {
                        row: n,
                        column: header_of(&e.field),
                        field: e.field,
                        code: e.code,
                        args: e.args,
                    });
                }
            }
        }
        if report.rows % 1024 == 0 {
            progress.checked.store(report.rows, Ordering::Relaxed);
        }
        ControlFlow::Continue(())
    })
    .map_err(file_error)?;
    progress.checked.store(report.rows, Ordering::Relaxed);
    if let Some(e) = header_error {
        return Err(StoreError::Validation(e));
    }
    if too_many {
        return Err(file_error(
            FieldError::new("file", "roster.too_many_rows").with("max_rows", MAX_ROWS),
        ));
    }
    let Some(columns) = columns else {
        return Err(file_error(FieldError::new("file", "roster.no_header")));
    };
    if report.rows == 0 {
        return Err(file_error(FieldError::new("file", "roster.no_rows")));
    }
    Ok((
        file,
        Checked {
            columns,
            failed_rows,
            report,
        },
    ))
}

/// Seals and routes one valid row for writing.
fn prepared_row(
    ctx: &RowContext,
    sealer: &Sealer,
    columns: &Columns,
    cells: &[String],
    numeric: &[bool],
) -> Option<Prepared> {
    let (app, route) = ctx.check(columns, cells, numeric).ok()?;
    Some(prepare(sealer, &route, &app))
}
