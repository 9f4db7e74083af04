//! The words of the report in Japanese (the default: reports are read in Japan) and English.

/// Every fixed text of the report, in one language.
#[derive(Debug)]
pub struct Texts {
    /// `ja` or `en`.
    pub lang: &'static str,
    pub title: &'static str,
    pub month_heading: &'static str,
    pub total: &'static str,
    pub previous_month: &'static str,
    pub no_cause: &'static str,
    pub no_cause_share: &'static str,
    pub biggest_mover: &'static str,
    pub mean_rating: &'static str,
    pub rating: &'static str,
    pub cause: &'static str,
    pub count: &'static str,
    pub share: &'static str,
    pub previous: &'static str,
    pub change: &'static str,
    pub significant: &'static str,
    pub causes_heading: &'static str,
    pub channels_heading: &'static str,
    pub channel: &'static str,
    pub no_channel: &'static str,
    pub trend_heading: &'static str,
    pub trend_stacked: &'static str,
    pub trend_lines: &'static str,
    pub month: &'static str,
    pub terms_heading: &'static str,
    pub top_terms: &'static str,
    pub quotes: &'static str,
    pub no_terms: &'static str,
    pub no_quotes: &'static str,
    pub rising_heading: &'static str,
    pub rising_intro: &'static str,
    pub no_rising: &'static str,
    pub this_month: &'static str,
    pub earlier_months: &'static str,
    pub rows: &'static str,
    pub search_hint: &'static str,
    pub method_heading: &'static str,
    pub footnote_shares: &'static str,
    pub footnote_test: &'static str,
    pub footnote_terms: &'static str,
    pub footnote_quotes: &'static str,
    pub footnote_undated: &'static str,
    pub footnote_index: &'static str,
    pub not_tested: &'static str,
    pub mask_email: &'static str,
    pub mask_phone: &'static str,
    pub mask_postal: &'static str,
    pub points: &'static str,
    pub legend_no_cause: &'static str,
    pub summary: &'static str,
    pub word: &'static str,
    pub no_significant_change: &'static str,
    pub significant_word: &'static str,
    pub list_separator: &'static str,
}

const JA: Texts = Texts {
    lang: "ja",
    title: "月次 原因レポート",
    month_heading: "対象月",
    total: "件数",
    previous_month: "前月",
    no_cause: "原因なし",
    no_cause_share: "原因なしの割合",
    biggest_mover: "最大の変化",
    mean_rating: "平均満足度",
    rating: "満足度",
    cause: "原因",
    count: "件数",
    share: "割合",
    previous: "前月",
    change: "変化",
    significant: "有意",
    causes_heading: "原因別の件数と割合",
    channels_heading: "チャネル別",
    channel: "チャネル",
    no_channel: "(チャネルなし)",
    trend_heading: "推移",
    trend_stacked: "原因別の割合（月別、積み上げ）",
    trend_lines: "原因ごとの割合の推移",
    month: "月",
    terms_heading: "原因ごとの特徴語と声",
    top_terms: "特徴語",
    quotes: "代表的な声",
    no_terms: "（特徴語なし：件数が少なすぎます）",
    no_quotes: "（今月の該当なし）",
    rising_heading: "急上昇ワード",
    rising_intro: "今月、それまでの月より多く使われた言葉。4つの原因に当てはまらない新しい問題がここに現れます。",
    no_rising: "（急上昇ワードなし）",
    this_month: "今月",
    earlier_months: "それ以前",
    rows: "件",
    search_hint: "声の ID は `koe search` で検索できます（例: koe search --index DIR --month MONTH --cause CAUSE）。",
    method_heading: "集計方法",
    footnote_shares: "割合は対象月の全件数に対する比率です。1件に複数の原因が付くことがあるため、原因の割合の合計は100%を超えることがあります。",
    footnote_test: "有意（*）は2標本比率のz検定（合算分散、両側）で p < 0.05 の変化です。両月とも30件以上、かついずれかの月で5件以上ある原因だけを検定します。",
    footnote_terms: "特徴語は対象月のその原因の声と、それ以外の声の対数オッズ比（情報事前分布つきディリクレ、Monroe et al. 2008）のz値が大きい語です。急上昇ワードは対象月とそれ以前の月を同じ方法で比べています。",
    footnote_quotes: "代表的な声は分類の確信度の高い順に、ほぼ同じ文面を除き、異なるチャネルを優先して選んでいます。メールアドレス・電話番号・郵便番号は伏せ字にしています。",
    footnote_undated: "日付のない行（どの月にも入りません）",
    footnote_index: "インデックスの件数",
    not_tested: "件数不足のため検定せず",
    mask_email: "[メール]",
    mask_phone: "[電話番号]",
    mask_postal: "[郵便番号]",
    points: "pt",
    legend_no_cause: "原因なし",
    summary: "今月の要点",
    word: "言葉",
    no_significant_change: "前月から有意に変わった原因はありません",
    significant_word: "有意",
    list_separator: "、",
};

