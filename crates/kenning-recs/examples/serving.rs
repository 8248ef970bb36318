//! Serving latency of the hybrid the platform serves: `cargo run --release -p kenning-recs
//! --example serving -- FILE` with a `user<TAB>item…` file (e.g. MovieLens-100k's u.data,
//! 100,000 interactions). Trains the served recipe on all of it, then times, for every
//! user, what a "For you" request costs the engine: the top 10 (with diversification)
//! and the "because" product of each. Prints training time and p50/p99/max per request.

use std::time::{Duration, Instant};

use kenning_recs::{Interactions, Recommender};

/// The `percent`th percentile (nearest rank) of sorted durations.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let last = sorted.len().saturating_sub(1);
    sorted
        .get((last * percent + 50) / 100)
        .copied()
        .unwrap_or_default()
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/ml-100k/u.data".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let data = Interactions::parse_tsv(&text).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{} users, {} items, {} interactions",
        data.n_users(),
        data.n_items(),
        data.n_interactions()
    );
    let mut model = kenning_recs::serving::hybrid(data.n_items(), None);
    let started = Instant::now();
    model.fit(&data);
    println!("trained in {:.2} s", started.elapsed().as_secs_f64());

    let mut times = Vec::with_capacity(data.n_users());
    let mut served = 0;
    for user in 0..data.n_users() {
        let t = Instant::now();
        let top = model.recommend(&data, user, 10);
        let reasons: Vec<Option<usize>> = top
            .iter()
            .map(|s| model.because(&data, user, s.item))
            .collect();
        times.push(t.elapsed());
        served += top.len() + reasons.len();
    }
    times.sort();
    println!(
        "per user (top 10 + reasons, {} users, {served} values): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        percentile(&times, 50).as_secs_f64() * 1e3,
        percentile(&times, 99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}
