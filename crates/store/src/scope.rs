//! Who is asking, and which part of the organisation tree they may touch.

use nuanxin_domain::account::{Permission, Role};

use crate::{Query, StoreError, StoreResult};

/// An organisation subtree, identified by its root's materialized path
/// (`/1/5/`). Every path in the subtree starts with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub org_id: i64,
    pub path: String,
}

impl Scope {
    /// The whole tree: for the command line and system jobs only.
    pub fn everything() -> Self {
        Scope {
            org_id: 0,
            path: "/".into(),
        }
    }

    pub fn contains(&self, path: &str) -> bool {
        path.starts_with(&self.path)
    }

    /// Appends `column >= $a AND column < $b`: the subtree as a range over the
    /// path index. Paths end in `/`, and `0` is the next byte after `/`, so
    /// `/1/5/…` is inside `['/1/5/', '/1/50')` while `/1/50/` is not.
    pub fn push_filter(&self, q: &mut Query, column: &str) {
        q.push(" (")
            .push(column)
            .push(" >= ")
            .push_bind(self.path.clone());
        q.push(" AND ")
            .push(column)
            .push(" < ")
            .push_bind(path_upper_bound(&self.path))
            .push(")");
    }
}

pub(crate) fn path_upper_bound(path: &str) -> String {
    let mut s = path.trim_end_matches('/').to_string();
    s.push('0');
    s
}

/// The account behind a request, with its scope.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    pub ip: Option<String>,
}

impl Actor {
    /// The command line and system jobs: everything, recorded as `system`.
    pub fn system() -> Self {
        Actor {
            account_id: None,
            username: "system".into(),
            role: Role::SystemAdmin,
            scope: Scope::everything(),
            ip: None,
        }
    }

    pub fn require(&self, p: Permission) -> StoreResult<()> {
        if self.role.can(p) {
            Ok(())
        } else {
            Err(StoreError::Forbidden)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bound_excludes_siblings_with_longer_ids() {
        let s = Scope {
            org_id: 5,
            path: "/1/5/".into(),
        };
        let ub = path_upper_bound(&s.path);
        assert_eq!(ub, "/1/50");
        for inside in ["/1/5/", "/1/5/7/", "/1/5/999/3/"] {
            assert!(
                inside >= s.path.as_str() && inside < ub.as_str(),
                "{inside}"
            );
        }
        for outside in ["/1/50/", "/1/6/", "/1/", "/1/4/9/"] {
            assert!(
                !(outside >= s.path.as_str() && outside < ub.as_str()),
                "{outside}"
            );
        }
        assert_eq!(path_upper_bound("/"), "0");
    }
}
