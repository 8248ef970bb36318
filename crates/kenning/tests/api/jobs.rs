//! Background jobs: periodic jobs run once per period however many nodes offer them,
//! two workers never run one job, a job that cannot run waits for an operator without
//! holding up the others, and operators see and retry failed jobs (page and command).

use kenning_app::jobs::PeriodsOffered;
use kenning_domain::account::Role;
use kenning_domain::jobs::{Job, JobRecord, JobStatus, PERIODIC};
use reqwest::StatusCode;

use crate::hardening::Browser;
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    periodic_jobs_are_kept_once_per_period_whoever_offers_them,
    workers_never_share_a_job_and_every_job_runs_once,
    a_job_that_cannot_run_waits_for_an_operator_and_the_rest_run,
    a_catalog_change_through_one_node_reaches_another_nodes_search,
    pruning_forgets_expired_links_and_sign_in_challenges,
);

async fn count(app: &TestApp, sql: &str, key: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(key.to_owned())
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn periodic_jobs_are_kept_once_per_period_whoever_offers_them(app: &TestApp) {
    // Three nodes offer at the same moment (plus the test server's own worker).
    let node = app.second_node().await;
    let kept: usize = futures::future::join_all((0..3).map(|_| async {
        let mut offered = PeriodsOffered::default();
        app.app
            .offer_periodic_jobs(&mut offered)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }))
    .await
    .into_iter()
    .sum();
    assert!(kept <= PERIODIC.len(), "{kept} offers kept");
    let now = app.app.now_ms();
    for periodic in PERIODIC {
        // The period may have turned between the offers and now: count both.
        let this = periodic.key_at(now);
        let before = periodic.key_at(now - periodic.every_ms);
        let n = count(
            app,
            "SELECT COUNT(*) FROM jobs WHERE unique_key = $1",
            &this,
        )
        .await
            + count(
                app,
                "SELECT COUNT(*) FROM jobs WHERE unique_key = $1",
                &before,
            )
            .await;
        assert!((1..=2).contains(&n), "{} offered {n} times", periodic.name);
        assert_eq!(
            count(
                app,
                "SELECT COUNT(*) FROM jobs WHERE unique_key = $1",
                &this
            )
            .await,
            1,
            "{} kept once for its period",
            periodic.name
        );
    }
    node.stop().await;
}

async fn workers_never_share_a_job_and_every_job_runs_once(app: &TestApp) {
    let now = app.app.now_ms();
    let mut ids = Vec::new();
    for _ in 0..30 {
        let id = app
            .app
            .enqueue_job(Job::NumberReceipts, now)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        ids.extend(id);
    }
    assert_eq!(ids.len(), 30);
    // Three workers drain at once (the server's own worker may take some too).
    let ran: usize = futures::future::join_all(["w1", "w2", "w3"].map(|w| async move {
        app.app
            .drain_jobs(w)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }))
    .await
    .into_iter()
    .sum();
    assert!(ran <= 30 + PERIODIC.len() * 2, "{ran} runs");
    for id in ids {
        // Done by someone, tried exactly once: nobody ran it twice.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut job = job_of(app, id).await;
        while job.status != JobStatus::Done && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            job = job_of(app, id).await;
        }
        assert_eq!(job.status, JobStatus::Done, "job {id}");
        assert_eq!(job.attempts, 1, "job {id} was claimed twice");
    }
}

