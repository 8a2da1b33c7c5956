//! Server-side sessions. The cookie carries a random token; the database
//! keeps only its SHA-256, so a leaked database yields no live session.
//!
//! Hand-written rather than tower-sessions: the session row must join the
//! account (disabled accounts and role changes end sessions) and run
//! on both backends through the same query code as everything else.
//!
//! A server remembers the sessions it has just checked (see `caches`), so a
//! user's requests do not each pay a database round trip for the session.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use nuanxin_domain::account::Role;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{Actor, Db, Query, Scope, StoreResult};

#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}

/// A random 256-bit token, URL-safe.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A token for a stored record (a member's status link and card): 48 bits
/// of the current time in milliseconds, then 144 random bits, 32
/// characters in all. The random part alone is beyond guessing; the time
/// prefix makes tokens created together sit together in the unique index,
/// so a roster of a million members writes a few index pages per batch
/// instead of one per member, and the short form keeps those indexes and
/// the member rows small.
pub fn record_token() -> String {
    let mut b = [0u8; 24];
    let ms = chrono::Utc::now().timestamp_millis().max(0) as u64;
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    // The thread's CSPRNG (ChaCha, seeded and reseeded from the OS): a
    // system call per token cost a roster import two per member.
    rand::thread_rng().fill_bytes(&mut b[6..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new session, with its cookie token and CSRF token.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// Starts a session for an account that has just logged in. A fresh id every
/// time: no session fixation.
pub async fn create(
    db: &Db,
    account_id: i64,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> StoreResult<NewSession> {
    let (token, csrf) = (random_token(), random_token());
    let now = Utc::now();
    db.execute(
        &Query::new("INSERT INTO sessions (id, account_id, csrf_token, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6)")
            .bind(token_hash(&token))
            .bind(account_id)
            .bind(&csrf)
            .bind(now)
            .bind(ip)
            .bind(user_agent.map(|u| u.chars().take(200).collect::<String>())),
    )
    .await?;
    Ok(NewSession { token, csrf })
}

/// The live session behind a token.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub display_name: String,
    pub org_name: String,
    pub csrf: String,
    /// The password was set by someone else: nothing but choosing one's
    /// own is allowed until it is changed.
    pub must_change_password: bool,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    account_id: i64,
    csrf_token: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    username: String,
    display_name: String,
    role: String,
    disabled: bool,
    org_id: i64,
    org_name: String,
    org_path: String,
    must_change_password: bool,
}

/// Looks a token up, enforcing the idle and absolute timeouts and the
/// account's current state (disabled accounts have no sessions).
///
/// Answered from memory when this process checked the same session a moment
/// ago and nothing has changed since. The database check, which refreshes the
/// idle clock, still happens every few seconds while the session is in use,
/// far more often than the once a minute the idle clock needs.
pub async fn lookup(
    db: &Db,
    token: &str,
    policy: &SessionPolicy,
    ip: Option<&str>,
) -> StoreResult<Option<Session>> {
    let id = token_hash(token);
    let caches = db.caches();
    let stamp = caches.stamp();
    if let Some(mut session) = caches.get(&caches.sessions, &id) {
        session.actor.ip = ip.map(str::to_string);
        return Ok(Some(session));
    }
    let found = lookup_hashed(db, &id, policy, ip).await?;
    match &found {
        Some(session) => caches.sessions.put(id, session.clone(), stamp),
        None => caches.sessions.remove(&id),
    }
    Ok(found)
}

async fn lookup_hashed(
    db: &Db,
    id: &str,
    policy: &SessionPolicy,
    ip: Option<&str>,
) -> StoreResult<Option<Session>> {
    let row: Option<SessionRow> = db
        .fetch_optional(
            &Query::new(
                "SELECT s.account_id, s.csrf_token, s.created_at, s.last_seen_at, a.username, a.display_name, a.role,
                        a.disabled, a.org_id, o.name AS org_name, o.path AS org_path, a.must_change_password
                 FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN orgs o ON o.id = a.org_id
                 WHERE s.id = $1",
            )
            .bind(id),
        )
        .await?;
    let Some(r) = row else { return Ok(None) };
    let now = Utc::now();
    let role = Role::from_code(&r.role);
    if r.disabled
        || now - r.last_seen_at > policy.idle
        || now - r.created_at > policy.absolute
        || role.is_none()
    {
        db.execute(&Query::new("DELETE FROM sessions WHERE id = $1").bind(id))
            .await?;
        return Ok(None);
    }
    // Refresh the idle clock at most once a minute: one write per minute per
    // user instead of one per request.
    if now - r.last_seen_at > Duration::seconds(60) {
        db.execute(
            &Query::new("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id),
        )
        .await?;
    }
    Ok(Some(Session {
        actor: Actor {
            account_id: Some(r.account_id),
            username: r.username,
            role: role.expect("checked"),
            scope: Scope {
                org_id: r.org_id,
                path: r.org_path,
            },
            ip: ip.map(str::to_string),
        },
        display_name: r.display_name,
        org_name: r.org_name,
        csrf: r.csrf_token,
        must_change_password: r.must_change_password,
    }))
}

/// Ends a session on the server (logout).
pub async fn delete(db: &Db, token: &str) -> StoreResult<()> {
    db.execute(&Query::new("DELETE FROM sessions WHERE id = $1").bind(token_hash(token)))
        .await?;
    db.caches().forget();
    Ok(())
}

/// Removes expired sessions; run periodically.
pub async fn purge_expired(db: &Db, policy: &SessionPolicy) -> StoreResult<u64> {
    let now = Utc::now();
    db.execute(
        &Query::new("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(now - policy.idle)
            .bind(now - policy.absolute),
    )
    .await
    .inspect(|&deleted| {
        if deleted > 0 {
            db.caches().forget();
        }
    })
}
