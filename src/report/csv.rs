//! The report as one CSV table for spreadsheets: a `section` column says what each row is
//! (`cause`, `no_cause`, `channel`, `trend`, `term`, `rising_term`, `quote`), the other columns
//! hold the numbers, and `text` the word or quote. Feedback text is neutralized against
//! formula injection ([`spreadsheet_cell`]); `excel` adds the byte-order mark Japanese Excel
//! needs to read UTF-8. On `quote` rows `mean_rating` is the quoted row's own rating; on
//! `rising_term` rows `previous_count` is the word's rows in the earlier months of the trend.

use std::io::{self, Write};

use crate::escape::spreadsheet_cell;
use crate::report::{MonthlyReport, ShareChange};

/// The header row.
pub const HEADER: [&str; 17] = [
    "section",
    "month",
    "channel",
    "cause",
    "label",
    "count",
    "total",
    "share",
    "previous_count",
    "previous_total",
    "previous_share",
    "change_pp",
    "p_value",
    "significant",
    "mean_rating",
    "id",
    "text",
];

/// A number written as in the JSON report (`30.0`, `0.0019`), so that the two agree as text.
fn number(value: Option<f64>) -> String {
    value
        .and_then(|v| serde_json::to_string(&v).ok())
        .unwrap_or_default()
}

/// One row; `None` cells are empty.
#[derive(Default)]
struct Row<'a> {
    section: &'a str,
    month: &'a str,
    channel: &'a str,
    cause: &'a str,
    label: &'a str,
    count: Option<u64>,
    total: Option<u64>,
    share: Option<f64>,
    previous_count: Option<u64>,
    previous_total: Option<u64>,
    previous_share: Option<f64>,
    change_pp: Option<f64>,
    p_value: Option<f64>,
    significant: Option<bool>,
    mean_rating: Option<f64>,
    id: &'a str,
    text: &'a str,
}

impl<'a> Row<'a> {
    fn with_change(mut self, change: &ShareChange, total: u64, previous_total: u64) -> Self {
        self.count = Some(change.count);
        self.total = Some(total);
        self.share = Some(change.share);
        self.previous_count = Some(change.previous_count);
        self.previous_total = Some(previous_total);
        self.previous_share = change.previous_share;
        self.change_pp = change.change_pp;
        self.p_value = change.p_value;
        self.significant = Some(change.significant);
        self
    }

    fn cells(&self) -> [String; 17] {
        let whole = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        [
            self.section.to_owned(),
            self.month.to_owned(),
            spreadsheet_cell(self.channel).into_owned(),
            self.cause.to_owned(),
            spreadsheet_cell(self.label).into_owned(),
            whole(self.count),
            whole(self.total),
            number(self.share),
            whole(self.previous_count),
            whole(self.previous_total),
            number(self.previous_share),
            number(self.change_pp),
            number(self.p_value),
            self.significant.map(|s| s.to_string()).unwrap_or_default(),
            number(self.mean_rating),
            spreadsheet_cell(self.id).into_owned(),
            spreadsheet_cell(self.text).into_owned(),
        ]
    }
}

/// Writes `report` as CSV (CRLF line ends, as Excel writes them); with `excel`, UTF-8 with a
/// byte-order mark.
pub fn write(report: &MonthlyReport, excel: bool, out: &mut impl Write) -> io::Result<()> {
    if excel {
        out.write_all("\u{FEFF}".as_bytes())?;
    }
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(HEADER)?;
    let month = report.month.as_str();
    let (total, previous_total) = (report.total, report.previous_total);
    for cause in &report.causes {
        let mut row = Row {
            section: "cause",
            month,
            cause: &cause.id,
            label: &cause.label,
            ..Row::default()
        }
        .with_change(&cause.change, total, previous_total);
        row.mean_rating = cause.mean_rating;
        writer.write_record(row.cells())?;
    }
    let mut row = Row {
        section: "no_cause",
        month,
        label: report.texts().no_cause,
        ..Row::default()
    }
    .with_change(&report.no_cause, total, previous_total);
    row.mean_rating = report.mean_rating;
    writer.write_record(row.cells())?;
    for channel in &report.channels {
        for cause in &channel.causes {
            let row = Row {
                section: "channel",
                month,
                channel: &channel.channel,
                cause: &cause.id,
                label: &cause.label,
                ..Row::default()
            }
            .with_change(&cause.change, channel.total, channel.previous_total);
            writer.write_record(row.cells())?;
        }
        let mut row = Row {
            section: "channel",
            month,
            channel: &channel.channel,
            label: report.texts().no_cause,
            ..Row::default()
        }
        .with_change(&channel.no_cause, channel.total, channel.previous_total);
        row.mean_rating = channel.mean_rating;
        writer.write_record(row.cells())?;
    }
    for trend in &report.trend {
        for cause in &trend.causes {
            let label = report
                .causes
                .iter()
                .find(|c| c.id == cause.id)
                .map_or("", |c| c.label.as_str());
            let row = Row {
                section: "trend",
                month: &trend.month,
                cause: &cause.id,
                label,
                count: Some(cause.count),
                total: Some(trend.total),
                share: Some(cause.share),
                ..Row::default()
            };
            writer.write_record(row.cells())?;
        }
        let row = Row {
            section: "trend",
            month: &trend.month,
            label: report.texts().no_cause,
            count: Some(trend.no_cause),
            total: Some(trend.total),
            share: Some(trend.no_cause_share),
            mean_rating: trend.mean_rating,
            ..Row::default()
        };
        writer.write_record(row.cells())?;
    }
    for cause in &report.causes {
        for term in &cause.top_terms {
            let row = Row {
                section: "term",
                month,
                cause: &cause.id,
                label: &cause.label,
                count: Some(term.count),
                text: &term.term,
                ..Row::default()
            };
            writer.write_record(row.cells())?;
        }
    }
    for term in &report.rising_terms {
        let row = Row {
            section: "rising_term",
            month,
            count: Some(term.count),
            previous_count: Some(term.rest_count),
            text: &term.term,
            ..Row::default()
        };
        writer.write_record(row.cells())?;
    }
    for cause in &report.causes {
        for quote in &cause.quotes {
            let row = Row {
                section: "quote",
                month,
                channel: quote.channel.as_deref().unwrap_or(""),
                cause: &cause.id,
                label: &cause.label,
                mean_rating: quote.rating,
                id: &quote.id,
                text: &quote.text,
                ..Row::default()
            };
            writer.write_record(row.cells())?;
        }
    }
    writer.flush()
}
