//! Ingest: read survey, review and ticket exports into [`Feedback`] records, losing nothing.
//!
//! What Japanese CX teams export, and what this stage reads:
//!
//! - CSV in CP932 (Excel's "CSV" in Japan), UTF-8 with or without a byte-order mark, UTF-16LE
//!   tab-separated text with a BOM (Excel's "Unicode text"), with quoted cells holding commas,
//!   quotes and line breaks;
//! - Excel workbooks (`.xlsx`, `.xlsm`, `.xls`; the first sheet unless one is named), with dates
//!   as serial numbers;
//! - JSON arrays (also wrapped, as in `{"records": [...]}`) and JSON Lines.
//!
//! [`FeedbackReader::open`] detects the format, the encoding (byte-order mark, then strict
//! UTF-8, then CP932), the delimiter and the role of every column (id, date, channel, rating,
//! customer id, free text; everything else is metadata), from the header names first and the
//! content second. [`FeedbackReader::layout`] tells what it found; `koe inspect` prints it.
//! Reading then streams: CSV, TSV and JSON Lines of any size go through in bounded memory.
//!
//! Every row comes out as a [`Row`]: the record, or `None` when the row had to be rejected, and
//! the [`Problem`]s found in it, each with the file and line. A bad row never stops the reader and
//! nothing is dropped silently except rows with no content at all (blank lines, `,,,,`).
//!
//! ```
//! use koe::ingest::{FeedbackReader, ReadOptions};
//!
//! let csv = "回答ID,回答日,ご意見・ご感想\nR1,2025/3/1 12:34:56,料金が高いので解約します\n";
//! let reader = FeedbackReader::from_reader("answers.csv", csv.as_bytes(), &ReadOptions::default())
//!     .unwrap();
//! let rows: Vec<_> = reader.collect();
//! let feedback = rows[0].feedback.as_ref().unwrap();
//! assert_eq!(feedback.id, "R1");
//! assert_eq!(feedback.texts[0].text, "料金が高いので解約します");
//! assert_eq!(feedback.date.unwrap().to_string(), "2025-03-01T12:34:56");
//! ```

mod build;
mod cell;
mod columns;
pub mod date;
mod decode;
mod delimited;
mod json;
mod workbook;

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::feedback::Feedback;

pub use cell::analysed_text;
pub use columns::ColumnRole;
pub use decode::encoding_for_label;

use build::RowBuilder;
use cell::RawRecord;

/// Records read ahead to detect column roles from their content.
const SAMPLE_RECORDS: usize = 200;
/// Sample values kept per column for [`Layout`].
const SAMPLES_PER_COLUMN: usize = 3;

/// How to read input files. The default detects everything and reads times in Asia/Tokyo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Text encoding: `utf-8`, `cp932` / `shift_jis`, `utf-16le`, `euc-jp`, ...; `None` detects
    /// it (byte-order mark, then strict UTF-8, then CP932).
    pub encoding: Option<String>,
    /// Field delimiter of CSV / TSV input; `None` detects it among `,`, tab and `;`.
    pub delimiter: Option<u8>,
    /// Workbook sheet to read; `None` reads the first sheet.
    pub sheet: Option<String>,
    /// Free-text columns, by header (or 1-based column number); empty detects them.
    pub text_columns: Vec<String>,
    /// The id column; `None` detects it.
    pub id_column: Option<String>,
    /// The date column; `None` detects it.
    pub date_column: Option<String>,
    /// The channel column; `None` detects it.
    pub channel_column: Option<String>,
    /// The rating / NPS column; `None` detects it.
    pub rating_column: Option<String>,
    /// IANA time zone for times written without one, and the zone `Feedback::date` is in.
    pub timezone: String,
    /// How many characters of each text cell downstream stages analyse. Longer cells are kept
    /// whole in [`Feedback::texts`], with a warning.
    pub max_text_chars: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: None,
            delimiter: None,
            sheet: None,
            text_columns: Vec::new(),
            id_column: None,
            date_column: None,
            channel_column: None,
            rating_column: None,
            timezone: "Asia/Tokyo".to_owned(),
            max_text_chars: 20_000,
        }
    }
}

/// One row of input: the record, or `None` when the row was rejected, and what was wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The record; `None` when the row was rejected (see `problems` for why).
    pub feedback: Option<Feedback>,
    /// Problems found in the row: repairs made to a kept row, or why it was rejected.
    pub problems: Vec<Problem>,
}

