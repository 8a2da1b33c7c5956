//! The routing rules compiled for deciding in memory: rules bucketed by
//! the area they cover and employer keywords in one Aho-Corasick
//! automaton, so tens of thousands of rules decide in microseconds.
//! Servers keep the compiled book and reload it when the `routing` cache
//! version in the database moves on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aho_corasick::{AhoCorasick, MatchKind};
use nuanxin_domain::membership::Occupation;
use nuanxin_domain::org::OrgKind;
use nuanxin_domain::region::RegionCode;
use nuanxin_domain::routing_rule::{normalize_employer, Stage};

use crate::{Db, Query, StoreError, StoreResult, Tx};

/// One rule, ready to decide: its conditions, and the target as it stands.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub id: i64,
    pub stage: Stage,
    /// Depth of the owning organisation: the most local rules go first.
    pub owner_depth: i32,
    pub owner_id: i64,
    pub position: i64,
    pub employer: Option<String>,
    pub occupation: Option<Occupation>,
    /// The area the rule covers: its own, or its owner's region.
    pub area: RegionCode,
    pub target_id: i64,
    pub target_name: String,
    pub target_path: String,
    /// The rule's own reason for the worker, if it has one.
    pub reason: Option<String>,
}

impl CompiledRule {
    fn order_key(&self) -> (Stage, i64, i64, i64, i64) {
        (
            self.stage,
            -i64::from(self.owner_depth),
            self.owner_id,
            self.position,
            self.id,
        )
    }
}

/// What a rule is asked about one application.
pub struct Subject<'a> {
    /// Routes never leave the subtree of the code that was scanned.
    pub entry_path: &'a str,
    pub occupation: Occupation,
    pub employer: Option<&'a str>,
    pub work_region: &'a RegionCode,
}

/// All rules, in the order they are tried.
#[derive(Debug, Default)]
pub struct RuleBook {
    version: i64,
    /// Sorted by [`CompiledRule::order_key`]: an index is a rank.
    rules: Vec<CompiledRule>,
    /// Ranks of rules without an employer keyword, by area code, ascending.
    by_area: HashMap<String, Vec<u32>>,
    /// Ranks of the rules of each employer keyword, by the keyword's
    /// pattern id in `keywords`.
    by_keyword: Vec<Vec<u32>>,
    keywords: Option<AhoCorasick>,
}

/// The area codes that contain `r`, itself included: street, county, city,
/// province.
fn areas_containing(r: &RegionCode) -> Vec<String> {
    let s = r.as_str();
    let mut v = vec![s.to_string()];
    for a in [
        s[..6].to_string(),
        format!("{}00", &s[..4]),
        format!("{}0000", &s[..2]),
    ] {
        if !v.contains(&a) {
            v.push(a);
        }
    }
    v
}

impl RuleBook {
    /// Compiles rules given in any order.
    pub fn new(version: i64, mut rules: Vec<CompiledRule>) -> StoreResult<RuleBook> {
        rules.sort_by_key(CompiledRule::order_key);
        let mut by_area: HashMap<String, Vec<u32>> = HashMap::new();
        let mut keyword_ids: HashMap<&str, usize> = HashMap::new();
        let mut by_keyword: Vec<Vec<u32>> = Vec::new();
        let mut patterns: Vec<&str> = Vec::new();
        for (rank, r) in rules.iter().enumerate() {
            let rank = rank as u32;
            match &r.employer {
                None => by_area
                    .entry(r.area.as_str().to_string())
                    .or_default()
                    .push(rank),
                Some(k) => {
                    let id = *keyword_ids.entry(k.as_str()).or_insert_with(|| {
                        patterns.push(k.as_str());
                        by_keyword.push(Vec::new());
                        patterns.len() - 1
                    });
                    by_keyword[id].push(rank);
                }
            }
        }
        let keywords = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| StoreError::Internal(format!("routing keywords: {e}")))?,
            )
        };
        Ok(RuleBook {
            version,
            rules,
            by_area,
            by_keyword,
            keywords,
        })
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first rule, in order, that takes this application.
    pub fn decide(&self, s: &Subject<'_>) -> Option<&CompiledRule> {
        let areas = areas_containing(s.work_region);
        let takes = |r: &CompiledRule| {
            r.occupation.is_none_or(|o| o == s.occupation)
                && r.target_path.starts_with(s.entry_path)
                && areas.iter().any(|a| a == r.area.as_str())
        };
        let mut best = u32::MAX;
        for area in &areas {
            for &rank in self.by_area.get(area).into_iter().flatten() {
                if rank >= best {
                    break;
                }
                if takes(&self.rules[rank as usize]) {
                    best = rank;
                    break;
                }
            }
        }
        if let (Some(ac), Some(employer)) = (&self.keywords, s.employer) {
            let employer = normalize_employer(employer);
            for m in ac.find_overlapping_iter(&employer) {
                for &rank in &self.by_keyword[m.pattern().as_usize()] {
                    if rank >= best {
                        break;
                    }
                    if takes(&self.rules[rank as usize]) {
                        best = rank;
                        break;
                    }
                }
            }
        }
        self.rules.get(best as usize)
    }

    /// Loads and compiles every rule whose owner and target are open and
    /// whose target still lies in the owner's subtree (a move may take it out).
    pub async fn load(db: &Db) -> StoreResult<RuleBook> {
        // The version first: a write landing between the two reads makes
        // this book look older than it is, never newer, so it is reloaded.
        let version = current_version(db).await?;
        let rows: Vec<RuleRow> = db
            .fetch_all(&Query::new(
                "SELECT r.id, r.position, r.employer, r.occupation, r.region_code, r.reason,
                        o.id AS owner_id, o.depth AS owner_depth, o.region_code AS owner_region,
                        t.id AS target_id, t.name AS target_name, t.path AS target_path, t.kind AS target_kind
                 FROM routing_rules r
                 JOIN orgs o ON o.id = r.owner_org_id
                 JOIN orgs t ON t.id = r.target_org_id
                 WHERE o.status <> 'closed' AND t.status <> 'closed'
                   AND substr(t.path, 1, length(o.path)) = o.path",
            ))
            .await?;
        let rules = rows
            .into_iter()
            .filter_map(RuleRow::compile)
            .collect::<Vec<_>>();
        RuleBook::new(version, rules)
    }
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: i64,
    position: i64,
    employer: Option<String>,
    occupation: Option<String>,
    region_code: Option<String>,
    reason: Option<String>,
    owner_id: i64,
    owner_depth: i32,
    owner_region: String,
    target_id: i64,
    target_name: String,
    target_path: String,
    target_kind: String,
}

