//! `koe report`: the monthly cause report of an index, as Markdown, HTML, JSON or CSV.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::classify::Language;
use crate::cli::{Lang, Outcome, UsageError, parse_month};
use crate::index::FeedbackIndex;
use crate::report::{self, MonthlyReport, ReportRequest};

/// Write the monthly cause report of an index: what changed this month and why.
///
/// For the month (default: the latest month with feedback) against the month before: total
/// feedback, each cause's count and share with the change in percentage points and whether it
/// is significant (two-proportion z-test; small counts are not tested), the same per channel,
/// the trend over --months months, the words that characterize each cause, words rising
/// fastest, the share with no cause, representative quotes (personal data masked, each with
/// its id for `koe search`) and mean ratings.
///
/// html is one self-contained page (inline SVG charts, no network); md is for chat and wikis;
/// json has every number; csv is one table for spreadsheets (--excel: UTF-8 with BOM).
///
/// Examples:
///   koe report --index idx                                   # Markdown on stdout
///   koe report --index idx --month 2026-03 --format html --out report.html
///   koe report --index idx --format json | jq '.causes[] | {id, share, change_pp}'
///   koe report --index idx --format csv --excel --out report.csv
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// The index directory (made by `koe index`).
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
    /// The month to report on [default: the latest month with feedback]
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    month: Option<jiff::civil::Date>,
    /// Months in the trend, ending with the report month
    #[arg(long, value_name = "N", default_value_t = report::DEFAULT_MONTHS)]
    months: usize,
    /// Output format [default: from the --out extension, else md]
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Language of labels and text
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    lang: Lang,
    /// CSV for Excel: UTF-8 with a byte-order mark (only with --format csv)
    #[arg(long)]
    excel: bool,
}

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for chat and wikis.
    Md,
    /// One self-contained HTML page with charts.
    Html,
    /// Every number, for other tools.
    Json,
    /// One table for spreadsheets.
    Csv,
}

fn format_of(path: &Path) -> Option<ReportFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "html" | "htm" => Some(ReportFormat::Html),
        "json" => Some(ReportFormat::Json),
        "csv" => Some(ReportFormat::Csv),
        "md" | "markdown" => Some(ReportFormat::Md),
        _ => None,
    }
}

/// `report` rendered in `format`.
pub fn render(report: &MonthlyReport, format: ReportFormat, excel: bool) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64 * 1024);
    match format {
        ReportFormat::Md => report::markdown::write(report, &mut out)?,
        ReportFormat::Html => report::html::write(report, &mut out)?,
        ReportFormat::Json => report::json::write(report, &mut out)?,
        ReportFormat::Csv => report::csv::write(report, excel, &mut out)?,
    }
    Ok(out)
}

pub fn run(args: &ReportArgs) -> anyhow::Result<Outcome> {
    let format = args
        .format
        .or_else(|| args.out.as_deref().and_then(format_of))
        .unwrap_or(ReportFormat::Md);
    if args.excel && format != ReportFormat::Csv {
        return Err(UsageError("--excel goes with --format csv".to_owned()).into());
    }
    let request = ReportRequest {
        month: args.month,
        months: args.months,
        language: match args.lang {
            Lang::Ja => Language::Japanese,
            Lang::En => Language::English,
        },
    };
    let index = FeedbackIndex::open(&args.index)?;
    let report = report::build(&index, &request).map_err(|err| {
        if err.is_usage() {
            anyhow::Error::new(UsageError(err.to_string()))
        } else {
            anyhow::Error::new(err)
        }
    })?;
    let bytes = render(&report, format, args.excel).context("rendering the report")?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "koe: report for {} ({} rows) written to {}",
                report.month,
                report.total,
                path.display()
            );
        }
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .context("writing to standard output")?;
        }
    }
    Ok(Outcome::Success)
}
