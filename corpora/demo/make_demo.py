#!/usr/bin/env python3
"""Writes corpora/demo/koe-box-feedback.csv: the demo export `koe demo` ships.

A year (2025-12 .. 2026-11) of feedback for 「こえボックス」, a fictional monthly subscription
box of Japanese sweets and snacks with a companion app. About 3,000 rows from three channels, as
a CX team would export them from Excel: CP932, CRLF, header
回答ID,回答日時,チャネル,満足度,プラン,ご意見・ご感想.

Every sentence fragment below was written for koe; nothing is copied from real data. Rows are
composed from fragments per topic (the four churn causes and several topics that are no cause)
with month-dependent rates that tell the stories the report should show:

- 2026-03: a price increase is announced (effective 2026-04): price complaints jump in 03-04
  and settle at a higher level than before;
- 2026-07: a new onboarding flow (setup guide, tutorial) ships: onboarding complaints fall;
- 2026-09: an autumn sales campaign (calls to move to the annual plan): pushy selling rises in
  09-10;
- 2026-11: app version 3.0 breaks log-in for some users: a new problem that none of the four
  causes covers, which the report's rising words should surface.

A few rows carry e-mail addresses and phone numbers (masked in the report's quotes) and a few
are damaged (empty comment, impossible date, a stray comma, a rating written in words) so that
`koe index` has problems to report.

Run from the repository root; the output is the same on every run (fixed seed):

    python3 corpora/demo/make_demo.py
"""

import csv
import io
import random
from pathlib import Path

SEED = 20261125
OUT = Path(__file__).with_name("koe-box-feedback.csv")
MONTHS = [(2025, 12)] + [(2026, m) for m in range(1, 12)]
LAST_DAY = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 25, 12: 31}
# Rows per month: more people write when something happens.
VOLUME = {
    (2025, 12): 236, (2026, 1): 228, (2026, 2): 224, (2026, 3): 292, (2026, 4): 276,
    (2026, 5): 244, (2026, 6): 236, (2026, 7): 248, (2026, 8): 240, (2026, 9): 262,
    (2026, 10): 256, (2026, 11): 250,
}
CHANNELS = [("アンケート", 0.45), ("アプリレビュー", 0.30), ("問い合わせ", 0.25)]
PLANS = [("ライト", 0.35), ("スタンダード", 0.45), ("プレミアム", 0.20)]

# ---------------------------------------------------------------------------------------------
# Fragments. Keys: channel style -> list. "survey" is polite (a questionnaire answer), "review"
# short and casual (an app-store review), "ticket" an operator's note of a contact.
# ---------------------------------------------------------------------------------------------

