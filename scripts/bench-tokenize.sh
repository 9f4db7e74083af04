#!/usr/bin/env bash
# koe tokenize vs MeCab (-Owakati) on the same 5 MB of ../shared/eval-data/asdc/utterances_unique.txt,
# timed by hyperfine in one run. Rewrites the "tokenize" section of docs/benchmarks.md.
# Needs: mecab + mecab-ipadic-utf8, hyperfine (installed with apt-get when missing and root).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${KOE_EVAL_DATA:-../shared/eval-data}/asdc/utterances_unique.txt
[ -f "$data" ] || { echo "bench-tokenize: $data not found" >&2; exit 3; }
need=()
command -v mecab >/dev/null || need+=(mecab mecab-ipadic-utf8)
command -v hyperfine >/dev/null || need+=(hyperfine)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The first 5 MB, cut at a line end.
head -c 5000000 "$data" | sed '$d' > "$work/input.txt"
bytes=$(wc -c < "$work/input.txt"); lines=$(wc -l < "$work/input.txt")
koe=./target/release/koe
hyperfine --warmup 2 --runs 10 --export-json "$work/result.json" \
  -n "mecab -Owakati" "mecab -Owakati < $work/input.txt > /dev/null" \
  -n "koe tokenize --no-user-dict (2 threads)" "$koe tokenize --no-user-dict < $work/input.txt > /dev/null" \
  -n "koe tokenize --no-user-dict (1 thread)" "RAYON_NUM_THREADS=1 $koe tokenize --no-user-dict < $work/input.txt > /dev/null" \
  -n "koe tokenize (user dict, 2 threads)" "$koe tokenize < $work/input.txt > /dev/null" \
  -n "koe tokenize 高い (start-up)" "$koe tokenize 高い > /dev/null" >&2
python3 - "$work/result.json" "$bytes" "$lines" "$(nproc)" "$(mecab -v | head -1)" > "$work/section.md" <<'PY'
import json, sys, datetime
result = json.load(open(sys.argv[1]))["results"]
size, lines, cores, mecab = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
base = next(r for r in result if r["command"] == "mecab -Owakati")["median"]
print(f"Input: first {size/1e6:.1f} MB ({lines:,} lines) of asdc/utterances_unique.txt; {cores} cores; "
      f"{mecab}; hyperfine, 10 runs after 2 warm-ups; run {datetime.date.today()}.\n")
print("| command | median | mean ± σ | vs MeCab | MB/s |")
print("|---|---:|---:|---:|---:|")
for r in result:
    ratio = r["median"] / base
    mbps = size / 1e6 / r["median"] if "start-up" not in r["command"] else float("nan")
    print(f"| `{r['command']}` | {r['median']*1000:.1f} ms | {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms "
          f"| {ratio:.2f}x | {'' if mbps != mbps else f'{mbps:.1f}'} |")
PY
cat "$work/section.md"
python3 - docs/benchmarks.md "$work/section.md" <<'PY'
import sys, re
path, section = sys.argv[1], open(sys.argv[2]).read()
doc = open(path).read()
new = re.sub(r"(<!-- tokenize:begin -->\n).*?(<!-- tokenize:end -->)", lambda m: m.group(1) + section + m.group(2), doc, flags=re.S)
open(path, "w").write(new)
PY
