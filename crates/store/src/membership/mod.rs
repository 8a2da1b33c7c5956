//! Members: applications, decisions, the roll and one person, one
//! membership. Sensitive fields are sealed on the way in and only masked
//! copies leave, unless an account with the right reveals them (audited).

use chrono::{DateTime, Datelike, Utc};
use nuanxin_domain::account::Permission;
use nuanxin_domain::ids::{IdNumber, Phone};
use nuanxin_domain::mask::{mask_id_number, mask_phone};
use nuanxin_domain::membership::{Application, MemberNo, MembershipStatus, Occupation};
use nuanxin_domain::region::RegionCode;
use nuanxin_domain::{text, FieldError};
use serde::Serialize;
use serde_json::json;

mod correct;
pub mod events;
mod find;
pub mod join_links;
mod queue;
pub mod requests;
mod reroute;
pub mod transfers;
pub mod worker;

pub use correct::{correct, Correction};
pub use find::{find, Find, Lookup};
pub use queue::{decide_many, queue, Decision, Outcome, Queue};
pub use reroute::reroute;

use crate::audit::{self, Event};
use crate::routing::{Route, RouteArgs};
use crate::sensitive::Sealer;
use crate::sessions::record_token;
use crate::{Actor, Db, Query, Run, Scope, StoreError, StoreResult, Tx};

/// Blind-index domains, so an ID number and a phone never collide.
const ID_KEY: &str = "id_number";
const PHONE_KEY: &str = "phone";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub occupation: Occupation,
    pub employer: Option<String>,
    pub work_region: String,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub member_no: Option<String>,
    pub status: MembershipStatus,
    pub reject_reason: Option<String>,
    /// The system's reason for a rejection (`member_asked_leave`), if it
    /// gave it; see `Why`.
    pub reject_reason_code: Option<String>,
    /// What routed it: `rule:{id}`, `scanned_union`, `industry_federation`,
    /// `catch_all_union` or `reviewer`.
    pub route_rule: String,
    /// What the worker was told about where it went and why, as arguments;
    /// `None` for applications from before they were kept.
    pub route_args: Option<RouteArgs>,
    /// What a person wrote as the reason (a rule's, a reviewer's); for
    /// applications without `route_args`, the whole Chinese sentence.
    pub route_reason: String,
    pub applied_at: DateTime<Utc>,
    /// When an undecided application becomes overdue.
    pub due_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    name: String,
    id_number_masked: String,
    phone_masked: String,
    occupation: String,
    employer: Option<String>,
    work_region: String,
    org_id: i64,
    org_name: String,
    org_path: String,
    member_no: Option<String>,
    status: String,
    reject_reason: Option<String>,
    reject_reason_code: Option<String>,
    route_rule: String,
    route_reason: String,
    route_args: Option<String>,
    applied_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> StoreResult<Member> {
        let bad = |what: &str, v: &str| {
            StoreError::Internal(format!("member {}: unknown {what} {v:?}", r.id))
        };
        Ok(Member {
            occupation: Occupation::from_code(&r.occupation)
                .ok_or_else(|| bad("occupation", &r.occupation))?,
            status: MembershipStatus::from_code(&r.status)
                .ok_or_else(|| bad("status", &r.status))?,
            id: r.id,
            name: r.name,
            id_number_masked: r.id_number_masked,
            phone_masked: r.phone_masked,
            employer: r.employer,
            work_region: r.work_region,
            org_id: r.org_id,
            org_name: r.org_name,
            org_path: r.org_path,
            member_no: r.member_no,
            reject_reason: r.reject_reason,
            reject_reason_code: r.reject_reason_code,
            route_rule: r.route_rule,
            route_args: RouteArgs::from_json(r.route_args.as_deref()),
            route_reason: r.route_reason,
            applied_at: r.applied_at,
            due_at: r.due_at,
            decided_at: r.decided_at,
        })
    }
}

const SELECT_MEMBER: &str = "SELECT m.id, m.name, m.id_number_masked, m.phone_masked, m.occupation, m.employer, m.work_region,
        m.org_id, o.name AS org_name, o.path AS org_path, m.member_no, m.status, m.reject_reason, m.reject_reason_code, m.route_rule, m.route_reason, m.route_args, m.applied_at, m.due_at, m.decided_at
    FROM members m JOIN orgs o ON o.id = m.org_id";

