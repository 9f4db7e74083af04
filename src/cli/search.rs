//! `koe search`: query an index built by `koe index`, with filters, facets and highlights.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::cli::{Outcome, UsageError, parse_day, parse_month};
use crate::index::FeedbackIndex;
use crate::search::{Hit, SearchError, SearchRequest, SearchResults, SortOrder, search};

/// Search indexed feedback.
///
/// Words are ANDed; "quoted words" (or 「」) are a phrase; OR, NOT or -word, and parentheses
/// work as in web search (OR binds tighter than AND). Japanese words are tokenized as the index
/// was, half-width and full-width forms match each other, and a word is found inside compounds
/// (解約 finds 解約金). No query lists everything (newest first).
///
/// Examples:
///   koe search 解約 --index idx
///   koe search '解約 料金 -電話' --cause price --month 2024-03 --index idx
///   koe search '"対応が遅い" OR たらい回し' --from 2024-01-01 --to 2024-03-31 --index idx
///   koe search --cause price --format json --limit 100 --index idx | jq '.hits[].id'
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SearchArgs {
    /// The query; several arguments are joined with spaces. None: everything. Put a query that
    /// starts with `-` after `--` (`koe search --index idx -- -電話`), or write `NOT 電話`.
    query: Vec<String>,
    /// The index directory (made by `koe index`).
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
    /// Only feedback tagged with this cause (id, e.g. price). Repeatable: any of them.
    #[arg(long = "cause", value_name = "ID")]
    causes: Vec<String>,
    /// Only feedback from this channel. Repeatable: any of them.
    #[arg(long = "channel", value_name = "NAME")]
    channels: Vec<String>,
    /// Only feedback given on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    from: Option<jiff::civil::Date>,
    /// Only feedback given on or before this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    to: Option<jiff::civil::Date>,
    /// Only feedback given in this month.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    month: Option<jiff::civil::Date>,
    /// Only feedback rated at least this.
    #[arg(long, value_name = "N")]
    min_rating: Option<f64>,
    /// Only feedback rated at most this.
    #[arg(long, value_name = "N")]
    max_rating: Option<f64>,
    /// Order of the hits.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
    /// Output layout.
    #[arg(long, value_enum, default_value_t = SearchFormat::Table)]
    format: SearchFormat,
    /// Hits to show.
    #[arg(long, default_value_t = 20, value_name = "N")]
    limit: usize,
    /// Hits to skip first (for paging).
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: usize,
    /// Characters of text around the first match in each snippet.
    #[arg(long, default_value_t = 60, value_name = "N")]
    context: usize,
    /// Colour the matches: auto (when standard output is a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SortArg {
    /// Best match first; newest first when there is no query.
    Relevance,
    /// Newest first.
    Date,
    /// Oldest first.
    Oldest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SearchFormat {
    /// A table for people: date, channel, causes, id and the matches in context.
    Table,
    /// One JSON object: total, hits, facet counts.
    Json,
    /// CSV with a header row, one hit per row.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn run(args: &SearchArgs) -> anyhow::Result<Outcome> {
    let request = SearchRequest {
        query: args.query.join(" "),
        causes: args.causes.clone(),
        channels: args.channels.clone(),
        from: args.from,
        to: args.to,
        month: args.month,
        min_rating: args.min_rating,
        max_rating: args.max_rating,
        sort: match args.sort {
            SortArg::Relevance => SortOrder::Relevance,
            SortArg::Date => SortOrder::Newest,
            SortArg::Oldest => SortOrder::Oldest,
        },
        limit: args.limit,
        offset: args.offset,
        snippet_chars: args.context.max(1),
    };
    let index = FeedbackIndex::open(&args.index)?;
    if index.dictionaries_changed() {
        eprintln!(
            "koe: warning: the user dictionaries of {} changed since it was built; run `koe reindex --index {}`",
            args.index.display(),
            args.index.display()
        );
    }
    let results = search(&index, &request).map_err(|err| match err {
        err if err.is_usage() => anyhow::Error::new(UsageError(err.to_string())),
        SearchError::Index(err) => anyhow::Error::new(err),
        err => anyhow::Error::new(err),
    })?;
    let stdout = io::stdout();
    let colour = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        SearchFormat::Table => write_table(&mut out, &request, &results, colour)?,
        SearchFormat::Json => write_json(&mut out, &results)?,
        SearchFormat::Csv => write_csv(&mut out, &results)?,
    }
    out.flush().context("writing to standard output")?;
    Ok(Outcome::Success)
}

/// Display width on a terminal: East Asian wide and full-width characters take two columns.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

fn pad(text: &str, columns: usize) -> String {
    let mut padded = text.to_owned();
    padded.extend(std::iter::repeat_n(
        ' ',
        columns.saturating_sub(width(text)),
    ));
    padded
}

