//! Fuzz target: arbitrary bytes through koe's ingest reader — encoding detection and streaming
//! decoding, delimiter and header detection, CSV parsing, role detection and row building (and
//! the JSON, JSON Lines and workbook readers). The first byte picks the way of reading (file
//! name, forced encoding), the rest is the file. No input may panic.
//!
//! The same reading runs over the seed corpus (`fuzz/seeds/ingest_csv`, every way) in
//! `cargo test` (`fuzz_seed_corpus_never_panics`), so the target is exercised without nightly
//! too.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    koe::ingest::fuzz_selected(data);
});