fn by_id(scope: &Scope, id: i64) -> Query {
    let mut q = Query::new(SELECT_MEMBER);
    q.push(" WHERE m.id = ").push_bind(id).push(" AND");
    scope.push_filter(&mut q, "o.path");
    q
}

/// One member in scope, on the pools or inside a transaction.
pub async fn get(mut on: impl Run, scope: &Scope, id: i64) -> StoreResult<Member> {
    let row: Option<MemberRow> = on.fetch_optional(&by_id(scope, id)).await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// What became of an application.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// A new application; `status_token` opens the worker's private status page.
    Created {
        member_id: i64,
        status_token: String,
    },
    /// The person already has an open membership or application.
    Existing {
        member_id: i64,
        org_id: i64,
        status: MembershipStatus,
    },
}

/// An application with its sealed fields, blind indexes and tokens computed:
/// the CPU work, done before waiting for the writer.
#[derive(Clone)]
pub struct Prepared {
    pub(crate) person_key: String,
    pub(crate) name: String,
    pub(crate) id_sealed: String,
    pub(crate) id_masked: String,
    pub(crate) phone_key: String,
    pub(crate) phone_sealed: String,
    pub(crate) phone_masked: String,
    pub(crate) occupation: &'static str,
    pub(crate) employer: Option<String>,
    pub(crate) work_region: String,
    pub(crate) route: Route,
    pub(crate) status_token: String,
    pub(crate) card_token: String,
    /// The enrolment event whose code it came through.
    pub(crate) event_id: Option<i64>,
}

impl Prepared {
    /// Counts the application as one of an enrolment event's.
    pub fn at_event(mut self, event_id: Option<i64>) -> Self {
        self.event_id = event_id;
        self
    }
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Prepared({}, org {})", self.id_masked, self.route.org_id)
    }
}

/// Another reviewer decided or re-routed the record between its read and
/// this write.
pub(crate) fn changed_meanwhile() -> StoreError {
    StoreError::Conflict(FieldError::new("id", "membership.changed_meanwhile"))
}

pub fn prepare(sealer: &Sealer, route: &Route, app: &Application) -> Prepared {
    Prepared {
        person_key: sealer.blind_index(ID_KEY, app.id_number.as_str()),
        name: app.name.clone(),
        id_sealed: sealer.seal(app.id_number.as_str()),
        id_masked: mask_id_number(app.id_number.as_str()),
        phone_key: sealer.blind_index(PHONE_KEY, app.phone.as_str()),
        phone_sealed: sealer.seal(app.phone.as_str()),
        phone_masked: mask_phone(app.phone.as_str()),
        occupation: app.occupation.code(),
        employer: app.employer.clone(),
        work_region: app.work_region.as_str().to_string(),
        route: route.clone(),
        status_token: record_token(),
        card_token: record_token(),
        event_id: None,
    }
}

/// Files an application with the union the route chose (a grassroots
/// union, not closed), in its own transaction. Race-safe: the database's
/// unique index on the person decides, so simultaneous submissions of one
/// person create exactly one record. Busy servers go through
/// [`ApplyQueue`], which commits many applications at once.
pub async fn apply(
    db: &Db,
    sealer: &Sealer,
    route: &Route,
    app: &Application,
) -> StoreResult<Applied> {
    apply_prepared(db, &prepare(sealer, route, app)).await
}

async fn apply_prepared(db: &Db, p: &Prepared) -> StoreResult<Applied> {
    let mut tx = db.begin().await?;
    match apply_in_tx(&mut tx, p, Utc::now()).await {
        Ok(a) => {
            tx.commit().await?;
            Ok(a)
        }
        Err(e) if is_person_clash(&e) => {
            // Another submission of the same person won the race.
            drop(tx);
            open_record(db, &p.person_key).await?.ok_or_else(|| {
                StoreError::Internal("unique violation without an open record".into())
            })
        }
        Err(e) => Err(e),
    }
}

/// Another open record of the same person: the one-person index.
fn is_person_clash(e: &StoreError) -> bool {
    crate::error::violates(e, crate::error::MEMBERS_PERSON)
}

