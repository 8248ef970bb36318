//! Background jobs: offering the periodic ones, claiming and running what is due, and
//! what operators see of them.
//!
//! The queue lives in the database (`JobStore`), so any node's worker may run any job,
//! a job outlives the process that enqueued it, and a periodic job runs once per period
//! across all nodes (the first offer for a period is kept, the others dropped). It is
//! written here rather than taken from a crate because a job must be enqueued in the
//! same transaction as the write that causes it, inside the store's own transactions,
//! on both SQLite and PostgreSQL through one `sqlx::Any` pool; see docs/architecture.md.

use futures::StreamExt;
use kenning_domain::account::Role;
use kenning_domain::audit::AuditAction;
use kenning_domain::jobs::{self, Job, JobRecord, JobStatus, PERIODIC};

use crate::accounts::CurrentUser;
use crate::audit_log::Change;
use crate::{AppError, Kenning};

/// How many jobs one worker claims at a time.
const CLAIM_BATCH: i64 = 16;
/// How many of them run at once.
const RUN_AT_ONCE: usize = 4;

/// The periods a worker has offered its periodic jobs for, so that it offers each
/// once per period rather than on every look.
#[derive(Debug, Default)]
pub struct PeriodsOffered(std::collections::HashMap<&'static str, i64>);

impl Kenning {
    /// Offers every periodic job whose period began since this worker last offered it;
    /// returns how many offers were kept (the others were made by another node).
    pub async fn offer_periodic_jobs(
        &self,
        offered: &mut PeriodsOffered,
    ) -> Result<usize, AppError> {
        let now = self.now_ms();
        let mut kept = 0;
        for periodic in PERIODIC {
            let Some(job) = periodic.job() else { continue };
            let period = periodic.period(now);
            if offered.0.get(periodic.name) == Some(&period) {
                continue;
            }
            let key = periodic.key_at(now);
            if self
                .store
                .enqueue_keyed(&job, &key, now, now)
                .await?
                .is_some()
            {
                kept += 1;
            }
            offered.0.insert(periodic.name, period);
        }
        Ok(kept)
    }

    /// Claims due jobs for `worker` and runs them (a few at once); returns how many ran.
    /// A job that fails is tried again later with backoff, and after
    /// [`jobs::MAX_ATTEMPTS`] waits for an operator. One job's failure touches no other.
    pub async fn run_due_jobs(&self, worker: &str) -> Result<usize, AppError> {
        let now = self.now_ms();
        let claimed = self
            .store
            .claim_jobs(worker, now, jobs::LEASE_MS, CLAIM_BATCH)
            .await?;
        let ran = claimed.len();
        futures::stream::iter(claimed)
            .for_each_concurrent(RUN_AT_ONCE, |record| async move {
                let outcome = match &record.job {
                    Some(job) => self.run_job(job).await,
                    None => Err(AppError::Internal(format!(
                        "unreadable {} job",
                        record.kind
                    ))),
                };
                let now = self.now_ms();
                let recorded = match outcome {
                    Ok(()) => self.store.finish_job(record.id, worker, now).await,
                    Err(e) => {
                        let retry = jobs::retry_at(now, record.attempts);
                        tracing::warn!(
                            job = record.id,
                            kind = record.kind.as_str(),
                            attempt = record.attempts,
                            retried = retry.is_some(),
                            error = %e,
                            "job failed"
                        );
                        self.store
                            .fail_job(record.id, worker, &e.to_string(), retry, now)
                            .await
                    }
                };
                if let Err(e) = recorded {
                    // The lease runs out and another worker takes the job again.
                    tracing::warn!(job = record.id, error = %e, "job outcome not recorded");
                }
            })
            .await;
        Ok(ran)
    }

    /// Queues a job to run from `run_at_ms`; `None` when one with its key exists.
    pub async fn enqueue_job(&self, job: Job, run_at_ms: i64) -> Result<Option<i64>, AppError> {
        Ok(self.store.enqueue(&job, run_at_ms, self.now_ms()).await?)
    }

    /// Runs due jobs until none is left (the test clock, the demo, and tests).
    pub async fn drain_jobs(&self, worker: &str) -> Result<usize, AppError> {
        let mut total = 0;
        loop {
            let ran = self.run_due_jobs(worker).await?;
            if ran == 0 {
                return Ok(total);
            }
            total += ran;
        }
    }

    async fn run_job(&self, job: &Job) -> Result<(), AppError> {
        match job {
            Job::Renewals => {
                self.offer_renewals().await?;
            }
            Job::Renew { subscription, .. } => self.renew_subscription(*subscription).await?,
            Job::QuestionRefunds => {
                self.offer_question_refunds().await?;
            }
            Job::RefundQuestion { question } => self.refund_unanswered(*question).await?,
            Job::NumberReceipts => {
                self.number_receipts().await?;
            }
            Job::ReindexSearch => {
                self.store.mark_catalog_changed().await?;
            }
            Job::SendMail { mail } => self.deliver_mail(mail).await?,
            Job::Reminders => {
                self.send_reminders().await?;
            }
            Job::Prune => {
                self.store
                    .prune_jobs(self.now_ms().saturating_sub(jobs::RETENTION_MS))
                    .await?;
            }
        }
        Ok(())
    }

    /// Jobs in a status, newest first (`kenning jobs`; the operators' page checks who
    /// asks through [`Kenning::jobs_for`]).
    pub async fn list_jobs(
        &self,
        status: Option<JobStatus>,
        limit: i64,
    ) -> Result<Vec<JobRecord>, AppError> {
        Ok(self.store.jobs(status, limit.clamp(1, 500)).await?)
    }

    /// Jobs for an operator's page.
    pub async fn jobs_for(
        &self,
        user: &CurrentUser,
        status: Option<JobStatus>,
    ) -> Result<Vec<JobRecord>, AppError> {
        if user.account.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        self.list_jobs(status, 200).await
    }

    /// Queues a failed job again now (`kenning jobs retry ID`).
    pub async fn retry_failed_job(&self, id: i64) -> Result<JobRecord, AppError> {
        if !self.store.retry_job(id, self.now_ms()).await? {
            return match self.store.job(id).await? {
                Some(_) => Err(AppError::JobNotFailed),
                None => Err(AppError::NotFound("job")),
            };
        }
        self.store.job(id).await?.ok_or(AppError::NotFound("job"))
    }

    /// An operator queues a failed job again.
    pub async fn retry_job_for(&self, user: &CurrentUser, id: i64) -> Result<JobRecord, AppError> {
        if user.account.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let job = self.retry_failed_job(id).await?;
        tracing::info!(job = id, by = %user.account.id, "failed job queued again by an operator");
        let change = Change::of(format!("job:{id}"))
            .before(serde_json::json!({"status": "failed"}))
            .after(serde_json::json!({"status": job.status.as_str(), "kind": job.kind}));
        self.audit(Some(user), AuditAction::JobRetried, change)
            .await?;
        Ok(job)
    }

    /// Indexes every published product again on every node (operators): this node at
    /// once, the others as they follow the change feed.
    pub async fn reindex_search(&self, user: &CurrentUser) -> Result<usize, AppError> {
        if user.account.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let marked = self.store.mark_catalog_changed().await?;
        let change = Change::of("search").after(serde_json::json!({"products": marked}));
        self.audit(Some(user), AuditAction::SearchReindexed, change)
            .await?;
        // This node at once (its follower may have taken them first: the count is what
        // was marked, not what this call applied).
        self.apply_changes().await?;
        Ok(usize::try_from(marked).unwrap_or(usize::MAX))
    }

    /// Asks every node to index the whole catalog again (`kenning search reindex` and
    /// the operators' button): a job marks every product changed, and every node
    /// follows the change feed.
    pub async fn request_search_rebuild(&self) -> Result<Option<i64>, AppError> {
        let now = self.now_ms();
        Ok(self.store.enqueue(&Job::ReindexSearch, now, now).await?)
    }
}
