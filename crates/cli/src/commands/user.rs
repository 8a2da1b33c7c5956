//! `nuanxin user …`: staff accounts from the command line, as the system
//! actor (the way the first administrator is made).

use anyhow::Context;
use nuanxin_domain::account::Role;
use nuanxin_store::accounts::{self, Account, NewAccount};
use nuanxin_store::{Actor, Db, StoreError};

use crate::cli::{PasswordArgs, UserAddArgs};
use crate::config::Settings;
use crate::database;
use crate::error::{user_error, UserError};
use crate::password::{self, Chosen};

fn parse_role(raw: &str) -> Result<Role, UserError> {
    Role::from_code(raw.trim()).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        UserError::new(format!(
            "unknown role {raw:?}: use one of {}",
            all.join(", ")
        ))
    })
}

async fn find(db: &Db, username: &str) -> anyhow::Result<Account> {
    match accounts::find_by_username(db, username).await {
        Ok(a) => Ok(a),
        Err(StoreError::NotFound) => Err(user_error(format!(
            "there is no account named {:?}",
            username.trim()
        ))),
        Err(e) => Err(e.into()),
    }
}

fn print_password(p: &Chosen) {
    if let Chosen::Generated(p) = p {
        println!("Password (shown only this once): {p}");
    }
}

pub async fn add(settings: &Settings, args: &UserAddArgs) -> anyhow::Result<()> {
    // Everything that can be checked without the database is checked
    // before the password is asked for.
    let role = parse_role(&args.role)?;
    nuanxin_domain::account::parse_username(&args.username)
        .map_err(|e| UserError::new(crate::error::describe_field_error(&e)))?;
    let policy = &settings.password_policy;
    let chosen = password::choose(args.password.generate_password, policy)?;
    let db = database::open(settings, true).await?;
    let input = NewAccount {
        username: args.username.clone(),
        display_name: args
            .display_name
            .clone()
            .unwrap_or_else(|| args.username.trim().to_string()),
        password: chosen.as_str().to_string(),
        role: role.code().to_string(),
        org_id: args.org_id,
    };
    let result = accounts::create(&db, &operator(), policy, &input).await;
    db.close().await;
    let account =
        result.with_context(|| format!("cannot create the account {:?}", args.username.trim()))?;
    println!(
        "Created account {} ({}) at {} [org {}]",
        account.username,
        account.role.code(),
        account.org_name,
        account.org_id
    );
    print_password(&chosen);
    Ok(())
}

pub async fn passwd(settings: &Settings, args: &PasswordArgs) -> anyhow::Result<()> {
    let policy = &settings.password_policy;
    let db = database::open(settings, true).await?;
    let account = find(&db, &args.username).await?;
    let chosen = password::choose(args.password.generate_password, policy)?;
    let result =
        accounts::set_password(&db, &operator(), policy, account.id, chosen.as_str()).await;
    db.close().await;
    result.with_context(|| format!("cannot set the password of {}", account.username))?;
    println!(
        "Password of {} changed; its sessions have ended (running servers drop them within two seconds)",
        account.username
    );
    print_password(&chosen);
    Ok(())
}

pub async fn set_disabled(
    settings: &Settings,
    username: &str,
    disabled: bool,
) -> anyhow::Result<()> {
    let db = database::open(settings, true).await?;
    let account = find(&db, username).await?;
    let result = accounts::set_disabled(&db, &operator(), account.id, disabled).await;
    db.close().await;
    let after = result?;
    if disabled {
        println!(
            "Account {} disabled; its sessions have ended (running servers drop them within two seconds)",
            after.username
        );
    } else {
        println!("Account {} enabled", after.username);
    }
    Ok(())
}

/// The person at the command line, as the audit trail records them: the
/// whole tree, like the system, but named `cli:<login name>`.
fn operator() -> Actor {
    let who = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Actor {
        username: format!("cli:{who}"),
        ..Actor::system()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_named_in_the_error() {
        assert_eq!(parse_role(" viewer ").unwrap(), Role::Viewer);
        let e = parse_role("admin").unwrap_err();
        assert!(
            e.0.contains("system_admin, union_admin, reviewer, viewer"),
            "{}",
            e.0
        );
    }
}