/// One application inside a transaction the caller owns.
async fn apply_in_tx(tx: &mut Tx, p: &Prepared, now: DateTime<Utc>) -> StoreResult<Applied> {
    let org_id = p.route.org_id;
    if let Some(existing) = open_record(&mut *tx, &p.person_key).await? {
        return Ok(existing);
    }
    let org: Option<(String, String)> = tx
        .fetch_optional(&Query::new("SELECT kind, status FROM orgs WHERE id = $1").bind(org_id))
        .await?;
    match org {
        Some((kind, status))
            if nuanxin_domain::org::OrgKind::codes_receive_members(&kind, &status) => {}
        _ => return Err(FieldError::new("org_id", "membership.union_unavailable").into()),
    }
    let settings = stored_settings(&mut *tx, org_id).await?;
    let member_id: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO members (person_key, name, id_number_sealed, id_number_masked, phone_key, phone_sealed, phone_masked,
                    occupation, employer, work_region, org_id, member_no, status, status_token, card_token, route_rule, route_reason,
                    route_args, reject_reason, applied_at, due_at, decided_at, updated_at, event_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, 'applied', $12, $13, $14, $15, $16, NULL, $17, $18, NULL, $17, $19)
                 RETURNING id",
            )
            .bind(&p.person_key)
            .bind(&p.name)
            .bind(&p.id_sealed)
            .bind(&p.id_masked)
            .bind(&p.phone_key)
            .bind(&p.phone_sealed)
            .bind(&p.phone_masked)
            .bind(p.occupation)
            .bind(p.employer.as_deref())
            .bind(p.work_region.as_str())
            .bind(org_id)
            .bind(&p.status_token)
            .bind(&p.card_token)
            .bind(&p.route.rule)
            .bind(p.route.args.reason.as_deref().unwrap_or(""))
            .bind(p.route.args.to_json())
            .bind(now)
            .bind(now + chrono::Duration::days(settings.review_days))
            .bind(p.event_id),
        )
        .await?;
    record_event(
        tx,
        member_id,
        None,
        MembershipStatus::Applied,
        org_id,
        "worker",
        Why::default(),
    )
    .await?;
    if settings.auto_approve {
        auto_approve(tx, member_id, org_id, now).await?;
    }
    Ok(Applied::Created {
        member_id,
        status_token: p.status_token.clone(),
    })
}

type Job = (Prepared, tokio::sync::oneshot::Sender<StoreResult<Applied>>);

/// Group commit for applications on SQLite: one writer task takes whatever
/// applications are waiting (up to 256) and files them in one transaction,
/// each inside a savepoint so that one refusal does not undo the others,
/// then answers each once the batch is durable. This is how a burst at an
/// enrolment ceremony beats the one-fsync-per-request ceiling of the single
/// writer. PostgreSQL commits concurrent transactions together by itself and
/// does better with one transaction per request on its pool (measured in
/// BENCHMARKS.md), so there the queue files each application directly.
#[derive(Clone)]
pub struct ApplyQueue {
    db: Db,
    jobs: Option<tokio::sync::mpsc::Sender<Job>>,
}

const BATCH: usize = 256;

