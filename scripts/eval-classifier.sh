#!/usr/bin/env bash
# Classifier figures for docs/classifier.md, from the repository alone:
#  1. the committed model is what `koe train` makes from the committed corpus (reproducible);
#  2. koe's scores on the dev split (tuned on) and the test split (never tuned on);
#  3. the day-one keyword baseline on the same splits.
# Fails if the model is not reproducible or the test scores fall below a regression floor.
# Usage: scripts/eval-classifier.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
koe=./target/release/koe
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$koe train corpora/train.csv --dev corpora/dev.csv --out "$work/model.json" 2>/dev/null
if ! cmp -s "$work/model.json" dictionaries/causes-model.json; then
  echo "eval-classifier: dictionaries/causes-model.json is not what 'koe train corpora/train.csv --dev corpora/dev.csv' makes; retrain and rebuild" >&2
  exit 1
fi
echo "model: reproducible from corpora/train.csv + corpora/dev.csv"

for split in dev test; do
  $koe eval "corpora/$split.csv" --format json --worst 0 2>/dev/null > "$work/$split.json"
done
python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
# The "day-one" baseline: any keyword present (substring) tags the cause.
KEYWORDS = {
    "service_quality": ["サポート", "対応", "電話", "窓口", "返信", "問い合わせ", "スタッフ", "担当"],
    "onboarding": ["設定", "使い方", "初期", "マニュアル", "登録", "わかりにくい", "分かりにくい", "導入"],
    "pushy_selling": ["営業", "勧誘", "しつこい", "メルマガ", "押し売り", "セールス", "オプション"],
    "price": ["高い", "料金", "値上げ", "価格", "値段", "円", "費用", "請求"],
}
def baseline(path):
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    stats = {c: [0, 0, 0] for c in KEYWORDS}
    none = alarms = 0
    for r in rows:
        gold = set(filter(None, r["labels"].split(";")))
        pred = {c for c, words in KEYWORDS.items() if any(w in r["text"] for w in words)}
        for c in KEYWORDS:
            stats[c][0] += c in gold and c in pred
            stats[c][1] += c not in gold and c in pred
            stats[c][2] += c in gold and c not in pred
        if not gold:
            none += 1
            alarms += bool(pred)
    f1 = {c: (2 * tp / (2 * tp + fp + fn) if tp else 0.0) for c, (tp, fp, fn) in stats.items()}
    return f1, sum(f1.values()) / len(f1), alarms / none
print()
print("| split | system | " + " | ".join(KEYWORDS) + " | macro-F1 | no-cause tagged |")
print("|---|---|" + "---:|" * (len(KEYWORDS) + 2))
result = {}
for split in ["dev", "test"]:
    koe = json.load(open(f"{work}/{split}.json"))
    f1 = {c["id"]: c["f1"] for c in koe["causes"]}
    print(f"| {split} ({koe['rows']}) | koe | " + " | ".join(f"{f1[c]:.3f}" for c in KEYWORDS)
          + f" | **{koe['macro_f1']:.3f}** | {koe['no_cause_false_alarm_rate']*100:.1f}% |")
    bf1, bmacro, brate = baseline(f"corpora/{split}.csv")
    print(f"| {split} | keyword baseline | " + " | ".join(f"{bf1[c]:.3f}" for c in KEYWORDS)
          + f" | {bmacro:.3f} | {brate*100:.1f}% |")
    result[split] = koe
test = result["test"]
# Regression floor (the targets are 0.90 / 5%; see docs/classifier.md for where koe stands).
ok = test["macro_f1"] >= 0.86 and test["no_cause_false_alarm_rate"] <= 0.06
print()
print(f"test split: macro-F1 {test['macro_f1']:.3f}, no-cause tagged {test['no_cause_false_alarm_rate']*100:.1f}% "
      f"({'above' if ok else 'BELOW'} the regression floor 0.86 / 6%)")
sys.exit(0 if ok else 1)
PY