async fn a_job_that_cannot_run_waits_for_an_operator_and_the_rest_run(app: &TestApp) {
    let now = app.app.now_ms();
    // A job this version cannot read (written by a newer one, say), between two good ones.
    let good_before = app
        .app
        .enqueue_job(Job::NumberReceipts, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("not queued"));
    sqlx::query(
        "INSERT INTO jobs (kind, payload, status, run_at_ms, created_at_ms) \
         VALUES ('send_pigeon', '{\"kind\":\"send_pigeon\"}', 'queued', $1, $1)",
    )
    .bind(now)
    .execute(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let good_after = app
        .app
        .enqueue_job(Job::NumberReceipts, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("not queued"));
    // This node's own worker may hold a job while the test drains, so wait
    // until every job has settled rather than trusting one drain.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let (failed, done) = loop {
        app.app
            .drain_jobs("test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let failed = app
            .app
            .list_jobs(Some(JobStatus::Failed), 50)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let done = app
            .app
            .list_jobs(Some(JobStatus::Done), 500)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let settled = !failed.is_empty()
            && [good_before, good_after]
                .iter()
                .all(|id| done.iter().any(|j| j.id == *id));
        if settled || std::time::Instant::now() > deadline {
            break (failed, done);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(failed.len(), 1, "{failed:?}");
    let bad = failed[0].id;
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("unreadable")),
        "{failed:?}"
    );
    for id in [good_before, good_after] {
        assert!(done.iter().any(|j| j.id == id), "job {id} did not run");
    }

    // A learner may not see the page nor retry.
    let mut learner = Browser::new(app);
    let (learner_user, _) = app.with_role(Role::Learner).await;
    learner
        .log_in(learner_user.account.email.as_str(), "/admin/jobs")
        .await;
    assert_eq!(
        learner.get("/admin/jobs").await.status,
        StatusCode::FORBIDDEN
    );

    // The operator sees it, in both languages, and queues it again.
    let (admin, _) = app.with_role(Role::Admin).await;
    let mut operator = Browser::new(app);
    operator
        .log_in(admin.account.email.as_str(), "/admin/jobs")
        .await;
    let page = operator.get("/admin/jobs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Background jobs"), "{}", page.body);
    assert!(page.body.contains("unreadable job"), "{}", page.body);
    // Jobs are named in the reader's language; one this version cannot name shows its
    // kind.
    let all = operator.get("/admin/jobs?status=all").await;
    assert!(all.body.contains("Number receipts"), "{}", all.body);
    assert!(all.body.contains("send_pigeon"), "{}", all.body);
    let csrf = page.csrf();
    let forged = learner
        .post(&format!("/admin/jobs/{bad}/retry"), &[("csrf", "x")])
        .await;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
    let retried = operator
        .post(&format!("/admin/jobs/{bad}/retry"), &[("csrf", &csrf)])
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);
    // Retrying a job that is not failed is refused with its own code.
    let again = operator
        .post(
            &format!("/admin/jobs/{good_before}/retry"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // Unreadable still: it fails again and waits again, tried once since the retry
    // (a retry that kept the old count would show two).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let job = loop {
        app.app
            .drain_jobs("test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let job = job_of(app, bad).await;
        if job.status == JobStatus::Failed || std::time::Instant::now() > deadline {
            break job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(job.status, JobStatus::Failed, "{job:?}");
    assert_eq!(job.attempts, 1, "{job:?}");
}

async fn a_catalog_change_through_one_node_reaches_another_nodes_search(app: &TestApp) {
    let node = app.second_node().await;
    let found = |url: String| async move {
        let body: serde_json::Value = reqwest::get(url)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        body["items"].as_array().map_or(0, Vec::len)
    };
    // Built at start: nothing yet.
    assert_eq!(found(node.url("/api/v1/search?q=rust")).await, 0);
    // Published through the first node; the second follows the feed (a notification on
    // PostgreSQL, its one-second pass on SQLite).
    let (product, _, creator) = app.published_course().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while found(node.url("/api/v1/search?q=rust")).await == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the other node never indexed the new product"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // And an unpublished product leaves its index as quickly.
    let unpublished = app
        .post(
            &format!("/api/v1/products/{product}/unpublish"),
            Some(&creator),
            serde_json::json!({}),
        )
        .await;
    assert!(unpublished.status().is_success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while found(node.url("/api/v1/search?q=rust")).await != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the other node still finds an unpublished product"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    node.stop().await;
}

/// A job as operators see it, wherever it stands.
async fn job_of(app: &TestApp, id: i64) -> JobRecord {
    app.app
        .list_jobs(None, 500)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|j| j.id == id)
        .unwrap_or_else(|| panic!("job {id} gone"))
}

async fn pruning_forgets_expired_links_and_sign_in_challenges(app: &TestApp) {
    const DAY: i64 = 24 * 60 * 60 * 1000;
    let (admin, _) = app.with_role(Role::Admin).await;
    let (someone, _) = app.with_role(Role::Learner).await;
    let r = app
        .post(
            "/api/v1/password-resets",
            None,
            serde_json::json!({"email": someone.account.email.as_str()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let tokens = "SELECT COUNT(*) FROM account_tokens WHERE account_id = $1";
    let id = someone.account.id.to_string();
    assert_eq!(count(app, tokens, &id).await, 1);
    let prune = |days: i64| {
        let admin = admin.clone();
        async move {
            app.app
                .advance_clock(&admin, days * DAY)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            app.app
                .offer_periodic_jobs(&mut PeriodsOffered::default())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            app.app
                .drain_jobs("test-prune")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    };
    // Expired a day ago: still there, so its link says "expired".
    prune(2).await;
    assert_eq!(count(app, tokens, &id).await, 1);
    // A week and more later, it is gone.
    prune(8).await;
    assert_eq!(count(app, tokens, &id).await, 0);
}
