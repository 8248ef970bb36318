//! Search latency over generated products: `cargo run --release -p kenning-search
//! --example latency [products] [queries]`. Prints index build time and p50/p99/max
//! query latency for English and Chinese queries (see bench/README.md).

use std::time::Instant;

use kenning_search::{SearchDoc, SearchIndex, SearchQuery, Sort};

const EN: &[&str] = &[
    "rust",
    "database",
    "async",
    "design",
    "history",
    "tea",
    "speaking",
    "leadership",
    "market",
    "pricing",
    "writing",
    "finance",
    "cooking",
    "photography",
    "music",
    "travel",
    "systems",
    "networks",
    "statistics",
    "learning",
    "garden",
    "chess",
    "poetry",
    "law",
];
const ZH: &[&str] = &[
    "数据库",
    "异步",
    "设计",
    "历史",
    "茶",
    "演讲",
    "管理",
    "市场",
    "定价",
    "写作",
    "金融",
    "烹饪",
    "摄影",
    "音乐",
    "旅行",
    "系统",
    "网络",
    "统计",
    "学习",
    "园艺",
    "象棋",
    "诗歌",
    "法律",
    "编程",
];

/// A small deterministic generator so every run indexes the same products.
struct Lcg(u64);

impl Lcg {
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let i = usize::try_from(self.0 >> 33).unwrap_or(0) % words.len();
        words.get(i).copied().unwrap_or_default()
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted.get(rank).copied().unwrap_or(0.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let products: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let queries: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let mut rng = Lcg(42);
    let docs: Vec<SearchDoc> = (0..products)
        .map(|i| {
            let en: Vec<&str> = (0..40).map(|_| rng.pick(EN)).collect();
            let zh: String = (0..40).map(|_| rng.pick(ZH)).collect::<Vec<_>>().join("，");
            SearchDoc {
                id: format!("p{i}"),
                kind: ["course", "ebook", "audio_series", "report"][i % 4].into(),
                languages: vec!["en".into(), "zh-CN".into()],
                title_en: format!("{} {} {}", rng.pick(EN), rng.pick(EN), i),
                title_zh: format!("{}{}", rng.pick(ZH), rng.pick(ZH)),
                text_en: en.join(" "),
                text_zh: zh,
                prices: vec![("CNY".into(), i64::try_from(i % 500).unwrap_or(0) * 100)],
                published_at_ms: i64::try_from(i).unwrap_or(0),
                group: String::new(),
                rating_centi: i64::try_from(i % 401).unwrap_or(0) + 100,
            }
        })
        .collect();
    let index = SearchIndex::in_memory(&["CNY", "USD"]).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    index.rebuild(&docs).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "indexed {products} products in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    for (name, words, lang) in [("English", EN, "en"), ("Chinese", ZH, "zh-CN")] {
        let mut times = Vec::with_capacity(queries);
        let mut results = 0usize;
        for i in 0..queries {
            let text = if i % 2 == 0 {
                rng.pick(words).to_owned()
            } else {
                format!("{} {}", rng.pick(words), rng.pick(words))
            };
            let q = SearchQuery {
                text,
                limit: 20,
                highlight_language: lang.into(),
                sort: if i % 5 == 0 {
                    Sort::Newest
                } else {
                    Sort::Relevance
                },
                currency: Some("CNY".into()),
                ..SearchQuery::default()
            };
            let t = Instant::now();
            results += index.search(&q).map(|h| h.len()).unwrap_or(0);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{name}: {queries} queries, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} results)",
            percentile(&times, 0.50),
            percentile(&times, 0.99),
            times.last().copied().unwrap_or(0.0),
            results
        );
    }
}
