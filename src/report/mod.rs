//! The monthly cause report: what a CX lead reads on the first of the month.
//!
//! [`build`] computes a [`MonthlyReport`] from an index: for the month, every cause's count and
//! share of feedback against the previous month with a significance test ([`stats`]), the same
//! per channel, the trend over the window of months, the words that characterize each cause and
//! the words rising fastest ([`terms`]), representative quotes with personal data masked
//! ([`quotes`]), and mean ratings. Counts come from the index's fast fields ([`scan`]) and are
//! the causes `koe classify` gives for the same rows; only the month's rows with a cause are
//! read from the document store, for the quotes.
//!
//! Rendering is separate, one file per format: [`markdown`], [`html`], [`json`], [`csv`]. All
//! four print the numbers of the same [`MonthlyReport`], rounded once here, so they agree; the
//! output depends on nothing but the index (no clock, explicit tie-breaks everywhere).
//!
//! ```
//! # use koe::classify::Classifier;
//! # use koe::feedback::{Feedback, SourceRef, TextField};
//! # use koe::index::{FeedbackIndex, IndexOptions, Indexer};
//! use koe::report::{ReportRequest, build};
//! # let dir = tempfile::tempdir().unwrap();
//! # let classifier = Classifier::builtin().unwrap();
//! # let mut indexer = Indexer::open(dir.path(), &classifier, &IndexOptions::default()).unwrap();
//! # for (id, day, text) in [("1", 3, "料金が高すぎるので解約します"), ("2", 4, "毎月楽しみです")] {
//! #     indexer.add(Feedback {
//! #         id: id.into(), source: SourceRef { file: "a.csv".into(), line: 2 },
//! #         date: Some(jiff::civil::date(2026, 3, day).at(12, 0, 0, 0)),
//! #         channel: Some("アンケート".into()), rating: Some(2.0), metadata: Default::default(),
//! #         texts: vec![TextField { column: "comment".into(), text: text.into() }],
//! #     }).unwrap();
//! # }
//! # indexer.finish().unwrap();
//! let index = FeedbackIndex::open(dir.path()).unwrap();
//! let report = build(&index, &ReportRequest::default()).unwrap();
//! assert_eq!((report.month.as_str(), report.total), ("2026-03", 2));
//! let price = report.causes.iter().find(|c| c.id == "price").unwrap();
//! assert_eq!((price.label.as_str(), price.change.count, price.change.share), ("価格", 1, 0.5));
//! ```

pub mod csv;
pub mod html;
mod i18n;
pub mod json;
pub mod markdown;
pub mod quotes;
pub mod scan;
pub mod stats;
pub mod terms;

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::classify::Language;
use crate::index::{FeedbackIndex, IndexError};
pub use i18n::Texts;
use quotes::{MaskLabels, Quote};
use scan::Cells;
use stats::two_proportion_test;
use terms::{TermCounts, TermScore};

/// Months in the trend when not told otherwise.
pub const DEFAULT_MONTHS: usize = 12;
/// Most months a trend may have.
pub const MAX_MONTHS: usize = 120;

/// What to report on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    /// The month (its first day); `None`: the latest month with feedback.
    pub month: Option<jiff::civil::Date>,
    /// Months in the trend, ending with the report month (2..=[`MAX_MONTHS`]).
    pub months: usize,
    /// Language of labels and text.
    pub language: Language,
}

impl Default for ReportRequest {
    fn default() -> Self {
        Self {
            month: None,
            months: DEFAULT_MONTHS,
            language: Language::Japanese,
        }
    }
}

/// What can go wrong making a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// tantivy failed reading the index.
    #[error("index {path}: {source}")]
    Tantivy {
        /// The index directory.
        path: PathBuf,
        /// What tantivy said.
        #[source]
        source: tantivy::TantivyError,
    },
    /// The index has no row with a date.
    #[error("the index at {path} has no feedback with a date: there is no month to report on")]
    NoDatedFeedback {
        /// The index directory.
        path: PathBuf,
    },
    /// The month asked for has no feedback.
    #[error("the index has no feedback in {month} (it has {first} .. {last})")]
    EmptyMonth {
        /// The month asked for.
        month: String,
        /// The first month with feedback.
        first: String,
        /// The last month with feedback.
        last: String,
    },
    /// The request is malformed.
    #[error("{0}")]
    Request(String),
}

