//! What the worker's pages reach without an account: the exceptions to
//! scope, kept in one file so they can be read at a glance. Each is keyed
//! by a random 256-bit token the worker holds (the join code, the private
//! status link, the card's QR code) or by what only the person knows (name,
//! ID number and phone together), and answers only what that page shows.

use chrono::{DateTime, Utc};
use nuanxin_domain::mask::mask_phone;
use nuanxin_domain::membership::request::{Request, RequestKind, ANSWER_DAYS};
use nuanxin_domain::membership::MembershipStatus;
use nuanxin_domain::FieldError;
use serde::Serialize;
use serde_json::json;

use super::requests::{self, MemberRequest, ERASED_KEY, SELECT};
use super::{ID_KEY, PHONE_KEY};
use crate::audit::{self, Event};
use crate::routing::RouteArgs;
use crate::sensitive::Sealer;
use crate::{Db, Query, StoreError, StoreResult};

/// What the worker sees at their private link: where the application went
/// and why, its status, and the e-card once active.
#[derive(Debug, Clone, Serialize, PartialEq, sqlx::FromRow)]
pub struct Card {
    pub org_id: i64,
    pub name: String,
    pub id_number_masked: String,
    pub member_no: Option<String>,
    pub org_name: String,
    pub status: String,
    pub route_rule: String,
    pub route_reason: String,
    /// As stored: see [`Card::route_args`].
    pub route_args: Option<String>,
    pub reject_reason: Option<String>,
    pub reject_reason_code: Option<String>,
    pub applied_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub card_token: String,
    pub status_token: String,
}

impl Card {
    /// Its personal data were erased at the member's request.
    pub fn erased(&self) -> bool {
        self.name == requests::ERASED_NAME
    }

    /// Why the application went where it went, as arguments; `None` for
    /// one from before they were kept, whose `route_reason` says it all.
    pub fn route_args(&self) -> Option<RouteArgs> {
        RouteArgs::from_json(self.route_args.as_deref())
    }
}

const SELECT_CARD: &str =
    "SELECT m.org_id, m.name, m.id_number_masked, m.member_no, o.name AS org_name, m.status, m.route_rule, m.route_reason,
        m.route_args, m.reject_reason, m.reject_reason_code, m.applied_at, m.decided_at, m.card_token, m.status_token
    FROM members m JOIN orgs o ON o.id = m.org_id";

/// The record behind a worker's private status link.
pub async fn card_by_status_token(db: &Db, token: &str) -> StoreResult<Card> {
    let mut q = Query::new(SELECT_CARD);
    q.push(" WHERE m.status_token = ").push_bind(token);
    db.fetch_optional(&q).await?.ok_or(StoreError::NotFound)
}

/// The existing open record of a person, shown only when the phone given
/// also matches the one on record: knowing someone's ID number is not
/// enough to see their card.
pub async fn card_of_person(
    db: &Db,
    sealer: &Sealer,
    id_number: &str,
    phone: &str,
) -> StoreResult<Option<Card>> {
    let mut q = Query::new(SELECT_CARD);
    q.push(" WHERE m.person_key = ")
        .push_bind(sealer.blind_index(ID_KEY, id_number));
    q.push(" AND m.phone_key = ")
        .push_bind(sealer.blind_index(PHONE_KEY, phone));
    q.push(" AND m.closed_seq = 0");
    db.fetch_optional(&q).await
}

/// What the card's QR code confirms to anyone: valid or not, the union,
/// and the holder's masked name and number.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Verification {
    pub status: String,
    pub org_name: String,
    pub decided_at: Option<DateTime<Utc>>,
    /// Masked: enough to tell that the card is the holder's, and no more.
    pub name_masked: String,
    pub member_no_masked: String,
}

#[derive(sqlx::FromRow)]
struct VerificationRow {
    status: String,
    org_name: String,
    decided_at: Option<DateTime<Utc>>,
    name: String,
    member_no: Option<String>,
}

