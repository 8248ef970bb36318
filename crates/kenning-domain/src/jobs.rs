//! Background work: what a job is, when a failed one is tried again, and which jobs run
//! once per period across every node.
//!
//! A job is written to the database in the same transaction as the change that causes
//! it, so work is never lost between a commit and a crash; workers on any node claim it.
//! Work on many items (renewals, refunds) is split into one job per item, so one item's
//! failure never holds up another.

use serde::{Deserialize, Serialize};

use crate::ids::{ProductId, QuestionId, SubscriptionId};
use crate::mail::Mail;

/// What a job does. Stored as JSON; its `kind` names it in listings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Finds subscriptions whose period ended and enqueues one [`Job::Renew`] each.
    Renewals,
    /// Renews one subscription, or ends it.
    Renew {
        subscription: SubscriptionId,
        /// When the renewal (or ending) became due: one job per due moment.
        due_at_ms: i64,
    },
    /// Finds paid questions past their answer deadline and enqueues one
    /// [`Job::RefundQuestion`] each.
    QuestionRefunds,
    /// Refunds one unanswered paid question.
    RefundQuestion { question: QuestionId },
    /// Gives paid orders their receipt numbers, in the order they were paid.
    NumberReceipts,
    /// Marks every published product changed, so every node indexes it again.
    ReindexSearch,
    /// Deletes finished jobs and change records older than their retention.
    Prune,
    /// Sends one mail.
    SendMail { mail: Mail },
    /// Reminds people of renewals and live sessions coming up (each once).
    Reminders,
}

impl Job {
    /// The job's kind as listed and counted.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Renewals => "renewals",
            Job::Renew { .. } => "renew",
            Job::QuestionRefunds => "question_refunds",
            Job::RefundQuestion { .. } => "refund_question",
            Job::NumberReceipts => "number_receipts",
            Job::ReindexSearch => "reindex_search",
            Job::Prune => "prune",
            Job::SendMail { .. } => "send_mail",
            Job::Reminders => "reminders",
        }
    }

    /// A key that makes the job unique while it exists: a second enqueue with the same
    /// key does nothing. Per-item jobs are keyed by their item, so two sweeps that
    /// overlap never charge one renewal twice.
    pub fn unique_key(&self) -> Option<String> {
        match self {
            Job::Renew {
                subscription,
                due_at_ms,
            } => Some(format!("renew:{subscription}:{due_at_ms}")),
            Job::RefundQuestion { question } => Some(format!("refund-question:{question}")),
            _ => None,
        }
    }
}

/// A job that runs once per period across all nodes: every worker offers it for the
/// current period, and the database keeps the first offer only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Periodic {
    pub name: &'static str,
    pub every_ms: i64,
}

impl Periodic {
    /// The period `now_ms` falls in (periods are aligned to the epoch, so every node
    /// computes the same one).
    pub fn period(&self, now_ms: i64) -> i64 {
        now_ms.div_euclid(self.every_ms.max(1))
    }

    /// The unique key of this job for the period `now_ms` falls in.
    pub fn key_at(&self, now_ms: i64) -> String {
        format!("every:{}:{}", self.name, self.period(now_ms))
    }

    /// The job to run.
    pub fn job(&self) -> Option<Job> {
        match self.name {
            "renewals" => Some(Job::Renewals),
            "question_refunds" => Some(Job::QuestionRefunds),
            "number_receipts" => Some(Job::NumberReceipts),
            "prune" => Some(Job::Prune),
            "reminders" => Some(Job::Reminders),
            _ => None,
        }
    }
}

const MINUTE_MS: i64 = 60 * 1000;

/// The periodic jobs. Receipts are numbered away from payments (taking a number while
/// paying would make every payment wait for the one before it); a receipt shown before
/// its number came is numbered then.
pub const PERIODIC: [Periodic; 5] = [
    Periodic {
        name: "renewals",
        every_ms: MINUTE_MS,
    },
    Periodic {
        name: "question_refunds",
        every_ms: MINUTE_MS,
    },
    Periodic {
        name: "number_receipts",
        every_ms: 10 * 1000,
    },
    Periodic {
        name: "prune",
        every_ms: 60 * MINUTE_MS,
    },
    Periodic {
        name: "reminders",
        every_ms: 5 * MINUTE_MS,
    },
];

/// How many times a job is tried before it is left as failed for an operator.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long a claimed job may run before another worker may take it over (the worker
/// that claimed it is then taken to have died).
pub const LEASE_MS: i64 = 5 * MINUTE_MS;

/// How long finished jobs and change records are kept.
pub const RETENTION_MS: i64 = 24 * 60 * MINUTE_MS;

/// When a job that failed on its `attempts`-th try runs again: exponential backoff from
/// ten seconds, at most an hour; `None` once it has had [`MAX_ATTEMPTS`].
pub fn retry_at(now_ms: i64, attempts: i64) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    let delay = 10_000_i64
        .saturating_mul(2_i64.saturating_pow(exponent.saturating_sub(1)))
        .min(60 * MINUTE_MS);
    Some(now_ms.saturating_add(delay))
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for its time or a worker.
    Queued,
    /// Claimed by a worker.
    Running,
    /// Finished.
    Done,
    /// Failed [`MAX_ATTEMPTS`] times; waits for an operator.
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<JobStatus> {
        match s {
            "queued" => Some(JobStatus::Queued),
            "running" => Some(JobStatus::Running),
            "done" => Some(JobStatus::Done),
            "failed" => Some(JobStatus::Failed),
            _ => None,
        }
    }
}