/// A problem with one row of input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file as given (`<stdin>` for standard input).
    pub file: String,
    /// The physical line where the row starts (CSV, TSV, JSON Lines, JSON arrays) or the
    /// sheet row (workbooks), 1-based.
    pub line: u64,
    /// What was wrong and what was done about it.
    pub reason: String,
    /// Whether the row was rejected (otherwise it was repaired and kept).
    pub rejected: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

/// Counts of what a read went through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReadSummary {
    /// Rows read (blank rows are not counted).
    pub rows: u64,
    /// Rows that became a record.
    pub accepted: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Accepted rows that had problems (repaired, e.g. control characters removed, or kept
    /// without a date).
    pub repaired: u64,
}

impl ReadSummary {
    /// Counts one row.
    pub fn add(&mut self, row: &Row) {
        self.rows += 1;
        if row.feedback.is_some() {
            self.accepted += 1;
            if !row.problems.is_empty() {
                self.repaired += 1;
            }
        } else {
            self.rejected += 1;
        }
    }

    /// Adds another summary's counts (e.g. of another file).
    pub fn merge(&mut self, other: &ReadSummary) {
        self.rows += other.rows;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.repaired += other.repaired;
    }

    /// Whether every row went through untouched.
    pub fn is_clean(&self) -> bool {
        self.rejected == 0 && self.repaired == 0
    }
}

impl fmt::Display for ReadSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rows read: {} accepted ({} repaired), {} rejected",
            self.rows, self.accepted, self.repaired, self.rejected
        )
    }
}

/// Why a whole file cannot be read. Problems with single rows are [`Problem`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// The file is empty: no header to read.
    #[error("{}: the file is empty", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The content is none of the formats koe reads.
    #[error("{}: unknown format: {reason}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was seen.
        reason: String,
    },
    /// `--encoding` names no encoding koe knows.
    #[error(
        "{}: unknown encoding {label:?} (try utf-8, cp932, utf-16le, utf-16be, euc-jp)",
        path.display()
    )]
    UnknownEncoding {
        /// The file.
        path: PathBuf,
        /// The label given.
        label: String,
    },
    /// `--timezone` names no time zone in the bundled database.
    #[error("{}: unknown time zone {name:?} (an IANA name such as Asia/Tokyo or UTC)", path.display())]
    UnknownTimeZone {
        /// The file.
        path: PathBuf,
        /// The name given.
        name: String,
    },
    /// The workbook could not be read.
    #[error("{}: not a readable workbook: {message}", path.display())]
    Workbook {
        /// The file.
        path: PathBuf,
        /// What the workbook reader said.
        message: String,
    },
    /// `--sheet` names no sheet of the workbook.
    #[error("{}: no sheet named {sheet:?}; the workbook has {}", path.display(), quoted_list(available))]
    SheetNotFound {
        /// The file.
        path: PathBuf,
        /// The sheet asked for.
        sheet: String,
        /// The sheets there are.
        available: Vec<String>,
    },
    /// A column named by an option is not in the header.
    #[error("{}: no column {name:?} for --{role}-column; the columns are {}", path.display(), quoted_list(available))]
    ColumnNotFound {
        /// The file.
        path: PathBuf,
        /// Which option: `text`, `id`, `date`, `channel` or `rating`.
        role: &'static str,
        /// The name given.
        name: String,
        /// The header names.
        available: Vec<String>,
    },
    /// A column name given by an option matches several columns.
    #[error("{}: --{role}-column {name:?} matches several columns: {}", path.display(), quoted_list(matches))]
    AmbiguousColumn {
        /// The file.
        path: PathBuf,
        /// Which option.
        role: &'static str,
        /// The name given.
        name: String,
        /// The columns it matches.
        matches: Vec<String>,
    },
    /// No column looks like free text.
    #[error(
        "{}: no free-text column found among {}; name it with --text-column",
        path.display(),
        quoted_list(available)
    )]
    NoTextColumn {
        /// The file.
        path: PathBuf,
        /// The header names.
        available: Vec<String>,
    },
}

impl IngestError {
    /// Whether the error is about what the user asked for (a bad option) rather than the file.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            IngestError::UnknownEncoding { .. }
                | IngestError::UnknownTimeZone { .. }
                | IngestError::SheetNotFound { .. }
                | IngestError::ColumnNotFound { .. }
                | IngestError::AmbiguousColumn { .. }
        )
    }
}