PRICE = {
    "survey": [
        "月額料金が内容に見合っておらず、高いと感じます。",
        "毎月の料金が高く、家計の負担になってきたため解約を考えています。",
        "お菓子の量に対して料金が高いと思います。",
        "他社の定期便のほうが安く、同じような内容なので乗り換えを検討しています。",
        "送料が別にかかるので、結果的に高くつきます。",
        "プレミアムプランは値段の割に特別感がなく、高いと思います。",
        "値段の割に量が少なく、コスパが悪いと感じるようになりました。",
        "年払いの途中解約で違約金を取られるとは知らず驚きました。",
        "請求額が思っていたより高く、明細もわかりにくいです。",
        "学生には少し高すぎる料金設定だと思います。",
        "内容は好きですが、この価格は高いので続けるのは難しいです。",
        "初回割引が終わったとたんに高く感じるようになりました。",
    ],
    "review": [
        "高い。量のわりに値段が合ってない",
        "料金高すぎ。解約します",
        "コスパ悪い。高すぎ",
        "送料込みだとかなり高い",
        "この値段は高い。スーパーで買った方が安い",
        "月額がもう少し安ければ続けたい",
        "割高感がある。他のサブスクに乗り換えました",
        "解約金取られた。高すぎる",
    ],
    "ticket": [
        "お客様より、料金が高いので解約したいとのご連絡。",
        "請求金額が高いとのお申し出。明細の内容をご説明。",
        "他社のほうが安いため解約を検討中とのこと。",
        "送料が高いとのご意見。",
        "年払いの解約金について、高すぎるとご不満のご様子。",
    ],
}
# The price increase of 2026-04, announced in 2026-03.
PRICE_INCREASE = {
    "survey": [
        "4月からの値上げで料金が高くなるので、解約を決めました。",
        "値上げ幅が大きすぎます。月額3,480円から3,980円は厳しいです。",
        "値上げ幅が大きすぎて驚きました。",
        "値上げ後も内容が変わらないなら、料金が高いだけだと思います。",
        "長く使っていましたが、今回の値上げで続けるのは無理になりました。",
        "値上げするなら、せめてお菓子の種類を増やしてほしいです。今の内容では高いです。",
    ],
    "review": [
        "値上げで高くなったので解約",
        "値上げ幅えぐい。もう無理",
        "また値上げ？高すぎます",
        "値上げしたのに中身は同じ。割高",
    ],
    "ticket": [
        "値上げが理由で解約したいとのこと。解約手続きをご案内。",
        "値上げ後の料金が高すぎるとのご意見。解約をご希望。",
        "値上げについてご不満のお電話。旧料金のままにならないかとのご要望。",
    ],
}
SERVICE = {
    "survey": [
        "問い合わせへの返信が遅く、一週間以上待たされました。",
        "電話窓口がなかなかつながらず、困りました。",
        "オペレーターの対応がそっけなく、不快な思いをしました。",
        "問い合わせのたびに別の部署に回され、たらい回しにされました。",
        "返金をお願いしたのに、連絡が来ないまま放置されています。",
        "チャットで質問しても、的外れな回答しか返ってきませんでした。",
        "折り返し電話をすると言われたのに、結局かかってきませんでした。",
        "サポートの方の説明が毎回違っていて、信用できません。",
        "クレームを入れたのに、謝罪もなく対応が雑でした。",
        "メールで問い合わせても定型文しか返ってきません。",
    ],
    "review": [
        "サポートの対応が遅すぎる",
        "問い合わせしても返事が来ない",
        "電話が全然つながらない。最悪",
        "窓口の態度が悪い",
        "サポートに何度連絡しても解決しない",
        "チャットの回答が的外れ",
    ],
    "ticket": [
        "以前の問い合わせに返信がないとのお怒りのご連絡。",
        "電話がつながらないとのご不満。待ち時間が長いとのこと。",
        "担当者の対応が失礼だったとのお申し出。",
        "前回のオペレーターの説明と違うとのご指摘。",
        "返金の連絡が来ないとのこと。対応が遅いとのご不満。",
    ],
}
ONBOARDING = {
    "survey": [
        "最初の登録手順が複雑で、途中で何度もやり直しました。",
        "アプリの初期設定がわかりにくく、好みの登録ができませんでした。",
        "使い方の説明が少なく、最初は何をすればいいのかわかりませんでした。",
        "始めたばかりの頃、お届け日の変更方法が分からず困りました。",
        "マニュアルが不親切で、設定方法を探すのに時間がかかりました。",
        "アカウント登録でエラーが出て、初日から挫折しそうになりました。",
        "初回の設定で何を選べばいいのか説明がなく、迷いました。",
    ],
    "review": [
        "初期設定がわかりにくい",
        "登録が面倒すぎて挫折",
        "使い方がよくわからない。説明がほしい",
        "最初の設定で迷った",
        "チュートリアルが不親切",
    ],
    "ticket": [
        "初期設定の方法が分からないとのお問い合わせ。手順をご案内。",
        "登録手順がわかりにくいとのご意見。",
        "アプリの使い方が分からず、お届け日の変更ができないとのこと。",
        "アカウント登録でつまずいたとのご連絡。設定方法をご説明。",
    ],
}
PUSHY = {
    "survey": [
        "解約しようとしたら、しつこく引き止められました。",
        "上位プランへの変更を強引に勧められて不快でした。",
        "メルマガの配信が多すぎて、うんざりしています。",
        "アプリの広告通知が多くて困ります。",
        "頼んでいないオプションを勧められ、断るのが大変でした。",
    ],
    "review": [
        "勧誘がしつこい",
        "通知が広告ばかりでうるさい",
        "解約させてくれない。引き止めがしつこい",
        "セールスの電話が多すぎ",
    ],
    "ticket": [
        "営業電話がしつこいとのご不満。今後の連絡停止をご希望。",
        "解約時の引き止めが強引だったとのお申し出。",
        "広告メールの配信停止のご依頼。配信が多すぎるとのこと。",
    ],
}
# The autumn campaign of 2026-09: calls and notifications to move to the annual plan.
PUSHY_CAMPAIGN = {
    "survey": [
        "秋のキャンペーンの電話が何度もかかってきて、断っても年間プランを勧められました。",
        "年間プランへの切り替えをしつこく勧誘され、気分が悪くなりました。",
        "キャンペーンの案内メールが毎日のように届き、しつこいと感じます。",
        "断ったのに、また別の担当者から年間プランの勧誘がありました。",
    ],
    "review": [
        "キャンペーンの勧誘電話がしつこい",
        "年間プランへの勧誘がしつこい",
        "キャンペーン通知が多すぎてうんざり",
    ],
    "ticket": [
        "キャンペーンの勧誘電話がしつこいとのお申し出。架電停止の設定を実施。",
        "年間プランへの切り替えを強引に勧められたとのご不満。",
    ],
}
PRAISE = {
    "survey": [
        "毎月どんなお菓子が届くのか楽しみにしています。",
        "地方の珍しいお菓子に出会えるのが嬉しいです。",
        "家族みんなで箱を開けるのが毎月の楽しみです。",
        "どのお菓子も美味しく、満足しています。",
        "お茶の時間が楽しくなりました。これからも続けます。",
        "季節ごとのテーマが素敵で、毎回わくわくします。",
        "贈り物にも使えて便利です。",
        "個包装なので職場で配るのにちょうどいいです。",
        "同封のお菓子の紹介カードが読んでいて楽しいです。",
    ],
    "review": [
        "毎月楽しみ！",
        "美味しいお菓子ばかりで大満足",
        "知らないお菓子に出会えて楽しい",
        "子どもが毎月喜んでます",
        "箱のデザインがかわいい",
        "おやつの時間が充実しました",
    ],
    "ticket": [
        "お届けしたお菓子がとても美味しかったとのお礼のご連絡。",
        "先月のお菓子の名前を知りたいとのご連絡。",
    ],
}
# After the 2026-07 onboarding flow: new members say it was easy (no cause).
ONBOARDING_PRAISE = {
    "survey": [
        "新しい初期設定ガイドのおかげで、迷わずに始められました。",
        "登録のときのチュートリアルがわかりやすかったです。",
        "好みの診断が最初にあって、始めやすかったです。",
    ],
    "review": [
        "最初のガイドがわかりやすい",
        "新しいチュートリアル、親切で良い",
        "登録がすぐ終わった",
    ],
    "ticket": [
        "新しい設定ガイドがわかりやすかったとのご意見。",
    ],
}
REQUEST = {
    "survey": [
        "甘さ控えめのお菓子をもっと入れてほしいです。",
        "アレルギー表示をもう少し大きくしてほしいです。",
        "お届け日を曜日で指定できると助かります。",
        "過去に届いたお菓子を買い足せる機能がほしいです。",
        "箱が大きいので、ポストに入るサイズにしてほしいです。",
        "和菓子の割合を増やしてほしいです。",
        "賞味期限が短いものがあるので、届く時期を考えてほしいです。",
        "チョコレートは夏場に溶けていることがありました。",
    ],
    "review": [
        "季節限定のお菓子がもっと欲しい",
        "お届け日をもっと柔軟に選べたら星5",
        "アプリでお菓子の評価をつけられたらいいのに",
        "箱がちょっと大きい",
        "和菓子多めがいい",
    ],
    "ticket": [
        "お届け先の住所変更のご依頼。変更済み。",
        "配送日の変更のご依頼。変更済み。",
        "箱が潰れて届いたとのご連絡。代替品を手配。",
        "引っ越しのため一時休止したいとのご連絡。休止手続き済み。",
        "アレルギー成分について確認したいとのご連絡。原材料をお伝えした。",
    ],
}
# App 3.0 (2026-11): log-in fails and the app closes itself.
APP_UPDATE = {
    "survey": [
        "アプリをバージョン3.0にアップデートしてから、ログインできなくなりました。",
        "アップデート後、アプリが起動してすぐ落ちます。",
        "最新版のアプリでお届け日の画面が真っ白になります。",
        "アップデートしてからログイン画面から先に進めません。",
    ],
    "review": [
        "アップデート後ログインできない",
        "ver3.0にしてから起動直後に落ちる",
        "アップデートでアプリが開かなくなった",
        "最新版、ログインのたびにエラー",
        "アップデートしたら落ちるようになった。早く直して",
    ],
    "ticket": [
        "アップデート後にログインできないとのご連絡。再インストールの手順をお伝えした。",
        "アプリが起動直後に落ちるとのご連絡。開発チームに共有。",
        "バージョン3.0でログインエラーが出るとのこと。開発チームで調査中。",
    ],
}
APP_OLD_BUG = {
    "survey": [
        "アプリの動作が少し重いと感じることがあります。",
        "たまにアプリの通知が届かないことがあります。",
    ],
    "review": [
        "アプリがたまに重い",
        "画面の切り替えがもっさりしてる",
    ],
    "ticket": [
        "アプリの通知が届かないとのご連絡。端末の通知設定を確認いただいた。",
    ],
}
NEUTRAL = {
    "survey": ["特にありません。", "とくになし", "今のところ不満はありません。", "普通です。"],
    "review": ["普通", "まあまあ", "可もなく不可もなく"],
    "ticket": ["支払い方法の変更のご依頼。対応済み。", "ログインIDを忘れたとのこと。再設定をご案内。"],
}