impl RuleRow {
    /// A row the console could not have written (a federation as target,
    /// an unknown code) is skipped and logged rather than failing every
    /// application.
    fn compile(self) -> Option<CompiledRule> {
        let occupation = match self.occupation.as_deref() {
            None => None,
            Some(c) => Some(Occupation::from_code(c)?),
        };
        let area =
            match RegionCode::parse(self.region_code.as_deref().unwrap_or(&self.owner_region)) {
                Ok(a) => a,
                Err(_) => {
                    tracing::warn!(rule = self.id, "routing rule with a malformed area skipped");
                    return None;
                }
            };
        if !OrgKind::from_code(&self.target_kind).is_some_and(OrgKind::is_grassroots) {
            tracing::warn!(
                rule = self.id,
                "routing rule whose target is no grassroots union skipped"
            );
            return None;
        }
        let conditions = nuanxin_domain::routing_rule::RuleConditions {
            employer: self.employer,
            occupation,
            region: self
                .region_code
                .as_deref()
                .and_then(|r| RegionCode::parse(r).ok()),
            reason: self.reason,
        };
        let stage = conditions.stage();
        Some(CompiledRule {
            id: self.id,
            stage,
            owner_depth: self.owner_depth,
            owner_id: self.owner_id,
            position: self.position,
            reason: conditions.reason,
            employer: conditions.employer,
            occupation,
            area,
            target_id: self.target_id,
            target_name: self.target_name,
            target_path: self.target_path,
        })
    }
}

async fn current_version(db: &Db) -> StoreResult<i64> {
    db.scalar(&Query::new(
        "SELECT version FROM cache_versions WHERE name = 'routing'",
    ))
    .await
}

/// Marks the compiled rules stale, inside the transaction that changes a
/// rule or an organisation a rule names.
pub(crate) async fn invalidate(tx: &mut Tx) -> StoreResult<()> {
    tx.execute(&Query::new(
        "UPDATE cache_versions SET version = version + 1 WHERE name = 'routing'",
    ))
    .await?;
    Ok(())
}

/// The compiled rules of one server, reloaded when the database's version
/// moves on: one small query per application instead of thousands of rows.
#[derive(Debug, Default, Clone)]
pub struct RuleCache {
    book: Arc<Mutex<Option<Arc<RuleBook>>>>,
    /// One reload at a time: applications arriving just after a change
    /// wait for that reload instead of each compiling the table again.
    reloading: Arc<tokio::sync::Mutex<()>>,
}

impl RuleCache {
    fn cached(&self, version: i64) -> Option<Arc<RuleBook>> {
        let slot = self.book.lock().expect("rule cache lock");
        slot.as_ref().filter(|b| b.version >= version).cloned()
    }

    pub async fn current(&self, db: &Db) -> StoreResult<Arc<RuleBook>> {
        let version = current_version(db).await?;
        if let Some(book) = self.cached(version) {
            return Ok(book);
        }
        let _reloading = self.reloading.lock().await;
        if let Some(book) = self.cached(version) {
            return Ok(book);
        }
        let book = Arc::new(RuleBook::load(db).await?);
        let mut slot = self.book.lock().expect("rule cache lock");
        if slot.as_ref().is_none_or(|b| b.version < book.version) {
            *slot = Some(book.clone());
        }
        Ok(book)
    }
}