/// A job as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRecord {
    pub id: i64,
    /// The job's kind as stored (readable even when its payload is not).
    pub kind: String,
    /// What to do; `None` when this version cannot read it.
    pub job: Option<Job>,
    pub status: JobStatus,
    pub attempts: i64,
    pub run_at_ms: i64,
    pub last_error: Option<String>,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

/// What a change record is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// A product, its prices, lessons, sale, bundle, plan or schedule.
    Product,
    /// What the recommender learns from: purchases, reviews, views and study.
    Signals,
}

/// One record of the change feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub topic: Topic,
    pub product: ProductId,
}

/// Follows the change feed: which sequence numbers were applied, and what to do about a
/// gap. On PostgreSQL numbers are taken before commit, so a later number can commit
/// first; a gap is read again until it fills or is old enough to have been rolled back.
#[derive(Clone, Debug, Default)]
pub struct FeedPosition {
    /// Every change up to here is applied.
    pub applied_to: i64,
    /// Changes past `applied_to` already applied (a gap lies below them).
    pub ahead: std::collections::BTreeSet<i64>,
    /// Since when the lowest gap has been waited for.
    pub gap_since_ms: Option<i64>,
}

/// How long a gap in the feed is waited for before it is taken to be a rolled-back
/// transaction.
pub const GAP_WAIT_MS: i64 = 10_000;

impl FeedPosition {
    /// Starts after `seq` (what a full rebuild already covered).
    pub fn after(seq: i64) -> FeedPosition {
        FeedPosition {
            applied_to: seq,
            ..FeedPosition::default()
        }
    }

    /// Of the changes read after `applied_to`, the ones not applied yet; marks them
    /// applied and moves the position over what is contiguous.
    pub fn take(&mut self, read: Vec<Change>, now_ms: i64) -> Vec<Change> {
        let fresh: Vec<Change> = read
            .into_iter()
            .filter(|c| c.seq > self.applied_to && !self.ahead.contains(&c.seq))
            .collect();
        self.ahead.extend(fresh.iter().map(|c| c.seq));
        self.advance(now_ms);
        fresh
    }

    fn advance(&mut self, now_ms: i64) {
        loop {
            while self.ahead.remove(&(self.applied_to.saturating_add(1))) {
                self.applied_to = self.applied_to.saturating_add(1);
                self.gap_since_ms = None;
            }
            let Some(&next) = self.ahead.iter().next() else {
                self.gap_since_ms = None;
                return;
            };
            let since = *self.gap_since_ms.get_or_insert(now_ms);
            if now_ms.saturating_sub(since) < GAP_WAIT_MS {
                return;
            }
            // Waited long enough: the missing numbers were rolled back.
            self.applied_to = next.saturating_sub(1);
            self.gap_since_ms = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_stops() {
        assert_eq!(retry_at(0, 1), Some(10_000));
        assert_eq!(retry_at(0, 2), Some(20_000));
        assert_eq!(retry_at(0, 3), Some(40_000));
        assert_eq!(retry_at(0, 7), Some(640_000));
        assert_eq!(retry_at(0, MAX_ATTEMPTS), None);
        assert!(retry_at(i64::MAX - 5, 1).is_some());
    }

    #[test]
    fn periods_are_shared_by_every_node() {
        let p = PERIODIC[0];
        assert_eq!(p.key_at(59_999), p.key_at(0));
        assert_ne!(p.key_at(60_000), p.key_at(59_999));
        for p in PERIODIC {
            assert!(p.job().is_some(), "{} has no job", p.name);
        }
    }

    fn change(seq: i64) -> Change {
        Change {
            seq,
            topic: Topic::Product,
            product: ProductId::new(),
        }
    }

    #[test]
    fn the_feed_waits_for_a_gap_then_skips_it() {
        let mut at = FeedPosition::after(0);
        assert_eq!(at.take(vec![change(1), change(2)], 0).len(), 2);
        assert_eq!(at.applied_to, 2);
        // 3 is not committed yet: 4 applies, the position stays at 2.
        assert_eq!(at.take(vec![change(4)], 1_000).len(), 1);
        assert_eq!(at.applied_to, 2);
        // Read again: 4 is not applied twice; 3 arrives and the position moves on.
        let fresh = at.take(vec![change(3), change(4)], 2_000);
        assert_eq!(fresh.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![3]);
        assert_eq!(at.applied_to, 4);
        // 5 never commits: after the wait, 6 is past it.
        at.take(vec![change(6)], 3_000);
        assert_eq!(at.applied_to, 4);
        at.take(vec![change(6)], 3_000 + GAP_WAIT_MS);
        assert_eq!(at.applied_to, 6);
        assert!(at.ahead.is_empty());
    }

    #[test]
    fn jobs_round_trip_as_json() {
        let job = Job::Renew {
            subscription: SubscriptionId::new(),
            due_at_ms: 5,
        };
        let text = serde_json::to_string(&job).unwrap();
        assert!(text.contains("\"kind\":\"renew\""));
        assert_eq!(serde_json::from_str::<Job>(&text).unwrap(), job);
        assert_eq!(job.kind(), "renew");
    }
}
