#!/usr/bin/env bash
# A short fuzzing session of koe's ingest reader (CSV / encoding path): cargo-fuzz, nightly.
#
#   scripts/fuzz-ingest.sh [SECONDS]      # default 60 (or $FUZZ_SECONDS)
#
# Needs a nightly toolchain (libFuzzer and sanitizers are nightly-only). Without one it says so
# and exits 0: the seed corpus still runs on stable in `cargo test` (fuzz_seed_corpus_never_panics).
# cargo-fuzz is installed from crates.io when missing. The run starts from a copy of
# fuzz/seeds/ingest_csv, so the repository is not touched; crashes land in fuzz/artifacts/ingest_csv/
# (replay one with: cargo +nightly fuzz run ingest_csv fuzz/artifacts/ingest_csv/crash-...).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-${FUZZ_SECONDS:-60}}"

if ! command -v rustup >/dev/null 2>&1 || ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz-ingest: no nightly toolchain (see 'rustup toolchain list'); skipping the fuzzing run." >&2
    echo "fuzz-ingest: the seed corpus is still checked by 'cargo test' (fuzz_seed_corpus_never_panics)." >&2
    exit 0
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz-ingest: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
cp fuzz/seeds/ingest_csv/* "$corpus"/

echo "fuzz-ingest: fuzzing ingest_csv for ${seconds}s" >&2
cargo +nightly fuzz run ingest_csv "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -timeout=30
