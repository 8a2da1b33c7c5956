//! One decision over many applications, as both review queues take it (the
//! home page's across the subtree, a union's own): the form's decision read
//! once, and a notice of what was done.

use chrono::Utc;
use nuanxin_domain::FieldError;
use nuanxin_store::membership::{Decision, Member, Outcome};
use nuanxin_store::StoreError;

use crate::i18n::Tr;
use crate::pages::Among;
use crate::pages::PostForm;
use crate::AppState;

/// The ticked applications of a queue form.
pub fn ticked(form: &PostForm) -> Vec<i64> {
    form.all("id")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect()
}

/// The decision a queue form asks for. Anything but the three buttons'
/// values is refused, never read as a rejection; a re-route's union is
/// picked by name or id within the scope (`skip`: the union whose queue
/// this is).
pub async fn decision(
    state: &AppState,
    form: &PostForm,
    skip: Option<i64>,
) -> Result<Decision, StoreError> {
    let reason = form.get("reason").to_string();
    match form.get("decision") {
        "approve" => Ok(Decision::Approve),
        "reject" => Ok(Decision::Reject(reason)),
        "reroute" => crate::pages::pick_org(
            state,
            &form.c.user.session.actor.scope,
            "to_org_id",
            "label-reroute_union",
            form.get("to_org_id"),
            Among {
                skip,
                receiving: true,
                ..Default::default()
            },
        )
        .await
        .map(|to_org_id| Decision::Reroute { to_org_id, reason }),
        _ => Err(FieldError::new("decision", "membership.decision").into()),
    }
}

/// "已批准 3 份申请：张伟、李娜、王强。1 份未处理：这条记录刚被他人处理……"
pub fn notice(t: Tr, d: &Decision, out: &Outcome) -> String {
    let key = match d {
        Decision::Approve => "review-done_approve",
        Decision::Reject(_) => "review-done_reject",
        Decision::Reroute { .. } => "review-done_reroute",
    };
    let names = |ms: &[Member]| {
        let mut v: Vec<&str> = ms.iter().take(10).map(|m| m.name.as_str()).collect();
        if ms.len() > 10 {
            v.push("…");
        }
        v.join(&t.s("common-list_sep"))
    };
    let mut s = t.f2(key, "count", out.done.len(), "names", names(&out.done));
    if !out.skipped.is_empty() {
        let mut why: Vec<String> = out.skipped.iter().map(|(_, e)| t.error(e)).collect();
        why.dedup();
        if t.en() {
            s.push(' ');
        }
        s.push_str(&t.f2(
            "review-skipped",
            "count",
            out.skipped.len(),
            "reasons",
            why.join("; "),
        ));
    }
    s
}

/// "已超期 3 天" or "剩 2 天": how an application or request stands against
/// its time limit, and whether it is late.
pub fn due(t: Tr, due_at: chrono::DateTime<Utc>) -> (String, bool) {
    let now = Utc::now();
    let days = (due_at - now).num_hours().div_euclid(24);
    if due_at < now {
        (t.f("review-overdue_days", "days", (-days).max(1)), true)
    } else {
        (t.f("review-days_left", "days", days.max(0)), false)
    }
}

/// What routed an application, for staff in their language: the worker's
/// sentence ("已分派至…：您所在地区…") speaks to the worker.
pub fn route_label(t: Tr, rule: &str) -> String {
    match rule {
        "scanned_union" => t.s("route-scanned_union"),
        "industry_federation" => t.s("route-industry_federation"),
        "catch_all_union" => t.s("route-catch_all_union"),
        "reviewer" => t.s("route-reviewer"),
        r => match r.strip_prefix("rule:") {
            Some(id) => t.f("route-rule", "id", id),
            None => r.to_string(),
        },
    }
}
