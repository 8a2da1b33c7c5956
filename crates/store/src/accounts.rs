//! Staff accounts: each bound to one organisation, whose subtree is its scope.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use nuanxin_domain::account::{parse_username, PasswordPolicy, Permission, Role};
use nuanxin_domain::{text, FieldError, ValidationErrors};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Event};
use crate::error::{unique_as_conflict, ACCOUNTS_USERNAME};
use crate::query::contains_pattern;
use crate::{Actor, Db, Query, Run, Scope, StoreError, StoreResult, Tx};

/// Failed logins before an account name is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;

fn hasher() -> Argon2<'static> {
    // argon2id, 19 MiB, 2 passes, 1 lane: the OWASP minimum.
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid params"),
    )
}

/// Hashes on a blocking thread: argon2 takes tens of milliseconds of CPU.
pub async fn hash_password(password: &str) -> StoreResult<String> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))?
    .map_err(|e| StoreError::Internal(e.to_string()))
}

async fn verify_password(password: &str, hash: &str) -> bool {
    let (pw, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| hasher().verify_password(pw.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password, verified against when the username is
/// unknown, so that unknown and known names take the same time.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn dummy_hash() -> &'static str {
    DUMMY_HASH.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(b"not-a-real-password", &salt)
            .expect("hash")
            .to_string()
    })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub disabled: bool,
    /// Set by someone else; to be changed at the next login.
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    org_id: i64,
    org_name: String,
    org_path: String,
    disabled: bool,
    must_change_password: bool,
    created_at: DateTime<Utc>,
    last_login_at: Option<DateTime<Utc>>,
}

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;
    fn try_from(r: AccountRow) -> StoreResult<Account> {
        Ok(Account {
            role: Role::from_code(&r.role).ok_or_else(|| {
                StoreError::Internal(format!("account {}: unknown role {:?}", r.id, r.role))
            })?,
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            org_id: r.org_id,
            org_name: r.org_name,
            org_path: r.org_path,
            disabled: r.disabled,
            must_change_password: r.must_change_password,
            created_at: r.created_at,
            last_login_at: r.last_login_at,
        })
    }
}

const SELECT_ACCOUNT: &str =
    "SELECT a.id, a.username, a.display_name, a.role, a.org_id, o.name AS org_name,
        o.path AS org_path, a.disabled, a.must_change_password, a.created_at, a.last_login_at
    FROM accounts a JOIN orgs o ON o.id = a.org_id";

