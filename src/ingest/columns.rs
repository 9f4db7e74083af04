//! Which column is which: header names first, content second, options over both.
//!
//! Headers are matched after NFKC, lower-casing and removing spaces and punctuation, so
//! `Created_at`, `created at` and `ＣＲＥＡＴＥＤ＿ＡＴ` are one key. A header match must agree
//! with the content (a "満足度" column must hold numbers to be the rating; "満足度の理由" holding
//! sentences is free text). When no header names the free text, the column of long, varied,
//! non-numeric (Japanese) text is it.
//!
//! Survey tools that write more than one header row are recognised: Qualtrics (question ids,
//! then question texts, then `{"ImportId": ...}`) and SurveyMonkey (questions, then answer
//! labels such as `Response` / `Open-Ended Response`).

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use jiff::tz::TimeZone;
use regex::Regex;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::cell::{Cell, RawRecord, clean_text};
use super::date::{parse_date, parse_date_number};
use super::{IngestError, ReadOptions};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// The row's id (`回答ID`, `ID`, `id`, ...).
    Id,
    /// When the feedback was given (`タイムスタンプ`, `回答日`, `created_at`, ...).
    Date,
    /// Where it came in (`チャネル`, `窓口`, `channel`, `source`, ...).
    Channel,
    /// Rating or NPS score (`満足度`, `評価`, `推奨度`, `score`, `nps`, ...).
    Rating,
    /// The customer's id (`顧客ID`, `会員番号`, `customer_id`, ...): kept in metadata.
    CustomerId,
    /// Free text: what the customer wrote.
    Text,
    /// Anything else: kept in [`crate::feedback::Feedback::metadata`].
    Metadata,
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColumnRole::Id => "id",
            ColumnRole::Date => "date",
            ColumnRole::Channel => "channel",
            ColumnRole::Rating => "rating",
            ColumnRole::CustomerId => "customer id",
            ColumnRole::Text => "text",
            ColumnRole::Metadata => "metadata",
        })
    }
}

/// The header of a file, after extra header rows are recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderRows {
    /// Unique, non-empty column names.
    pub names: Vec<String>,
    /// Question text per column, when an extra header row gives one.
    pub questions: Vec<Option<String>>,
    /// Header rows after the first (not data).
    pub extra: usize,
}

/// Reads the header from the first rows (`rows[0]` is the header row; up to two more rows are
/// looked at for tools that write several header rows).
pub(crate) fn header_rows(rows: &[Vec<String>]) -> HeaderRows {
    let first = rows.first().cloned().unwrap_or_default();
    let width = first.len();
    let cell =
        |row: &Vec<String>, i: usize| row.get(i).map(|c| c.trim().to_owned()).unwrap_or_default();
    let mut names: Vec<String> = (0..width).map(|i| cell(&first, i)).collect();
    let mut questions = vec![None; width];
    let mut extra = 0;
    if rows.len() >= 3 && is_qualtrics_import_row(&rows[2]) {
        extra = 2;
        for (i, question) in questions.iter_mut().enumerate() {
            let text = cell(&rows[1], i);
            if !text.is_empty() && text != names[i] {
                *question = Some(text);
            }
        }
    } else if rows.len() >= 2 && is_surveymonkey_answer_row(&first, &rows[1]) {
        extra = 1;
        let mut carried = String::new();
        for (i, name) in names.iter_mut().enumerate() {
            if name.is_empty() {
                name.clone_from(&carried);
            } else {
                carried.clone_from(name);
            }
            let label = cell(&rows[1], i);
            if !label.is_empty() && label != "Response" && label != "回答" {
                *name = if name.is_empty() {
                    label
                } else {
                    format!("{name} / {label}")
                };
            }
        }
    }
    HeaderRows {
        names: unique_names(names),
        questions,
        extra,
    }
}

/// Which of the first rows is the header, given how many non-empty cells each has: the first
/// at least half as wide as the rows after it, so title lines above the header
/// ("2025年3月 顧客アンケート") are skipped.
pub(crate) fn header_index(widths: &[usize]) -> usize {
    for (index, &width) in widths.iter().enumerate() {
        let after = &widths[index + 1..];
        let Some(typical) = mode(after) else {
            return index;
        };
        if width * 2 >= typical && width > 0 {
            return index;
        }
    }
    0
}