fn quoted_list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items
        .iter()
        .map(|item| format!("{item:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The kind of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Delimited text: CSV, TSV, semicolon-separated.
    Delimited,
    /// An Excel (or OpenDocument) workbook.
    Workbook,
    /// A JSON array of objects, possibly inside an object (`{"records": [...]}`).
    Json,
    /// One JSON object per line.
    JsonLines,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Delimited => "delimited text",
            Format::Workbook => "workbook",
            Format::Json => "JSON",
            Format::JsonLines => "JSON Lines",
        })
    }
}

/// What [`FeedbackReader::open`] found out about a file: what `koe inspect` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layout {
    /// The file as given (`<stdin>` for standard input).
    pub file: String,
    /// The kind of file.
    pub format: Format,
    /// The text encoding (`UTF-8`, `Shift_JIS` for CP932, `UTF-16LE`, ...); `None` for
    /// workbooks.
    pub encoding: Option<String>,
    /// How the encoding was chosen, e.g. `byte-order mark`, `valid UTF-8`, `--encoding`.
    pub encoding_reason: Option<String>,
    /// The field delimiter of delimited text.
    pub delimiter: Option<char>,
    /// How the delimiter was chosen: `detected` or `--delimiter`.
    pub delimiter_reason: Option<String>,
    /// The sheet read, for workbooks.
    pub sheet: Option<String>,
    /// All sheets of a workbook, in order.
    pub sheets: Vec<String>,
    /// The line (sheet row) of the header, or of the array for JSON.
    pub header_line: u64,
    /// Extra header rows recognised after the header (Qualtrics' question texts and import
    /// ids, SurveyMonkey's answer labels); they are not data.
    pub extra_header_rows: u64,
    /// The columns, in file order (for JSON: keys in order of first appearance).
    pub columns: Vec<Column>,
    /// How many data rows the role detection looked at.
    pub sampled_rows: usize,
}

impl Layout {
    /// The columns with a role.
    pub fn columns_with_role(&self, role: ColumnRole) -> impl Iterator<Item = &Column> {
        self.columns
            .iter()
            .filter(move |column| column.role == role)
    }
}

/// One column and what koe will do with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// 1-based position.
    pub number: usize,
    /// The header: the key of [`Feedback::metadata`] and of [`crate::feedback::TextField`].
    pub name: String,
    /// The full question text, when an extra header row gives it (Qualtrics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// What the column holds.
    pub role: ColumnRole,
    /// Why: `--text-column` (or another option), `header`, `content (long text)`,
    /// `content (longest)`, `content (dates)`, `other`.
    pub reason: String,
    /// The first few non-empty values, as read.
    pub samples: Vec<String>,
}

/// Reads one input file as a stream of [`Row`]s.
///
/// Opening reads the start of the file (up to a few hundred rows) to detect the layout; the rest
/// is read as the iterator is driven. CSV, TSV and JSON Lines need memory for one row at a time
/// (plus fixed buffers), whatever the file size; workbooks are read whole, as their format
/// requires; JSON arrays are read one element at a time.
pub struct FeedbackReader {
    layout: Layout,
    source: Source,
    pending: VecDeque<RawRecord>,
    builder: RowBuilder,
    blank_rows: u64,
}

impl fmt::Debug for FeedbackReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeedbackReader")
            .field("layout", &self.layout)
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

/// Where records come from.
pub(crate) enum Source {
    Delimited(Box<delimited::DelimitedSource>),
    Workbook(workbook::WorkbookSource),
    Json(Box<json::JsonSource>),
    JsonLines(Box<json::JsonLinesSource>),
}

impl Source {
    fn next_record(&mut self) -> Option<RawRecord> {
        match self {
            Source::Delimited(source) => source.next_record(),
            Source::Workbook(source) => source.next_record(),
            Source::Json(source) => source.next_record(),
            Source::JsonLines(source) => source.next_record(),
        }
    }
}

impl FeedbackReader {
    /// Opens `path` (`-` is standard input) and detects its layout.
    pub fn open(path: &Path, options: &ReadOptions) -> Result<FeedbackReader, IngestError> {
        if path.as_os_str() == "-" {
            let stdin: Box<dyn Read + Send> = Box::new(io::stdin());
            return Self::open_input(
                path,
                "<stdin>",
                "stdin",
                decode::Input::Stream(stdin),
                options,
            );
        }
        let file = std::fs::File::open(path).map_err(|source| IngestError::Io {
            path: path.to_owned(),
            source,
        })?;
        let display = path.display().to_string();
        let name = path.file_name().map_or_else(
            || display.clone(),
            |name| name.to_string_lossy().into_owned(),
        );
        Self::open_input(path, &display, &name, decode::Input::File(file), options)
    }

