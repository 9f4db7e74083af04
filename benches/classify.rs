//! Classification throughput over the labeled development split (written for koe).
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use koe::classify::Classifier;

const DEV: &str = include_str!("../corpora/dev.csv");

fn classify(c: &mut Criterion) {
    let texts: Vec<String> = csv::Reader::from_reader(DEV.as_bytes())
        .records()
        .map(|r| r.unwrap()[1].to_owned())
        .collect();
    let classifier = Classifier::builtin().unwrap();
    let mut worker = classifier.tokenizer().worker();
    let expected: usize = texts
        .iter()
        .map(|t| classifier.classify(&mut worker, t).len())
        .sum();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("dev_split_one_thread", |b| {
        b.iter(|| {
            let tags: usize = texts
                .iter()
                .map(|t| classifier.classify(&mut worker, t).len())
                .sum();
            assert_eq!(tags, expected);
        })
    });
    group.finish();
    c.bench_function("classifier_builtin_load", |b| {
        b.iter(|| Classifier::builtin().unwrap())
    });
}

criterion_group!(benches, classify);
criterion_main!(benches);