pub async fn verify(db: &Db, card_token: &str) -> StoreResult<Verification> {
    let r: VerificationRow = db
        .fetch_optional(
            &Query::new("SELECT m.status, o.name AS org_name, m.decided_at, m.name, m.member_no FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.card_token = $1")
                .bind(card_token),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Verification {
        status: r.status,
        org_name: r.org_name,
        decided_at: r.decided_at,
        name_masked: nuanxin_domain::mask::mask_name(&r.name),
        member_no_masked: r
            .member_no
            .as_deref()
            .map(nuanxin_domain::mask::mask_member_no)
            .unwrap_or_default(),
    })
}

/// What a join token opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub org_id: i64,
    pub org_name: String,
    /// The union's region, for the place-of-work picker.
    pub org_region: String,
    /// A grassroots union takes whoever scans its code, wherever they work;
    /// a federation's code routes by the place of work within its area.
    pub grassroots: bool,
    /// Set when the token is an enrolment event's.
    pub event: Option<EventEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventEntry {
    pub id: i64,
    pub name: String,
    /// The cap on submissions per minute through this token.
    pub per_minute: i64,
}

fn is_grassroots(kind: &str) -> bool {
    nuanxin_domain::org::OrgKind::from_code(kind).is_some_and(|k| k.is_grassroots())
}

/// The union behind a live token: a union's join link or an enrolment
/// event's. Unknown and revoked tokens are not found; an event that has
/// ended says so; closed unions take no one.
pub async fn resolve(db: &Db, token: &str) -> StoreResult<Entry> {
    if token.len() > 64 {
        return Err(StoreError::NotFound);
    }
    let link: Option<(i64, String, String, String)> = db
        .fetch_optional(
            &Query::new(
                "SELECT o.id, o.name, o.region_code, o.kind FROM join_links j JOIN orgs o ON o.id = j.org_id
                 WHERE j.token = $1 AND j.revoked_at IS NULL AND o.status <> 'closed'",
            )
            .bind(token),
        )
        .await?;
    if let Some((org_id, org_name, org_region, kind)) = link {
        return Ok(Entry {
            org_id,
            org_name,
            org_region,
            grassroots: is_grassroots(&kind),
            event: None,
        });
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        per_minute: i64,
        ends_at: chrono::DateTime<Utc>,
        closed_at: Option<chrono::DateTime<Utc>>,
        org_id: i64,
        org_name: String,
        org_region: String,
        org_kind: String,
    }
    let row: Option<Row> = db
        .fetch_optional(
            &Query::new(
                "SELECT e.id, e.name, CAST(e.per_minute AS BIGINT) AS per_minute, e.ends_at, e.closed_at, o.id AS org_id, o.name AS org_name, o.region_code AS org_region, o.kind AS org_kind
                 FROM enrolment_events e JOIN orgs o ON o.id = e.org_id
                 WHERE e.token = $1 AND o.status <> 'closed'",
            )
            .bind(token),
        )
        .await?;
    let row = row.ok_or(StoreError::NotFound)?;
    if row.closed_at.is_some() || row.ends_at <= Utc::now() {
        return Err(StoreError::Conflict(
            nuanxin_domain::FieldError::new("token", "join.event_ended").with("event", &row.name),
        ));
    }
    Ok(Entry {
        org_id: row.org_id,
        org_name: row.org_name,
        org_region: row.org_region,
        grassroots: is_grassroots(&row.org_kind),
        event: Some(EventEntry {
            id: row.id,
            name: row.name,
            per_minute: row.per_minute,
        }),
    })
}

/// The live join link of an open organisation, if it has printed one: for
/// the worker's pages that send someone back to a union's code (a rejected
/// application, an event that ended). Unscoped, as the code is public.
pub async fn live_token(db: &Db, org_id: i64) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = db
        .fetch_optional(
            &Query::new(
                "SELECT j.token FROM join_links j JOIN orgs o ON o.id = j.org_id
                 WHERE j.org_id = $1 AND j.revoked_at IS NULL AND o.status <> 'closed' ORDER BY j.created_at DESC",
            )
            .bind(org_id),
        )
        .await?;
    Ok(row.map(|(t,)| t))
}

