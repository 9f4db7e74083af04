//! `koe inspect`: show what koe will read from each file before anything is analysed.

use std::io::{self, Write};

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::cli::input::{self, InputArgs};
use crate::cli::{Outcome, UsageError};
use crate::feedback::Feedback;
use crate::ingest::{Layout, Problem, ReadSummary, analysed_text};

/// Show what koe will read from export files.
///
/// Format, encoding, delimiter, sheet, each column with its role and sample values, the row
/// count and every problem. Run it first on a new export: it reads each file to the end exactly as `classify` and
/// `index` will, and writes nothing else. Exit status: 0 when every row reads cleanly, 1 when
/// some rows were rejected or repaired, 2 for a bad option (or any problem with --strict),
/// 3 when a file cannot be read.
///
/// Examples:
///   koe inspect answers.csv
///   koe inspect --sheet 回答 survey.xlsx
///   koe inspect --format json tickets.jsonl
///   koe inspect --records answers.csv | head    # the records themselves, as JSON Lines
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct InspectArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output layout.
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    format: InspectFormat,
    /// Problems listed per file (all are counted); 0 lists all.
    #[arg(long, value_name = "N", default_value_t = 20)]
    problems: usize,
    /// Print every record koe reads, as JSON Lines, instead of the layout (problems go to
    /// stderr, as with every command that reads input).
    #[arg(long)]
    records: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InspectFormat {
    /// A report for people.
    Text,
    /// One JSON document: `files` (layout, counts, problems, first record) and `summary`.
    Json,
}

/// What was found in one file.
#[derive(Debug, Serialize)]
struct FileReport {
    #[serde(flatten)]
    layout: Layout,
    summary: ReadSummary,
    blank_rows: u64,
    problem_count: u64,
    problems: Vec<Problem>,
    first_record: Option<Feedback>,
}

#[derive(Debug, Serialize)]
struct FileError {
    file: String,
    error: String,
}

#[derive(Debug, Serialize)]
struct Report {
    files: Vec<FileReport>,
    errors: Vec<FileError>,
    summary: ReadSummary,
}

pub fn run(args: &InspectArgs) -> anyhow::Result<Outcome> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.records {
        let summary = input::for_each_feedback(&args.input, |feedback| {
            serde_json::to_writer(&mut out, &feedback).context("writing to standard output")?;
            out.write_all(b"\n").context("writing to standard output")?;
            Ok(())
        })?;
        out.flush().context("writing to standard output")?;
        return Ok(input::outcome(&summary));
    }

    let options = args.input.read_options()?;
    let mut report = Report {
        files: Vec::new(),
        errors: Vec::new(),
        summary: ReadSummary::default(),
    };
    let mut usage_error = None;
    for path in args.input.files() {
        let reader = match input::open(path, &options) {
            Ok(reader) => reader,
            Err(err) => {
                if err.downcast_ref::<UsageError>().is_some() && usage_error.is_none() {
                    usage_error = Some(format!("{err:#}"));
                }
                let error = FileError {
                    file: path.display().to_string(),
                    error: format!("{err:#}"),
                };
                if args.format == InspectFormat::Text {
                    writeln!(out, "{}\n  error: {}\n", error.file, error.error)
                        .context("writing to standard output")?;
                }
                report.errors.push(error);
                continue;
            }
        };
        let layout = reader.layout().clone();
        let mut file = FileReport {
            layout,
            summary: ReadSummary::default(),
            blank_rows: 0,
            problem_count: 0,
            problems: Vec::new(),
            first_record: None,
        };
        let mut reader = reader;
        for row in reader.by_ref() {
            file.summary.add(&row);
            for problem in row.problems {
                file.problem_count += 1;
                if args.problems == 0 || file.problems.len() < args.problems {
                    file.problems.push(problem);
                }
            }
            if file.first_record.is_none() {
                file.first_record = row.feedback;
            }
        }
        file.blank_rows = reader.blank_rows();
        report.summary.merge(&file.summary);
        if args.format == InspectFormat::Text {
            write_text(&mut out, &file, &options.timezone, options.max_text_chars)
                .context("writing to standard output")?;
        }
        report.files.push(file);
    }
    if args.format == InspectFormat::Json {
        serde_json::to_writer_pretty(&mut out, &report).context("writing to standard output")?;
        out.write_all(b"\n").context("writing to standard output")?;
    } else if args.input.files().len() > 1 {
        writeln!(out, "all files: {}", report.summary).context("writing to standard output")?;
    }
    out.flush().context("writing to standard output")?;

    if let Some(message) = usage_error {
        return Err(UsageError(message).into());
    }
    if !report.errors.is_empty() {
        anyhow::bail!(
            "{} of {} file(s) could not be read",
            report.errors.len(),
            args.input.files().len()
        );
    }
    if args.input.strict && !report.summary.is_clean() {
        return Err(UsageError(format!(
            "--strict: {} row(s) rejected and {} repaired",
            report.summary.rejected, report.summary.repaired
        ))
        .into());
    }
    Ok(input::outcome(&report.summary))
}

/// Column widths of the column table.
const NAME_WIDTH: usize = 30;
const ROLE_WIDTH: usize = 11;
const REASON_WIDTH: usize = 19;
const SAMPLES_WIDTH: usize = 50;