impl ApplyQueue {
    /// Starts the writer task on the current runtime.
    pub fn start(db: Db) -> Self {
        if db.backend() == crate::Backend::Postgres {
            return ApplyQueue { db, jobs: None };
        }
        let writer_db = db.clone();
        let (jobs, mut rx) = tokio::sync::mpsc::channel::<Job>(4 * BATCH);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let results = file_batch(&writer_db, &batch).await;
                for ((_, reply), result) in batch.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
        });
        ApplyQueue {
            db,
            jobs: Some(jobs),
        }
    }

    pub async fn submit(&self, p: Prepared) -> StoreResult<Applied> {
        let Some(jobs) = &self.jobs else {
            return apply_prepared(&self.db, &p).await;
        };
        let (reply, answer) = tokio::sync::oneshot::channel();
        jobs.send((p, reply))
            .await
            .map_err(|_| StoreError::Internal("the application writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Internal("the application writer dropped a request".into()))?
    }
}

async fn file_batch(db: &Db, batch: &[Job]) -> Vec<StoreResult<Applied>> {
    let fail_all = |why: String| {
        batch
            .iter()
            .map(|_| Err(StoreError::Internal(why.clone())))
            .collect()
    };
    let mut tx = match db.begin().await {
        Ok(tx) => tx,
        Err(e) => return fail_all(e.to_string()),
    };
    let now = Utc::now();
    let mut results = Vec::with_capacity(batch.len());
    for (p, _) in batch {
        if let Err(e) = tx.execute(&Query::new("SAVEPOINT application")).await {
            return fail_all(e.to_string());
        }
        let r = match apply_in_tx(&mut tx, p, now).await {
            Ok(a) => tx
                .execute(&Query::new("RELEASE SAVEPOINT application"))
                .await
                .map(|_| a),
            Err(e) => {
                let undone = tx
                    .execute(&Query::new("ROLLBACK TO SAVEPOINT application"))
                    .await;
                let released = tx
                    .execute(&Query::new("RELEASE SAVEPOINT application"))
                    .await;
                match (undone, released) {
                    (Ok(_), Ok(_)) if is_person_clash(&e) => {
                        open_record(&mut tx, &p.person_key).await.and_then(|o| {
                            o.ok_or_else(|| {
                                StoreError::Internal(
                                    "unique violation without an open record".into(),
                                )
                            })
                        })
                    }
                    (Ok(_), Ok(_)) => Err(e),
                    (Err(x), _) | (_, Err(x)) => return fail_all(x.to_string()),
                }
            }
        };
        results.push(r);
    }
    match tx.commit().await {
        Ok(()) => results,
        Err(e) => fail_all(e.to_string()),
    }
}

/// The person's open membership or application, if any.
fn open_record_query(person_key: &str) -> Query {
    Query::new("SELECT id, org_id, status FROM members WHERE person_key = $1 AND closed_seq = 0")
        .bind(person_key)
}

fn existing(row: Option<(i64, i64, String)>) -> Option<Applied> {
    row.and_then(|(member_id, org_id, s)| {
        MembershipStatus::from_code(&s).map(|status| Applied::Existing {
            member_id,
            org_id,
            status,
        })
    })
}

async fn open_record(mut on: impl Run, person_key: &str) -> StoreResult<Option<Applied>> {
    Ok(existing(
        on.fetch_optional(&open_record_query(person_key)).await?,
    ))
}

/// Why a record changed: what a person wrote, and the system's own reason
/// as a code the pages put into words (`roster_import`,
/// `member_asked_leave`, `correct:name,phone`, …).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Why<'a> {
    pub text: Option<&'a str>,
    pub code: Option<&'a str>,
}

impl<'a> Why<'a> {
    pub fn wrote(text: Option<&'a str>) -> Self {
        Why { text, code: None }
    }

    pub fn system(code: &'a str) -> Self {
        Why {
            text: None,
            code: Some(code),
        }
    }
}

/// The system's reason for a roster's members, in their history.
pub(crate) const ROSTER_IMPORT: &str = "roster_import";

async fn record_event(
    tx: &mut Tx,
    member_id: i64,
    from: Option<MembershipStatus>,
    to: MembershipStatus,
    org_id: i64,
    actor_name: &str,
    why: Why<'_>,
) -> StoreResult<()> {
    tx.execute(
        &Query::new("INSERT INTO member_events (member_id, at, from_status, to_status, org_id, actor_name, reason, reason_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(member_id)
            .bind(Utc::now())
            .bind(from.map(|s| s.code()))
            .bind(to.code())
            .bind(org_id)
            .bind(actor_name)
            .bind(why.text)
            .bind(why.code),
    )
    .await?;
    Ok(())
}

/// Issues the next membership number for a union's region and this year.
async fn next_member_no(
    tx: &mut Tx,
    region: &RegionCode,
    now: DateTime<Utc>,
) -> StoreResult<MemberNo> {
    let year = now.with_timezone(&nuanxin_domain::time::china()).year();
    let seq = reserve_numbers(tx, &MemberNo::prefix(region, year), 1).await?;
    Ok(MemberNo::issue(region, year, seq)?)
}

/// Reserves `count` consecutive sequence numbers of a region-and-year
/// prefix; returns the first.
pub(crate) async fn reserve_numbers(tx: &mut Tx, prefix: &str, count: u32) -> StoreResult<u32> {
    let last: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO member_no_seq (prefix, last) VALUES ($1, $2)
                 ON CONFLICT (prefix) DO UPDATE SET last = member_no_seq.last + $2 RETURNING last",
            )
            .bind(prefix)
            .bind(i64::from(count)),
        )
        .await?;
    u32::try_from(last - i64::from(count) + 1)
        .map_err(|_| StoreError::Internal("sequence overflow".into()))
}

