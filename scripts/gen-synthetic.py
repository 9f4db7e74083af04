#!/usr/bin/env python3
"""Writes N rows of synthetic Japanese customer feedback as CSV, for benchmarks.

Each comment (about 40 characters) is composed from the phrase lists below, written for this
script; nothing comes from real feedback or evaluation data. The output is deterministic for a
given --seed, so benchmark runs index the same rows.

Columns: id, date (YYYY-MM-DD HH:MM, 2023-01 .. 2024-12), channel, rating (1-5), comment.

Usage: scripts/gen-synthetic.py ROWS [--seed N] [--start-id N] > rows.csv
"""

import argparse
import csv
import random
import sys

SUBJECTS = [
    "料金", "月額料金", "解約金", "請求額", "プラン", "サポート", "カスタマーサポート", "コールセンター",
    "担当者", "オペレーター", "アプリ", "ログイン画面", "初期設定", "マニュアル", "チャットボット",
    "営業電話", "メルマガ", "電話窓口", "問い合わせフォーム", "配送", "商品", "画面", "検索機能",
    "通知", "ポイント", "キャンペーン", "解約手続き", "契約内容", "支払い方法", "請求書",
]
PROBLEMS = [
    "が高すぎる", "が分かりにくい", "の対応が遅い", "に何度も電話したがつながらない", "が急に値上げされた",
    "の説明が不十分だった", "が使いにくい", "がすぐに落ちる", "の設定が難しい", "がしつこい",
    "が毎日届いて迷惑な", "の態度が悪かった", "がたらい回しにされた", "が期待外れだった", "に不満がある",
    "が改善されない", "の返信が来ない", "が複雑すぎる", "の反応が遅い", "が割高に感じる",
]
OUTCOMES = [
    "ので解約しました。", "ため他社に乗り換えます。", "のでもう使いません。", "のが残念です。",
    "ので改善してほしい。", "ので退会を検討中です。", "のでがっかりしました。", "のは困ります。",
    "けれど他は満足です。", "ので星一つです。", "。早急に対応をお願いします。", "。二度と契約しません。",
]
OPENERS = [
    "", "正直", "先月から", "毎回", "何度言っても", "以前から", "最近", "契約当初から",
    "家族も", "ずっと", "今回も",
]
PRAISES = [
    "スタッフの対応は丁寧でした。", "品質には満足しています。", "デザインは気に入っています。",
    "配送は早かったです。", "使い始めは便利でした。",
]
CHANNELS = ["アンケート", "アプリレビュー", "電話", "チャット", "メール", "店頭"]
# Half-width forms customers sometimes type; the index must treat them as the full-width word.
HALF_WIDTH = {"サポート": "ｻﾎﾟｰﾄ", "アプリ": "ｱﾌﾟﾘ", "プラン": "ﾌﾟﾗﾝ", "ポイント": "ﾎﾟｲﾝﾄ"}


def comment(rng):
    subject = rng.choice(SUBJECTS)
    if rng.random() < 0.05:
        for full, half in HALF_WIDTH.items():
            subject = subject.replace(full, half)
    text = rng.choice(OPENERS) + subject + rng.choice(PROBLEMS) + rng.choice(OUTCOMES)
    if len(text) < 40 or rng.random() < 0.1:
        text += rng.choice(PRAISES)
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-id", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "date", "channel", "rating", "comment"])
    for n in range(args.start_id, args.start_id + args.rows):
        year = rng.choice((2023, 2024))
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        date = f"{year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
        out.writerow([f"fb-{n:07d}", date, rng.choice(CHANNELS), rng.randint(1, 5), comment(rng)])


if __name__ == "__main__":
    main()
