//! What the member roll is asked for, as the API and the roll page both
//! ask it: an exact ID number, else an exact phone, else the filtered list.

use nuanxin_domain::ids::{IdNumber, Phone};

use super::{list, search_exact, Exact, ExactFilter, Member, MemberFilter};
use crate::sensitive::Sealer;
use crate::{Actor, Db, StoreResult};

/// A roll query. An ID number wins over a phone; either makes the search
/// exact, and the filter's status and union still apply to it.
#[derive(Debug, Clone, Default)]
pub struct Find {
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub filter: MemberFilter,
}

/// What a [`Find`] looks up, its exact values checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    IdNumber(IdNumber),
    Phone(Phone),
    List,
}

impl Find {
    /// The lookup this query asks for; a malformed ID number or phone is
    /// named (a field error), never searched as an empty result.
    pub fn lookup(&self) -> StoreResult<Lookup> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(id) = given(&self.id_number) {
            return Ok(Lookup::IdNumber(IdNumber::parse(&id)?));
        }
        if let Some(p) = given(&self.phone) {
            return Ok(Lookup::Phone(Phone::parse(&p)?));
        }
        Ok(Lookup::List)
    }
}

/// The members a roll query selects within the actor's scope, with the
/// total; an exact search takes its permission and writes its audit row.
pub async fn find(
    db: &Db,
    actor: &Actor,
    sealer: &Sealer,
    f: &Find,
) -> StoreResult<(Vec<Member>, i64)> {
    let within = ExactFilter {
        status: f.filter.status,
        org_id: f.filter.org_id,
    };
    let found = match f.lookup()? {
        Lookup::IdNumber(id) => {
            search_exact(db, actor, sealer, Exact::IdNumber(&id), within).await?
        }
        Lookup::Phone(p) => search_exact(db, actor, sealer, Exact::Phone(&p), within).await?,
        Lookup::List => return list(db, &actor.scope, &f.filter).await,
    };
    let n = found.len() as i64;
    Ok((found, n))
}