impl ReportError {
    /// Whether the user asked for something that cannot be (as opposed to a failure).
    pub fn is_usage(&self) -> bool {
        matches!(self, Self::EmptyMonth { .. } | Self::Request(_))
    }
}

/// A month's counts of one cause (or of rows with no cause) against the previous month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareChange {
    /// Rows this month.
    pub count: u64,
    /// Share of this month's rows, 0-1, four decimals.
    pub share: f64,
    /// Rows the previous month.
    pub previous_count: u64,
    /// Share of the previous month's rows; `None` when that month has none.
    pub previous_share: Option<f64>,
    /// Change of the share in percentage points, two decimals.
    pub change_pp: Option<f64>,
    /// Two-sided p-value of the two-proportion z-test, four decimals; `None` when not tested
    /// (too few rows).
    pub p_value: Option<f64>,
    /// Whether the change is significant (see [`stats`]).
    pub significant: bool,
}

impl ShareChange {
    fn new(count: u64, total: u64, previous_count: u64, previous_total: u64) -> Self {
        let share = ratio(count, total);
        let previous_share = (previous_total > 0).then(|| ratio(previous_count, previous_total));
        let test = two_proportion_test(count, total, previous_count, previous_total);
        Self {
            count,
            share: round(share, 4),
            previous_count,
            previous_share: previous_share.map(|s| round(s, 4)),
            change_pp: previous_share.map(|p| round((share - p) * 100.0, 2)),
            p_value: test.p_value.map(|p| round(p, 4)),
            significant: test.significant,
        }
    }
}

/// One cause in the report month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CauseReport {
    /// Cause id (`price`).
    pub id: String,
    /// Label in the report's language (`価格`).
    pub label: String,
    /// Counts, share and change.
    #[serde(flatten)]
    pub change: ShareChange,
    /// Mean rating of the cause's rated rows this month, two decimals.
    pub mean_rating: Option<f64>,
    /// Rows of the cause with a rating this month.
    pub rated: u64,
    /// Mean rating of the cause's rated rows the previous month.
    pub previous_mean_rating: Option<f64>,
    /// Words that characterize the cause this month, most typical first.
    pub top_terms: Vec<TermScore>,
    /// Representative quotes.
    pub quotes: Vec<Quote>,
}

/// One cause within a channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelCause {
    /// Cause id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Counts, share of the channel's rows, and change.
    #[serde(flatten)]
    pub change: ShareChange,
}

/// The report month within one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelReport {
    /// The channel as indexed (normalized); empty for rows without one.
    pub channel: String,
    /// Rows this month.
    pub total: u64,
    /// Rows the previous month.
    pub previous_total: u64,
    /// Rows with no cause.
    pub no_cause: ShareChange,
    /// Each cause, in the report's cause order.
    pub causes: Vec<ChannelCause>,
    /// Mean rating this month.
    pub mean_rating: Option<f64>,
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Rows.
    pub total: u64,
    /// Rows with no cause.
    pub no_cause: u64,
    /// Their share, four decimals.
    pub no_cause_share: f64,
    /// Each cause, in the report's cause order.
    pub causes: Vec<TrendCause>,
    /// Mean rating.
    pub mean_rating: Option<f64>,
}

/// One cause in one month of the trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendCause {
    /// Cause id.
    pub id: String,
    /// Rows.
    pub count: u64,
    /// Share of the month's rows, four decimals.
    pub share: f64,
}

/// What the index holds beyond the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexCoverage {
    /// Live rows in the index.
    pub rows: u64,
    /// Rows without a date (in no month).
    pub undated: u64,
    /// First month with feedback.
    pub first_month: String,
    /// Last month with feedback.
    pub last_month: String,
}

/// How the numbers were made, for the report's footnote and for tools.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Method {
    /// The change test.
    pub test: &'static str,
    /// Its significance level.
    pub alpha: f64,
    /// Rows both months need for a change to be tested.
    pub min_rows: u64,
    /// Rows the cause needs in one of the months.
    pub min_count: u64,
    /// How words are scored.
    pub terms: &'static str,
    /// Strength of the prior, in pseudo-occurrences.
    pub prior_strength: f64,
    /// Rows of a cause a word must be in this month to characterize it.
    pub min_cause_term_rows: u32,
    /// Rows a rising word must be in this month.
    pub min_rising_term_rows: u32,
    /// z-score a rising word must exceed.
    pub min_rising_z: f64,
}

