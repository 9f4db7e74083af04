//! Input flags shared by every command that reads feedback files (`inspect`, `classify`,
//! `index`, ...), and the loop over their rows.
//!
//! [`InputArgs`] mirrors the command line; [`InputArgs::read_options`] checks it and gives the
//! library's [`ReadOptions`]. [`for_each_feedback`] is what a command calls to read its input:
//!
//! - every file is opened (and its layout detected) before any row is handed over, so a missing
//!   file or a bad `--sheet` / `--text-column` fails before anything is written;
//! - each problem row is printed on stderr as `FILE:LINE: reason`, and a summary line at the end;
//! - accepted rows are handed over in input order.
//!
//! Exit codes, as [`super`] defines them: a command whose input had problems (rejected or
//! repaired rows) returns [`Outcome::Problems`] — exit 1 — after processing every good row
//! ([`outcome`] says which). A file that cannot be read fails the command with exit 3 (2 when an
//! option is at fault: unknown encoding or time zone, no such sheet or column). With `--strict`,
//! any problem fails the command with exit 2 before a single row is handed over.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

use crate::cli::{Outcome, UsageError};
use crate::feedback::Feedback;
use crate::ingest::{FeedbackReader, IngestError, ReadOptions, ReadSummary, encoding_for_label};

/// Where the input comes from and how to read it.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files to read: CSV or TSV (UTF-8, CP932, UTF-16 — whatever Excel wrote), xlsx, JSON,
    /// JSON Lines. `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Text encoding: utf-8, cp932 (shift_jis), utf-16le, utf-16be, euc-jp, ... [default: detect:
    /// byte-order mark, then strict UTF-8, then CP932]
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub encoding: Option<String>,
    /// Field delimiter of CSV/TSV input: `,` `;` `|` or `tab` [default: detect]
    #[arg(long, value_name = "CHAR", help_heading = "Input")]
    pub delimiter: Option<String>,
    /// Workbook sheet to read [default: the first sheet]
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub sheet: Option<String>,
    /// Free-text column: its header, a unique part of it, or its 1-based number. Repeat for
    /// several; they are kept apart [default: detect]
    #[arg(long = "text-column", value_name = "COLUMN", help_heading = "Input")]
    pub text_columns: Vec<String>,
    /// Id column [default: detect; rows without one get FILE#LINE]
    #[arg(long = "id-column", value_name = "COLUMN", help_heading = "Input")]
    pub id_column: Option<String>,
    /// Date column [default: detect]
    #[arg(long = "date-column", value_name = "COLUMN", help_heading = "Input")]
    pub date_column: Option<String>,
    /// Channel column [default: detect]
    #[arg(long = "channel-column", value_name = "COLUMN", help_heading = "Input")]
    pub channel_column: Option<String>,
    /// Rating / NPS column [default: detect]
    #[arg(long = "rating-column", value_name = "COLUMN", help_heading = "Input")]
    pub rating_column: Option<String>,
    /// Time zone of times written without one, and of the dates koe reports (IANA name)
    #[arg(
        long,
        value_name = "ZONE",
        default_value = "Asia/Tokyo",
        help_heading = "Input"
    )]
    pub timezone: String,
    /// Characters of each text cell that are analysed; longer cells are kept whole, with a
    /// warning
    #[arg(long = "max-text-chars", value_name = "N", default_value_t = ReadOptions::default().max_text_chars, help_heading = "Input")]
    pub max_text_chars: usize,
    /// Fail (exit 2) before writing anything if any row has a problem
    #[arg(long, help_heading = "Input")]
    pub strict: bool,
}

impl InputArgs {
    /// The checked read options; a bad value is a [`UsageError`].
    pub fn read_options(&self) -> anyhow::Result<ReadOptions> {
        if let Some(label) = &self.encoding
            && encoding_for_label(label).is_none()
        {
            return Err(UsageError(format!(
                "unknown --encoding {label:?} (try utf-8, cp932, utf-16le, utf-16be, euc-jp)"
            ))
            .into());
        }
        if jiff::tz::TimeZone::get(&self.timezone).is_err() {
            return Err(UsageError(format!(
                "unknown --timezone {:?} (an IANA name such as Asia/Tokyo or UTC)",
                self.timezone
            ))
            .into());
        }
        if self.max_text_chars == 0 {
            return Err(UsageError("--max-text-chars must be at least 1".to_owned()).into());
        }
        if self.files.iter().filter(|f| is_stdin(f)).count() > 1 {
            return Err(UsageError("standard input (-) can be read only once".to_owned()).into());
        }
        let delimiter = self.delimiter.as_deref().map(parse_delimiter).transpose()?;
        Ok(ReadOptions {
            encoding: self.encoding.clone(),
            delimiter,
            sheet: self.sheet.clone(),
            text_columns: self.text_columns.clone(),
            id_column: self.id_column.clone(),
            date_column: self.date_column.clone(),
            channel_column: self.channel_column.clone(),
            rating_column: self.rating_column.clone(),
            timezone: self.timezone.clone(),
            max_text_chars: self.max_text_chars,
        })
    }

