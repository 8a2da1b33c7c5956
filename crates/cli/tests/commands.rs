//! The binary end to end: exit codes, messages, and what each subcommand
//! leaves behind. SQLite only; the store's behaviour on PostgreSQL is
//! covered by the store's own suite and `tests/demo.rs`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use nuanxin_store::orgs::{self, NewOrg};
use nuanxin_store::{accounts, Actor, Db};

const BIN: &str = env!("CARGO_BIN_EXE_nuanxin");

/// A fresh data directory, removed afterwards.
struct DataDir(PathBuf);

impl DataDir {
    fn new(tag: &str) -> DataDir {
        let dir = std::env::temp_dir().join(format!(
            "nuanxin-cli-{tag}-{}",
            nuanxin_store::sessions::random_token()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        DataDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Runs `nuanxin --data-dir DIR args…` with a clean NUANXIN_* environment.
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        command(self, args, env)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    async fn db(&self) -> Db {
        Db::open_sqlite(&self.0.join("nuanxin.db"), 1)
            .await
            .unwrap()
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn command(dir: &DataDir, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("NUANXIN_")) {
        c.env_remove(k);
    }
    c.current_dir(dir.path())
        .arg("--data-dir")
        .arg(dir.path())
        .args(args)
        .envs(env.iter().copied());
    c
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
}

#[test]
fn migrate_creates_the_database() {
    let d = DataDir::new("migrate");
    let o = d.run(&["migrate"], &[]);
    assert_exit(&o, 0);
    assert!(d.path().join("nuanxin.db").exists());
    assert!(stdout(&o).contains("Migrations applied"));
}

#[test]
fn user_mistakes_exit_2_with_one_line() {
    let d = DataDir::new("mistakes");
    for (args, needle) in [
        (
            vec!["--database-url", "mysql://root@h/db", "migrate"],
            "unsupported database URL",
        ),
        (
            vec!["--log-level", "info,x=loud", "migrate"],
            "not a valid filter",
        ),
        (vec!["--config", "missing.toml", "migrate"], "missing.toml"),
        (vec!["serve", "--listen", "localhost"], "IP:PORT"),
        (vec!["demo", "--orgs", "10"], "--orgs must be at least"),
        (
            vec![
                "user",
                "add",
                "--username",
                "li",
                "--org",
                "1",
                "--role",
                "boss",
            ],
            "unknown role",
        ),
        (
            vec!["user", "disable", "--username", "nobody"],
            "no account named",
        ),
        (vec!["import", "regions", "nope.csv"], "cannot read"),
        (
            vec!["healthcheck", "--url", "ftp://x"],
            "must start with http://",
        ),
    ] {
        let o = d.run(&args, &[]);
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: one line, got {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    // clap's own usage errors use the same code.
    assert_exit(&d.run(&["user", "add", "--org", "x"], &[]), 2);
}

#[test]
fn a_bad_config_file_is_named_with_its_line() {
    let d = DataDir::new("config");
    std::fs::write(
        d.path().join("nuanxin.toml"),
        "log_level = \"warn\"\nlisten_adress = \"0.0.0.0:1\"\n",
    )
    .unwrap();
    let o = d.run(&["migrate"], &[]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("nuanxin.toml (line 2)"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test]
async fn user_commands_manage_accounts() {
    let d = DataDir::new("users");
    assert_exit(&d.run(&["migrate"], &[]), 0);
    let db = d.db().await;
    let regions = nuanxin_domain::region::Regions::shipped();
    let org = orgs::create(
        &db,
        &Actor::system(),
        &regions,
        &NewOrg {
            kind: "city".into(),
            name: "南京市总工会".into(),
            region_code: "320100".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .org;
    let org_id = org.id.to_string();

    // Password from the environment, never echoed.
    let o = d.run(
        &[
            "user",
            "add",
            "--username",
            "Li.Wei",
            "--org",
            &org_id,
            "--role",
            "union_admin",
            "--display-name",
            "李伟",
        ],
        &[("NUANXIN_PASSWORD", "Secret-pass-1")],
    );
    assert_exit(&o, 0);
    assert!(!stdout(&o).contains("Secret-pass-1"));
    assert!(accounts::authenticate(&db, "li.wei", "Secret-pass-1", None)
        .await
        .unwrap()
        .is_ok());
    let acct = accounts::find_by_username(&db, "li.wei").await.unwrap();
    assert_eq!(acct.display_name, "李伟");

    // A weak password is a user mistake, with the policy in the message.
    let o = d.run(
        &[
            "user",
            "add",
            "--username",
            "weak",
            "--org",
            &org_id,
            "--role",
            "viewer",
        ],
        &[("NUANXIN_PASSWORD", "short")],
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("password"), "{}", stderr(&o));
    // The policy is configurable.
    let o = d.run(
        &[
            "user",
            "add",
            "--username",
            "weak",
            "--org",
            &org_id,
            "--role",
            "viewer",
        ],
        &[
            ("NUANXIN_PASSWORD", "short"),
            ("NUANXIN_PASSWORD_MIN_LENGTH", "4"),
            ("NUANXIN_PASSWORD_MIN_CLASSES", "1"),
        ],
    );
    assert_exit(&o, 0);
    // Taken usernames and unknown organisations are user mistakes.
    let o = d.run(
        &[
            "user",
            "add",
            "--username",
            "li.wei",
            "--org",
            &org_id,
            "--role",
            "viewer",
            "--generate-password",
        ],
        &[],
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("taken"), "{}", stderr(&o));
    let o = d.run(
        &[
            "user",
            "add",
            "--username",
            "wang",
            "--org",
            "999",
            "--role",
            "viewer",
            "--generate-password",
        ],
        &[],
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("org_id"), "{}", stderr(&o));

    // A generated password is printed once and works.
    let o = d.run(
        &[
            "user",
            "passwd",
            "--username",
            "li.wei",
            "--generate-password",
        ],
        &[],
    );
    assert_exit(&o, 0);
    let out = stdout(&o);
    let pw = out
        .lines()
        .find_map(|l| l.strip_prefix("Password (shown only this once): "))
        .unwrap();
    assert!(accounts::authenticate(&db, "li.wei", pw, None)
        .await
        .unwrap()
        .is_ok());

    // A password piped on stdin.
    let mut child = command(&d, &["user", "passwd", "--username", "li.wei"], &[])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"Piped-pass-22\n").unwrap();
    assert!(child.wait().unwrap().success());
    assert!(accounts::authenticate(&db, "li.wei", "Piped-pass-22", None)
        .await
        .unwrap()
        .is_ok());

    assert_exit(&d.run(&["user", "disable", "--username", "li.wei"], &[]), 0);
    assert!(
        accounts::find_by_username(&db, "li.wei")
            .await
            .unwrap()
            .disabled
    );
    assert!(accounts::authenticate(&db, "li.wei", "Piped-pass-22", None)
        .await
        .unwrap()
        .is_err());
    assert_exit(&d.run(&["user", "enable", "--username", "LI.WEI"], &[]), 0);
    assert!(
        !accounts::find_by_username(&db, "li.wei")
            .await
            .unwrap()
            .disabled
    );
    db.close().await;
}

#[tokio::test]
async fn region_imports_are_all_or_nothing_with_line_numbers() {
    let d = DataDir::new("regions");
    let bad = d.path().join("bad.csv");
    std::fs::write(
        &bad,
        "code,name,parent_code\n320102002,梅园新村街道,320102\n320102,玄武区,320100\n320102003,新街口街道,320104\n320102002,梅园新村街道,320102\n\"unclosed,x,y\n",
    )
    .unwrap();
    let o = d.run(&["import", "regions", bad.to_str().unwrap()], &[]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    for line in [
        "line 3: code",
        "line 4: parent_code",
        "line 5: code",
        "line 6:",
    ] {
        assert!(err.contains(line), "{line}: {err}");
    }
    assert!(!err.contains("line 2:"), "{err}");
    assert!(err.contains("nothing was imported: 4 of 5 rows"), "{err}");
    let db = d.db().await;
    assert_eq!(
        nuanxin_store::regions::load(&db)
            .await
            .unwrap()
            .get("320102002"),
        None,
        "nothing written"
    );

    let good = d.path().join("good.csv");
    std::fs::write(&good, "\u{feff}name,code,parent_code\r\n\"梅园新村街道\",320102002,320102\r\n新街口街道,320102003,320102\r\n").unwrap();
    // A check reports and writes nothing, for a bad file and a good one.
    let o = d.run(
        &["import", "regions", "--check", bad.to_str().unwrap()],
        &[],
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("line 4: parent_code"), "{}", stderr(&o));
    let o = d.run(
        &["import", "regions", "--check", good.to_str().unwrap()],
        &[],
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("All 2 rows"), "{}", stdout(&o));
    let db_check = nuanxin_store::regions::load(&db).await.unwrap();
    assert_eq!(db_check.get("320102003"), None, "a check writes nothing");

    let o = d.run(&["import", "regions", good.to_str().unwrap()], &[]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("Imported 2 street-level regions"),
        "{}",
        stdout(&o)
    );
    let regions = nuanxin_store::regions::load(&db).await.unwrap();
    assert_eq!(regions.get("320102003").unwrap().name, "新街口街道");

    db.close().await;
}

#[test]
fn backups_are_written_and_checked() {
    let d = DataDir::new("backup");
    let o = d.run(&["backup"], &[]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("nothing to back up"));
    assert_exit(&d.run(&["migrate"], &[]), 0);
    let o = d.run(&["backup"], &[]);
    assert_exit(&o, 0);
    let written: Vec<_> = std::fs::read_dir(d.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(written.len(), 1);
    let name = written[0].to_string_lossy().into_owned();
    assert!(
        name.starts_with("nuanxin-")
            && name.ends_with(".db")
            && name.len() == "nuanxin-20261123-183000.db".len(),
        "{name}"
    );
    let out = d.path().join("copy.db");
    assert_exit(&d.run(&["backup", "--out", out.to_str().unwrap()], &[]), 0);
    assert!(out.exists());
    let o = d.run(&["backup", "--out", out.to_str().unwrap()], &[]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("already exists"));
    let o = d.run(
        &[
            "--database-url",
            "postgres://nx:pw@127.0.0.1:1/nx",
            "backup",
        ],
        &[],
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("pg_dump"), "{}", stderr(&o));
}

#[test]
fn healthcheck_fails_when_nothing_listens() {
    let d = DataDir::new("health");
    // Port 1 is privileged and unused here; the connection is refused.
    let o = d.run(&["healthcheck", "--url", "http://127.0.0.1:1"], &[]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("not ready"));
}

#[test]
fn serve_listens_answers_ready_and_stops_on_sigterm() {
    let d = DataDir::new("serve");
    let mut child = command(
        &d,
        &["serve", "--listen", "127.0.0.1:0"],
        &[("NUANXIN_LOG_LEVEL", "warn")],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit())
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Nuanxin listening on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(
        d.path().join("secret.key").exists(),
        "the key file is made on first start"
    );

    let o = d.run(&["healthcheck", "--url", &url], &[]);
    assert_exit(&o, 0);

    // Stop it as `docker stop` would.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a graceful stop exits 0");
}

#[tokio::test]
async fn roster_imports_report_rows_and_enrol_once() {
    let d = DataDir::new("roster");
    assert_exit(&d.run(&["migrate"], &[]), 0);
    let db = d.db().await;
    let union = orgs::create(
        &db,
        &Actor::system(),
        &nuanxin_domain::region::Regions::shipped(),
        &NewOrg {
            kind: "enterprise".into(),
            name: "某配送站工会".into(),
            region_code: "320102".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .org;
    let id = |k: u8| {
        let mut s = format!("3201021993030{k}111").into_bytes();
        s.push(nuanxin_domain::ids::id_check_char(&s));
        String::from_utf8(s).unwrap()
    };
    let file = d.path().join("roster.csv");
    std::fs::write(
        &file,
        format!(
            "姓名,身份证号,手机号,职业群体\n张伟,{},13800000001,外卖骑手\n李娜,{},123,外卖骑手\n",
            id(1),
            id(2)
        ),
    )
    .unwrap();
    let (path, org) = (file.to_str().unwrap(), union.id.to_string());
    let import = |more: &[&str]| {
        let args: Vec<&str> = ["import", "roster", path, "--org", &org]
            .into_iter()
            .chain(more.iter().copied())
            .collect();
        d.run(&args, &[])
    };
    let o = import(&["--mode", "valid-rows"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("personal-information notice"),
        "{}",
        stderr(&o)
    );
    // A check needs no confirmation: it writes nothing, and a file with a
    // bad row fails it.
    let o = import(&[]);
    assert_exit(&o, 2);
    assert!(stdout(&o).contains("nothing was written"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("1 of 2 rows have problems"),
        "{}",
        stderr(&o)
    );
    // All or nothing: the bad row stops the good one, and the exit says so.
    let o = import(&["--mode", "all-or-nothing", "--consent"]);
    assert_exit(&o, 2);
    assert!(stdout(&o).contains("0 enrolled"), "{}", stdout(&o));
    let o = import(&["--mode", "valid-rows", "--consent"]);
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("row 3 (手机号)"), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 rows: 1 valid, 1 failed; 1 enrolled, 0 already members"),
        "{}",
        stdout(&o)
    );
    let o = import(&["--mode", "valid-rows", "--consent", "--batch-rows", "1"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("0 enrolled, 1 already members"),
        "{}",
        stdout(&o)
    );
    let o = import(&["--batch-rows", "0"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--batch-rows"), "{}", stderr(&o));
    db.close().await;
}
