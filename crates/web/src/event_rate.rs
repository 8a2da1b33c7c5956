//! The cap on submissions per minute through one enrolment event's code.
//! Counted per event token, never per address: a whole venue shares one
//! network, and everyone there must get through.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Fixed one-minute windows per event. A busy server keeps one small entry
/// per event that took a submission in the current minute.
#[derive(Clone, Default)]
pub struct EventRate {
    windows: Arc<Mutex<HashMap<i64, (i64, i64)>>>,
}

impl EventRate {
    /// Counts a submission at `minute` (minutes since the epoch); false when
    /// the event already took `per_minute` in that minute.
    pub fn admit(&self, event_id: i64, per_minute: i64, minute: i64) -> bool {
        let mut w = self.windows.lock().expect("rate lock");
        if w.len() > 10_000 {
            w.retain(|_, (m, _)| *m == minute);
        }
        let entry = w.entry(event_id).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= per_minute {
            return false;
        }
        entry.1 += 1;
        true
    }

    pub fn admit_now(&self, event_id: i64, per_minute: i64) -> bool {
        self.admit(event_id, per_minute, chrono::Utc::now().timestamp() / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_each_event_per_minute() {
        let r = EventRate::default();
        assert!((0..3).all(|_| r.admit(1, 3, 100)));
        assert!(!r.admit(1, 3, 100), "the fourth in the same minute waits");
        assert!(r.admit(2, 3, 100), "another event has its own cap");
        assert!(r.admit(1, 3, 101), "the next minute starts afresh");
    }
}