fn cause_ids(hit: &Hit) -> String {
    hit.causes
        .iter()
        .map(|cause| cause.id.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn day(hit: &Hit) -> String {
    hit.feedback
        .date
        .map(|date| date.date().to_string())
        .unwrap_or_else(|| "-".repeat(10))
}

fn write_table(
    out: &mut impl Write,
    request: &SearchRequest,
    results: &SearchResults,
    colour: bool,
) -> anyhow::Result<()> {
    let write_error = || "writing to standard output";
    let shown = results.hits.len();
    let first = request.offset + 1;
    let hits = |n: u64| format!("{n} {}", if n == 1 { "hit" } else { "hits" });
    let heading = match (results.total, shown) {
        (0, _) => "no hits".to_owned(),
        (total, 0) => format!("{}; none from --offset {}", hits(total), request.offset),
        (total, _) => format!(
            "{}, showing {first}–{}",
            hits(total),
            request.offset + shown
        ),
    };
    writeln!(out, "{heading}").with_context(write_error)?;
    let channels: Vec<String> = results
        .hits
        .iter()
        .map(|hit| hit.feedback.channel.clone().unwrap_or_else(|| "-".into()))
        .collect();
    let causes: Vec<String> = results.hits.iter().map(cause_ids).collect();
    let channel_width = channels.iter().map(|c| width(c)).max().unwrap_or(0);
    let cause_width = causes.iter().map(|c| width(c)).max().unwrap_or(0).max(1);
    let id_width = results
        .hits
        .iter()
        .map(|h| width(&h.feedback.id))
        .max()
        .unwrap_or(0);
    let (before, after) = if colour {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("【", "】")
    };
    for (i, hit) in results.hits.iter().enumerate() {
        let cause = if causes[i].is_empty() {
            "-"
        } else {
            &causes[i]
        };
        writeln!(
            out,
            "{}  {}  {}  {}  {}",
            day(hit),
            pad(&channels[i], channel_width),
            pad(cause, cause_width),
            pad(&hit.feedback.id, id_width),
            hit.snippet.marked(before, after)
        )
        .with_context(write_error)?;
    }
    if results.total > 0 {
        let counts = |counts: &BTreeMap<String, u64>| {
            let mut sorted: Vec<_> = counts.iter().collect();
            sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            sorted
                .iter()
                .map(|(value, count)| format!("{value} {count}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(out, "causes: {}", or_none(counts(&results.causes))).with_context(write_error)?;
        writeln!(out, "channels: {}", or_none(counts(&results.channels)))
            .with_context(write_error)?;
    }
    Ok(())
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "(none)".into()
    } else {
        text
    }
}

#[derive(Serialize)]
struct JsonResults<'a> {
    total: u64,
    hits: Vec<JsonHit<'a>>,
    facets: JsonFacets<'a>,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    id: &'a str,
    date: Option<String>,
    channel: Option<&'a str>,
    rating: Option<f64>,
    causes: Vec<&'a str>,
    /// Each cause's confidence, by id.
    cause_scores: BTreeMap<&'a str, f32>,
    score: Option<f32>,
    snippet: &'a str,
    /// Character ranges of the snippet that matched.
    highlights: Vec<(usize, usize)>,
    text: String,
}

#[derive(Serialize)]
struct JsonFacets<'a> {
    causes: &'a BTreeMap<String, u64>,
    channel: &'a BTreeMap<String, u64>,
}

fn write_json(out: &mut impl Write, results: &SearchResults) -> anyhow::Result<()> {
    let hits = results
        .hits
        .iter()
        .map(|hit| JsonHit {
            id: &hit.feedback.id,
            date: hit.feedback.date.map(|date| date.to_string()),
            channel: hit.feedback.channel.as_deref(),
            rating: hit.feedback.rating,
            causes: hit.causes.iter().map(|cause| cause.id.as_str()).collect(),
            cause_scores: hit
                .causes
                .iter()
                .map(|cause| (cause.id.as_str(), cause.score))
                .collect(),
            score: hit.score,
            snippet: &hit.snippet.text,
            highlights: hit.snippet.highlights_in_chars(),
            text: hit.feedback.full_text(),
        })
        .collect();
    let json = JsonResults {
        total: results.total,
        hits,
        facets: JsonFacets {
            causes: &results.causes,
            channel: &results.channels,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &json).context("writing to standard output")?;
    writeln!(out).context("writing to standard output")?;
    Ok(())
}

fn write_csv(out: &mut impl Write, results: &SearchResults) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let write_error = || "writing to standard output";
    writer
        .write_record([
            "id", "date", "channel", "rating", "causes", "score", "snippet",
        ])
        .with_context(write_error)?;
    for hit in &results.hits {
        let causes: Vec<&str> = hit.causes.iter().map(|cause| cause.id.as_str()).collect();
        writer
            .write_record([
                hit.feedback.id.clone(),
                hit.feedback
                    .date
                    .map(|date| date.to_string())
                    .unwrap_or_default(),
                hit.feedback.channel.clone().unwrap_or_default(),
                hit.feedback
                    .rating
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
                causes.join(";"),
                hit.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
                hit.snippet.text.clone(),
            ])
            .with_context(write_error)?;
    }
    writer.flush().with_context(write_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_months_must_be_written_in_full() {
        assert_eq!(
            parse_day("2024-03-05").unwrap(),
            jiff::civil::date(2024, 3, 5)
        );
        assert!(parse_day("2024-3-5").is_err());
        assert!(parse_day("2024-02-30").is_err());
        assert_eq!(
            parse_month("2024-03").unwrap(),
            jiff::civil::date(2024, 3, 1)
        );
        assert!(parse_month("2024-13").is_err());
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("電話"), 4);
        assert_eq!(width("ｱﾌﾟﾘ"), 4);
        assert_eq!(width("app"), 3);
        assert_eq!(pad("電話", 6), "電話  ");
    }
}