SURVEY_OPENERS = [
    "", "", "", "いつもお世話になっております。", "半年ほど利用しています。",
    "一年近く続けてきましたが、", "アンケートの機会をいただきありがとうございます。",
]
SURVEY_CLOSERS = [
    "", "", "", "改善をお願いします。", "ご検討いただけると嬉しいです。", "よろしくお願いいたします。",
    "今後に期待しています。", "残念です。",
]
REVIEW_CLOSERS = ["", "", "", "。", "…", "！", "。星1", "。改善希望"]
TICKET_CLOSERS = [""]

CAUSE_TOPICS = ("price", "service", "onboarding", "pushy")


def rates(year, month):
    """Topic weights of a month: the stories live here."""
    ym = (year, month)
    w = {
        "price": 0.12, "price_increase": 0.0, "service": 0.11, "onboarding": 0.12,
        "onboarding_praise": 0.0, "pushy": 0.04, "pushy_campaign": 0.0, "praise": 0.27,
        "request": 0.22, "app_old": 0.04, "app_update": 0.0, "neutral": 0.06,
    }
    if ym == (2026, 3):
        w["price_increase"] = 0.20
    elif ym == (2026, 4):
        w["price_increase"] = 0.17
    elif ym == (2026, 5):
        w["price_increase"] = 0.06
    if ym >= (2026, 4):
        w["price"] = 0.14
    if ym >= (2026, 7):
        w["onboarding"] = 0.07 if ym == (2026, 7) else 0.045
        w["onboarding_praise"] = 0.05
    if ym == (2026, 9):
        w["pushy_campaign"] = 0.13
    elif ym == (2026, 10):
        w["pushy_campaign"] = 0.10
    elif ym == (2026, 11):
        w["pushy_campaign"] = 0.02
    if ym == (2026, 11):
        w["app_update"] = 0.12
    return w


