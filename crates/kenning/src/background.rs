//! What a node does besides answering requests, by its role.
//!
//! - Every node that serves (`web`, `all`) builds its search index and trains its
//!   recommendations on start, then follows the change feed: catalog changes reach its
//!   index and caches within a second (PostgreSQL notifies; a one-second pass catches up
//!   after a lost connection), and new signals trigger retraining.
//! - Every node that works (`worker`, `all`) offers the periodic jobs once per period
//!   (the database keeps one offer per period across all nodes) and claims and runs due
//!   jobs: renewals, refunds of unanswered questions, receipt numbers, reindexing,
//!   pruning.

use std::time::Duration;

use kenning_app::Kenning;
use kenning_app::jobs::PeriodsOffered;
use tokio::task::JoinHandle;

/// What a node runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeRole {
    /// Serves pages and the API, follows changes; runs no jobs.
    Web,
    /// Runs jobs; serves nothing.
    Worker,
    /// Both (one machine, or SQLite).
    #[default]
    All,
}

impl NodeRole {
    pub fn serves(self) -> bool {
        matches!(self, NodeRole::Web | NodeRole::All)
    }

    pub fn works(self) -> bool {
        matches!(self, NodeRole::Worker | NodeRole::All)
    }
}

/// How often a node looks at the change feed without a notice.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(1);
/// How often a worker looks for due jobs.
pub const WORK_EVERY: Duration = Duration::from_secs(1);
/// The shortest time between two trainings of the recommendations.
pub const RETRAIN_AT_MOST_EVERY: Duration = Duration::from_secs(30);

/// The background tasks of a node; they stop when this is dropped.
pub struct Background(Vec<JoinHandle<()>>);

impl Drop for Background {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Starts what `role` runs. The change notices are opened before this returns, so
/// nothing written after it is missed.
pub async fn start(app: &Kenning, role: NodeRole) -> anyhow::Result<Background> {
    let mut tasks = Vec::new();
    if role.serves() {
        let notices = app
            .open_change_notices()
            .await
            .map_err(|e| anyhow::anyhow!("listening for changes: {e}"))?;
        let follower = app.clone();
        tasks.push(tokio::spawn(async move {
            match follower.rebuild_search().await {
                Ok(n) => tracing::info!(products = n, "search index built"),
                Err(e) => tracing::warn!(error = %e, "building the search index failed"),
            }
            follower.follow_changes(notices, FOLLOW_EVERY).await;
        }));
        let trainer = app.clone();
        tasks.push(tokio::spawn(async move {
            match trainer.refresh_recommendations().await {
                Ok(n) => tracing::info!(pairs = n, "recommendations trained"),
                Err(e) => tracing::warn!(error = %e, "training recommendations failed"),
            }
            let mut tick = tokio::time::interval(RETRAIN_AT_MOST_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match trainer.retrain_if_signalled().await {
                    Ok(Some(n)) => tracing::debug!(pairs = n, "recommendations retrained"),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "retraining recommendations failed"),
                }
            }
        }));
    }
    if role.works() {
        let worker = app.clone();
        let name = worker_name();
        tasks.push(tokio::spawn(async move {
            tracing::info!(worker = %name, "running jobs");
            let mut tick = tokio::time::interval(WORK_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut offered = PeriodsOffered::default();
            loop {
                tick.tick().await;
                if let Err(e) = worker.offer_periodic_jobs(&mut offered).await {
                    tracing::warn!(error = %e, "offering periodic jobs failed");
                }
                match worker.drain_jobs(&name).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(jobs = n, "jobs run"),
                    Err(e) => tracing::warn!(error = %e, "running jobs failed"),
                }
            }
        }));
    }
    Ok(Background(tasks))
}

/// A name for this process's worker, unique across nodes and restarts.
fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".to_owned());
    let nonce = kenning_app::accounts::random_token().unwrap_or_default();
    format!(
        "{host}:{}:{}",
        std::process::id(),
        nonce.chars().take(8).collect::<String>()
    )
}
