//! Imported street-level regions (the county table ships with the binary).

use nuanxin_domain::region::{Region, Regions};
use nuanxin_domain::FieldError;

use crate::{Db, Query, StoreResult};

/// The shipped table plus every imported street.
pub async fn load(db: &Db) -> StoreResult<Regions> {
    let rows: Vec<(String, String, String)> = db
        .fetch_all(&Query::new(
            "SELECT code, name, parent_code FROM regions ORDER BY code",
        ))
        .await?;
    let mut regions = Regions::shipped();
    regions.extend(rows.into_iter().map(|(code, name, parent)| Region {
        code,
        name,
        parent: Some(parent),
    }));
    Ok(regions)
}

/// A row of an import file that was refused, with the reason.
#[derive(Debug, Clone)]
pub struct RowError {
    /// 1-based line number in the file, counting the header.
    pub line: usize,
    pub error: FieldError,
}

/// Imports `code,name,parent_code` rows: all rows are checked first, and
/// either every row is written (in one transaction) or none is.
pub async fn import_streets(
    db: &Db,
    rows: &[(usize, String, String, String)],
) -> StoreResult<Result<usize, Vec<RowError>>> {
    let known = load(db).await?;
    let mut ok = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, code, name, parent) in rows {
        match known.check_street(code, name, parent) {
            Ok(r) if !seen.insert(r.code.clone()) => errors.push(RowError {
                line: *line,
                error: FieldError::new("code", "region_code.duplicate_row").with("code", code),
            }),
            Ok(r) => ok.push(r),
            Err(e) => errors.push(RowError {
                line: *line,
                error: e,
            }),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut tx = db.begin().await?;
    for r in &ok {
        tx.execute(
            &Query::new("INSERT INTO regions (code, name, parent_code) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code")
                .bind(&r.code)
                .bind(&r.name)
                .bind(r.parent.as_deref()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(ok.len()))
}