/// Moves a member along the state machine inside the actor's scope, with
/// its event and audit rows; an approval issues the membership number.
async fn decide(
    db: &Db,
    actor: &Actor,
    id: i64,
    next: MembershipStatus,
    reason: Option<&str>,
) -> StoreResult<Member> {
    actor.require(Permission::Review)?;
    let mut tx = db.begin().await?;
    let after = decide_in_tx(&mut tx, actor, id, next, Why::wrote(reason)).await?;
    tx.commit().await?;
    Ok(after)
}

/// [`decide`] inside a transaction the caller owns (a worker's request
/// that ends their membership commits with its answer).
async fn decide_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    next: MembershipStatus,
    why: Why<'_>,
) -> StoreResult<Member> {
    let before = get(&mut *tx, &actor.scope, id).await?;
    before.status.transition(next)?;
    let now = Utc::now();
    let member_no = if next == MembershipStatus::Active && before.member_no.is_none() {
        let region: Option<(String,)> = tx
            .fetch_optional(
                &Query::new("SELECT region_code FROM orgs WHERE id = $1").bind(before.org_id),
            )
            .await?;
        let region = RegionCode::parse(&region.ok_or(StoreError::NotFound)?.0)?;
        Some(next_member_no(tx, &region, now).await?.as_str().to_string())
    } else {
        before.member_no.clone()
    };
    let changed = tx.execute(
        // A record that ends leaves the one-person index's open slot
        // (`closed_seq = 0`) to the person's next application. Guarded by
        // what was read: a re-route or another decision committed meanwhile
        // wins, and this one is told so.
        &Query::new("UPDATE members SET status = $1, member_no = $2, reject_reason = $3, reject_reason_code = $9,
                decided_at = $4, updated_at = $4, closed_seq = $6 WHERE id = $5 AND status = $7 AND org_id = $8")
            .bind(next.code())
            .bind(member_no)
            .bind(if next == MembershipStatus::Rejected { why.text } else { before.reject_reason.as_deref() })
            .bind(now)
            .bind(id)
            // Open records hold 0; one that ends becomes history under its id.
            .bind(if next.is_open() { 0 } else { id })
            .bind(before.status.code())
            .bind(before.org_id)
            .bind(if next == MembershipStatus::Rejected { why.code } else { before.reject_reason_code.as_deref() }),
    )
    .await?;
    if changed == 0 {
        return Err(changed_meanwhile());
    }
    record_event(
        tx,
        id,
        Some(before.status),
        next,
        before.org_id,
        &actor.username,
        why,
    )
    .await?;
    let after = get(&mut *tx, &actor.scope, id).await?;
    let snap = |m: &Member| json!({ "status": m.status.code(), "member_no": m.member_no, "org_id": m.org_id, "reason": m.reject_reason });
    audit::append(
        tx,
        actor,
        Event {
            action: "member.status",
            entity: "member",
            entity_id: Some(id.to_string()),
            org_path: &after.org_path,
            before: Some(snap(&before)),
            after: Some(snap(&after)),
        },
    )
    .await?;
    Ok(after)
}

/// Approves an application: the member gets a membership number.
pub async fn approve(db: &Db, actor: &Actor, id: i64) -> StoreResult<Member> {
    decide(db, actor, id, MembershipStatus::Active, None).await
}

/// Rejects an application; the reason is shown to the worker.
pub async fn reject(db: &Db, actor: &Actor, id: i64, reason: &str) -> StoreResult<Member> {
    let reason = text::required_line("reason", "label-reject_reason", reason, 200)?;
    decide(db, actor, id, MembershipStatus::Rejected, Some(&reason)).await
}

/// Ends an active membership.
pub async fn leave(db: &Db, actor: &Actor, id: i64, reason: &str) -> StoreResult<Member> {
    let reason = text::required_line("reason", "label-leave_reason", reason, 200)?;
    decide(db, actor, id, MembershipStatus::Left, Some(&reason)).await
}

/// What an exact search looks for: a whole, checked ID number or phone.
#[derive(Debug, Clone, Copy)]
pub enum Exact<'a> {
    IdNumber(&'a IdNumber),
    Phone(&'a Phone),
}

/// What else an exact search keeps to, as the roll's other filters say.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactFilter {
    pub status: Option<MembershipStatus>,
    /// Only this union's members (itself in scope).
    pub org_id: Option<i64>,
}

/// Finds the members with this ID number or phone (exact, through the blind
/// index), within the actor's scope. A match confirms a guess of a masked
/// value, so this is an access to personal data: it takes its own
/// permission and every search writes an audit row, with the value masked
/// and the count found.
pub async fn search_exact(
    db: &Db,
    actor: &Actor,
    sealer: &Sealer,
    by: Exact<'_>,
    within: ExactFilter,
) -> StoreResult<Vec<Member>> {
    actor.require(Permission::SearchSensitive)?;
    if let Some(org) = within.org_id {
        crate::orgs::get(db, &actor.scope, org).await?;
    }
    let mut q = Query::new(SELECT_MEMBER);
    q.push(" WHERE");
    actor.scope.push_filter(&mut q, "o.path");
    let (field, masked) = match by {
        Exact::IdNumber(id) => {
            q.push(" AND m.person_key = ")
                .push_bind(sealer.blind_index(ID_KEY, id.as_str()));
            ("id_number", mask_id_number(id.as_str()))
        }
        Exact::Phone(p) => {
            q.push(" AND m.phone_key = ")
                .push_bind(sealer.blind_index(PHONE_KEY, p.as_str()));
            ("phone", mask_phone(p.as_str()))
        }
    };
    if let Some(s) = within.status {
        q.push(" AND m.status = ").push_bind(s.code());
    }
    if let Some(org) = within.org_id {
        q.push(" AND m.org_id = ").push_bind(org);
    }
    q.push(" ORDER BY m.id DESC LIMIT 50");
    let mut tx = db.begin().await?;
    let rows: Vec<MemberRow> = tx.fetch_all(&q).await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "member.search",
            entity: "member",
            entity_id: None,
            org_path: &actor.scope.path,
            before: None,
            after: Some(json!({ "by": field, "value": masked, "found": rows.len() })),
        },
    )
    .await?;
    tx.commit().await?;
    rows.into_iter().map(Member::try_from).collect()
}

