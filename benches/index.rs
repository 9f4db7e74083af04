//! In-process query latency over a koe index: p50/p95/p99 of `koe::search::search` (query
//! parsing, analysis, search, facet counts, 20 hits with snippets) for queries analysts type.
//!
//! `KOE_BENCH_INDEX=DIR cargo bench --bench index` measures an index built beforehand (by
//! `scripts/bench-index.sh`, 1M rows); without it, an index of 20,000 rows written here is
//! used. Run by `cargo test` (no `--bench` argument), it only checks that every query runs.
//! Each query's hit count is checked on every run, as tantivy's benchmarks do.

use std::time::{Duration, Instant};

use koe::classify::Classifier;
use koe::feedback::{Feedback, SourceRef, TextField};
use koe::index::{FeedbackIndex, IndexOptions, Indexer};
use koe::search::{SearchRequest, SortOrder, search};

/// The queries, with the filters analysts combine them with.
fn requests() -> Vec<(&'static str, SearchRequest)> {
    let mut requests = Vec::new();
    for (name, query) in [
        ("word 解約", "解約"),
        ("compound part サポート", "サポート"),
        ("half-width ｻﾎﾟｰﾄ", "ｻﾎﾟｰﾄ"),
        ("two words", "料金 高すぎる"),
        ("phrase", "\"対応が遅い\""),
        ("or + not", "(解約 OR 退会) -電話"),
        ("rare word", "たらい回し"),
    ] {
        requests.push((name, SearchRequest::new(query)));
    }
    let mut filtered = SearchRequest::new("解約");
    filtered.month = Some(jiff::civil::date(2024, 3, 1));
    filtered.channels = vec!["電話".into()];
    requests.push(("word + month + channel", filtered));
    let mut by_date = SearchRequest::new("料金");
    by_date.sort = SortOrder::Newest;
    by_date.from = Some(jiff::civil::date(2024, 1, 1));
    by_date.to = Some(jiff::civil::date(2024, 6, 30));
    requests.push(("word + range, by date", by_date));
    requests
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let built;
    let dir = match std::env::var_os("KOE_BENCH_INDEX") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => {
            built = tempfile::tempdir().expect("a temporary directory");
            build_index(built.path(), if full { 20_000 } else { 2_000 });
            built.path().to_path_buf()
        }
    };
    let index = FeedbackIndex::open(&dir).expect("the index opens");
    let rows = index.len();
    let iterations = if full { 300 } else { 2 };
    println!(
        "index: {} ({rows} rows), {iterations} runs per query",
        dir.display()
    );
    let mut all = Vec::new();
    for (name, request) in requests() {
        // Warm up: the analyzer (dictionary loading) and the OS page cache.
        let expected = search(&index, &request).expect("the query runs").total;
        let mut times = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            let start = Instant::now();
            let results = search(&index, &request).expect("the query runs");
            times.push(start.elapsed());
            assert_eq!(results.total, expected, "{name}: the hit count changed");
        }
        all.extend_from_slice(&times);
        let (p50, p95, p99) = percentiles(&mut times);
        println!(
            "query {name:<26} hits {expected:>8}  p50 {:>7.3} ms  p95 {:>7.3} ms  p99 {:>7.3} ms",
            ms(p50),
            ms(p95),
            ms(p99)
        );
    }
    let (p50, p95, p99) = percentiles(&mut all);
    println!(
        "all-queries p50 {:.3} ms p95 {:.3} ms p99 {:.3} ms ({} runs)",
        ms(p50),
        ms(p95),
        ms(p99),
        all.len()
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    (at(0.50), at(0.95), at(0.99))
}

/// Writes an index of `rows` rows of feedback-like text composed here.
fn build_index(dir: &std::path::Path, rows: usize) {
    const SUBJECTS: &[&str] = &[
        "料金",
        "解約金",
        "カスタマーサポート",
        "ｻﾎﾟｰﾄ",
        "アプリ",
        "担当者",
        "営業電話",
    ];
    const PROBLEMS: &[&str] = &[
        "が高すぎる",
        "の対応が遅い",
        "がたらい回しにされた",
        "が分かりにくい",
    ];
    const OUTCOMES: &[&str] = &["ので解約しました。", "ので退会します。", "のが残念です。"];
    const CHANNELS: &[&str] = &["電話", "アプリレビュー", "アンケート"];
    let classifier = Classifier::builtin().expect("the built-in classifier loads");
    let mut indexer =
        Indexer::open(dir, &classifier, &IndexOptions::default()).expect("the index opens");
    let mut state = 42u64;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % n
    };
    for n in 0..rows {
        let text = format!(
            "{}{}{}",
            SUBJECTS[next(SUBJECTS.len())],
            PROBLEMS[next(PROBLEMS.len())],
            OUTCOMES[next(OUTCOMES.len())]
        );
        let date = jiff::civil::date(
            2023 + next(2) as i16,
            1 + next(12) as i8,
            1 + next(28) as i8,
        )
        .at(12, 0, 0, 0);
        indexer
            .add(Feedback {
                id: format!("b{n}"),
                source: SourceRef {
                    file: "bench".into(),
                    line: n as u64 + 2,
                },
                date: Some(date),
                channel: Some(CHANNELS[next(CHANNELS.len())].into()),
                rating: Some(1.0 + next(5) as f64),
                texts: vec![TextField {
                    column: "comment".into(),
                    text,
                }],
                metadata: Default::default(),
            })
            .expect("the row is added");
    }
    indexer.finish().expect("the index is committed");
}
