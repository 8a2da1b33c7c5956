//! An organisation's routing rules in the console: the list in the order
//! they are tried, adding, reordering and deleting (admins), and trying
//! out where an application would go (everyone in scope).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use nuanxin_domain::account::Permission;
use nuanxin_domain::membership::Occupation;
use nuanxin_domain::routing_rule::RuleForm;
use nuanxin_domain::FieldError;
use nuanxin_store::routing::rules::{self, Direction};
use nuanxin_store::routing::{self, RuleOwner, Trial};
use nuanxin_store::{orgs, StoreError};
use serde::Deserialize;

use crate::i18n::Tr;
use crate::pages::PostForm;
use crate::pages::{form_errors, render, see_other, Console, Layout, OrPage, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/routing", get(show).post(create))
        .route("/console/orgs/{id}/routing/{rule}/move", post(move_rule))
        .route("/console/orgs/{id}/routing/{rule}/delete", post(delete))
}

pub struct RuleRow {
    pub id: i64,
    pub stage: &'static str,
    pub employer: String,
    pub occupation: &'static str,
    pub region: String,
    pub target: String,
    pub target_closed: bool,
    pub target_elsewhere: bool,
    pub reason: String,
    /// Whether a neighbour of the same stage lies above or below.
    pub can_up: bool,
    pub can_down: bool,
}

/// What the forms on the page were filled with, to show them again.
#[derive(Default, Deserialize)]
pub struct Filled {
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Default, Deserialize)]
pub struct TrialQuery {
    pub trial_occupation: Option<String>,
    #[serde(default)]
    pub trial_employer: String,
    #[serde(default)]
    pub trial_region: String,
}

#[derive(Template)]
#[template(path = "routing/routing.html")]
struct RoutingPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    /// A union that receives members keeps no rules: its own code routes
    /// to itself.
    grassroots: bool,
    /// May delete the rules shown: also the unused ones a union that
    /// receives members kept from the time when such unions could own rules.
    can_manage: bool,
    /// May add and reorder rules: a manager of a level federation.
    can_add: bool,
    rules: Vec<RuleRow>,
    occupations: Vec<(&'static str, &'static str)>,
    v: Filled,
    errors: Vec<FieldError>,
    trial: TrialQuery,
    /// The outcome of a trial: where it went, or why it could not.
    trial_result: Option<String>,
    trial_errors: Vec<FieldError>,
}

struct PageInput {
    v: Filled,
    errors: Vec<FieldError>,
    trial: TrialQuery,
}

async fn page(state: &AppState, c: &Console, org_id: i64, input: PageInput) -> PageResult {
    let layout = || c.layout();
    let actor = &c.user.session.actor;
    let org = orgs::get(&state.db, &actor.scope, org_id)
        .await
        .or_page(layout)?;
    let list = rules::list(&state.db, &actor.scope, org_id)
        .await
        .or_page(layout)?;
    let regions = state.regions();
    let rows = list
        .iter()
        .enumerate()
        .map(|(i, r)| RuleRow {
            id: r.id,
            stage: r.stage.label(c.t.en()),
            employer: r.employer.clone().unwrap_or_default(),
            occupation: r.occupation.map(|o| o.label(c.t.en())).unwrap_or(""),
            region: r
                .region_code
                .as_deref()
                .map(|c| regions.full_name(c))
                .unwrap_or_default(),
            target: r.target_name.clone(),
            target_closed: r.target_closed,
            target_elsewhere: r.target_elsewhere,
            reason: r.reason.clone().unwrap_or_else(|| {
                let occupation = r.occupation.map(|o| o.label(c.t.en())).unwrap_or("");
                crate::routing::told::stage_reason(c.t, Some(r.stage), occupation)
            }),
            can_up: i > 0 && list[i - 1].stage == r.stage,
            can_down: list.get(i + 1).is_some_and(|n| n.stage == r.stage),
        })
        .collect();
    let (trial_result, trial_errors) = match &input.trial.trial_occupation {
        None => (None, vec![]),
        Some(occupation) => {
            let trial = Trial {
                occupation: occupation.clone(),
                employer: input.trial.trial_employer.clone(),
                work_region: input.trial.trial_region.clone(),
            };
            match routing::try_route(&state.db, &actor.scope, &regions, org_id, &trial).await {
                Ok(r) => {
                    let owner = routing::rule_owner(&state.db, &actor.scope, &r)
                        .await
                        .or_page(layout)?;
                    let owner = owner.map(|o| match o {
                        RuleOwner::InScope(name) => name,
                        RuleOwner::Above => c.t.s("routing-owner_above"),
                    });
                    (Some(describe(c.t, &r, owner.as_deref())), vec![])
                }
                Err(StoreError::Validation(v)) => {
                    match v.0.iter().find(|f| f.code == "routing.no_union") {
                        Some(f) => (Some(c.t.error(f)), vec![]),
                        None => (None, v.0),
                    }
                }
                Err(e) => return Err(e).or_page(layout),
            }
        }
    };
    let status = if input.errors.is_empty() && trial_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        &RoutingPage {
            l: layout(),
            org_id,
            grassroots: org.kind.is_grassroots(),
            org_name: org.name,
            can_manage: actor.role.can(Permission::ManageOrgs),
            can_add: actor.role.can(Permission::ManageOrgs) && !org.kind.is_grassroots(),
            rules: rows,
            occupations: Occupation::ALL
                .iter()
                .map(|o| (o.code(), o.label(c.t.en())))
                .collect(),
            v: input.v,
            errors: input.errors,
            trial: input.trial,
            trial_result,
            trial_errors,
        },
    ))
}

