//! A small organisation tree the tests of every crate build on, and the
//! helpers to grow and act in it.

use nuanxin_domain::account::Role;
use nuanxin_domain::region::Regions;
use nuanxin_store::orgs::{self, NewOrg, Org};
use nuanxin_store::{Actor, Db, Scope};

pub struct Tree {
    pub city: Org,
    pub district_a: Org,
    pub district_b: Org,
    pub street_a: Org,
    pub union_a: Org,
    pub union_b: Org,
}

pub fn regions() -> Regions {
    Regions::shipped()
}

pub fn new_org(parent: Option<i64>, kind: &str, name: &str, region: &str) -> NewOrg {
    NewOrg {
        parent_id: parent,
        kind: kind.into(),
        name: name.into(),
        region_code: region.into(),
        ..Default::default()
    }
}

/// A new organisation, created by the system.
pub async fn org(db: &Db, parent: Option<i64>, kind: &str, name: &str, region: &str) -> Org {
    let input = new_org(parent, kind, name, region);
    orgs::create(db, &Actor::system(), &regions(), &input)
        .await
        .expect("create org")
        .org
}

/// 南京市总工会 with two districts, a street under the first, an
/// enterprise union on that street and a joint union in the second.
pub async fn tree(db: &Db) -> Tree {
    let c = |p, k, n: &'static str, reg: &'static str| org(db, p, k, n, reg);
    let city = c(None, "city", "南京市总工会", "320100").await;
    let district_a = c(Some(city.id), "district", "玄武区总工会", "320102").await;
    let district_b = c(Some(city.id), "district", "秦淮区总工会", "320104").await;
    let street_a = c(
        Some(district_a.id),
        "street",
        "梅园新村街道总工会",
        "320102",
    )
    .await;
    let union_a = c(Some(street_a.id), "enterprise", "某快递公司工会", "320102").await;
    let union_b = c(
        Some(district_b.id),
        "joint",
        "秦淮区网约车联合工会",
        "320104",
    )
    .await;
    Tree {
        city,
        district_a,
        district_b,
        street_a,
        union_a,
        union_b,
    }
}

/// Someone holding `role` at `org`, as the store sees a caller.
pub fn actor_at(org: &Org, role: Role) -> Actor {
    Actor {
        account_id: None,
        username: format!("{}-{}", role.code(), org.id),
        role,
        scope: Scope {
            org_id: org.id,
            path: org.path.clone(),
        },
        ip: Some("127.0.0.1".into()),
    }
}