fn by_id(scope: &Scope, id: i64) -> Query {
    let mut q = Query::new(SELECT_ACCOUNT);
    q.push(" WHERE a.id = ").push_bind(id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    q
}

/// One account in scope, on the pools or inside a transaction.
pub async fn get(mut on: impl Run, scope: &Scope, id: i64) -> StoreResult<Account> {
    let row: Option<AccountRow> = on.fetch_optional(&by_id(scope, id)).await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub q: Option<String>,
    pub org_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list(db: &Db, scope: &Scope, f: &AccountFilter) -> StoreResult<(Vec<Account>, i64)> {
    let mut w = Query::new(" WHERE");
    scope.push_filter(&mut w, "o.path");
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let p = contains_pattern("q", text)?;
        w.push(" AND (a.username LIKE ")
            .push_bind(p.to_lowercase())
            .push(" ESCAPE '\\' OR a.display_name LIKE ")
            .push_bind(p)
            .push(" ESCAPE '\\')");
    }
    if let Some(org) = f.org_id {
        w.push(" AND a.org_id = ").push_bind(org);
    }
    let mut count = Query::new("SELECT COUNT(*) FROM accounts a JOIN orgs o ON o.id = a.org_id");
    count.append(&w);
    let total: i64 = db.scalar(&count).await?;
    let mut q = Query::new(SELECT_ACCOUNT);
    q.append(&w);
    q.push(" ORDER BY a.username, a.id LIMIT ")
        .push_bind(f.limit.clamp(1, 1000))
        .push(" OFFSET ")
        .push_bind(f.offset.max(0));
    let rows: Vec<AccountRow> = db.fetch_all(&q).await?;
    Ok((
        rows.into_iter()
            .map(Account::try_from)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

/// Input for a new account; strings are raw user input.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub org_id: i64,
}

fn parse_role(raw: &str) -> Result<Role, FieldError> {
    Role::from_code(raw.trim()).ok_or_else(|| FieldError::new("role", "role.unknown"))
}

fn org_outside_scope() -> FieldError {
    FieldError::new("org_id", "account.org_not_found")
}

/// Appends the audit row of a change to an account, in its transaction.
async fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    before: &Account,
    after: &Account,
) -> StoreResult<()> {
    let e = Event {
        action,
        entity: "account",
        entity_id: Some(after.id.to_string()),
        org_path: &after.org_path,
        before: Some(snapshot(before)),
        after: Some(snapshot(after)),
    };
    audit::append(tx, actor, e).await
}

fn snapshot(a: &Account) -> serde_json::Value {
    json!({ "username": a.username, "display_name": a.display_name, "role": a.role.code(), "org_id": a.org_id, "disabled": a.disabled })
}

/// The path of an organisation in scope, or a field error on `org_id`.
async fn org_path_in_scope(
    tx: &mut Tx,
    scope: &Scope,
    org_id: i64,
) -> StoreResult<Result<String, FieldError>> {
    let mut q = Query::new("SELECT path FROM orgs WHERE id = ");
    q.push_bind(org_id).push(" AND status <> 'closed' AND");
    scope.push_filter(&mut q, "path");
    let row: Option<(String,)> = tx.fetch_optional(&q).await?;
    Ok(row.map(|r| r.0).ok_or_else(org_outside_scope))
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    policy: &PasswordPolicy,
    input: &NewAccount,
) -> StoreResult<Account> {
    actor.require(Permission::ManageAccounts)?;
    let mut errors = ValidationErrors::new();
    let username = errors.check(parse_username(&input.username));
    let display = errors.check(text::required_line(
        "display_name",
        "label-person_name",
        &input.display_name,
        50,
    ));
    errors.check(policy.check(&input.password));
    let role = errors.check(parse_role(&input.role));
    if let Some(r) = role {
        if !actor.role.may_grant(r) {
            errors.push(FieldError::new("role", "role.not_grantable"));
        }
    }
    let hash = if errors.is_empty() {
        Some(hash_password(&input.password).await?)
    } else {
        None
    };
    let mut tx = db.begin().await?;
    let org_path = errors.check(org_path_in_scope(&mut tx, &actor.scope, input.org_id).await?);
    errors.into_result()?;
    let now = Utc::now();
    let id: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO accounts (username, display_name, password_hash, role, org_id, disabled, must_change_password, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, FALSE, TRUE, $6, $6) RETURNING id",
            )
            .bind(username.expect("checked"))
            .bind(display.expect("checked"))
            .bind(hash.expect("checked"))
            .bind(role.expect("checked").code())
            .bind(input.org_id)
            .bind(now),
        )
        .await
        .map_err(|e| unique_as_conflict(e, ACCOUNTS_USERNAME, FieldError::new("username", "username.taken")))?;
    let account = get(&mut tx, &actor.scope, id).await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "account.create",
            entity: "account",
            entity_id: Some(id.to_string()),
            org_path: &org_path.expect("checked"),
            before: None,
            after: Some(snapshot(&account)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

#[derive(Debug, Clone, Default)]
pub struct AccountUpdate {
    pub display_name: String,
    pub role: String,
    pub org_id: i64,
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &AccountUpdate,
) -> StoreResult<Account> {
    actor.require(Permission::ManageAccounts)?;
    let mut errors = ValidationErrors::new();
    let display = errors.check(text::required_line(
        "display_name",
        "label-person_name",
        &input.display_name,
        50,
    ));
    let role = errors.check(parse_role(&input.role));
    let mut tx = db.begin().await?;
    let before = get(&mut tx, &actor.scope, id).await?;
    if let Some(r) = role {
        if (!actor.role.may_grant(r) || !actor.role.may_grant(before.role)) && r != before.role {
            errors.push(FieldError::new("role", "role.not_grantable"));
        }
    }
    errors.check(org_path_in_scope(&mut tx, &actor.scope, input.org_id).await?);
    errors.into_result()?;
    tx.execute(
        &Query::new("UPDATE accounts SET display_name = $1, role = $2, org_id = $3, updated_at = $4 WHERE id = $5")
            .bind(display.expect("checked"))
            .bind(role.expect("checked").code())
            .bind(input.org_id)
            .bind(Utc::now())
            .bind(id),
    )
    .await?;
    if before.org_id != input.org_id || before.role.code() != input.role.trim() {
        // A changed scope or role takes effect at once.
        end_sessions(&mut tx, id).await?;
    }
    let after = get(&mut tx, &actor.scope, id).await?;
    record(&mut tx, actor, "account.update", &before, &after).await?;
    tx.commit().await?;
    db.caches().forget();
    Ok(after)
}

async fn end_sessions(tx: &mut Tx, account_id: i64) -> StoreResult<u64> {
    tx.execute(&Query::new("DELETE FROM sessions WHERE account_id = $1").bind(account_id))
        .await
}

/// Disables (ending its sessions at once) or re-enables an account.
pub async fn set_disabled(db: &Db, actor: &Actor, id: i64, disabled: bool) -> StoreResult<Account> {
    actor.require(Permission::ManageAccounts)?;
    let mut tx = db.begin().await?;
    let before = get(&mut tx, &actor.scope, id).await?;
    if Some(id) == actor.account_id && disabled {
        return Err(FieldError::new("disabled", "account.disable_self").into());
    }
    if !actor.role.may_grant(before.role) {
        return Err(StoreError::Forbidden);
    }
    tx.execute(
        &Query::new("UPDATE accounts SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(disabled)
            .bind(Utc::now())
            .bind(id),
    )
    .await?;
    if disabled {
        end_sessions(&mut tx, id).await?;
    }
    let after = get(&mut tx, &actor.scope, id).await?;
    let action = if disabled {
        "account.disable"
    } else {
        "account.enable"
    };
    record(&mut tx, actor, action, &before, &after).await?;
    tx.commit().await?;
    db.caches().forget();
    Ok(after)
}

/// Sets an account's password. One set by someone else (an admin's
/// reset, the command line) must be changed by its holder at the next
/// login; the account's sessions end either way.
pub async fn set_password(
    db: &Db,
    actor: &Actor,
    policy: &PasswordPolicy,
    id: i64,
    password: &str,
) -> StoreResult<()> {
    if Some(id) != actor.account_id {
        actor.require(Permission::ManageAccounts)?;
    }
    policy.check(password)?;
    let hash = hash_password(password).await?;
    let mut tx = db.begin().await?;
    let account = get(&mut tx, &actor.scope, id).await?;
    if Some(id) != actor.account_id && !actor.role.may_grant(account.role) {
        return Err(StoreError::Forbidden);
    }
    store_password(
        &mut tx,
        actor,
        &account,
        hash,
        Some(id) != actor.account_id,
        None,
    )
    .await?;
    tx.commit().await?;
    db.caches().forget();
    Ok(())
}

/// The holder changes their own password, proving the current one. Their
/// other sessions end; the one making the change (`session_token`) goes on.
pub async fn change_own_password(
    db: &Db,
    actor: &Actor,
    policy: &PasswordPolicy,
    session_token: &str,
    current: &str,
    new: &str,
) -> StoreResult<()> {
    let id = actor.account_id.ok_or(StoreError::Forbidden)?;
    let stored: (String, String) = db
        .fetch_optional(
            &Query::new("SELECT password_hash, username FROM accounts WHERE id = $1").bind(id),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    // A session alone must not become the password: guesses of the current
    // one count as failed logins, and share their lock.
    if let Some(minutes) = count_attempt(db, &stored.1, Utc::now()).await? {
        return Err(FieldError::new("current_password", "password.locked")
            .with("minutes", minutes)
            .into());
    }
    let mut e = ValidationErrors::new();
    if !verify_password(current, &stored.0).await {
        e.push(FieldError::new(
            "current_password",
            "password.current_wrong",
        ));
    }
    if let Err(p) = policy.check(new) {
        e.push(FieldError {
            field: "new_password".into(),
            ..p
        });
    } else if new == current {
        e.push(FieldError::new("new_password", "password.unchanged"));
    }
    if e.for_field("current_password").is_none() {
        db.execute(&Query::new("DELETE FROM login_throttle WHERE username = $1").bind(&stored.1))
            .await?;
    }
    e.into_result()?;
    let hash = hash_password(new).await?;
    let mut tx = db.begin().await?;
    let account = get(&mut tx, &actor.scope, id).await?;
    store_password(&mut tx, actor, &account, hash, false, Some(session_token)).await?;
    tx.commit().await?;
    db.caches().forget();
    Ok(())
}

async fn store_password(
    tx: &mut Tx,
    actor: &Actor,
    account: &Account,
    hash: String,
    must_change: bool,
    keep_session: Option<&str>,
) -> StoreResult<()> {
    tx.execute(
        &Query::new("UPDATE accounts SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4")
            .bind(hash)
            .bind(must_change)
            .bind(Utc::now())
            .bind(account.id),
    )
    .await?;
    match keep_session {
        Some(token) => {
            tx.execute(
                &Query::new("DELETE FROM sessions WHERE account_id = $1 AND id <> $2")
                    .bind(account.id)
                    .bind(crate::sessions::token_hash(token)),
            )
            .await?;
        }
        None => {
            end_sessions(tx, account.id).await?;
        }
    }
    tx.execute(
        &Query::new("DELETE FROM login_throttle WHERE username = $1").bind(&account.username),
    )
    .await?;
    audit::append(
        tx,
        actor,
        Event {
            action: "account.password",
            entity: "account",
            entity_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            before: None,
            after: Some(json!({ "must_change": must_change })),
        },
    )
    .await
}

/// Finds an account by username regardless of scope: for the command line.
pub async fn find_by_username(db: &Db, username: &str) -> StoreResult<Account> {
    let mut q = Query::new(SELECT_ACCOUNT);
    q.push(" WHERE a.username = ")
        .push_bind(username.trim().to_lowercase());
    let row: Option<AccountRow> = db.fetch_optional(&q).await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Why a login failed. Unknown user, wrong password and disabled account
/// all look the same to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    BadCredentials,
    Locked { minutes_left: i64 },
}

#[derive(sqlx::FromRow)]
struct Credentials {
    id: i64,
    password_hash: String,
    disabled: bool,
    org_path: String,
}

/// Counts this attempt as a failure before the password is checked, in one
/// statement, so parallel guesses cannot all read the same count: only the
/// first [`MAX_FAILURES`] attempts in a row are checked at all. A lock that
/// has run out starts the count afresh. The count is taken back by success.
async fn count_attempt(db: &Db, name: &str, now: DateTime<Utc>) -> StoreResult<Option<i64>> {
    for _ in 0..3 {
        // A write that returns rows: through a transaction, which holds the
        // writer (plain reads on SQLite go to the read-only pool).
        let mut tx = db.begin().await?;
        let (failures, until): (i64, Option<DateTime<Utc>>) = tx
            .fetch_optional(
                &Query::new(
                    "INSERT INTO login_throttle (username, failures, locked_until, updated_at) VALUES ($1, 1, NULL, $2)
                     ON CONFLICT (username) DO UPDATE SET failures = login_throttle.failures + 1, updated_at = excluded.updated_at
                     RETURNING CAST(failures AS BIGINT), locked_until",
                )
                .bind(name)
                .bind(now),
            )
            .await?
            .ok_or_else(|| StoreError::Internal("login_throttle upsert returned no row".into()))?;
        tx.commit().await?;
        match until {
            Some(until) if until > now => {
                return Ok(Some(((until - now).num_seconds() + 59) / 60));
            }
            // The lock ran out: clear it (once, whoever comes first) and count again.
            Some(until) => {
                db.execute(
                    &Query::new("UPDATE login_throttle SET failures = 0, locked_until = NULL WHERE username = $1 AND locked_until = $2")
                        .bind(name)
                        .bind(until),
                )
                .await?;
            }
            None if failures > MAX_FAILURES => {
                let until = now + Duration::minutes(LOCK_MINUTES);
                db.execute(
                    &Query::new("UPDATE login_throttle SET locked_until = $1 WHERE username = $2 AND locked_until IS NULL")
                        .bind(until)
                        .bind(name),
                )
                .await?;
                return Ok(Some(LOCK_MINUTES));
            }
            None => return Ok(None),
        }
    }
    Ok(Some(LOCK_MINUTES))
}

/// Checks a username and password, with a lock after [`MAX_FAILURES`]
/// failures for [`LOCK_MINUTES`] that applies to unknown names too.
pub async fn authenticate(
    db: &Db,
    username: &str,
    password: &str,
    ip: Option<&str>,
) -> StoreResult<Result<Account, LoginFailure>> {
    let name = username.trim().to_lowercase();
    let now = Utc::now();
    if let Some(minutes_left) = count_attempt(db, &name, now).await? {
        return Ok(Err(LoginFailure::Locked { minutes_left }));
    }
    let creds: Option<Credentials> = db
        .fetch_optional(
            &Query::new("SELECT a.id, a.password_hash, a.disabled, o.path AS org_path FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE a.username = $1")
                .bind(&name),
        )
        .await?;
    let hash = creds
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |c| c.password_hash.clone());
    let password_ok = verify_password(password, &hash).await;
    let ok = password_ok && creds.as_ref().is_some_and(|c| !c.disabled);
    let mut tx = db.begin().await?;
    let org_path = creds
        .as_ref()
        .map_or("/", |c| c.org_path.as_str())
        .to_string();
    let account_id = creds.as_ref().map(|c| c.id);
    if ok {
        let id = account_id.expect("known");
        tx.execute(&Query::new("DELETE FROM login_throttle WHERE username = $1").bind(&name))
            .await?;
        tx.execute(
            &Query::new("UPDATE accounts SET last_login_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id),
        )
        .await?;
        audit::append_as(
            &mut tx,
            Some(id),
            &name,
            ip,
            Event {
                action: "login.ok",
                entity: "account",
                entity_id: Some(id.to_string()),
                org_path: &org_path,
                before: None,
                after: None,
            },
        )
        .await?;
        let account = get(&mut tx, &Scope::everything(), id).await?;
        tx.commit().await?;
        return Ok(Ok(account));
    }
    // The attempt was counted before the check; the one that reaches the
    // limit locks the name.
    // A parallel success may have cleared the count meanwhile.
    let failures = tx
        .fetch_optional::<(i64,)>(
            &Query::new("SELECT CAST(failures AS BIGINT) FROM login_throttle WHERE username = $1")
                .bind(&name),
        )
        .await?
        .map_or(1, |(n,)| n);
    let locked_until = (failures >= MAX_FAILURES).then(|| now + Duration::minutes(LOCK_MINUTES));
    if let Some(until) = locked_until {
        tx.execute(
            &Query::new("UPDATE login_throttle SET locked_until = $1 WHERE username = $2 AND locked_until IS NULL")
                .bind(until)
                .bind(&name),
        )
        .await?;
    }
    // A made-up name is noise anyone can send without limit: it goes to
    // the log, not to the audit trail, whose rows can never be deleted.
    // Failures on real accounts are bounded by their lock and audited.
    if account_id.is_none() {
        tracing::warn!(target: "nuanxin::login", username = %name, ip = ip.unwrap_or("-"), failures, "failed login for an unknown name");
        tx.commit().await?;
        return Ok(Err(match locked_until {
            Some(_) => LoginFailure::Locked {
                minutes_left: LOCK_MINUTES,
            },
            None => LoginFailure::BadCredentials,
        }));
    }
    audit::append_as(
        &mut tx,
        account_id,
        &name,
        ip,
        Event {
            action: "login.fail",
            entity: "account",
            entity_id: account_id.map(|i| i.to_string()),
            org_path: &org_path,
            before: None,
            after: Some(json!({ "failures": failures, "locked": locked_until.is_some() })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Err(match locked_until {
        Some(_) => LoginFailure::Locked {
            minutes_left: LOCK_MINUTES,
        },
        None => LoginFailure::BadCredentials,
    }))
}
