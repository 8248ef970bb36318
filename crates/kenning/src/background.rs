//! Work a node does besides answering requests: retraining, rebuilding the search index,
//! renewals, refunds of unanswered questions and receipt numbering.

use std::time::Duration;

use kenning_app::Kenning;

/// How often the model is retrained from the signals in the database.
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// How often a node looks for rebuild requests (`kenning search reindex`).
pub const FOLLOW_REQUESTS_EVERY: Duration = Duration::from_secs(5);

/// Retrains the recommendations and rebuilds the search index now and then every
/// [`REFRESH_EVERY`], and follows rebuild requests (and numbers new receipts) every
/// [`FOLLOW_REQUESTS_EVERY`],
/// until the process ends. Changes made through this process reach the search index at
/// once; the rebuild brings in other nodes' changes.
pub fn spawn_refresher(app: Kenning) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut refresh = tokio::time::interval(REFRESH_EVERY);
        let mut follow = tokio::time::interval(FOLLOW_REQUESTS_EVERY);
        loop {
            tokio::select! {
                _ = refresh.tick() => {}
                _ = follow.tick() => {
                    match app.follow_search_requests().await {
                        Ok(Some(n)) => tracing::info!(products = n, "search index rebuilt on request"),
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "checking for rebuild requests failed"),
                    }
                    match app.number_receipts().await {
                        Ok(0) => {}
                        Ok(n) => tracing::debug!(receipts = n, "receipts numbered"),
                        Err(e) => tracing::warn!(error = %e, "numbering receipts failed"),
                    }
                    continue;
                }
            }
            match app.refresh_recommendations().await {
                Ok(n) => tracing::debug!(pairs = n, "recommendations retrained"),
                Err(e) => tracing::warn!(error = %e, "retraining recommendations failed"),
            }
            match app.rebuild_search().await {
                Ok(n) => tracing::debug!(products = n, "search index rebuilt"),
                Err(e) => tracing::warn!(error = %e, "rebuilding the search index failed"),
            }
            match app.run_renewals().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(subscriptions = n, "memberships renewed or ended"),
                Err(e) => tracing::warn!(error = %e, "membership renewals failed"),
            }
            match app.refund_unanswered_questions().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(questions = n, "unanswered paid questions refunded"),
                Err(e) => tracing::warn!(error = %e, "refunding unanswered questions failed"),
            }
        }
    })
}
