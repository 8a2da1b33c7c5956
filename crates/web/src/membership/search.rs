//! Exact member search by ID number or phone, for the API and the roll
//! page alike: the permission, the per-account rate and the audit row
//! (in the store) apply however the search arrives.

use axum::http::StatusCode;
use nuanxin_domain::account::Permission;
use nuanxin_store::membership::{self, Exact, ExactFilter, Member};
use nuanxin_store::Actor;

use crate::error::ApiError;
use crate::AppState;

pub async fn exact(
    state: &AppState,
    actor: &Actor,
    by: Exact<'_>,
    within: ExactFilter,
) -> Result<Vec<Member>, ApiError> {
    actor.require(Permission::SearchSensitive)?;
    let limit = state.config.exact_searches_per_minute;
    // Every caller of this function has an account; the command line and
    // system jobs do not search.
    if !state
        .search_rate
        .admit_now(actor.account_id.unwrap_or_default(), limit)
    {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "search.rate_limited",
            format!("按身份证号或手机号精确查询过于频繁：每分钟最多 {limit} 次，请一分钟后再试"),
            format!("too many exact searches by ID number or phone: at most {limit} a minute, try again in a minute"),
        ));
    }
    Ok(membership::search_exact(&state.db, actor, &state.sealer, by, within).await?)
}