/// The decision in words, naming what decided it: what the worker is
/// told, and the rule or step.
fn describe(t: Tr, r: &routing::Route, rule_owner: Option<&str>) -> String {
    let by = match (r.rule.strip_prefix("rule:"), rule_owner) {
        (Some(id), Some(owner)) => t.f2("routing-by_rule_of", "org", owner, "id", id),
        (Some(id), None) => t.f("routing-by_rule", "id", id),
        (None, _) => match r.rule.as_str() {
            "scanned_union" => t.s("routing-by_scanned_union"),
            "industry_federation" => t.s("routing-by_industry_federation"),
            "catch_all_union" => t.s("routing-by_catch_all_union"),
            other => other.into(),
        },
    };
    let told = crate::routing::told::told(t, &r.rule, Some(&r.args), "");
    t.f2("routing-decided", "told", told, "by", by)
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    Path(id): Path<String>,
    Query(trial): Query<TrialQuery>,
) -> PageResult {
    let org_id = c.id(&id)?;
    let input = PageInput {
        v: Filled::default(),
        errors: vec![],
        trial,
    };
    page(&state, &c, org_id, input).await
}

async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    let actor = &form.c.user.session.actor;
    let v = Filled {
        employer: form.get("employer").into(),
        occupation: form.get("occupation").into(),
        region_code: form.get("region_code").into(),
        target: form.get("target").into(),
        reason: form.get("reason").into(),
    };
    let rule_form = RuleForm {
        employer: v.employer.clone(),
        occupation: v.occupation.clone(),
        region_code: v.region_code.clone(),
        reason: v.reason.clone(),
    };
    let result = match crate::pages::pick_org(
        &state,
        &actor.scope,
        "target",
        "label-target_union",
        &v.target,
        crate::pages::Among {
            under: Some(org_id),
            receiving: true,
            ..Default::default()
        },
    )
    .await
    {
        Ok(target) => rules::create(
            &state.db,
            actor,
            &state.regions(),
            org_id,
            &rule_form,
            target,
        )
        .await
        .map_err(|e| match e {
            // The form names the target `target`.
            StoreError::Validation(mut v) => {
                for f in &mut v.0 {
                    if f.field == "target_org_id" {
                        f.field = "target".into();
                    }
                }
                StoreError::Validation(v)
            }
            other => other,
        }),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/console/orgs/{org_id}/routing"))),
        Err(e) => {
            let errors = form_errors(e).or_page(|| form.c.layout())?;
            let input = PageInput {
                v,
                errors,
                trial: TrialQuery::default(),
            };
            page(&state, &form.c, org_id, input).await
        }
    }
}

/// The rule of a URL, which must belong to the organisation of the URL.
async fn rule_of(
    state: &AppState,
    form: &PostForm,
    org_id: i64,
    raw: &str,
) -> Result<i64, crate::pages::PageError> {
    let rule = form.c.id(raw)?;
    let layout = || form.c.layout();
    let r = rules::get(&state.db, &form.c.user.session.actor.scope, rule)
        .await
        .or_page(layout)?;
    crate::pages::owned_by(r.owner_org_id, org_id, layout)?;
    Ok(rule)
}

async fn move_rule(
    State(state): State<AppState>,
    Path((id, rule)): Path<(String, String)>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    let rule = rule_of(&state, &form, org_id, &rule).await?;
    let direction = Direction::parse(form.get("direction")).or_page(|| form.c.layout())?;
    rules::move_rule(&state.db, &form.c.user.session.actor, rule, direction)
        .await
        .or_page(|| form.c.layout())?;
    Ok(see_other(&format!("/console/orgs/{org_id}/routing")))
}

async fn delete(
    State(state): State<AppState>,
    Path((id, rule)): Path<(String, String)>,
    form: PostForm,
) -> PageResult {
    let org_id = form.c.id(&id)?;
    let rule = rule_of(&state, &form, org_id, &rule).await?;
    rules::delete(&state.db, &form.c.user.session.actor, rule)
        .await
        .or_page(|| form.c.layout())?;
    Ok(see_other(&format!("/console/orgs/{org_id}/routing")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_names_what_decided() {
        let mut r = routing::Route {
            org_id: 7,
            org_name: "顺丰工会".into(),
            rule: "rule:3".into(),
            args: routing::RouteArgs {
                union: "顺丰工会".into(),
                occupation: Some("courier".into()),
                stage: Some("employer".into()),
                reason: None,
            },
        };
        assert_eq!(
            describe(Tr::ZH, &r, None),
            "已分派至 顺丰工会：您的工作单位已建立工会（依据：分派规则 #3）"
        );
        assert_eq!(
            describe(Tr::EN, &r, None),
            "Sent to 顺丰工会: your employer has a union (decided by: routing rule #3)"
        );
        // A rule of another organisation (the city's, on a district's page)
        // says whose it is.
        assert_eq!(
            describe(Tr::ZH, &r, Some("南京市总工会")),
            "已分派至 顺丰工会：您的工作单位已建立工会（依据：南京市总工会的分派规则 #3）"
        );
        assert_eq!(
            describe(Tr::EN, &r, Some("南京市总工会")),
            "Sent to 顺丰工会: your employer has a union (decided by: 南京市总工会, routing rule #3)"
        );
        for rule in ["scanned_union", "industry_federation", "catch_all_union"] {
            r.rule = rule.into();
            assert!(!describe(Tr::ZH, &r, None).contains(rule));
            assert!(!describe(Tr::EN, &r, None).contains(rule));
        }
    }
}
