//! Roster imports running in the background, so the officer's page can show
//! progress and then the report. Jobs live in this process's memory: the
//! members an import wrote are in the database for good, while a report not
//! picked up within a day (or before a restart) is gone; the audit trail
//! keeps what each batch did.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nuanxin_domain::FieldError;
use nuanxin_store::roster::{ImportMode, ImportReport, Progress};

/// How long a finished job's report stays available.
const KEEP_FINISHED: Duration = Duration::from_secs(24 * 3600);

/// How an import ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Report(ImportReport),
    /// The file or the request was refused as a whole.
    Refused(Vec<FieldError>),
    /// A fault that is not the officer's (already logged).
    Failed,
}

/// One import: who started it, where, and how far it has come.
pub struct RosterJob {
    pub id: String,
    pub account_id: Option<i64>,
    pub org_id: i64,
    pub org_name: String,
    pub file_name: String,
    pub mode: ImportMode,
    pub progress: Arc<Progress>,
    outcome: Mutex<Option<(Outcome, Instant)>>,
}

impl RosterJob {
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
            .lock()
            .expect("job lock")
            .as_ref()
            .map(|(o, _)| o.clone())
    }

    pub fn finish(&self, o: Outcome) {
        *self.outcome.lock().expect("job lock") = Some((o, Instant::now()));
    }

    fn expired(&self) -> bool {
        self.outcome
            .lock()
            .expect("job lock")
            .as_ref()
            .is_some_and(|(_, at)| at.elapsed() > KEEP_FINISHED)
    }
}

/// The jobs of this process. One import runs at a time, which keeps the
/// memory of a server bounded whatever the officers upload at once.
#[derive(Clone)]
pub struct RosterJobs {
    jobs: Arc<Mutex<HashMap<String, Arc<RosterJob>>>>,
    turn: Arc<tokio::sync::Semaphore>,
}

impl RosterJobs {
    pub fn new() -> Self {
        RosterJobs {
            jobs: Arc::default(),
            turn: Arc::new(tokio::sync::Semaphore::new(1)),
        }
    }

    /// Registers a job; old finished jobs are dropped on the way.
    pub fn add(
        &self,
        account_id: Option<i64>,
        org_id: i64,
        org_name: String,
        file_name: String,
        mode: ImportMode,
    ) -> Arc<RosterJob> {
        let job = Arc::new(RosterJob {
            id: nuanxin_store::sessions::random_token(),
            account_id,
            org_id,
            org_name,
            file_name,
            mode,
            progress: Arc::new(Progress::default()),
            outcome: Mutex::new(None),
        });
        let mut jobs = self.jobs.lock().expect("jobs lock");
        jobs.retain(|_, j| !j.expired());
        jobs.insert(job.id.clone(), job.clone());
        job
    }

    /// A job, only for the account that started it.
    pub fn get(&self, id: &str, account_id: Option<i64>) -> Option<Arc<RosterJob>> {
        let jobs = self.jobs.lock().expect("jobs lock");
        jobs.get(id).filter(|j| j.account_id == account_id).cloned()
    }

    /// This process's import slot, when free. Taken before an upload is
    /// read and held until its import ends, so two officers uploading at
    /// once never hold two files in memory: the second is told to wait.
    pub fn try_turn(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.turn.clone().try_acquire_owned().ok()
    }
}