/// The full ID number and phone, for an account allowed to see them; every
/// reveal writes an audit row.
pub async fn reveal(
    db: &Db,
    actor: &Actor,
    sealer: &Sealer,
    id: i64,
) -> StoreResult<(String, String)> {
    actor.require(Permission::RevealSensitive)?;
    let mut tx = db.begin().await?;
    let m = get(&mut tx, &actor.scope, id).await?;
    let (id_sealed, phone_sealed): (String, String) = tx
        .fetch_optional(
            &Query::new("SELECT id_number_sealed, phone_sealed FROM members WHERE id = $1")
                .bind(id),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "member.reveal",
            entity: "member",
            entity_id: Some(id.to_string()),
            org_path: &m.org_path,
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((sealer.open(&id_sealed)?, sealer.open(&phone_sealed)?))
}

/// One step in a membership's history.
#[derive(Debug, Clone, Serialize, PartialEq, sqlx::FromRow)]
pub struct MemberEvent {
    pub at: DateTime<Utc>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub org_id: i64,
    pub org_name: String,
    pub actor_name: String,
    /// What a person wrote.
    pub reason: Option<String>,
    /// The system's own reason, as a code; see `Why`.
    pub reason_code: Option<String>,
}

pub async fn history(db: &Db, scope: &Scope, id: i64) -> StoreResult<Vec<MemberEvent>> {
    get(db, scope, id).await?;
    db.fetch_all(&Query::new("SELECT e.at, e.from_status, e.to_status, e.org_id, o.name AS org_name, e.actor_name, e.reason, e.reason_code FROM member_events e JOIN orgs o ON o.id = e.org_id WHERE e.member_id = $1 ORDER BY e.id").bind(id))
        .await
}

#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Only this union's members (itself in scope).
    pub org_id: Option<i64>,
    pub status: Option<MembershipStatus>,
    pub occupation: Option<Occupation>,
    /// Part of a name, or an exact membership number.
    pub q: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// The roll within scope, newest first, with the total.
pub async fn list(db: &Db, scope: &Scope, f: &MemberFilter) -> StoreResult<(Vec<Member>, i64)> {
    let mut w = Query::new(" WHERE");
    scope.push_filter(&mut w, "o.path");
    if let Some(org) = f.org_id {
        w.push(" AND m.org_id = ").push_bind(org);
    }
    if let Some(s) = f.status {
        w.push(" AND m.status = ").push_bind(s.code());
    }
    if let Some(o) = f.occupation {
        w.push(" AND m.occupation = ").push_bind(o.code());
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        w.push(" AND (m.name LIKE ")
            .push_bind(crate::query::contains_pattern("q", text)?)
            .push(" ESCAPE '\\'");
        w.push(" OR m.member_no = ")
            .push_bind(text.to_ascii_uppercase())
            .push(")");
    }
    let mut count = Query::new("SELECT COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id");
    count.append(&w);
    let total: i64 = db.scalar(&count).await?;
    let mut q = Query::new(SELECT_MEMBER);
    q.append(&w);
    q.push(" ORDER BY m.id DESC LIMIT ")
        .push_bind(f.limit.clamp(1, 1000))
        .push(" OFFSET ")
        .push_bind(f.offset.max(0));
    let rows: Vec<MemberRow> = db.fetch_all(&q).await?;
    Ok((
        rows.into_iter()
            .map(Member::try_from)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

/// How a union handles applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UnionSettings {
    /// Approve every application at once: from scan to card in a minute.
    pub auto_approve: bool,
    /// Days an application may wait before the parent federation sees it as overdue.
    pub review_days: i64,
}

impl Default for UnionSettings {
    fn default() -> Self {
        UnionSettings {
            auto_approve: false,
            review_days: 7,
        }
    }
}

/// A union's settings as stored, on the pools or inside a transaction.
async fn stored_settings(mut on: impl Run, org_id: i64) -> StoreResult<UnionSettings> {
    let row: Option<(bool, i64)> = on
        .fetch_optional(&Query::new("SELECT auto_approve, CAST(review_days AS BIGINT) FROM union_settings WHERE org_id = $1").bind(org_id))
        .await?;
    Ok(
        row.map_or_else(UnionSettings::default, |(auto_approve, review_days)| {
            UnionSettings {
                auto_approve,
                review_days,
            }
        }),
    )
}

pub async fn settings(db: &Db, scope: &Scope, org_id: i64) -> StoreResult<UnionSettings> {
    crate::orgs::get(db, scope, org_id).await?;
    stored_settings(db, org_id).await
}

pub async fn set_settings(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    s: UnionSettings,
) -> StoreResult<()> {
    actor.require(Permission::ManageOrgs)?;
    if !(1..=90).contains(&s.review_days) {
        return Err(FieldError::new("review_days", "settings.review_days").into());
    }
    let org = crate::orgs::get_current(db, &actor.scope, org_id).await?;
    let mut tx = db.begin().await?;
    let before = stored_settings(&mut tx, org_id).await?;
    tx.execute(
        &Query::new(
            "INSERT INTO union_settings (org_id, auto_approve, review_days) VALUES ($1, $2, $3)
             ON CONFLICT (org_id) DO UPDATE SET auto_approve = excluded.auto_approve, review_days = excluded.review_days",
        )
        .bind(org_id)
        .bind(s.auto_approve)
        .bind(s.review_days),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Event {
            action: "org.membership_settings",
            entity: "org",
            entity_id: Some(org_id.to_string()),
            org_path: &org.path,
            before: Some(json!(before)),
            after: Some(json!(s)),
        },
    )
    .await?;
    tx.commit().await
}

/// Approves a fresh application inside its own transaction, as the union's
/// auto-approval setting says.
async fn auto_approve(
    tx: &mut Tx,
    member_id: i64,
    org_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let (region,): (String,) = tx
        .fetch_optional(&Query::new("SELECT region_code FROM orgs WHERE id = $1").bind(org_id))
        .await?
        .ok_or(StoreError::NotFound)?;
    let no = next_member_no(tx, &RegionCode::parse(&region)?, now).await?;
    tx.execute(
        &Query::new("UPDATE members SET status = 'active', member_no = $1, decided_at = $2, updated_at = $2 WHERE id = $3")
            .bind(no.as_str())
            .bind(now)
            .bind(member_id),
    )
    .await?;
    record_event(
        tx,
        member_id,
        Some(MembershipStatus::Applied),
        MembershipStatus::Active,
        org_id,
        "auto-approval",
        Why::default(),
    )
    .await
}

/// Applications in the subtree of `org_id` waiting past their union's limit.
pub async fn overdue_count(db: &Db, scope: &Scope, org_id: i64) -> StoreResult<i64> {
    let org = crate::orgs::get(db, scope, org_id).await?;
    let sub = Scope {
        org_id,
        path: org.path,
    };
    let mut q = Query::new("SELECT COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.status = 'applied' AND m.due_at < ");
    q.push_bind(Utc::now()).push(" AND");
    sub.push_filter(&mut q, "o.path");
    db.scalar(&q).await
}
