//! The member roll's search, for the API and the roll page alike: an
//! exact search by ID number or phone is limited per account per minute
//! here, and takes its permission and writes its audit row in the store,
//! however it arrives.

use axum::http::StatusCode;
use nuanxin_domain::account::Permission;
use nuanxin_store::membership::{self, Find, Lookup, Member};
use nuanxin_store::Actor;

use crate::error::ApiError;
use crate::AppState;

/// The members a roll query selects, with the total.
pub async fn find(
    state: &AppState,
    actor: &Actor,
    f: &Find,
) -> Result<(Vec<Member>, i64), ApiError> {
    if f.lookup()? != Lookup::List {
        admit(state, actor)?;
    }
    Ok(membership::find(&state.db, actor, &state.sealer, f).await?)
}

/// Counts an exact search against the account's minute.
fn admit(state: &AppState, actor: &Actor) -> Result<(), ApiError> {
    actor.require(Permission::SearchSensitive)?;
    let limit = state.config.exact_searches_per_minute;
    // Every caller of this function has an account; the command line and
    // system jobs do not search.
    if !state
        .search_rate
        .admit_now(actor.account_id.unwrap_or_default(), limit)
    {
        return Err(
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "search.rate_limited")
                .with("limit", limit),
        );
    }
    Ok(())
}
