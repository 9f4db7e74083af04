#!/usr/bin/env bash
# Agreement of `koe tokenize --no-user-dict` with MeCab + IPADIC on the 10,411-line oracle in
# ../shared/eval-data/mecab-ipadic-oracle (third-party text; read from there, never copied).
# Prints the share of identical lines and fails below the threshold (default 99.2%).
# Usage: scripts/check-mecab-agreement.sh [MIN_PERCENT]
set -euo pipefail
cd "$(dirname "$0")/.."
min=${1:-99.2}
oracle=${KOE_EVAL_DATA:-../shared/eval-data}/mecab-ipadic-oracle
if [ ! -f "$oracle/input.txt" ]; then
  echo "check-mecab-agreement: $oracle not found (set KOE_EVAL_DATA)" >&2
  exit 3
fi
cargo build --release --quiet
out=$(mktemp)
trap 'rm -f "$out"' EXIT
./target/release/koe tokenize --no-user-dict --format wakati < "$oracle/input.txt" > "$out"
python3 - "$out" "$oracle/output.wakati.txt" "$min" <<'PY'
import sys
ours, theirs, minimum = sys.argv[1], sys.argv[2], float(sys.argv[3])
a = open(ours, encoding="utf-8").read().split("\n")
b = open(theirs, encoding="utf-8").read().split("\n")
n = len(b) - 1 if b[-1] == "" else len(b)
diff = [i for i in range(n) if i >= len(a) or a[i].split() != b[i].split()]
same = n - len(diff)
pct = 100.0 * same / n
print(f"koe vs MeCab+IPADIC: {same}/{n} lines identical = {pct:.2f}% (minimum {minimum}%)")
for i in diff[:20]:
    print(f"  line {i + 1}: koe  : {a[i] if i < len(a) else '<missing>'}")
    print(f"  line {i + 1}: mecab: {b[i].rstrip()}")
sys.exit(0 if pct >= minimum else 1)
PY