FRAGMENTS = {
    "price": PRICE, "price_increase": PRICE_INCREASE, "service": SERVICE,
    "onboarding": ONBOARDING, "onboarding_praise": ONBOARDING_PRAISE, "pushy": PUSHY,
    "pushy_campaign": PUSHY_CAMPAIGN, "praise": PRAISE, "request": REQUEST,
    "app_old": APP_OLD_BUG, "app_update": APP_UPDATE, "neutral": NEUTRAL,
}
COMPLAINTS = {"price", "price_increase", "service", "onboarding", "pushy", "pushy_campaign",
              "app_update"}
STYLE = {"アンケート": "survey", "アプリレビュー": "review", "問い合わせ": "ticket"}


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


def compose(rng, topic, channel, year, month):
    style = STYLE[channel]
    core = rng.choice(FRAGMENTS[topic][style])
    # Some complaints name a second cause.
    if topic in COMPLAINTS and rng.random() < 0.08:
        other = rng.choice([t for t in ("price", "service", "onboarding") if t != topic])
        second = rng.choice(FRAGMENTS[other][style])
        core = core + ("。" if style == "review" else "") + second
    if style == "survey":
        text = rng.choice(SURVEY_OPENERS) + core + rng.choice(SURVEY_CLOSERS)
    elif style == "review":
        text = core + rng.choice(REVIEW_CLOSERS)
    else:
        text = core + rng.choice(TICKET_CLOSERS)
    # Personal data, as customers and operators really write it (fictional addresses and
    # numbers: example.jp is reserved, 0X0-0000 numbers are unassigned).
    r = rng.random()
    if r < 0.012:
        text += f" 連絡先は hanako.{rng.randint(10, 99)}@example.jp です。"
    elif r < 0.022 and style == "ticket":
        text += f" 折り返し先: 090-0000-{rng.randint(1000, 9999)}"
    elif r < 0.028:
        text += f" 電話番号は03-0000-{rng.randint(1000, 9999)}です。"
    return text.strip()