    /// Reads from any reader; `name` is used in problems and derived ids, and its extension (if
    /// any) hints at the format.
    pub fn from_reader(
        name: &str,
        reader: impl Read + Send + 'static,
        options: &ReadOptions,
    ) -> Result<FeedbackReader, IngestError> {
        let path = Path::new(name);
        let id_name = path
            .file_name()
            .map_or_else(|| name.to_owned(), |n| n.to_string_lossy().into_owned());
        Self::open_input(
            path,
            name,
            &id_name,
            decode::Input::Stream(Box::new(reader)),
            options,
        )
    }

    fn open_input(
        path: &Path,
        display: &str,
        id_name: &str,
        input: decode::Input,
        options: &ReadOptions,
    ) -> Result<FeedbackReader, IngestError> {
        let timezone = jiff::tz::TimeZone::get(&options.timezone).map_err(|_| {
            IngestError::UnknownTimeZone {
                path: path.to_owned(),
                name: options.timezone.clone(),
            }
        })?;
        let opened = decode::open(path, input, options)?;
        let mut header = match opened {
            decode::Opened::Workbook { bytes } => {
                workbook::open(path, bytes, options.sheet.as_deref())?
            }
            decode::Opened::Text {
                reader,
                encoding,
                sample,
                format,
            } => match format {
                decode::TextFormat::Delimited => {
                    delimited::open(path, display, reader, encoding, &sample, options.delimiter)?
                }
                decode::TextFormat::Json => json::open_array(path, display, reader, encoding)?,
                decode::TextFormat::JsonLines => json::open_lines(path, display, reader, encoding)?,
            },
        };
        let mut pending = VecDeque::new();
        while pending.len() < SAMPLE_RECORDS {
            match header.source.next_record() {
                Some(record) => pending.push_back(record),
                None => break,
            }
        }
        // JSON keys are columns: the sample decides which there are.
        match &mut header.source {
            Source::Json(json) => json.fix_columns(&mut header.columns, &mut pending),
            Source::JsonLines(json) => json.fix_columns(&mut header.columns, &mut pending),
            Source::Delimited(_) | Source::Workbook(_) => {}
        }
        header.questions.resize(header.columns.len(), None);
        let samples: Vec<&RawRecord> = pending.iter().filter(|r| !r.is_blank()).collect();
        let detection = columns::detect(
            path,
            &header.columns,
            &header.questions,
            &samples,
            options,
            &timezone,
        )?;
        let columns = header
            .columns
            .iter()
            .enumerate()
            .map(|(index, name)| Column {
                number: index + 1,
                name: name.clone(),
                question: header.questions.get(index).cloned().flatten(),
                role: detection.roles[index].0,
                reason: detection.roles[index].1.clone(),
                samples: samples
                    .iter()
                    .filter_map(|record| record.cells.get(index))
                    .filter(|cell| !cell.is_empty())
                    .take(SAMPLES_PER_COLUMN)
                    .map(|cell| cell.display_sample())
                    .collect(),
            })
            .collect();
        let layout = Layout {
            file: display.to_owned(),
            format: header.format,
            encoding: header.encoding,
            encoding_reason: header.encoding_reason,
            delimiter: header.delimiter,
            delimiter_reason: header.delimiter_reason,
            sheet: header.sheet,
            sheets: header.sheets,
            header_line: header.header_line,
            extra_header_rows: header.extra_header_rows,
            columns,
            sampled_rows: samples.len(),
        };
        let builder = RowBuilder::new(&layout, id_name, timezone, options.max_text_chars);
        Ok(FeedbackReader {
            layout,
            source: header.source,
            pending,
            builder,
            blank_rows: 0,
        })
    }

    /// What was detected: format, encoding, delimiter, sheet, columns with roles and samples.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Rows skipped because they held nothing at all (blank lines, rows of empty cells).
    pub fn blank_rows(&self) -> u64 {
        self.blank_rows
    }
}

impl Iterator for FeedbackReader {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        loop {
            let record = match self.pending.pop_front() {
                Some(record) => record,
                None => self.source.next_record()?,
            };
            if record.is_blank() {
                self.blank_rows += 1;
                continue;
            }
            return Some(self.builder.build(record));
        }
    }
}