    /// Reading `files` with every option at its default (what `koe demo` uses): the defaults
    /// come from [`ReadOptions::default`], so they are written in one place.
    pub fn for_files(files: Vec<PathBuf>) -> Self {
        let defaults = ReadOptions::default();
        Self {
            files,
            encoding: defaults.encoding,
            delimiter: None,
            sheet: defaults.sheet,
            text_columns: defaults.text_columns,
            id_column: defaults.id_column,
            date_column: defaults.date_column,
            channel_column: defaults.channel_column,
            rating_column: defaults.rating_column,
            timezone: defaults.timezone,
            max_text_chars: defaults.max_text_chars,
            strict: false,
        }
    }

    /// The input files, `-` for standard input.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

fn parse_delimiter(value: &str) -> anyhow::Result<u8> {
    let delimiter = match value {
        "tab" | "TAB" | "\\t" | "\t" => b'\t',
        "comma" => b',',
        "semicolon" => b';',
        "pipe" => b'|',
        "space" => b' ',
        other if other.len() == 1 && other.is_ascii() && other != "\"" && other != "\n" => {
            other.as_bytes()[0]
        }
        other => {
            return Err(UsageError(format!(
                "--delimiter must be one ASCII character (or tab, comma, semicolon, pipe), not {other:?}"
            ))
            .into());
        }
    };
    Ok(delimiter)
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Opens `path`, turning option errors into usage errors.
pub(crate) fn open(path: &Path, options: &ReadOptions) -> anyhow::Result<FeedbackReader> {
    FeedbackReader::open(path, options).map_err(ingest_error)
}

/// An [`IngestError`] for the command line: a usage error (exit 2) when an option is at fault.
pub(crate) fn ingest_error(err: IngestError) -> anyhow::Error {
    if err.is_usage() {
        UsageError(err.to_string()).into()
    } else {
        err.into()
    }
}

/// The outcome of a command whose input read as `summary`: problems mean exit 1.
pub fn outcome(summary: &ReadSummary) -> Outcome {
    if summary.is_clean() {
        Outcome::Success
    } else {
        Outcome::Problems
    }
}

/// Reads every file, prints each problem to stderr as `FILE:LINE: reason`, calls `on_feedback`
/// for each accepted row in input order, prints the summary line to stderr, and returns the
/// summary.
///
/// Every file is opened before the first row is handed over. With `--strict` everything is read
/// first, and any problem fails with a [`UsageError`] (exit 2) before `on_feedback` is called at
/// all; regular files are then read a second time, standard input is kept in memory.
pub fn for_each_feedback(
    args: &InputArgs,
    mut on_feedback: impl FnMut(Feedback) -> anyhow::Result<()>,
) -> anyhow::Result<ReadSummary> {
    let options = args.read_options()?;
    let mut stdin_reader = None;
    for path in args.files() {
        let reader = open(path, &options)?;
        if is_stdin(path) {
            stdin_reader = Some(reader);
        }
    }
    let mut reopen = |path: &Path| -> anyhow::Result<FeedbackReader> {
        match stdin_reader.take() {
            Some(reader) if is_stdin(path) => Ok(reader),
            other => {
                stdin_reader = other;
                open(path, &options)
            }
        }
    };
    let stderr = std::io::stderr();
    let mut summary = ReadSummary::default();

    if args.strict {
        let mut problems = 0_u64;
        let mut from_stdin = Vec::new();
        for path in args.files() {
            for row in reopen(path)? {
                summary.add(&row);
                let mut err = stderr.lock();
                for problem in &row.problems {
                    problems += 1;
                    let _ = writeln!(err, "{problem}");
                }
                if is_stdin(path)
                    && let Some(feedback) = row.feedback
                {
                    from_stdin.push(feedback);
                }
            }
        }
        if problems > 0 {
            eprintln!("koe: {summary}");
            return Err(UsageError(format!(
                "--strict: {problems} problem(s) in the input (listed above); nothing was written"
            ))
            .into());
        }
        summary = ReadSummary::default();
        for path in args.files() {
            if is_stdin(path) {
                for feedback in from_stdin.drain(..) {
                    summary.rows += 1;
                    summary.accepted += 1;
                    on_feedback(feedback)?;
                }
                continue;
            }
            read_file(reopen(path)?, &mut summary, &mut on_feedback)?;
        }
    } else {
        for path in args.files() {
            read_file(reopen(path)?, &mut summary, &mut on_feedback)?;
        }
    }
    eprintln!("koe: {summary}");
    Ok(summary)
}

fn read_file(
    reader: FeedbackReader,
    summary: &mut ReadSummary,
    on_feedback: &mut impl FnMut(Feedback) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file = reader.layout().file.clone();
    let stderr = std::io::stderr();
    for row in reader {
        summary.add(&row);
        if !row.problems.is_empty() {
            let mut err = stderr.lock();
            for problem in &row.problems {
                let _ = writeln!(err, "{problem}");
            }
        }
        if let Some(feedback) = row.feedback {
            let id = feedback.id.clone();
            on_feedback(feedback).with_context(|| format!("{file}: record {id}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Test {
        #[command(flatten)]
        input: InputArgs,
    }

    fn args(argv: &[&str]) -> InputArgs {
        Test::try_parse_from(std::iter::once("koe").chain(argv.iter().copied()))
            .unwrap()
            .input
    }

    fn write(dir: &Path, name: &str, content: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn options_are_checked() {
        let options = args(&[
            "a.csv",
            "--delimiter",
            "tab",
            "--text-column",
            "ご意見",
            "--text-column",
            "3",
        ])
        .read_options()
        .unwrap();
        assert_eq!(options.delimiter, Some(b'\t'));
        assert_eq!(options.text_columns, ["ご意見", "3"]);
        assert_eq!(options.timezone, "Asia/Tokyo");
        for bad in [
            &["a.csv", "--encoding", "klingon"][..],
            &["a.csv", "--timezone", "Mars/Olympus"],
            &["a.csv", "--delimiter", "::"],
            &["-", "-"],
        ] {
            let err = args(bad).read_options().unwrap_err();
            assert!(err.downcast_ref::<UsageError>().is_some(), "{bad:?}: {err}");
        }
    }

    #[test]
    fn rows_are_handed_over_in_order_across_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.csv", "id,ご意見\n1,高い\n2,遅い\n");
        let b = write(dir.path(), "b.csv", "id,ご意見\n3,安い\n4,\n");
        let mut ids = Vec::new();
        let summary = for_each_feedback(&args(&[&a, &b]), |feedback| {
            ids.push(feedback.id);
            Ok(())
        })
        .unwrap();
        assert_eq!(ids, ["1", "2", "3"]);
        assert_eq!(
            (summary.rows, summary.accepted, summary.rejected),
            (4, 3, 1)
        );
        assert_eq!(outcome(&summary), Outcome::Problems);
    }

    #[test]
    fn strict_fails_before_handing_over_anything() {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good.csv", "id,ご意見\n1,高い\n");
        let bad = write(dir.path(), "bad.csv", "id,ご意見\n2,遅い\n3\n");
        let mut called = 0;
        let err = for_each_feedback(&args(&["--strict", &good, &bad]), |_| {
            called += 1;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(called, 0);
        assert!(err.downcast_ref::<UsageError>().is_some());
        let summary = for_each_feedback(&args(&["--strict", &good]), |_| {
            called += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(called, 1);
        assert_eq!(outcome(&summary), Outcome::Success);
    }

    #[test]
    fn a_missing_file_fails_before_anything_is_handed_over() {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good.csv", "id,ご意見\n1,高い\n");
        let missing = dir
            .path()
            .join("missing.csv")
            .to_string_lossy()
            .into_owned();
        let mut called = 0;
        let err = for_each_feedback(&args(&[&good, &missing]), |_| {
            called += 1;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(called, 0);
        assert!(err.downcast_ref::<IngestError>().is_some(), "{err}");
        let err =
            for_each_feedback(&args(&[&good, "--text-column", "nope"]), |_| Ok(())).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some(), "{err}");
    }
}
