//! Staff accounts: roles, permissions, usernames and the password policy.

use crate::error::FieldError;
use crate::org::coded_enum;
use serde::{Deserialize, Serialize};

coded_enum! {
    Role {
        SystemAdmin = "system_admin", "系统管理员", "System administrator";
        UnionAdmin = "union_admin", "工会管理员", "Union administrator";
        Reviewer = "reviewer", "审核员", "Reviewer";
        Viewer = "viewer", "查看员", "Viewer";
    }
}

/// What an account may do inside its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ReadOrgs,
    ManageOrgs,
    ManageAccounts,
    ReadAudit,
    RevealSensitive,
    /// Exact search by ID number or phone: an access to personal data,
    /// since a match confirms a guess of a masked value.
    SearchSensitive,
    /// Exports that carry personal data (the member roll, failed rows).
    ExportPersonal,
    Review,
}

impl Role {
    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::SystemAdmin => true,
            Role::UnionAdmin => matches!(
                p,
                ReadOrgs
                    | ManageOrgs
                    | ManageAccounts
                    | ReadAudit
                    | RevealSensitive
                    | SearchSensitive
                    | ExportPersonal
                    | Review
            ),
            Role::Reviewer => matches!(p, ReadOrgs | Review | SearchSensitive),
            Role::Viewer => matches!(p, ReadOrgs),
        }
    }

    /// An account may only hand out roles no stronger than its own, and only
    /// a system administrator creates system administrators.
    pub fn may_grant(self, other: Role) -> bool {
        self.can(Permission::ManageAccounts)
            && (self == Role::SystemAdmin || other != Role::SystemAdmin)
    }
}

/// A login name: 3–32 characters of letters, digits, `.`, `_`, `-`; case-insensitive.
pub fn parse_username(raw: &str) -> Result<String, FieldError> {
    let v = raw.trim().to_lowercase();
    let ok = (3..=32).contains(&v.len())
        && v.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new("username", "username.format"))
    }
}

/// The password policy, configurable per deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// Of lower case, upper case, digits and other characters.
    pub min_classes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            min_classes: 3,
        }
    }
}

impl PasswordPolicy {
    pub fn check(&self, password: &str) -> Result<(), FieldError> {
        let len = password.chars().count();
        let classes = [
            password.chars().any(|c| c.is_lowercase()),
            password.chars().any(|c| c.is_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_alphanumeric()),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if len < self.min_length || classes < self.min_classes || len > 128 {
            return Err(FieldError::new("password", "password.policy")
                .with("min_length", self.min_length)
                .with("min_classes", self.min_classes));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert!(Role::UnionAdmin.can(Permission::ManageOrgs));
        assert!(!Role::Viewer.can(Permission::ManageOrgs));
        assert!(!Role::Reviewer.can(Permission::ReadAudit));
        assert!(Role::UnionAdmin.may_grant(Role::Reviewer));
        assert!(!Role::UnionAdmin.may_grant(Role::SystemAdmin));
        assert!(!Role::Viewer.may_grant(Role::Viewer));
    }

    #[test]
    fn usernames() {
        assert_eq!(parse_username(" Admin ").unwrap(), "admin");
        assert!(parse_username("ab").is_err());
        assert!(parse_username("a b c").is_err());
        assert!(parse_username("<script>").is_err());
    }

    #[test]
    fn password_policy() {
        let p = PasswordPolicy::default();
        assert!(p.check("Abcdef12").is_ok());
        assert!(p.check("abcdefgh1").is_err());
        assert!(p.check("Ab1!").is_err());
        assert!(p.check("暖新工会Ab1!").is_ok());
    }
}