/// What a format opener found before the data rows.
pub(crate) struct Header {
    pub format: Format,
    pub encoding: Option<String>,
    pub encoding_reason: Option<String>,
    pub delimiter: Option<char>,
    pub delimiter_reason: Option<String>,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    pub header_line: u64,
    pub extra_header_rows: u64,
    pub columns: Vec<String>,
    /// Question text per column, from an extra header row.
    pub questions: Vec<Option<String>>,
    pub source: Source,
}

/// The ways [`fuzz_one`] reads its input: under file names that select each format (`-` has
/// none: content decides), then as CSV with each forced encoding.
const FUZZ_VARIANTS: [(&str, Option<&str>); 9] = [
    ("fuzz.csv", None),
    ("fuzz.tsv", None),
    ("fuzz.json", None),
    ("fuzz.jsonl", None),
    ("fuzz.xlsx", None),
    ("-", None),
    ("fuzz.csv", Some("cp932")),
    ("fuzz.csv", Some("utf-16le")),
    ("fuzz.csv", Some("euc-jp")),
];

/// Reads `data` every way [`FUZZ_VARIANTS`] lists, driving each reader to the end. For the
/// property tests and the seed corpus: it must never panic, whatever the bytes.
#[doc(hidden)]
pub fn fuzz_one(data: &[u8]) {
    for variant in 0..FUZZ_VARIANTS.len() {
        fuzz_variant(variant, data);
    }
}

/// The fuzz target (`fuzz/fuzz_targets/ingest_csv.rs`): the first byte picks the way of
/// reading, the rest is the input.
#[doc(hidden)]
pub fn fuzz_selected(data: &[u8]) {
    if let Some((&first, rest)) = data.split_first() {
        fuzz_variant(usize::from(first) % FUZZ_VARIANTS.len(), rest);
    }
}

fn fuzz_variant(variant: usize, data: &[u8]) {
    let (name, encoding) = FUZZ_VARIANTS[variant];
    let options = ReadOptions {
        encoding: encoding.map(str::to_owned),
        max_text_chars: 8,
        ..ReadOptions::default()
    };
    drain(name, data, &options);
}

fn drain(name: &str, data: &[u8], options: &ReadOptions) {
    if let Ok(reader) = FeedbackReader::from_reader(name, io::Cursor::new(data.to_vec()), options) {
        let _ = reader.layout().to_owned();
        let mut summary = ReadSummary::default();
        for row in reader {
            summary.add(&row);
            for problem in &row.problems {
                let _ = problem.to_string();
            }
        }
        let _ = summary.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_can_move_to_another_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<FeedbackReader>();
        assert_send::<Row>();
    }

    #[test]
    fn problems_display_as_file_line_reason() {
        let problem = Problem {
            file: "answers.csv".to_owned(),
            line: 12,
            reason: "rejected: no text".to_owned(),
            rejected: true,
        };
        assert_eq!(problem.to_string(), "answers.csv:12: rejected: no text");
    }

    #[test]
    fn summary_counts_and_displays_on_one_line() {
        let mut summary = ReadSummary::default();
        let feedback = |problems: Vec<Problem>| Row {
            feedback: Some(Feedback {
                id: "1".to_owned(),
                source: crate::feedback::SourceRef {
                    file: "a.csv".to_owned(),
                    line: 2,
                },
                date: None,
                channel: None,
                rating: None,
                texts: Vec::new(),
                metadata: Default::default(),
            }),
            problems,
        };
        let problem = Problem {
            file: "a.csv".to_owned(),
            line: 2,
            reason: "x".to_owned(),
            rejected: false,
        };
        summary.add(&feedback(Vec::new()));
        summary.add(&feedback(vec![problem.clone()]));
        summary.add(&Row {
            feedback: None,
            problems: vec![problem],
        });
        assert_eq!(
            summary.to_string(),
            "3 rows read: 2 accepted (1 repaired), 1 rejected"
        );
        assert!(!summary.is_clean());
    }

    #[test]
    fn blank_rows_are_skipped_and_counted() {
        let csv = "id,ご意見\n1,高い\n,\n   \n2,安い\n,,,\n";
        let mut reader =
            FeedbackReader::from_reader("a.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
        let rows: Vec<Row> = reader.by_ref().collect();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.problems.is_empty()));
        assert_eq!(reader.blank_rows(), 3);
    }
}