def rating_for(rng, topic):
    if topic in COMPLAINTS:
        return pick(rng, [(1, 0.34), (2, 0.36), (3, 0.2), (4, 0.08), (5, 0.02)])
    if topic in ("praise", "onboarding_praise"):
        return pick(rng, [(3, 0.05), (4, 0.40), (5, 0.55)])
    return pick(rng, [(2, 0.1), (3, 0.45), (4, 0.35), (5, 0.1)])


def main():
    rng = random.Random(SEED)
    rows = []
    for year, month in MONTHS:
        weights = list(rates(year, month).items())
        for _ in range(VOLUME[(year, month)]):
            topic = pick(rng, weights)
            channel = pick(rng, CHANNELS)
            day = rng.randint(1, LAST_DAY[month])
            hour = pick(rng, [(h, 2 if 19 <= h <= 23 else 1) for h in range(7, 24)])
            minute = rng.randint(0, 59)
            when = f"{year}/{month:02d}/{day:02d} {hour:02d}:{minute:02d}"
            rating = "" if channel == "問い合わせ" else str(rating_for(rng, topic))
            plan = pick(rng, PLANS)
            rows.append([when, channel, rating, plan, compose(rng, topic, channel, year, month)])
    rows.sort(key=lambda r: r[0])
    records = [[f"KB-{i:05d}"] + row for i, row in enumerate(rows, start=1)]

    # Damaged rows, as real exports have them.
    def damage(index, fn):
        fn(records[index])

    damage(40, lambda r: r.__setitem__(5, ""))  # empty comment
    damage(1210, lambda r: r.__setitem__(5, ""))
    damage(777, lambda r: r.__setitem__(1, "2026/02/30 10:15"))  # impossible date
    damage(2100, lambda r: r.__setitem__(1, ""))  # no date
    damage(2500, lambda r: r.__setitem__(3, "とても良い"))  # rating in words

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["回答ID", "回答日時", "チャネル", "満足度", "プラン", "ご意見・ご感想"])
    for i, record in enumerate(records):
        if i == 1800:
            # A stray unquoted comma: one cell too many.
            buffer.write(",".join(record[:5] + ["アプリは便利", "でも高い"]) + "\r\n")
            continue
        writer.writerow(record)
    OUT.write_bytes(buffer.getvalue().encode("cp932"))
    print(f"{OUT}: {len(records)} rows")


if __name__ == "__main__":
    main()
