//! What a server remembers of recent reads, so that the reads nearly every
//! request makes (its session, the organisation it opens) do not each cost a
//! database round trip.
//!
//! An entry is trusted for [`RECHECK_AFTER`] and only while nothing has
//! changed since it was read. Every commit in this process that changes
//! accounts, sessions or organisations calls [`Caches::forget`], which
//! voids all entries at once. The same changes made by another process (a
//! second server on the same PostgreSQL, `nuanxin user disable` on the
//! command line) reach this one within [`RECHECK_AFTER`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::orgs::Org;
use crate::routing::RuleCache;
use crate::sessions::Session;

/// How long an entry read from the database is trusted.
pub const RECHECK_AFTER: Duration = Duration::from_secs(2);

/// Entries per cache at most; when full, the stale ones go first.
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub(crate) struct Caches {
    /// Moves on with every change, voiding everything read before it.
    generation: AtomicU64,
    /// Live sessions by token hash.
    pub sessions: Recent<String, Session>,
    /// Organisations by id, whatever the scope of the reader.
    pub orgs: Recent<i64, Org>,
    /// The routing rules, compiled; they carry their own version check, as a
    /// rule change must reach every server before its next application.
    pub rules: RuleCache,
}

/// When a database read began: taken before the read, handed to
/// [`Recent::put`] with what the read returned. A change committed in this
/// process after it moves the generation on, so a value that may predate the
/// change is never trusted; a change by another process is trusted away at
/// most [`RECHECK_AFTER`] after the read began, however long the read took.
#[derive(Clone, Copy)]
pub(crate) struct Stamp {
    generation: u64,
    at: Instant,
}

impl Caches {
    pub fn stamp(&self) -> Stamp {
        Stamp {
            generation: self.generation.load(Ordering::SeqCst),
            at: Instant::now(),
        }
    }

    /// Voids every entry. Called after the commit of a change.
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// A value still trusted at the current generation.
    pub fn get<K: Eq + Hash, V: Clone>(&self, cache: &Recent<K, V>, key: &K) -> Option<V> {
        cache.get(key, self.generation.load(Ordering::SeqCst))
    }
}

/// A bounded map of values, each stamped with the generation it was read at.
pub(crate) struct Recent<K, V> {
    entries: Mutex<HashMap<K, Stamped<V>>>,
}

struct Stamped<V> {
    value: V,
    stamp: Stamp,
}

impl<V> Stamped<V> {
    fn is_fresh(&self, generation: u64) -> bool {
        self.stamp.generation == generation && self.stamp.at.elapsed() < RECHECK_AFTER
    }
}

impl<K, V> Default for Recent<K, V> {
    fn default() -> Self {
        Recent {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    fn get(&self, key: &K, generation: u64) -> Option<V> {
        let entries = self.entries.lock().expect("cache lock");
        entries
            .get(key)
            .filter(|e| e.is_fresh(generation))
            .map(|e| e.value.clone())
    }

    /// Remembers `value`, read from the database after `stamp` was taken,
    /// unless a read begun after a later change already left its value.
    pub fn put(&self, key: K, value: V, stamp: Stamp) {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries
            .get(&key)
            .is_some_and(|e| e.stamp.generation > stamp.generation)
        {
            return;
        }
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.retain(|_, e| e.is_fresh(stamp.generation));
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, Stamped { value, stamp });
    }

    pub fn remove(&self, key: &K) {
        self.entries.lock().expect("cache lock").remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_read_before_a_change_neither_serves_nor_displaces_a_later_one() {
        let caches = Caches::default();
        let cache: Recent<i64, &str> = Recent::default();
        let before = caches.stamp();
        caches.forget();
        assert_eq!(caches.get(&cache, &1), None);
        cache.put(1, "stale", before);
        assert_eq!(caches.get(&cache, &1), None, "read before the change");
        let after = caches.stamp();
        cache.put(1, "fresh", after);
        cache.put(1, "stale", before);
        assert_eq!(caches.get(&cache, &1), Some("fresh"));
    }
}