fn write_text(
    out: &mut impl Write,
    file: &FileReport,
    timezone: &str,
    max_text_chars: usize,
) -> io::Result<()> {
    let layout = &file.layout;
    writeln!(out, "{}", layout.file)?;
    let mut format = layout.format.to_string();
    if let (Some(delimiter), Some(reason)) = (layout.delimiter, &layout.delimiter_reason) {
        format.push_str(&format!(", {} ({reason})", delimiter_name(delimiter)));
    }
    writeln!(out, "  format    {format}")?;
    if let (Some(encoding), Some(reason)) = (&layout.encoding, &layout.encoding_reason) {
        writeln!(out, "  encoding  {encoding} ({reason})")?;
    }
    if let Some(sheet) = &layout.sheet {
        let others = layout.sheets.iter().filter(|s| *s != sheet).count();
        writeln!(
            out,
            "  sheet     {sheet} ({} sheet(s) in the workbook)",
            others + 1
        )?;
    }
    let extra = match layout.extra_header_rows {
        0 => String::new(),
        n => format!(" (+{n} more header row(s): question texts / answer labels)"),
    };
    writeln!(out, "  header    line {}{extra}", layout.header_line)?;
    let blank = match file.blank_rows {
        0 => String::new(),
        n => format!("; {n} blank row(s) skipped"),
    };
    let summary = &file.summary;
    writeln!(
        out,
        "  rows      {}: {} accepted ({} repaired), {} rejected{blank}",
        summary.rows, summary.accepted, summary.repaired, summary.rejected
    )?;
    writeln!(out)?;

    writeln!(
        out,
        "  {:>3}  {}  {}  {}  samples",
        "#",
        fit("column", NAME_WIDTH),
        fit("role", ROLE_WIDTH),
        fit("from", REASON_WIDTH)
    )?;
    for column in &layout.columns {
        let samples = fit(&column.samples.join(" | "), SAMPLES_WIDTH);
        writeln!(
            out,
            "  {:>3}  {}  {}  {}  {}",
            column.number,
            fit(&column.name, NAME_WIDTH),
            fit(&column.role.to_string(), ROLE_WIDTH),
            fit(&column.reason, REASON_WIDTH),
            samples.trim_end()
        )?;
        if let Some(question) = &column.question {
            writeln!(
                out,
                "  {:>3}  {}",
                "",
                fit(&format!("  “{question}”"), NAME_WIDTH + 40).trim_end()
            )?;
        }
    }
    writeln!(out)?;

    if let Some(record) = &file.first_record {
        writeln!(out, "  first record (line {})", record.source.line)?;
        writeln!(out, "    id       {}", record.id)?;
        match record.date {
            Some(date) => writeln!(out, "    date     {date} ({timezone})")?,
            None => writeln!(out, "    date     -")?,
        }
        writeln!(
            out,
            "    channel  {}",
            record.channel.as_deref().unwrap_or("-")
        )?;
        match record.rating {
            Some(rating) => writeln!(out, "    rating   {rating}")?,
            None => writeln!(out, "    rating   -")?,
        }
        for text in &record.texts {
            let shown = analysed_text(&text.text, max_text_chars);
            writeln!(
                out,
                "    text     {}: {}",
                fit(&text.column, NAME_WIDTH).trim_end(),
                fit(&shown.replace('\n', "⏎"), SAMPLES_WIDTH).trim_end()
            )?;
        }
        writeln!(out, "    metadata {} field(s)", record.metadata.len())?;
        writeln!(out)?;
    }

    if file.problem_count == 0 {
        writeln!(out, "  no problems")?;
    } else {
        writeln!(out, "  problems: {}", file.problem_count)?;
        for problem in &file.problems {
            writeln!(out, "    {problem}")?;
        }
        let unlisted = file.problem_count - file.problems.len() as u64;
        if unlisted > 0 {
            writeln!(out, "    ... and {unlisted} more (--problems 0 lists all)")?;
        }
    }
    writeln!(out)
}

fn delimiter_name(delimiter: char) -> String {
    match delimiter {
        ',' => "comma-separated".to_owned(),
        '\t' => "tab-separated".to_owned(),
        ';' => "semicolon-separated".to_owned(),
        '|' => "pipe-separated".to_owned(),
        other => format!("separated by {other:?}"),
    }
}

/// `text` cut or padded to `width` terminal columns (East Asian wide characters count two).
fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(char_width).sum();
    for c in text.chars() {
        let w = char_width(c);
        if total > width && used + w > width - 1 {
            out.push('…');
            used += 1;
            break;
        }
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

fn char_width(c: char) -> usize {
    match c {
        '\u{0}'..='\u{1F}'
        | '\u{7F}'..='\u{9F}'
        | '\u{300}'..='\u{36F}'
        | '\u{200B}'..='\u{200F}' => 0,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A000}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{1F300}'..='\u{1F64F}'
        | '\u{1F900}'..='\u{1F9FF}'
        | '\u{20000}'..='\u{3FFFD}' => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_wide_characters_twice() {
        assert_eq!(fit("回答ID", 8), "回答ID  ");
        assert_eq!(fit("サービスについてのご意見", 9), "サービス…");
        assert_eq!(fit("id", 4), "id  ");
    }
}
