//! Subtree listing and counting under a city of 100,000 organisations, 10
//! levels deep, on SQLite and (with NUANXIN_TEST_DATABASE_URL) PostgreSQL.
//!
//! `cargo bench -p nuanxin-store --bench subtree`
//!
//! Prints p50/p99 per operation and, as the baseline measured in the same
//! run, a trivial `SELECT 1` round trip on the same pool.

use std::time::{Duration, Instant};

use chrono::Utc;
use nuanxin_store::orgs::{self, OrgFilter};
use nuanxin_store::testing::TestDb;
use nuanxin_store::{Db, Query, Scope};
use rand::{Rng, SeedableRng};

const TOTAL: usize = 100_000;
/// Children per node at each depth: ten levels, about 100,000 nodes.
const FANOUT: [usize; 9] = [11, 6, 4, 3, 3, 2, 2, 2, 4];
const SAMPLES: usize = 2_000;

struct Node {
    id: i64,
    parent: Option<i64>,
    path: String,
    depth: i32,
}

fn plan() -> Vec<Node> {
    let mut nodes = vec![Node {
        id: 1,
        parent: None,
        path: "/1/".into(),
        depth: 0,
    }];
    let mut frontier = vec![0usize];
    for fan in FANOUT {
        let mut next = Vec::new();
        for &p in &frontier {
            for _ in 0..fan {
                if nodes.len() == TOTAL {
                    return nodes;
                }
                let id = nodes.len() as i64 + 1;
                let parent = &nodes[p];
                let node = Node {
                    id,
                    parent: Some(parent.id),
                    path: format!("{}{id}/", parent.path),
                    depth: parent.depth + 1,
                };
                nodes.push(node);
                next.push(nodes.len() - 1);
            }
        }
        frontier = next;
    }
    nodes
}

async fn load(db: &Db, nodes: &[Node]) {
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    for chunk in nodes.chunks(500) {
        let mut q = Query::new(
            "INSERT INTO orgs (id, parent_id, path, depth, kind, name, region_code, industry, uscc, status, founded_on, created_at, updated_at) VALUES ",
        );
        for (i, n) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            let kind = ["city", "district", "street"]
                .get(n.depth as usize)
                .copied()
                .unwrap_or("enterprise");
            q.push("(")
                .push_bind(n.id)
                .push(", ")
                .push_bind(n.parent)
                .push(", ")
                .push_bind(n.path.as_str());
            q.push(", ")
                .push_bind(n.depth)
                .push(", ")
                .push_bind(kind)
                .push(", ")
                .push_bind(format!("组织{}", n.id));
            q.push(", '320102', NULL, NULL, 'founded', NULL, ")
                .push_bind(now)
                .push(", ")
                .push_bind(now)
                .push(")");
        }
        tx.execute(&q).await.unwrap();
    }
    tx.commit().await.unwrap();
    if db.backend() == nuanxin_store::Backend::Postgres {
        db.execute(&Query::new("ANALYZE orgs")).await.unwrap();
    } else {
        db.execute(&Query::new("ANALYZE")).await.unwrap();
    }
}

fn percentiles(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[v.len() / 2]), ms(v[v.len() * 99 / 100]))
}

async fn measure<F, Fut>(mut f: F) -> (f64, f64)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for i in 0..100 {
        f(i).await;
    }
    let mut times = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let t = Instant::now();
        f(i).await;
        times.push(t.elapsed());
    }
    percentiles(times)
}

async fn run(t: TestDb) {
    let nodes = plan();
    let max_depth = nodes.iter().map(|n| n.depth).max().unwrap();
    let started = Instant::now();
    load(&t.db, &nodes).await;
    println!(
        "\n{}: {} organisations, depth 0..={max_depth}, loaded in {:.1} s",
        t.name,
        nodes.len(),
        started.elapsed().as_secs_f64()
    );
    let db = &t.db;
    let everything = Scope {
        org_id: 1,
        path: "/1/".into(),
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    // Nodes at depth 1..=3: subtrees of 9,000 down to ~100 organisations.
    let inner: Vec<&Node> = nodes
        .iter()
        .filter(|n| (1..=3).contains(&n.depth))
        .collect();
    let picks: Vec<i64> = (0..SAMPLES + 100)
        .map(|_| inner[rng.gen_range(0..inner.len())].id)
        .collect();
    let baseline = measure(|_| async { db.ping().await.unwrap() }).await;
    let children = measure(|i| {
        let id = picks[i];
        let scope = &everything;
        async move {
            orgs::children(db, scope, id, 50, 0).await.unwrap();
        }
    })
    .await;
    let counts = measure(|i| {
        let id = picks[i];
        let scope = &everything;
        async move {
            orgs::subtree_counts(db, scope, id).await.unwrap();
        }
    })
    .await;
    let list = measure(|i| {
        let id = picks[i];
        let scope = &everything;
        async move {
            let f = OrgFilter {
                under: Some(id),
                limit: 50,
                ..Default::default()
            };
            orgs::search(db, scope, &f).await.unwrap();
        }
    })
    .await;
    let district = Scope {
        org_id: 2,
        path: "/1/2/".into(),
    };
    let whole_district = measure(|_| {
        let scope = &district;
        async move {
            orgs::subtree_counts(db, scope, 2).await.unwrap();
        }
    })
    .await;
    println!("| backend | operation | p50 ms | p99 ms | p99 / baseline p99 |");
    println!("|---|---|---|---|---|");
    for (name, (p50, p99)) in [
        ("baseline: SELECT 1", baseline),
        ("children of a node (page of 50)", children),
        ("subtree counts by status (depth 1-3 node)", counts),
        (
            "subtree listing, first page of 50 + total (depth 1-3 node)",
            list,
        ),
        (
            "subtree counts of a whole district (~9,000)",
            whole_district,
        ),
    ] {
        println!(
            "| {} | {name} | {p50:.3} | {p99:.3} | {:.1} |",
            t.name,
            p99 / baseline.1
        );
    }
}

#[tokio::main]
async fn main() {
    run(TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(pg) => run(pg).await,
        None => println!("\nPostgreSQL skipped: set NUANXIN_TEST_DATABASE_URL"),
    }
}
