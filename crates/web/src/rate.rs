//! Fixed one-minute windows that count what each key did this minute, in
//! this process: submissions through an enrolment event's code, exact
//! searches by one account. A busy server keeps one small entry per key
//! that acted in the current minute.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct PerMinute<K> {
    windows: Arc<Mutex<HashMap<K, (i64, i64)>>>,
}

impl<K> Default for PerMinute<K> {
    fn default() -> Self {
        PerMinute {
            windows: Arc::default(),
        }
    }
}

impl<K: Hash + Eq> PerMinute<K> {
    /// Counts one at `minute` (minutes since the epoch, or any other
    /// window number the caller keeps to); false, counting nothing, when
    /// `key` already had `limit` in that window.
    pub fn admit(&self, key: K, limit: i64, minute: i64) -> bool {
        let mut w = self.windows.lock().expect("rate lock");
        if w.len() > 10_000 {
            w.retain(|_, (m, _)| *m == minute);
        }
        let entry = w.entry(key).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= limit {
            return false;
        }
        entry.1 += 1;
        true
    }

    pub fn admit_now(&self, key: K, limit: i64) -> bool {
        self.admit(key, limit, chrono::Utc::now().timestamp() / 60)
    }
}

/// What an enrolment event's cap counts. Valid and invalid submissions
/// have separate budgets, so junk cannot use up the real workers' minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Submission {
    Accepted,
    Invalid,
}

/// Submissions per minute through each enrolment event's code: counted per
/// event, never per address, since a whole venue shares one network.
pub type EventRate = PerMinute<(i64, Submission)>;

/// Exact searches by ID number or phone, per account.
pub type SearchRate = PerMinute<i64>;

/// A worker's lookups of their own card: per address in minute windows,
/// and per person (a digest of the ID number) in hour windows, kept apart
/// so that a flood of addresses cannot clear the per-person counts.
#[derive(Clone, Default)]
pub struct CardLookupRate {
    pub per_address: PerMinute<String>,
    pub per_person: PerMinute<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_each_key_per_minute() {
        let r = EventRate::default();
        let ok = (1, Submission::Accepted);
        assert!((0..3).all(|_| r.admit(ok, 3, 100)));
        assert!(!r.admit(ok, 3, 100), "the fourth in the same minute waits");
        assert!(
            r.admit((2, Submission::Accepted), 3, 100),
            "another event has its own cap"
        );
        assert!(
            r.admit((1, Submission::Invalid), 3, 100),
            "junk has its own budget"
        );
        assert!(r.admit(ok, 3, 101), "the next minute starts afresh");
    }
}
