//! `nuanxin demo`: load the demo city and print what was made, with the
//! staff passwords shown this once.

use crate::cli::DemoArgs;
use crate::config::Settings;
use crate::database;
use crate::demo::{load_demo, DemoSummary};

pub async fn run(settings: &Settings, args: &DemoArgs) -> anyhow::Result<()> {
    let db = database::open(settings, true).await?;
    let sealer = super::serve::sealer(settings)?;
    let result = load_demo(&db, args.orgs, args.seed).await;
    let members = match &result {
        Ok(_) => Some(
            crate::demo::members::load(
                &db,
                &sealer,
                args.seed,
                crate::demo::members::DEFAULT_MEMBERS,
            )
            .await,
        ),
        Err(_) => None,
    };
    db.close().await;
    print_summary(&result?);
    if let Some(m) = members {
        print_members(&m?);
    }
    Ok(())
}

pub fn print_members(m: &crate::demo::members::MembersSummary) {
    println!(
        "{} membership applications, {} approved, {} waiting for review ({} overdue); {} member requests open.",
        m.applications,
        m.approved,
        m.applications - m.approved,
        m.overdue,
        m.requests
    );
}

pub fn print_summary(s: &DemoSummary) {
    println!(
        "Loaded the demo city in {:.1} s: {} organisations ({} founded, {} preparing, {} with a credit code), {} street-level regions, {} routing rules.",
        s.elapsed.as_secs_f64(),
        s.orgs,
        s.founded,
        s.preparing,
        s.with_uscc,
        s.streets_imported,
        s.routing_rules
    );
    for (kind, n) in &s.by_kind {
        println!("  {:>7}  {} {}", n, kind.label_en(), kind.label_zh());
    }
    println!();
    println!("Staff accounts; the passwords are shown only this once:");
    for a in &s.accounts {
        println!(
            "  {:<8} {}  {:<12} {}",
            a.username,
            a.password,
            a.role.code(),
            a.org_name
        );
    }
}