/// The most frequent value (the smallest of equally frequent ones).
pub(crate) fn mode(values: &[usize]) -> Option<usize> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| run.len() > n) {
            best = Some((run[0], run.len()));
        }
    }
    best.map(|(value, _)| value)
}

fn is_qualtrics_import_row(row: &[String]) -> bool {
    let filled: Vec<&String> = row.iter().filter(|c| !c.trim().is_empty()).collect();
    !filled.is_empty()
        && filled
            .iter()
            .filter(|c| c.trim_start().starts_with("{\"ImportId\""))
            .count()
            * 2
            >= filled.len()
}

fn is_surveymonkey_answer_row(first: &[String], second: &[String]) -> bool {
    const LABELS: [&str; 4] = ["Response", "Open-Ended Response", "回答", "自由回答"];
    let labelled = second.iter().any(|c| LABELS.contains(&c.trim()));
    let starts_empty = second.first().is_none_or(|c| c.trim().is_empty());
    let has_gaps = first.iter().any(|c| c.trim().is_empty());
    labelled
        && starts_empty
        && (has_gaps || second.iter().filter(|c| c.trim().is_empty()).count() * 2 >= second.len())
}

/// Names made unique (`回答 (2)`) and never empty (`column 3`), with control characters removed.
fn unique_names(names: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let (clean, _) = clean_text(&name);
            let base = if clean.is_empty() {
                format!("column {}", i + 1)
            } else {
                clean.replace('\n', " ")
            };
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base} ({n})");
                n += 1;
            }
            name
        })
        .collect()
}

/// The role of every column, and why.
pub(crate) struct Detection {
    pub roles: Vec<(ColumnRole, String)>,
}

/// Decides the role of every column from options, headers and the sampled rows.
pub(crate) fn detect(
    path: &Path,
    names: &[String],
    questions: &[Option<String>],
    samples: &[&RawRecord],
    options: &ReadOptions,
    tz: &TimeZone,
) -> Result<Detection, IngestError> {
    let profiles: Vec<Profile> = (0..names.len())
        .map(|i| Profile::of(samples, i, tz))
        .collect();
    let keys: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut keys = vec![header_key(name)];
            if let Some(Some(question)) = questions.get(i) {
                keys.push(header_key(question));
            }
            keys
        })
        .collect();
    let mut roles: Vec<Option<(ColumnRole, String)>> = vec![None; names.len()];

    // Options first.
    let resolve =
        |role: &'static str, name: &str| resolve_column(path, names, questions, role, name);
    for name in &options.text_columns {
        let index = resolve("text", name)?;
        roles[index] = Some((ColumnRole::Text, "--text-column".to_owned()));
    }
    let singles = [
        (ColumnRole::Id, "id", &options.id_column),
        (ColumnRole::Date, "date", &options.date_column),
        (ColumnRole::Channel, "channel", &options.channel_column),
        (ColumnRole::Rating, "rating", &options.rating_column),
    ];
    for (role, option, name) in singles {
        if let Some(name) = name {
            let index = resolve(option, name)?;
            roles[index] = Some((role, format!("--{option}-column")));
        }
    }

    // Then headers, checked against content, one column per role.
    for role in [
        ColumnRole::Id,
        ColumnRole::Date,
        ColumnRole::Rating,
        ColumnRole::Channel,
        ColumnRole::CustomerId,
    ] {
        if roles.iter().flatten().any(|(r, _)| *r == role) {
            continue;
        }
        let best = (0..names.len())
            .filter(|&i| roles[i].is_none())
            .filter_map(|i| {
                let score = keys[i]
                    .iter()
                    .map(|key| header_score(role, key))
                    .max()
                    .unwrap_or(0);
                (score > 0 && profiles[i].fits(role)).then_some((score, i))
            })
            .max_by_key(|&(score, i)| (score, std::cmp::Reverse(i)));
        if let Some((_, i)) = best {
            roles[i] = Some((role, "header".to_owned()));
        } else if role == ColumnRole::Date
            && let Some(i) =
                (0..names.len()).find(|&i| roles[i].is_none() && profiles[i].looks_like_dates())
        {
            roles[i] = Some((role, "content (dates)".to_owned()));
        }
    }

    if options.text_columns.is_empty() {
        for i in 0..names.len() {
            if roles[i].is_none()
                && keys[i].iter().any(|key| is_text_header(key))
                && profiles[i].fits(ColumnRole::Text)
            {
                roles[i] = Some((ColumnRole::Text, "header".to_owned()));
            }
        }
        for i in 0..names.len() {
            if roles[i].is_none() && profiles[i].looks_like_free_text() {
                roles[i] = Some((ColumnRole::Text, "content (long text)".to_owned()));
            }
        }
        let has_text = roles
            .iter()
            .flatten()
            .any(|(role, _)| *role == ColumnRole::Text);
        if !has_text {
            let longest = (0..names.len())
                .filter(|&i| roles[i].is_none() && profiles[i].could_be_text())
                .max_by(|&a, &b| {
                    profiles[a]
                        .average_chars()
                        .total_cmp(&profiles[b].average_chars())
                });
            match longest {
                Some(i) => roles[i] = Some((ColumnRole::Text, "content (longest)".to_owned())),
                None if !samples.is_empty() => {
                    return Err(IngestError::NoTextColumn {
                        path: path.to_owned(),
                        available: names.to_vec(),
                    });
                }
                None => {}
            }
        }
    }

    Ok(Detection {
        roles: roles
            .into_iter()
            .map(|role| role.unwrap_or((ColumnRole::Metadata, "other".to_owned())))
            .collect(),
    })
}

