//! `kenning recs eval`: reads the files and prints what kenning-recs measured.

use std::path::Path;

use anyhow::Context as _;
use kenning_recs::Interactions;
use kenning_recs::eval::{EvalRow, evaluate, tuned_models};

fn load(path: &Path) -> anyhow::Result<Interactions> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Interactions::parse_tsv(&text).with_context(|| format!("parsing {}", path.display()))
}

pub fn eval(train: &Path, test: &Path, json: bool) -> anyhow::Result<()> {
    let train = load(train)?;
    let test = load(test)?;
    let mut rows: Vec<EvalRow> = Vec::new();
    for (mut model, validation) in tuned_models(&train) {
        let row = evaluate(model.as_mut(), &train, &test);
        tracing::info!(model = %row.model, validation_ndcg = validation, "evaluated");
        rows.push(row);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!(
        "{} users, {} items, {} training interactions; 10 unseen items per test user",
        train.n_users(),
        train.n_items(),
        train.n_interactions()
    );
    println!(
        "{:<40} {:>7} {:>7} {:>8} {:>7} {:>8} {:>8} {:>10}",
        "model", "P@10", "R@10", "nDCG@10", "MAP@10", "coverage", "train s", "recommend s"
    );
    for r in &rows {
        println!(
            "{:<40} {:>7.4} {:>7.4} {:>8.4} {:>7.4} {:>8.4} {:>8.3} {:>10.3}",
            r.model,
            r.precision_at_10,
            r.recall_at_10,
            r.ndcg_at_10,
            r.map_at_10,
            r.coverage,
            r.train_seconds,
            r.recommend_seconds
        );
    }
    Ok(())
}
