//! Tokenization throughput over feedback-like text written for this benchmark.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use koe::text::{Tokenizer, UserDictionaries, normalize};

const SAMPLE: &str = include_str!("../tests/fixtures/tokenize/sample.txt");

fn tokenize(c: &mut Criterion) {
    let lines: Vec<&str> = SAMPLE.lines().collect();
    let mut group = c.benchmark_group("tokenize");
    group.throughput(Throughput::Bytes(SAMPLE.len() as u64));
    for (name, dictionaries) in [
        ("ipadic", UserDictionaries::none()),
        ("ipadic+user", UserDictionaries::default()),
    ] {
        let tokenizer = Tokenizer::new(&dictionaries).unwrap();
        let mut worker = tokenizer.worker();
        let expected: usize = lines.iter().map(|line| worker.tokenize(line).len()).sum();
        group.bench_function(name, |b| {
            b.iter(|| {
                let count: usize = lines.iter().map(|line| worker.tokenize(line).len()).sum();
                assert_eq!(count, expected);
            })
        });
    }
    let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
    let mut worker = tokenizer.worker();
    group.bench_function("normalize+ipadic+user", |b| {
        b.iter(|| {
            let count: usize = lines
                .iter()
                .map(|line| worker.tokenize(normalize(line).as_str()).len())
                .sum();
            assert!(count > 0);
        })
    });
    group.finish();
}

fn load(c: &mut Criterion) {
    c.bench_function("tokenizer_new_default", |b| {
        b.iter(|| Tokenizer::new(&UserDictionaries::default()).unwrap())
    });
}

criterion_group!(benches, tokenize, load);
criterion_main!(benches);
