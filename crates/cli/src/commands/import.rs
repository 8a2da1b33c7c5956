//! `nuanxin import regions FILE.csv`: street-level regions. Every row is
//! checked first; failed rows are reported with their line numbers and
//! nothing is written unless all rows are valid.

use std::path::Path;

use nuanxin_store::regions::{self, RowError};

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

pub async fn regions(settings: &Settings, path: &Path) -> anyhow::Result<()> {
    let (rows, mut refused) = read_rows(path)?;
    let total = rows.len() + refused.len();
    let db = database::open(settings, true).await?;
    let outcome = if refused.is_empty() {
        regions::import_streets(&db, &rows).await
    } else {
        // Some lines are unreadable, so nothing will be written; still check
        // the readable rows, so that one report lists every problem.
        check_only(&db, &rows).await.map(Err)
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
async fn check_only(
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
                error: nuanxin_domain::FieldError::new(
                    "code",
                    "region_code.duplicate_row",
                    format!("代码 {code} 在文件中重复出现"),
                    format!("code {code} appears twice in the file"),
                ),
            }),
            Ok(_) => {}
            Err(error) => errors.push(RowError { line: *line, error }),
        }
    }
    Ok(errors)
}