const EN: Texts = Texts {
    lang: "en",
    title: "Monthly cause report",
    month_heading: "Month",
    total: "Feedback",
    previous_month: "previous month",
    no_cause: "No cause",
    no_cause_share: "No-cause share",
    biggest_mover: "Biggest mover",
    mean_rating: "Mean rating",
    rating: "Rating",
    cause: "Cause",
    count: "Count",
    share: "Share",
    previous: "Previous",
    change: "Change",
    significant: "Significant",
    causes_heading: "Causes",
    channels_heading: "By channel",
    channel: "Channel",
    no_channel: "(no channel)",
    trend_heading: "Trend",
    trend_stacked: "Share of feedback per cause, by month (stacked)",
    trend_lines: "Share of each cause over time",
    month: "Month",
    terms_heading: "What each cause is about",
    top_terms: "Characteristic words",
    quotes: "Representative quotes",
    no_terms: "(no characteristic words: too few rows)",
    no_quotes: "(none this month)",
    rising_heading: "Rising words",
    rising_intro: "Words used more this month than in the months before: new problems outside the four causes show up here.",
    no_rising: "(no rising words)",
    this_month: "this month",
    earlier_months: "before",
    rows: "rows",
    search_hint: "Look a quote up by its id with `koe search` (e.g. koe search --index DIR --month MONTH --cause CAUSE).",
    method_heading: "Method",
    footnote_shares: "Shares are of all feedback in the month. One row can have several causes, so cause shares can add up to more than 100%.",
    footnote_test: "Significant (*) means p < 0.05 in a two-proportion z-test (pooled, two-sided). Only tested when both months have at least 30 rows and the cause has at least 5 rows in one of them.",
    footnote_terms: "Characteristic words have the highest z-scores of the log-odds ratio (informative Dirichlet prior, Monroe et al. 2008) between the cause's rows and the month's other rows. Rising words compare the month with the months before it the same way.",
    footnote_quotes: "Quotes are the most confident rows, near-duplicates left out, different channels preferred. E-mail addresses, phone numbers and postal codes are masked.",
    footnote_undated: "Rows without a date (in no month)",
    footnote_index: "Rows in the index",
    not_tested: "not tested: too few rows",
    mask_email: "[email]",
    mask_phone: "[phone]",
    mask_postal: "[postal code]",
    points: "pt",
    legend_no_cause: "No cause",
    summary: "In short",
    word: "Word",
    no_significant_change: "no cause changed significantly since the previous month",
    significant_word: "significant",
    list_separator: ", ",
};

impl Texts {
    /// The texts for `lang` (`ja` or `en`; anything else is Japanese).
    pub fn of(lang: &str) -> &'static Texts {
        if lang == "en" { &EN } else { &JA }
    }

    /// The method notes every format ends with, in order.
    pub fn footnotes(&self) -> [&'static str; 5] {
        [
            self.footnote_shares,
            self.footnote_test,
            self.footnote_terms,
            self.footnote_quotes,
            self.search_hint,
        ]
    }

    /// A share (0-1) as a percentage with one decimal: `12.3%`.
    pub fn percent(&self, share: f64) -> String {
        format!("{:.1}%", share * 100.0)
    }

    /// A change in percentage points with its sign: `+4.5pt`, `−2.0pt`, `±0.0pt`.
    pub fn change(&self, change_pp: Option<f64>) -> String {
        match change_pp {
            None => "–".to_owned(),
            Some(pp) if pp.abs() < 0.05 => format!("±0.0{}", self.points),
            Some(pp) if pp > 0.0 => format!("+{pp:.1}{}", self.points),
            Some(pp) => format!("−{:.1}{}", pp.abs(), self.points),
        }
    }

    /// A month as a heading: `2026年11月` / `November 2026`.
    pub fn month_name(&self, month: &str) -> String {
        let (year, number) = month.split_once('-').unwrap_or((month, ""));
        let number: usize = number.parse().unwrap_or(0);
        if self.lang == "en" {
            const NAMES: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            match NAMES.get(number.wrapping_sub(1)) {
                Some(name) => format!("{name} {year}"),
                None => month.to_owned(),
            }
        } else {
            format!("{year}年{number}月")
        }
    }

    /// A channel for display.
    pub fn channel_name<'a>(&self, channel: &'a str) -> &'a str {
        if channel.is_empty() {
            self.no_channel
        } else {
            channel
        }
    }
}
