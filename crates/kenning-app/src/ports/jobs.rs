//! Storage of background jobs and of the change feed every node follows.

use async_trait::async_trait;
use kenning_domain::jobs::{Change, Job, JobRecord, JobStatus};

use super::StoreResult;

#[async_trait]
pub trait JobStore: Send + Sync {
    /// Queues a job to run from `run_at_ms`. `None` when a job with the same unique key
    /// exists already (the offer is dropped, not an error).
    async fn enqueue(&self, job: &Job, run_at_ms: i64, now_ms: i64) -> StoreResult<Option<i64>>;
    /// Queues a job under an explicit unique key (a periodic job's period).
    async fn enqueue_keyed(
        &self,
        job: &Job,
        key: &str,
        run_at_ms: i64,
        now_ms: i64,
    ) -> StoreResult<Option<i64>>;
    /// Claims up to `limit` due jobs for `worker` until `now_ms + lease_ms`: queued jobs
    /// whose time came, and running jobs whose lease ran out (their worker died). Two
    /// workers never claim the same job.
    async fn claim_jobs(
        &self,
        worker: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<JobRecord>>;
    /// Records a claimed job as done (only while `worker` holds it).
    async fn finish_job(&self, id: i64, worker: &str, now_ms: i64) -> StoreResult<()>;
    /// Records a failed attempt: queued again at `retry_at_ms`, or failed for good.
    async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at_ms: Option<i64>,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Jobs in a status (all when `None`), newest first.
    async fn jobs(&self, status: Option<JobStatus>, limit: i64) -> StoreResult<Vec<JobRecord>>;
    /// One job.
    async fn job(&self, id: i64) -> StoreResult<Option<JobRecord>>;
    /// Queues a failed job again, now, with its attempts reset; false when it is not
    /// failed.
    async fn retry_job(&self, id: i64, now_ms: i64) -> StoreResult<bool>;
    /// How many jobs were ever enqueued under a unique key that starts with `prefix`
    /// (periodic runs, per period).
    async fn jobs_keyed(&self, prefix: &str) -> StoreResult<Vec<String>>;
    /// Deletes finished jobs and change records older than `before_ms`.
    async fn prune_jobs(&self, before_ms: i64) -> StoreResult<u64>;
    /// Changes after sequence number `seq`, oldest first.
    async fn changes_after(&self, seq: i64, limit: i64) -> StoreResult<Vec<Change>>;
    /// The newest change's sequence number (0 when none).
    async fn last_change(&self) -> StoreResult<i64>;
    /// Marks every published product changed (a full reindex, done by every node
    /// incrementally).
    async fn mark_catalog_changed(&self) -> StoreResult<u64>;
}
