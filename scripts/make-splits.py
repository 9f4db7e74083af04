#!/usr/bin/env python3
"""Writes corpora/{train,dev,test}.csv from the labeled parts in corpora/labeled/.

The test split is every row of parts f and q: two writers (and briefs) the model never sees in
training, which is closer to how the hidden evaluation set was made than a random split would be.
The other parts are split by a hash of the row id: 15% dev (threshold tuning, model choices),
85% train. Deterministic: rerun after adding a part.
Usage: scripts/make-splits.py
"""
import csv
import glob
import hashlib
import os
import re

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpora")
TEST_PARTS = {"f", "q"}
splits = {"train": [], "dev": [], "test": []}
for path in sorted(glob.glob(os.path.join(root, "labeled", "part_*.csv"))):
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            part = re.match(r"[a-z]+", row["id"]).group()
            if part in TEST_PARTS:
                split = "test"
            elif int(hashlib.sha1(row["id"].encode()).hexdigest(), 16) % 100 < 15:
                split = "dev"
            else:
                split = "train"
            splits[split].append(row)
for name, rows in splits.items():
    with open(os.path.join(root, f"{name}.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "text", "labels"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    no_cause = sum(1 for r in rows if not r["labels"])
    print(f"{name}: {len(rows)} rows, {no_cause} with no cause")