/// The organisation that held an enrolment event, by the event's token.
pub async fn event_org(db: &Db, event_token: &str) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = db
        .fetch_optional(
            &Query::new("SELECT org_id FROM enrolment_events WHERE token = $1").bind(event_token),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// Files a request for the member behind a private link. Only one of each
/// kind may be open; what cannot apply to the record (leaving a membership
/// that already ended) is refused with a reason the worker reads.
pub async fn file_request(
    db: &Db,
    sealer: &Sealer,
    status_token: &str,
    r: &Request,
) -> StoreResult<MemberRequest> {
    let mut tx = db.begin().await?;
    let found: Option<(i64, i64, String, String, String, String)> = tx
        .fetch_optional(
            &Query::new("SELECT m.id, m.org_id, m.status, m.phone_key, m.person_key, o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.status_token = $1")
                .bind(status_token),
        )
        .await?;
    let Some((member_id, org_id, status, phone_key, person_key, org_path)) = found else {
        return Err(StoreError::NotFound);
    };
    let status = MembershipStatus::from_code(&status).unwrap_or(MembershipStatus::Left);
    if person_key.starts_with(ERASED_KEY) {
        return Err(refused("request.erased").into());
    }
    match r.kind {
        RequestKind::Erase => {}
        RequestKind::Leave
            if matches!(status, MembershipStatus::Applied | MembershipStatus::Active) => {}
        RequestKind::Leave if status == MembershipStatus::Transferring => {
            return Err(refused("request.transferring").into())
        }
        _ if status.is_open() => {}
        _ => return Err(refused("request.closed").into()),
    }
    let (sealed, masked) = match &r.phone {
        Some(p) if sealer.blind_index(PHONE_KEY, p.as_str()) == phone_key => {
            return Err(FieldError::new("phone", "request.same_phone").into())
        }
        Some(p) => (Some(sealer.seal(p.as_str())), Some(mask_phone(p.as_str()))),
        None => (None, None),
    };
    let now = Utc::now();
    let id: i64 = tx
        .scalar(
            &Query::new(
                "INSERT INTO member_requests (member_id, org_id, kind, detail, phone_sealed, phone_masked, status, requested_at, due_at, decided_by, decided_at, answer)
                 VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, NULL, NULL, NULL) RETURNING id",
            )
            .bind(member_id)
            .bind(org_id)
            .bind(r.kind.code())
            .bind(&r.detail)
            .bind(sealed)
            .bind(masked.clone())
            .bind(now)
            .bind(now + chrono::Duration::days(ANSWER_DAYS)),
        )
        .await
        .map_err(|e| {
            crate::error::unique_as_conflict(
                e,
                crate::error::MEMBER_REQUESTS_OPEN,
                FieldError::new("kind", "request.already_open").with_label("kind", r.kind.label_zh(), r.kind.label_en()),
            )
        })?;
    audit::append_as(
        &mut tx,
        None,
        "worker",
        None,
        Event {
            action: "member.request",
            entity: "member",
            entity_id: Some(member_id.to_string()),
            org_path: &org_path,
            before: None,
            after: Some(json!({ "request": id, "kind": r.kind.code(), "phone": masked })),
        },
    )
    .await?;
    let filed = requests::one(&mut tx, id).await?;
    tx.commit().await?;
    Ok(filed)
}

/// The requests of the member behind a private link, newest first.
pub async fn requests(db: &Db, status_token: &str) -> StoreResult<Vec<MemberRequest>> {
    let mut q = Query::new(SELECT);
    q.push(" WHERE m.status_token = ")
        .push_bind(status_token)
        .push(" ORDER BY r.id DESC LIMIT 20");
    requests::rows(db.fetch_all(&q).await?)
}

fn refused(code: &'static str) -> FieldError {
    FieldError::new("kind", code)
}

/// The union a member may ask, through their private link, to move to: one
/// that receives members and is not their own, offered only to an active
/// member. Any organisation may be named (the worker scanned its code), so
/// this looks outside every scope, and answers only its id and name.
pub async fn transfer_offer(
    db: &Db,
    card: &Card,
    to_org_id: i64,
) -> StoreResult<Option<(i64, String)>> {
    if card.status != MembershipStatus::Active.code() || to_org_id == card.org_id {
        return Ok(None);
    }
    match crate::orgs::get(db, &crate::Scope::everything(), to_org_id).await {
        Ok(o) if o.kind.receives_members(o.status) => Ok(Some((o.id, o.name))),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
