#!/usr/bin/env bash
# Benchmarks `koe index` and `koe search` beside SQLite FTS5 (trigram) on the same synthetic
# rows, in one run, and writes the tables into the "index" section of docs/benchmarks.md.
#
#   scripts/bench-index.sh            # 100k and 1M rows (about 5 minutes on 2 cores)
#   ROWS_LARGE=200000 scripts/bench-index.sh   # a quicker run
#
# Needs: cargo, python3 (its sqlite3 module has FTS5), hyperfine, GNU time (/usr/bin/time;
# `apt-get install time hyperfine` on Debian). Work files go to target/bench-index/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROWS_SMALL=${ROWS_SMALL:-100000}
ROWS_LARGE=${ROWS_LARGE:-1000000}
WORK=${WORK:-target/bench-index}
OUT=${OUT:-docs/benchmarks.md}
KOE=target/release/koe

for tool in hyperfine python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-index: $tool is missing (apt-get install time hyperfine)" >&2; exit 3; }
done

cargo build --release --quiet
cargo bench --bench index --no-run --quiet 2>/dev/null
mkdir -p "$WORK"

small_csv=$WORK/rows-$ROWS_SMALL.csv
large_csv=$WORK/rows-$ROWS_LARGE.csv
[ -s "$small_csv" ] || python3 scripts/gen-synthetic.py "$ROWS_SMALL" > "$small_csv"
[ -s "$large_csv" ] || python3 scripts/gen-synthetic.py "$ROWS_LARGE" > "$large_csv"
chars=$(python3 -c "
import csv, sys
rows = list(csv.reader(open('$small_csv', encoding='utf-8')))[1:]
print(round(sum(len(r[4]) for r in rows) / len(rows), 1))")

# `koe index` into a fresh index: wall and CPU seconds, peak RSS (GNU time).
index_run() { # CSV INDEX_DIR -> "seconds user sys max_rss_kb"
    rm -rf "$2"
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$KOE" index "$1" --index "$2" 2>"$WORK/index.log" >/dev/null
    cat "$WORK/time.txt"
}

load() { cut -d' ' -f1 /proc/loadavg; }

echo "bench-index: indexing $ROWS_SMALL rows" >&2
load_small=$(load)
read -r small_s small_user small_sys small_rss < <(index_run "$small_csv" "$WORK/idx-small")
echo "bench-index: indexing $ROWS_LARGE rows" >&2
load_large=$(load)
read -r large_s large_user large_sys large_rss < <(index_run "$large_csv" "$WORK/idx-large")

echo "bench-index: re-indexing $ROWS_SMALL unchanged rows" >&2
/usr/bin/time -f "%e" -o "$WORK/time.txt" "$KOE" index "$small_csv" --index "$WORK/idx-small" 2>/dev/null
again_s=$(cat "$WORK/time.txt")

echo "bench-index: SQLite FTS5" >&2
fts_small=$(python3 scripts/bench-fts5.py "$small_csv" "$WORK/fts-small.db")
fts_large=$(python3 scripts/bench-fts5.py "$large_csv" "$WORK/fts-large.db" --runs 20)

echo "bench-index: koe search end to end (hyperfine)" >&2
idx=$WORK/idx-small
hyperfine -N --warmup 5 --runs 100 --export-json "$WORK/hyperfine.json" \
    -n '解約' "$KOE search 解約 --index $idx --color never" \
    -n 'サポート --format json' "$KOE search サポート --index $idx --format json" \
    -n '解約 --cause price --month 2024-03' "$KOE search 解約 --cause price --month 2024-03 --index $idx --color never" \
    -n '"対応が遅い" OR たらい回し' "$KOE search \"対応が遅い\" OR たらい回し --index $idx --color never" \
    -n '(everything) --sort date' "$KOE search --sort date --index $idx --color never" \
    -n 'sqlite3 CLI: count + 20 rows of MATCH "サポート" (FTS5)' \
    "sqlite3 $WORK/fts-small.db \"SELECT count(*) FROM feedback WHERE feedback MATCH '\\\"サポート\\\"'; SELECT id, comment FROM feedback WHERE feedback MATCH '\\\"サポート\\\"' LIMIT 20\"" \
    >/dev/null

echo "bench-index: in-process queries on $ROWS_LARGE rows" >&2
KOE_BENCH_INDEX=$WORK/idx-large cargo bench --bench index --quiet 2>/dev/null > "$WORK/queries.txt"

size() { du -sb "$1" | cut -f1; }
export ROWS_SMALL ROWS_LARGE chars small_s small_user small_sys small_rss large_s large_user large_sys large_rss \
    again_s fts_small fts_large load_small load_large WORK
export raw_small=$(size "$small_csv") raw_large=$(size "$large_csv")
export idx_small=$(size "$WORK/idx-small") idx_large=$(size "$WORK/idx-large")
export cpu="$(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores)"
export koe_version="$($KOE --version)" sqlite_version="$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')"

python3 - "$OUT" <<'PY'
import json, os, re, sys, datetime
e = os.environ
def f(x): return float(x)
small_rows, large_rows = int(e["ROWS_SMALL"]), int(e["ROWS_LARGE"])
fs, fl = json.loads(e["fts_small"]), json.loads(e["fts_large"])
hf = json.load(open(f"{e['WORK']}/hyperfine.json"))["results"]
queries = open(f"{e['WORK']}/queries.txt", encoding="utf-8").read()
def mb(b): return f"{int(b) / 1e6:.1f} MB"
def rate(rows, s): return f"{rows / f(s):,.0f}"
lines = []
w = lines.append
w("## Index and search (`koe index`, `koe search`)")
w("")
w(f"Measured by `scripts/bench-index.sh` on {datetime.date.today()}: {e['cpu']}, {e['koe_version']}, "
  f"SQLite {e['sqlite_version']}. Synthetic feedback from `scripts/gen-synthetic.py` "
  f"(deterministic; {e['chars']} characters of comment per row on average), the same rows for koe and FTS5 in one run. "
  f"Load average before indexing: {e['load_small']} ({small_rows:,} rows), {e['load_large']} ({large_rows:,} rows): "
  "other work on the machine slows wall-clock times; CPU seconds are given beside them.")
w("")
w("### Indexing")
w("")
w("| | rows | wall s | rows/s | CPU s (user+sys) | rows per CPU s | peak RSS | input | index |")
w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, rows, s, u, sy, rss, raw, idx in [
    ("koe index (normalize, tokenize, decompound, classify, tantivy)", small_rows, e["small_s"], e["small_user"], e["small_sys"], e["small_rss"], e["raw_small"], e["idx_small"]),
    ("koe index", large_rows, e["large_s"], e["large_user"], e["large_sys"], e["large_rss"], e["raw_large"], e["idx_large"]),
]:
    cpu = f(u) + f(sy)
    w(f"| {name} | {rows:,} | {f(s):.2f} | {rate(rows, s)} | {cpu:.2f} | {rows / cpu:,.0f} | {int(rss) / 1024:.0f} MB | {mb(raw)} | {mb(idx)} |")
for fts, raw in [(fs, e["raw_small"]), (fl, e["raw_large"])]:
    w(f"| SQLite FTS5 trigram (python3 sqlite3, no analysis) | {fts['rows']:,} | {fts['seconds']:.2f} | {fts['rows_per_second']:,.0f} | | | | {mb(raw)} | {mb(fts['db_bytes'])} |")
w(f"| koe index again, {small_rows:,} unchanged rows (skipped by content hash) | {small_rows:,} | {f(e['again_s']):.2f} | {rate(small_rows, e['again_s'])} | | | | | |")
w("")
w(f"### `koe search` end to end ({small_rows:,} rows; hyperfine, process start to output)")
w("")
w("| command | median ms | mean ± σ ms | max ms |")
w("|---|---:|---:|---:|")
for r in hf:
    w(f"| `{r['command']}` | {r['median'] * 1000:.1f} | {r['mean'] * 1000:.1f} ± {r['stddev'] * 1000:.1f} | {r['max'] * 1000:.1f} |")
w("")
w(f"### Queries in process ({large_rows:,} rows)")
w("")
w("koe: `koe::search::search` (parse, analyse, search, count, facet counts, 20 hits with snippets), `benches/index.rs`. "
  "FTS5: count plus the first 20 rows, `scripts/bench-fts5.py`.")
w("")
w("```")
w(queries.strip())
w("```")
w("")
w("| FTS5 query | hits | p50 ms | p99 ms |")
w("|---|---:|---:|---:|")
for q in fl["queries"]:
    w(f"| {q['name']} | {q['hits']:,} | {q['p50_ms']:.2f} | {q['p99_ms']:.2f} |")
w("")
w("Reproduce: `scripts/bench-index.sh` (ROWS_SMALL, ROWS_LARGE, WORK and OUT override the defaults).")
section = "\n".join(lines) + "\n"
path = sys.argv[1]
doc = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
if "<!-- index:begin -->" in doc:
    doc = re.sub(r"(<!-- index:begin -->\n).*?(<!-- index:end -->)", lambda m: m.group(1) + section + m.group(2), doc, flags=re.S)
else:
    doc = section
open(path, "w", encoding="utf-8").write(doc)
PY
echo "bench-index: wrote $OUT" >&2