/// The report. Every number is rounded here, once, so that every format shows the same.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyReport {
    /// The report month, `YYYY-MM`.
    pub month: String,
    /// The month before.
    pub previous_month: String,
    /// `ja` or `en`.
    pub lang: &'static str,
    /// Rows this month.
    pub total: u64,
    /// Rows the previous month.
    pub previous_total: u64,
    /// Rows with no cause.
    pub no_cause: ShareChange,
    /// Mean rating of this month's rated rows.
    pub mean_rating: Option<f64>,
    /// Rows with a rating this month.
    pub rated: u64,
    /// Mean rating the previous month.
    pub previous_mean_rating: Option<f64>,
    /// Every cause the index knows, most frequent this month first (ties in the taxonomy's
    /// order).
    pub causes: Vec<CauseReport>,
    /// Each channel, the busiest first.
    pub channels: Vec<ChannelReport>,
    /// The window, oldest month first, ending with the report month.
    pub trend: Vec<TrendMonth>,
    /// Words rising fastest this month against the window's earlier months.
    pub rising_terms: Vec<TermScore>,
    /// The index beyond the window.
    pub index: IndexCoverage,
    /// How the numbers were made.
    pub method: Method,
}

impl MonthlyReport {
    /// The texts of the report's language.
    pub fn texts(&self) -> &'static Texts {
        Texts::of(self.lang)
    }

    /// The month in one line: the causes (and the no-cause share) that changed significantly,
    /// largest change first, and the top rising words. The same sentence opens every format.
    pub fn summary(&self) -> String {
        let t = self.texts();
        let mut changes: Vec<(&str, &ShareChange)> = self
            .causes
            .iter()
            .map(|c| (c.label.as_str(), &c.change))
            .chain(std::iter::once((t.no_cause_share, &self.no_cause)))
            .filter(|(_, change)| change.significant)
            .collect();
        changes.sort_by(|a, b| {
            let size = |c: &ShareChange| c.change_pp.unwrap_or(0.0).abs();
            size(b.1).total_cmp(&size(a.1))
        });
        let mut parts: Vec<String> = changes
            .iter()
            .map(|(label, change)| {
                let (open, separator, close) = if t.lang == "en" {
                    (" (", ", ", ")")
                } else {
                    ("（", "・", "）")
                };
                format!(
                    "{label} {} → {}{open}{}{separator}{}{close}",
                    change
                        .previous_share
                        .map_or_else(|| "–".to_owned(), |s| t.percent(s)),
                    t.percent(change.share),
                    t.change(change.change_pp),
                    t.significant_word
                )
            })
            .collect();
        if parts.is_empty() {
            parts.push(t.no_significant_change.to_owned());
        }
        let mut summary = parts.join(t.list_separator);
        if !self.rising_terms.is_empty() {
            let words: Vec<&str> = self
                .rising_terms
                .iter()
                .take(3)
                .map(|term| term.term.as_str())
                .collect();
            summary.push_str(if t.lang == "en" { ". " } else { "。" });
            summary.push_str(&format!(
                "{}: {}",
                t.rising_heading,
                words.join(t.list_separator)
            ));
        }
        summary
    }

    /// The cause whose share changed most (largest absolute change in points), significant
    /// changes first.
    pub fn biggest_mover(&self) -> Option<&CauseReport> {
        self.causes
            .iter()
            .filter(|c| c.change.change_pp.is_some())
            .max_by(|a, b| {
                let size = |c: &CauseReport| c.change.change_pp.unwrap_or(0.0).abs();
                a.change
                    .significant
                    .cmp(&b.change.significant)
                    .then(size(a).total_cmp(&size(b)))
                    // On a tie the cause listed first wins.
                    .then(b.change.count.cmp(&a.change.count))
            })
    }
}

/// `YYYY-MM` of a date.
fn month_key(date: jiff::civil::Date) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

fn parse_month_key(key: &str) -> Option<jiff::civil::Date> {
    format!("{key}-01").parse().ok()
}

fn ratio(count: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 / total as f64
    }
}

fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// Sums of rows and ratings over the cells that match.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    rows: u64,
    rated: u64,
    rating_sum: f64,
}

impl Tally {
    fn mean(&self) -> Option<f64> {
        (self.rated > 0).then(|| round(self.rating_sum / self.rated as f64, 2))
    }
}

fn tally(cells: &Cells, keep: impl Fn(&str, &str, u64) -> bool) -> Tally {
    let mut tally = Tally::default();
    for ((month, channel, bits), cell) in cells {
        if let Some(month) = month
            && keep(month, channel, *bits)
        {
            tally.rows += cell.rows;
            tally.rated += cell.rated;
            tally.rating_sum += cell.rating_sum;
        }
    }
    tally
}