/// The column an option names: its exact header (or question), the same header up to width and
/// case, its 1-based number, or a unique part of one header.
fn resolve_column(
    path: &Path,
    names: &[String],
    questions: &[Option<String>],
    role: &'static str,
    wanted: &str,
) -> Result<usize, IngestError> {
    let wanted_trimmed = wanted.trim();
    let question = |i: usize| questions.get(i).cloned().flatten();
    if let Some(i) = names.iter().position(|n| n == wanted_trimmed) {
        return Ok(i);
    }
    if let Some(i) = (0..names.len()).find(|&i| question(i).as_deref() == Some(wanted_trimmed)) {
        return Ok(i);
    }
    let key = header_key(wanted_trimmed);
    if let Some(i) = names.iter().position(|n| header_key(n) == key) {
        return Ok(i);
    }
    if let Ok(number) = wanted_trimmed.parse::<usize>()
        && (1..=names.len()).contains(&number)
    {
        return Ok(number - 1);
    }
    let matches: Vec<usize> = (0..names.len())
        .filter(|&i| {
            !key.is_empty()
                && (header_key(&names[i]).contains(&key)
                    || question(i).is_some_and(|q| header_key(&q).contains(&key)))
        })
        .collect();
    match matches.as_slice() {
        [i] => Ok(*i),
        [] => Err(IngestError::ColumnNotFound {
            path: path.to_owned(),
            role,
            name: wanted.to_owned(),
            available: names.to_vec(),
        }),
        _ => Err(IngestError::AmbiguousColumn {
            path: path.to_owned(),
            role,
            name: wanted.to_owned(),
            matches: matches.iter().map(|&i| names[i].clone()).collect(),
        }),
    }
}

/// A header as a matching key: NFKC, lower case, no spaces or punctuation.
pub(crate) fn header_key(header: &str) -> String {
    header
        .nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| {
            !c.is_whitespace()
                && !c.is_ascii_punctuation()
                && !"・「」【】『』（）〔〕［］：。、，？！".contains(*c)
        })
        .collect()
}

