//! `nuanxin import regions FILE.csv`: street-level regions. Every row is
//! checked first; failed rows are reported with their line numbers and
//! nothing is written unless all rows are valid.
//!
//! `nuanxin import roster FILE --org ID`: a roster of workers enrolled as
//! members, as the console's roster import does it.

use std::path::Path;

use nuanxin_store::regions::{self, RowError};
use nuanxin_web::i18n::Lang;

use crate::cli::{RosterArgs, RosterMode};
use crate::config::Settings;
use crate::csv;
use crate::database;
use crate::error::{describe_field_error, user_error};

const COLUMNS: [&str; 3] = ["code", "name", "parent_code"];

/// `(line, code, name, parent_code)`, as the store takes them.
type Row = (usize, String, String, String);

/// A row refused before or by the store.
struct Refusal {
    line: usize,
    reason: String,
}

/// The rows of the file as `(line, code, name, parent_code)`, and the lines
/// that could not be read as such.
fn read_rows(path: &Path) -> anyhow::Result<(Vec<Row>, Vec<Refusal>)> {
    let bytes = std::fs::read(path)
        .map_err(|e| user_error(format!("cannot read {}: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        user_error(format!(
            "{} is not UTF-8 text; in Excel, save it as \"CSV UTF-8\"",
            path.display()
        ))
    })?;
    let (header, records) = csv::parse(&text);
    let position = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let cols: Vec<usize> = COLUMNS.iter().filter_map(|c| position(c)).collect();
    if cols.len() != COLUMNS.len() {
        return Err(user_error(format!(
            "{}: the first line must name the columns code,name,parent_code (found: {})",
            path.display(),
            header.join(",")
        )));
    }
    let mut rows = Vec::new();
    let mut refused = Vec::new();
    for record in records {
        match record {
            Err(e) => refused.push(Refusal {
                line: e.line,
                reason: e.message,
            }),
            Ok(r) if r.fields.len() != header.len() => refused.push(Refusal {
                line: r.line,
                reason: format!(
                    "expected {} columns, found {}",
                    header.len(),
                    r.fields.len()
                ),
            }),
            Ok(r) => {
                let field = |i: usize| r.fields[cols[i]].trim().to_string();
                rows.push((r.line, field(0), field(1), field(2)));
            }
        }
    }
    if rows.is_empty() && refused.is_empty() {
        return Err(user_error(format!(
            "{} has no rows below its header",
            path.display()
        )));
    }
    Ok((rows, refused))
}

fn from_store(e: RowError) -> Refusal {
    Refusal {
        line: e.line,
        reason: describe_field_error(&e.error),
    }
}

/// Imports street-level regions, or with `check_only` reports what an
/// import would refuse and writes nothing.
pub async fn regions(settings: &Settings, path: &Path, check_only: bool) -> anyhow::Result<()> {
    let (rows, mut refused) = read_rows(path)?;
    let total = rows.len() + refused.len();
    let db = database::open(settings, true).await?;
    let outcome = if check_only {
        let errors = check_rows(&db, &rows).await;
        db.close().await;
        let mut errors = errors?;
        if errors.is_empty() && refused.is_empty() {
            println!(
                "All {total} rows of {} are valid; nothing was written.",
                path.display()
            );
            return Ok(());
        }
        refused.extend(errors.drain(..).map(from_store));
        refused.sort_by_key(|r| r.line);
        for r in &refused {
            eprintln!("line {}: {}", r.line, r.reason);
        }
        return Err(user_error(format!(
            "{} of {total} rows would be refused (listed above); nothing was written",
            refused.len()
        )));
    } else if refused.is_empty() {
        regions::import_streets(&db, &rows).await
    } else {
        // Some lines are unreadable, so nothing will be written; still check
        // the readable rows, so that one report lists every problem.
        check_rows(&db, &rows).await.map(Err)
    };
    db.close().await;
    match outcome? {
        Ok(n) => {
            println!("Imported {n} street-level regions from {}.", path.display());
            println!("A running server uses them after a restart.");
            Ok(())
        }
        Err(errors) => {
            refused.extend(errors.into_iter().map(from_store));
            refused.sort_by_key(|r| r.line);
            for r in &refused {
                eprintln!("line {}: {}", r.line, r.reason);
            }
            Err(user_error(format!(
                "nothing was imported: {} of {total} rows were refused (listed above)",
                refused.len()
            )))
        }
    }
}

/// The store's checks without the write: the region table as it is now.
async fn check_rows(
    db: &nuanxin_store::Db,
    rows: &[Row],
) -> nuanxin_store::StoreResult<Vec<RowError>> {
    let known = regions::load(db).await?;
    let mut seen = std::collections::HashSet::new();
    let mut errors = Vec::new();
    for (line, code, name, parent) in rows {
        match known.check_street(code, name, parent) {
            Ok(r) if !seen.insert(r.code.clone()) => errors.push(RowError {
                line: *line,
                error: nuanxin_domain::FieldError::new("code", "region_code.duplicate_row")
                    .with("code", code),
            }),
            Ok(_) => {}
            Err(error) => errors.push(RowError { line: *line, error }),
        }
    }
    Ok(errors)
}

pub async fn roster(settings: &Settings, args: &RosterArgs) -> anyhow::Result<()> {
    use nuanxin_store::roster::{self, ImportMode, Progress, RosterFile, RosterRequest};
    let opened = std::fs::File::open(&args.file)
        .map_err(|e| user_error(format!("cannot read {}: {e}", args.file.display())))?;
    let file = RosterFile::open_file(opened).map_err(|e| user_error(describe_field_error(&e)))?;
    let sealer = std::sync::Arc::new(crate::commands::serve::sealer(settings)?);
    let db = database::open(settings, true).await?;
    let known = std::sync::Arc::new(regions::load(&db).await?);
    let mode = match args.mode {
        RosterMode::Check => ImportMode::Check,
        RosterMode::ValidRows => ImportMode::ValidRows,
        RosterMode::AllOrNothing => ImportMode::AllOrNothing,
    };
    let mut actor = nuanxin_store::Actor::system();
    actor.username = "cli".into();
    let started = std::time::Instant::now();
    let outcome = roster::import(
        &db,
        &actor,
        sealer,
        known,
        file,
        &RosterRequest {
            batch_rows: args.batch_rows as usize,
            ..RosterRequest::new(args.org, mode, args.consent)
        },
        std::sync::Arc::new(Progress::default()),
    )
    .await;
    db.close().await;
    let report = outcome?;
    let seconds = started.elapsed().as_secs_f64();
    for e in &report.errors {
        let message = nuanxin_web::i18n::Tr { lang: Lang::En }.error(&e.error());
        eprintln!("row {} ({}): {message}", e.row, e.column);
    }
    if report.errors_truncated {
        eprintln!("… only the first {} errors are listed", report.errors.len());
    }
    println!(
        "{} rows: {} valid, {} failed; {} enrolled, {} already members; {:.1} s ({:.0} rows/s){}",
        report.rows,
        report.valid,
        report.failed,
        report.enrolled,
        report.already_members,
        seconds,
        f64::from(report.rows) / seconds,
        if report.written {
            ""
        } else {
            "; nothing was written"
        }
    );
    // A script must notice a roster that enrolled nobody because of bad rows.
    if report.failed > 0 && !report.written {
        let why = if mode == ImportMode::Check {
            "have problems (listed above)"
        } else {
            "were refused (listed above); nothing was written"
        };
        return Err(user_error(format!(
            "{} of {} rows {why}",
            report.failed, report.rows
        )));
    }
    Ok(())
}
