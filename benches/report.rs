//! The monthly report over an index: computing it (fast-field scan, word postings, the
//! month's quotes) and rendering it.
//!
//! `KOE_BENCH_INDEX=DIR cargo bench --bench report` measures an index built beforehand (e.g.
//! the 1M-row index of `scripts/bench-index.sh`, `target/bench-index/idx-large`); without it,
//! the demo export (`corpora/demo/`, 2,989 rows) is indexed here first. The report's total is
//! checked inside every iteration.

use criterion::{Criterion, criterion_group, criterion_main};
use koe::classify::Classifier;
use koe::index::{FeedbackIndex, IndexOptions, Indexer};
use koe::ingest::{FeedbackReader, ReadOptions};
use koe::report::{ReportRequest, build};

const DEMO: &[u8] = include_bytes!("../corpora/demo/koe-box-feedback.csv");

fn demo_index(dir: &std::path::Path) {
    let classifier = Classifier::builtin().expect("the built-in classifier loads");
    let mut indexer =
        Indexer::open(dir, &classifier, &IndexOptions::default()).expect("the index opens");
    let reader = FeedbackReader::from_reader("demo.csv", DEMO, &ReadOptions::default())
        .expect("the demo export reads");
    for row in reader {
        if let Some(feedback) = row.feedback {
            indexer.add(feedback).expect("the row is indexed");
        }
    }
    indexer.finish().expect("the index commits");
}

fn report(c: &mut Criterion) {
    let built;
    let dir = match std::env::var_os("KOE_BENCH_INDEX") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => {
            built = tempfile::tempdir().expect("a temporary directory");
            demo_index(built.path());
            built.path().to_path_buf()
        }
    };
    let index = FeedbackIndex::open(&dir).expect("the index opens");
    let request = ReportRequest::default();
    // Warm up: the analyzer's dictionaries load on first use.
    let expected = build(&index, &request).expect("the report builds");
    println!(
        "index: {} ({} rows); report month {} has {} rows",
        dir.display(),
        index.len(),
        expected.month,
        expected.total
    );
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("build", |b| {
        b.iter(|| {
            let report = build(&index, &request).expect("the report builds");
            assert_eq!(report.total, expected.total);
            assert_eq!(report.causes, expected.causes);
        })
    });
    group.bench_function("build+html", |b| {
        b.iter(|| {
            let report = build(&index, &request).expect("the report builds");
            let page = koe::report::html::render(&report);
            assert!(page.len() > 10_000);
        })
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
