//! `nuanxin migrate`: bring the schema up to date and exit.

use crate::config::Settings;
use crate::database;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let db = database::open(settings, true).await?;
    db.close().await;
    println!(
        "Migrations applied to {}",
        database::redact(&settings.database_url)
    );
    Ok(())
}