/// Computes the report.
pub fn build(index: &FeedbackIndex, request: &ReportRequest) -> Result<MonthlyReport, ReportError> {
    if !(2..=MAX_MONTHS).contains(&request.months) {
        return Err(ReportError::Request(format!(
            "--months must be between 2 and {MAX_MONTHS}, not {}",
            request.months
        )));
    }
    let dir = index.dir();
    let tantivy_error = |source| ReportError::Tantivy {
        path: dir.to_path_buf(),
        source,
    };
    let searcher = index.searcher();
    let cells = scan::count(&searcher).map_err(tantivy_error)?;
    let months_with_data: BTreeSet<&str> = cells
        .keys()
        .filter_map(|(month, _, _)| month.as_deref())
        .collect();
    let (Some(&first), Some(&last)) = (months_with_data.first(), months_with_data.last()) else {
        return Err(ReportError::NoDatedFeedback {
            path: dir.to_path_buf(),
        });
    };
    let month_date = match request.month {
        Some(date) => date.first_of_month(),
        None => parse_month_key(last).ok_or_else(|| ReportError::NoDatedFeedback {
            path: dir.to_path_buf(),
        })?,
    };
    let month = month_key(month_date);
    if !months_with_data.contains(month.as_str()) {
        return Err(ReportError::EmptyMonth {
            month,
            first: first.to_owned(),
            last: last.to_owned(),
        });
    }
    let window: Vec<String> = (0..request.months)
        .rev()
        .filter_map(|back| {
            month_date
                .checked_sub(jiff::Span::new().months(back as i64))
                .ok()
        })
        .map(month_key)
        .collect();
    let report_slot = window.len() - 1;
    let previous_month = month_key(
        month_date
            .checked_sub(jiff::Span::new().months(1))
            .unwrap_or(month_date),
    );
    let english = request.language == Language::English;
    let texts = Texts::of(if english { "en" } else { "ja" });

    // The causes the index knows, in bit order, with labels in the report's language.
    let known: Vec<(String, String)> = index
        .info()
        .causes
        .iter()
        .take(64)
        .map(|cause| {
            let label = if english && !cause.label_en.is_empty() {
                cause.label_en.clone()
            } else {
                cause.label.clone()
            };
            (cause.id.clone(), label)
        })
        .collect();
    let bit = |i: usize| 1u64 << i;

    let this = |m: &str| m == month;
    let before = |m: &str| m == previous_month;
    let month_all = tally(&cells, |m, _, _| this(m));
    let previous_all = tally(&cells, |m, _, _| before(m));

    // Words and quotes.
    let slots = scan::slots(&searcher, &window).map_err(tantivy_error)?;
    let term_counts = TermCounts::read(
        &searcher,
        index.fields().words,
        &slots,
        window.len(),
        report_slot,
        known.len(),
    )
    .map_err(tantivy_error)?;
    let analyzer = index.analyzer()?;
    let mut worker = analyzer.tokenizer().worker();
    let rows = quotes::month_rows(index, &slots, report_slot as u8)?;
    let mask_labels = MaskLabels {
        email: texts.mask_email,
        phone: texts.mask_phone,
        postal: texts.mask_postal,
    };

    let mut causes: Vec<(usize, CauseReport)> = known
        .iter()
        .enumerate()
        .map(|(i, (id, label))| {
            let now = tally(&cells, |m, _, bits| this(m) && bits & bit(i) != 0);
            let then = tally(&cells, |m, _, bits| before(m) && bits & bit(i) != 0);
            let report = CauseReport {
                id: id.clone(),
                label: label.clone(),
                change: ShareChange::new(now.rows, month_all.rows, then.rows, previous_all.rows),
                mean_rating: now.mean(),
                rated: now.rated,
                previous_mean_rating: then.mean(),
                top_terms: term_counts.characterizing(&mut worker, report_slot, i),
                quotes: quotes::select(&rows, id, &mask_labels),
            };
            (i, report)
        })
        .collect();
    causes.sort_by(|(a_index, a), (b_index, b)| {
        b.change
            .count
            .cmp(&a.change.count)
            .then(a_index.cmp(b_index))
    });
    let order: Vec<usize> = causes.iter().map(|(i, _)| *i).collect();
    let causes: Vec<CauseReport> = causes.into_iter().map(|(_, c)| c).collect();

    let no_cause_now = tally(&cells, |m, _, bits| this(m) && bits == 0);
    let no_cause_then = tally(&cells, |m, _, bits| before(m) && bits == 0);

    // Channels seen this month or the previous one, the busiest first.
    let channel_names: BTreeSet<&str> = cells
        .keys()
        .filter(|(m, _, _)| m.as_deref().is_some_and(|m| this(m) || before(m)))
        .map(|(_, channel, _)| channel.as_str())
        .collect();
    let mut channels: Vec<ChannelReport> = channel_names
        .into_iter()
        .map(|name| {
            let now = tally(&cells, |m, c, _| this(m) && c == name);
            let then = tally(&cells, |m, c, _| before(m) && c == name);
            let count = |month: &dyn Fn(&str) -> bool, keep: &dyn Fn(u64) -> bool| {
                tally(&cells, |m, c, bits| month(m) && c == name && keep(bits)).rows
            };
            ChannelReport {
                channel: name.to_owned(),
                total: now.rows,
                previous_total: then.rows,
                no_cause: ShareChange::new(
                    count(&this, &|bits| bits == 0),
                    now.rows,
                    count(&before, &|bits| bits == 0),
                    then.rows,
                ),
                causes: order
                    .iter()
                    .map(|&i| ChannelCause {
                        id: known[i].0.clone(),
                        label: known[i].1.clone(),
                        change: ShareChange::new(
                            count(&this, &|bits| bits & bit(i) != 0),
                            now.rows,
                            count(&before, &|bits| bits & bit(i) != 0),
                            then.rows,
                        ),
                    })
                    .collect(),
                mean_rating: now.mean(),
            }
        })
        .collect();
    channels.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(b.previous_total.cmp(&a.previous_total))
            .then(a.channel.cmp(&b.channel))
    });

    let trend = window
        .iter()
        .map(|key| {
            let all = tally(&cells, |m, _, _| m == key);
            let none = tally(&cells, |m, _, bits| m == key && bits == 0);
            TrendMonth {
                month: key.clone(),
                total: all.rows,
                no_cause: none.rows,
                no_cause_share: round(ratio(none.rows, all.rows), 4),
                causes: order
                    .iter()
                    .map(|&i| {
                        let rows = tally(&cells, |m, _, bits| m == key && bits & bit(i) != 0).rows;
                        TrendCause {
                            id: known[i].0.clone(),
                            count: rows,
                            share: round(ratio(rows, all.rows), 4),
                        }
                    })
                    .collect(),
                mean_rating: all.mean(),
            }
        })
        .collect();

    let live_rows: u64 = cells.values().map(|c| c.rows).sum();
    let undated: u64 = cells
        .iter()
        .filter(|((m, _, _), _)| m.is_none())
        .map(|(_, c)| c.rows)
        .sum();
    Ok(MonthlyReport {
        month,
        previous_month,
        lang: if english { "en" } else { "ja" },
        total: month_all.rows,
        previous_total: previous_all.rows,
        no_cause: ShareChange::new(
            no_cause_now.rows,
            month_all.rows,
            no_cause_then.rows,
            previous_all.rows,
        ),
        mean_rating: month_all.mean(),
        rated: month_all.rated,
        previous_mean_rating: previous_all.mean(),
        causes,
        channels,
        trend,
        rising_terms: term_counts.rising(&mut worker, report_slot),
        index: IndexCoverage {
            rows: live_rows,
            undated,
            first_month: first.to_owned(),
            last_month: last.to_owned(),
        },
        method: Method {
            test: "two-proportion z-test (pooled), two-sided",
            alpha: stats::ALPHA,
            min_rows: stats::MIN_ROWS,
            min_count: stats::MIN_COUNT,
            terms: "weighted log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008), rows containing the word",
            prior_strength: stats::PRIOR_STRENGTH,
            min_cause_term_rows: terms::MIN_CAUSE_TERM_ROWS,
            min_rising_term_rows: terms::MIN_RISING_TERM_ROWS,
            min_rising_z: terms::MIN_RISING_Z,
        },
    })
}

/// ↑ for a rise, ↓ for a fall, → for none.
pub fn arrow(change_pp: Option<f64>) -> &'static str {
    match change_pp {
        Some(pp) if pp >= 0.05 => "↑",
        Some(pp) if pp <= -0.05 => "↓",
        _ => "→",
    }
}