/// How strongly a header key names `role` (0: not at all).
fn header_score(role: ColumnRole, key: &str) -> u32 {
    let exact = |list: &[&str]| list.contains(&key);
    let contains = |list: &[&str]| list.iter().any(|word| key.contains(word));
    if is_personal(key) {
        return 0;
    }
    match role {
        ColumnRole::Id => {
            if exact(&[
                "回答id",
                "responseid",
                "ticketid",
                "チケットid",
                "レビューid",
                "reviewid",
                "問い合わせid",
                "問合せid",
                "お問い合わせid",
                "お問合せid",
                "受付番号",
                "問い合わせ番号",
                "お問い合わせ番号",
                "問合せ番号",
                "チケット番号",
                "回答番号",
                "レコード番号",
                "recordid",
                "submissionid",
                "feedbackid",
                "commentid",
                "案件番号",
                "受付id",
            ]) {
                100
            } else if exact(&["id", "uuid", "識別子"]) {
                90
            } else if exact(&[
                "respondentid",
                "回答者id",
                "no",
                "番号",
                "管理番号",
                "通し番号",
                "連番",
                "ticket",
                "チケット",
            ]) {
                70
            } else {
                0
            }
        }
        ColumnRole::Date => {
            if exact(&[
                "タイムスタンプ",
                "timestamp",
                "回答日時",
                "回答日",
                "受付日時",
                "受付日",
                "createdat",
                "created",
                "作成日時",
                "作成日",
                "投稿日時",
                "投稿日",
                "送信日時",
                "recordeddate",
                "submittedat",
                "submissiondate",
                "datesubmitted",
                "enddate",
                "completedat",
                "回答完了日時",
                "お問い合わせ日時",
                "問い合わせ日時",
                "問い合わせ日",
                "お問い合わせ日",
                "レビュー日",
                "reviewdate",
                "日付",
                "date",
                "日時",
                "datetime",
                "登録日時",
                "登録日",
                "受信日時",
                "記入日",
            ]) {
                100
            } else if exact(&[
                "startdate",
                "開始日時",
                "回答開始日時",
                "updatedat",
                "更新日時",
                "更新日",
                "solvedat",
                "解決日時",
                "対応日",
                "対応日時",
            ]) {
                60
            } else if contains(&["日時", "日付", "date", "time"]) || key.ends_with('日') {
                40
            } else {
                0
            }
        }
        ColumnRole::Channel => {
            if exact(&[
                "チャネル",
                "チャンネル",
                "channel",
                "窓口",
                "source",
                "流入経路",
                "経路",
                "媒体",
                "via",
                "viachannel",
                "問い合わせ経路",
                "問い合わせ方法",
                "お問い合わせ方法",
                "受付方法",
                "受付チャネル",
                "受付経路",
                "platform",
                "プラットフォーム",
                "store",
                "ストア",
                "流入元",
            ]) {
                100
            } else if contains(&["チャネル", "チャンネル", "channel", "窓口", "経路"])
            {
                80
            } else {
                0
            }
        }
        ColumnRole::Rating => {
            if exact(&[
                "満足度",
                "総合満足度",
                "評価",
                "総合評価",
                "推奨度",
                "nps",
                "npsスコア",
                "score",
                "rating",
                "点数",
                "スコア",
                "stars",
                "星",
                "星評価",
                "おすすめ度",
                "満足度スコア",
                "csat",
                "評点",
            ]) {
                100
            } else if contains(&[
                "満足度",
                "推奨",
                "評価",
                "score",
                "rating",
                "nps",
                "薦め",
                "すすめ",
                "recommend",
                "点数",
                "スコア",
                "csat",
                "likely",
            ]) {
                70
            } else {
                0
            }
        }
        ColumnRole::CustomerId => {
            let who = contains(&[
                "顧客",
                "会員",
                "お客様",
                "ユーザー",
                "ユーザ",
                "user",
                "customer",
                "member",
                "契約者",
                "requester",
                "依頼者",
                "利用者",
                "account",
                "アカウント",
            ]);
            let id = contains(&["id", "番号", "コード", "code", "no"]);
            if who && id { 100 } else { 0 }
        }
        ColumnRole::Text | ColumnRole::Metadata => 0,
    }
}

