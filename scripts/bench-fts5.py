#!/usr/bin/env python3
"""SQLite FTS5 (trigram tokenizer) on the same rows as `koe index`, for docs/benchmarks.md.

Loads a CSV written by scripts/gen-synthetic.py into an FTS5 table, then times queries
in-process. Prints one JSON object: rows, seconds, rows_per_second, db_bytes, and per query the
hit count and p50/p99 milliseconds.

The trigram tokenizer indexes 3-character windows, so a 2-character word such as 解約 or 電話
cannot use the index: it is matched with instr(), a scan of every row (LIKE '%解約%' finds
nothing at all on SQLite 3.40).

Usage: scripts/bench-fts5.py ROWS.csv DB [--runs N]
"""

import argparse
import csv
import json
import os
import sqlite3
import time

QUERIES = [
    # (name, SQL condition, parameter)
    # LIKE '%解約%' returns no row at all on SQLite 3.40's trigram tables; instr() scans.
    ("解約 (2 chars: full scan)", "instr(comment, ?) > 0", "解約"),
    ("サポート (MATCH)", "feedback MATCH ?", '"サポート"'),
    ("対応が遅い (MATCH)", "feedback MATCH ?", '"対応が遅い"'),
    ("たらい回し (MATCH)", "feedback MATCH ?", '"たらい回し"'),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    if os.path.exists(args.db):
        os.remove(args.db)
    start = time.perf_counter()
    db = sqlite3.connect(args.db)
    db.execute("CREATE VIRTUAL TABLE feedback USING fts5(id UNINDEXED, date UNINDEXED, channel UNINDEXED, comment, tokenize='trigram')")
    rows = 0
    with open(args.csv, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        batch = []
        for row in reader:
            batch.append((row[0], row[1], row[2], row[4]))
            if len(batch) == 10000:
                db.executemany("INSERT INTO feedback VALUES (?, ?, ?, ?)", batch)
                rows += len(batch)
                batch = []
        db.executemany("INSERT INTO feedback VALUES (?, ?, ?, ?)", batch)
        rows += len(batch)
    db.commit()
    seconds = time.perf_counter() - start
    db.close()
    result = {
        "rows": rows,
        "seconds": seconds,
        "rows_per_second": rows / seconds,
        "db_bytes": os.path.getsize(args.db),
        "queries": [],
    }
    db = sqlite3.connect(args.db)
    for name, condition, parameter in QUERIES:
        # Like `koe search`: the total, and the first 20 hits with their text.
        count_sql = f"SELECT count(*) FROM feedback WHERE {condition}"
        page_sql = f"SELECT id, date, channel, comment FROM feedback WHERE {condition} LIMIT 20"
        hits = db.execute(count_sql, (parameter,)).fetchone()[0]
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            assert db.execute(count_sql, (parameter,)).fetchone()[0] == hits
            db.execute(page_sql, (parameter,)).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        result["queries"].append({
            "name": name,
            "hits": hits,
            "p50_ms": times[len(times) // 2],
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        })
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
