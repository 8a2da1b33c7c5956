//! Migrations, regions import and backups.

use nuanxin_store::testing::TestDb;
use nuanxin_store::{regions, Backend, Query};
use std::collections::BTreeSet;

fn migration_names(dir: &str) -> BTreeSet<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir);
    std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migration_files() {
    let s = migration_names("sqlite");
    assert!(!s.is_empty());
    assert_eq!(s, migration_names("postgres"));
}

/// `(table, column, not null)` of every application table.
async fn schema_of(t: &TestDb) -> BTreeSet<(String, String, bool)> {
    let q = match t.db.backend() {
        Backend::Sqlite => Query::new(
            "SELECT m.name, p.name, p.\"notnull\" <> 0 OR p.pk <> 0 FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY 1, 2",
        ),
        Backend::Postgres => Query::new(
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), is_nullable = 'NO' FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY 1, 2",
        ),
    };
    let rows: Vec<(String, String, bool)> = t.db.fetch_all(&q).await.unwrap();
    rows.into_iter().collect()
}

#[tokio::test]
async fn both_backends_yield_the_same_tables_columns_and_nullability() {
    let sqlite = TestDb::sqlite().await;
    let s = schema_of(&sqlite).await;
    assert!(s.contains(&("orgs".into(), "path".into(), true)));
    assert!(s.contains(&("orgs".into(), "parent_id".into(), false)));
    if let Some(pg) = TestDb::postgres().await {
        assert_eq!(s, schema_of(&pg).await);
    }
}

fn rows(csv: &str) -> Vec<(usize, String, String, String)> {
    csv.lines()
        .enumerate()
        .skip(1)
        .map(|(i, l)| {
            let f: Vec<&str> = l.split(',').collect();
            (i + 1, f[0].into(), f[1].into(), f[2].into())
        })
        .collect()
}

#[tokio::test]
async fn street_import_is_all_or_nothing_and_repeatable() {
    for t in TestDb::all().await {
        let db = &t.db;
        let bad = "code,name,parent_code\n320102002,梅园新村街道,320102\n320102003,坏行,320104\n320102002,重复,320102\n";
        let errs = regions::import_streets(db, &rows(bad))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(
            errs.iter()
                .map(|e| (e.line, e.error.code))
                .collect::<Vec<_>>(),
            vec![
                (3, "region_code.bad_parent"),
                (4, "region_code.duplicate_row")
            ],
            "{}",
            t.name
        );
        assert!(
            regions::load(db).await.unwrap().get("320102002").is_none(),
            "{}: nothing written",
            t.name
        );
        let good = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../samples/streets-nanjing.csv"
        ))
        .unwrap();
        let n = regions::import_streets(db, &rows(&good))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 140);
        assert_eq!(
            regions::import_streets(db, &rows(&good))
                .await
                .unwrap()
                .unwrap(),
            140,
            "re-import is idempotent"
        );
        let loaded = regions::load(db).await.unwrap();
        assert_eq!(loaded.get("320102002").unwrap().name, "梅园新村街道");
        let count: i64 = db
            .scalar(&Query::new("SELECT COUNT(*) FROM regions"))
            .await
            .unwrap();
        assert_eq!(count, 140, "{}", t.name);
    }
}

#[tokio::test]
async fn sqlite_backup_is_a_checked_consistent_copy() {
    let t = TestDb::sqlite().await;
    nuanxin_store::regions::import_streets(&t.db, &rows("h\n320102002,梅园新村街道,320102\n"))
        .await
        .unwrap()
        .unwrap();
    let dest = std::env::temp_dir().join(format!(
        "nuanxin-backup-{}.db",
        nuanxin_store::sessions::random_token()
    ));
    nuanxin_store::backup::sqlite_backup(&t.db, &dest)
        .await
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dest), 0o600, "the copy is the owner's alone");
        let live = dest.with_extension("live.db");
        nuanxin_store::Db::open_sqlite(&live, 1)
            .await
            .unwrap()
            .close()
            .await;
        assert_eq!(mode(&live), 0o600, "so is a new database");
        std::fs::remove_file(&live).unwrap();
    }
    let copy = nuanxin_store::Db::open_sqlite(&dest, 1).await.unwrap();
    let n: i64 = copy
        .scalar(&Query::new("SELECT COUNT(*) FROM regions"))
        .await
        .unwrap();
    assert_eq!(n, 1);
    copy.close().await;
    assert!(
        nuanxin_store::backup::sqlite_backup(&t.db, &dest)
            .await
            .is_err(),
        "never overwrites"
    );
    std::fs::remove_file(dest).unwrap();
}