/// Personal data columns are never roles, whatever words they contain ("回答者名", "メール").
fn is_personal(key: &str) -> bool {
    let personal = [
        "名前",
        "氏名",
        "name",
        "メール",
        "mail",
        "電話",
        "phone",
        "住所",
        "address",
        "性別",
        "年齢",
        "年代",
        "都道府県",
    ]
    .iter()
    .any(|word| key.contains(word))
        || ["ip", "ipaddress", "ipアドレス", "tel"].contains(&key);
    personal && !key.contains("id") && !key.contains("番号")
}

fn is_text_header(key: &str) -> bool {
    const CONTAINS: [&str; 35] = [
        "自由記述",
        "自由回答",
        "ご意見",
        "意見",
        "感想",
        "コメント",
        "comment",
        "問い合わせ内容",
        "問合せ内容",
        "本文",
        "feedback",
        "フィードバック",
        "description",
        "message",
        "メッセージ",
        "review",
        "レビュー",
        "理由",
        "要望",
        "お書き",
        "記入",
        "自由",
        "フリー",
        "opinion",
        "verbatim",
        "不満",
        "改善",
        "良かった",
        "よかった",
        "困った",
        "お困り",
        "詳細",
        "内容",
        "教えてください",
        "お聞かせ",
    ];
    const EXACT: [&str; 10] = [
        "回答",
        "answer",
        "text",
        "テキスト",
        "body",
        "content",
        "声",
        "voice",
        "備考",
        "remarks",
    ];
    if is_personal(key) || key.contains("日時") || key.ends_with("id") {
        return false;
    }
    EXACT.contains(&key) || CONTAINS.iter().any(|word| key.contains(word))
}

/// What the sampled values of one column look like.
#[derive(Debug, Default, Clone)]
struct Profile {
    non_empty: usize,
    numbers: usize,
    dates: usize,
    /// Dates written as text, not numbers (a column of numbers is not dates by content alone).
    text_dates: usize,
    chars: usize,
    japanese: usize,
    wordy: usize,
    addresses: usize,
    distinct: usize,
}

impl Profile {
    fn of(samples: &[&RawRecord], column: usize, tz: &TimeZone) -> Profile {
        let mut profile = Profile::default();
        let mut seen = HashSet::new();
        for record in samples {
            let Some(cell) = record.cells.get(column) else {
                continue;
            };
            if cell.is_empty() {
                continue;
            }
            profile.non_empty += 1;
            let text = cell.to_text();
            let text = text.trim();
            if seen.len() < 1000 && seen.insert(text.to_owned()) {
                profile.distinct += 1;
            }
            profile.chars += text.chars().count();
            match cell {
                Cell::Number(value) => {
                    profile.numbers += 1;
                    if parse_date_number(*value, tz).is_some() {
                        profile.dates += 1;
                    }
                }
                Cell::DateTime(_) => {
                    profile.dates += 1;
                    profile.text_dates += 1;
                }
                _ => {
                    if parse_rating(text).is_some() {
                        profile.numbers += 1;
                    }
                    if parse_date(text, tz).is_some() {
                        profile.dates += 1;
                        if !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                            profile.text_dates += 1;
                        }
                    }
                    if text.chars().any(is_japanese) {
                        profile.japanese += 1;
                    }
                    if text.split_whitespace().count() >= 3 {
                        profile.wordy += 1;
                    }
                    if ADDRESS.is_match(text) {
                        profile.addresses += 1;
                    }
                }
            }
        }
        profile
    }

    fn share(&self, count: usize) -> f64 {
        if self.non_empty == 0 {
            0.0
        } else {
            count as f64 / self.non_empty as f64
        }
    }

    fn average_chars(&self) -> f64 {
        self.share(self.chars)
    }

    /// Whether the content agrees with a header that names `role` (no content: yes).
    fn fits(&self, role: ColumnRole) -> bool {
        if self.non_empty == 0 {
            return true;
        }
        match role {
            ColumnRole::Id => self.share(self.distinct) >= 0.9 && self.average_chars() <= 100.0,
            ColumnRole::Date => self.share(self.dates) >= 0.5,
            ColumnRole::Rating => self.share(self.numbers) >= 0.8,
            ColumnRole::Channel => self.average_chars() <= 50.0 && self.share(self.numbers) < 0.5,
            ColumnRole::CustomerId => self.average_chars() <= 100.0,
            ColumnRole::Text => self.share(self.numbers) < 0.5 && self.share(self.dates) < 0.5,
            ColumnRole::Metadata => true,
        }
    }

    fn looks_like_dates(&self) -> bool {
        self.non_empty > 0 && self.share(self.text_dates) >= 0.9
    }

    /// Long, varied, non-numeric text in words or Japanese: what customers write.
    fn looks_like_free_text(&self) -> bool {
        self.non_empty > 0
            && self.average_chars() >= 15.0
            && self.share(self.distinct) >= 0.7
            && self.share(self.numbers) < 0.2
            && self.share(self.dates) < 0.2
            && self.share(self.addresses) < 0.2
            && self.share(self.japanese.max(self.wordy)) >= 0.5
    }

    fn could_be_text(&self) -> bool {
        self.non_empty > 0
            && self.average_chars() >= 2.0
            && self.share(self.numbers) < 0.5
            && self.share(self.dates) < 0.5
            && self.share(self.addresses) < 0.5
    }
}

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[^@\s]+@[^@\s]+\.[^@\s]+|https?://\S+)$")
        .expect("the address pattern compiles")
});

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF66}'..='\u{FF9F}')
}

