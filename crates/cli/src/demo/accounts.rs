//! The demo's staff accounts, each with a random password shown once.

use anyhow::Context;
use nuanxin_domain::account::{PasswordPolicy, Role};
use nuanxin_store::accounts::{self, NewAccount};
use nuanxin_store::{Actor, Db};

use super::plan::Plan;
use crate::password;

#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub org_name: String,
    /// Printed once; only its hash is stored.
    pub password: String,
}

/// `(username, display name, role, district code or None for the city)`.
const ACCOUNTS: [(&str, &str, Role, Option<&str>); 4] = [
    ("admin", "系统管理员", Role::SystemAdmin, None),
    (
        "xuanwu",
        "玄武区总工会管理员",
        Role::UnionAdmin,
        Some("320102"),
    ),
    (
        "qinhuai",
        "秦淮区总工会管理员",
        Role::UnionAdmin,
        Some("320104"),
    ),
    ("viewer", "市总工会查看员", Role::Viewer, None),
];

pub async fn create(db: &Db, plan: &Plan, ids: &[i64]) -> anyhow::Result<Vec<DemoAccount>> {
    let policy = PasswordPolicy::default();
    let mut out = Vec::new();
    for (username, display, role, district) in ACCOUNTS {
        let at = match district {
            None => plan.city,
            Some(code) => plan
                .district(code)
                .with_context(|| format!("the demo city has no district {code}"))?,
        };
        let password = password::generate(&policy);
        let input = NewAccount {
            username: username.into(),
            display_name: display.into(),
            password: password.clone(),
            role: role.code().into(),
            org_id: ids[at],
        };
        accounts::create(db, &Actor::system(), &policy, &input)
            .await
            .with_context(|| format!("demo account {username}"))?;
        out.push(DemoAccount {
            username: username.into(),
            role,
            org_name: plan.orgs[at].name.clone(),
            password,
        });
    }
    Ok(out)
}