static RATING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([+-]?\d+(?:\.\d+)?)\s*(?:点|pts?|points?|stars?|つ星|/\s*\d+|\(.*|:\s*\D.*|\s+\D.*)?$",
    )
    .expect("the rating pattern compiles")
});

/// A rating as written: `4`, `4.5`, `8点`, `4/5`, `★★★★☆`, `5 (とても満足)`, `１０`.
pub(crate) fn parse_rating(text: &str) -> Option<f64> {
    if text.len() > 120 {
        return None;
    }
    let normalized: String = text.nfkc().collect();
    let text = normalized.trim();
    if !text.is_empty() && text.chars().all(|c| c == '★' || c == '☆') {
        return Some(text.chars().filter(|&c| c == '★').count() as f64);
    }
    let text = text.strip_prefix('星').unwrap_or(text).trim_start();
    let number = RATING
        .captures(text)?
        .get(1)?
        .as_str()
        .parse::<f64>()
        .ok()?;
    number.is_finite().then_some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[&str]) -> RawRecord {
        RawRecord::new(
            2,
            cells.iter().map(|c| Cell::Text((*c).to_owned())).collect(),
        )
    }

    fn roles(names: &[&str], rows: &[&[&str]], options: &ReadOptions) -> Vec<ColumnRole> {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let records: Vec<RawRecord> = rows.iter().map(|r| record(r)).collect();
        let samples: Vec<&RawRecord> = records.iter().collect();
        let tz = TimeZone::get("Asia/Tokyo").unwrap();
        detect(
            Path::new("t.csv"),
            &names,
            &vec![None; names.len()],
            &samples,
            options,
            &tz,
        )
        .unwrap()
        .roles
        .into_iter()
        .map(|(role, _)| role)
        .collect()
    }

    #[test]
    fn google_forms_headers() {
        use ColumnRole::*;
        let found = roles(
            &[
                "タイムスタンプ",
                "満足度",
                "サービスについてのご意見や解約の理由をご自由にお書きください",
                "年代",
            ],
            &[
                &[
                    "2025/03/01 12:34:56",
                    "2",
                    "料金が高いので解約します。",
                    "30代",
                ],
                &[
                    "2025/03/02 09:00:00",
                    "5",
                    "サポートの対応が丁寧でした",
                    "40代",
                ],
            ],
            &ReadOptions::default(),
        );
        assert_eq!(found, [Date, Rating, Text, Metadata]);
    }

    #[test]
    fn english_ticket_export() {
        use ColumnRole::*;
        let found = roles(
            &["id", "created_at", "source", "customer_id", "body", "nps"],
            &[
                &[
                    "1",
                    "2025-03-01T12:00:00Z",
                    "email",
                    "C-1",
                    "The app keeps crashing",
                    "3",
                ],
                &[
                    "2",
                    "2025-03-02T12:00:00Z",
                    "chat",
                    "C-2",
                    "Too expensive for us",
                    "6",
                ],
            ],
            &ReadOptions::default(),
        );
        assert_eq!(found, [Id, Date, Channel, CustomerId, Text, Rating]);
    }

    #[test]
    fn content_decides_between_rating_and_text() {
        use ColumnRole::*;
        let found = roles(
            &["回答ID", "満足度", "満足度の理由"],
            &[
                &["R1", "1", "解約手続きがわかりにくい"],
                &["R2", "4", "対応が早かった"],
            ],
            &ReadOptions::default(),
        );
        assert_eq!(found, [Id, Rating, Text]);
    }

    #[test]
    fn free_text_found_by_content_when_no_header_names_it() {
        use ColumnRole::*;
        let found = roles(
            &["No", "Q1", "Q2"],
            &[
                &[
                    "1",
                    "はい",
                    "毎月の料金が高く、サポートにもつながりにくいので解約を考えています",
                ],
                &[
                    "2",
                    "いいえ",
                    "画面がわかりやすく、問い合わせへの返信も早くて満足しています",
                ],
            ],
            &ReadOptions::default(),
        );
        assert_eq!(found, [Id, Metadata, Text]);
    }

    #[test]
    fn options_override_detection() {
        use ColumnRole::*;
        let options = ReadOptions {
            text_columns: vec!["Q1".to_owned(), "3".to_owned()],
            date_column: Some("when".to_owned()),
            ..ReadOptions::default()
        };
        let found = roles(
            &["when", "Q1", "Q2", "ご意見"],
            &[&["2025/3/1", "a", "b", "c"]],
            &options,
        );
        assert_eq!(found, [Date, Text, Text, Metadata]);
    }

    #[test]
    fn unknown_column_option_lists_the_columns() {
        let names = vec!["ID".to_owned(), "ご意見".to_owned()];
        let err =
            resolve_column(Path::new("a.csv"), &names, &[None, None], "text", "感想").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.csv: no column \"感想\" for --text-column; the columns are \"ID\", \"ご意見\""
        );
        assert_eq!(
            resolve_column(Path::new("a.csv"), &names, &[None, None], "text", "意見").unwrap(),
            1
        );
    }

    #[test]
    fn qualtrics_and_surveymonkey_header_rows() {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let qualtrics = header_rows(&[
            row(&["ResponseId", "Q1"]),
            row(&["Response ID", "ご意見をお聞かせください"]),
            row(&[
                "{\"ImportId\":\"_recordId\"}",
                "{\"ImportId\":\"QID1_TEXT\"}",
            ]),
        ]);
        assert_eq!(qualtrics.extra, 2);
        assert_eq!(qualtrics.names, ["ResponseId", "Q1"]);
        assert_eq!(
            qualtrics.questions[1].as_deref(),
            Some("ご意見をお聞かせください")
        );
        let monkey = header_rows(&[
            row(&["Respondent ID", "ご意見", "", "年代"]),
            row(&["", "Open-Ended Response", "その他", "Response"]),
            row(&["1", "高い", "", "30代"]),
        ]);
        assert_eq!(monkey.extra, 1);
        assert_eq!(
            monkey.names,
            [
                "Respondent ID",
                "ご意見 / Open-Ended Response",
                "ご意見 / その他",
                "年代"
            ]
        );
        let plain = header_rows(&[row(&["ID", "", "ID"]), row(&["1", "a", "b"])]);
        assert_eq!(plain.names, ["ID", "column 2", "ID (2)"]);
    }

    #[test]
    fn ratings_as_written() {
        assert_eq!(parse_rating("4"), Some(4.0));
        assert_eq!(parse_rating("８点"), Some(8.0));
        assert_eq!(parse_rating("4/5"), Some(4.0));
        assert_eq!(parse_rating("★★★☆☆"), Some(3.0));
        assert_eq!(parse_rating("5 (とても満足)"), Some(5.0));
        assert_eq!(parse_rating("10 - 非常に薦めたい"), Some(10.0));
        assert_eq!(parse_rating("とても満足"), None);
        assert_eq!(parse_rating("2025/03/01"), None);
    }
}
