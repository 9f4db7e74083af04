//! CSV, TSV and other delimited text: delimiter detection, the header, and rows as a stream.
//!
//! Parsing is rust-csv's (RFC 4180 with doubled quotes, any line ending, quoted cells spanning
//! lines), over the decoded stream. Three things it does not tell, done here:
//!
//! - which row is the header: Excel reports often start with a title line, so the header is the
//!   first of the first rows that is about as wide as the data;
//! - whether the file ended inside a quoted cell: a [`QuoteTracker`] follows the quoting state
//!   of the bytes the parser reads. When the unclosed cell swallowed whole rows, they are parsed
//!   again so they are not lost;
//! - which rows hold bytes invalid in the encoding: the decoder's replacement offsets are matched
//!   to each row's byte range.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::path::Path;

use csv::StringRecord;

use super::cell::{Cell, RawRecord};
use super::columns::{self, HeaderRows};
use super::decode::{DecodingReader, EncodingChoice};
use super::{Format, Header, IngestError, Source};

const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Rows looked at to find the header.
const HEADER_SEARCH_ROWS: usize = 10;
const CSV_BUFFER_BYTES: usize = 64 * 1024;

/// Opens delimited text whose start (decoded) is `sample`.
pub(crate) fn open(
    path: &Path,
    display: &str,
    reader: DecodingReader,
    encoding: EncodingChoice,
    sample: &str,
    delimiter: Option<u8>,
) -> Result<Header, IngestError> {
    let (delimiter, delimiter_reason) = match delimiter {
        Some(delimiter) => (delimiter, "--delimiter".to_owned()),
        None => {
            let hint = hint_for(path, &encoding);
            (detect_delimiter(sample, hint), "detected".to_owned())
        }
    };
    let mut source = DelimitedSource::new(display, reader, delimiter, &encoding);
    // The first rows, to find the header (and any extra header rows under it).
    let mut first = Vec::new();
    while first.len() < HEADER_SEARCH_ROWS {
        match source.read_one() {
            Some(Ok(record)) => first.push(record),
            Some(Err(err)) => {
                return Err(IngestError::Io {
                    path: path.to_owned(),
                    source: err,
                });
            }
            None => break,
        }
    }
    if first.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_owned(),
        });
    }
    let header_index = header_index(&first);
    let rows: Vec<Vec<String>> = first[header_index..]
        .iter()
        .take(3)
        .map(|r| r.fields.clone())
        .collect();
    let HeaderRows {
        names,
        questions,
        extra,
    } = columns::header_rows(&rows);
    let header_line = first[header_index].line;
    source.expected = names.len();
    let data_start = header_index + 1 + extra;
    for record in first.into_iter().skip(data_start) {
        source.queue.push_back(record);
    }
    Ok(Header {
        format: Format::Delimited,
        encoding: Some(encoding.display_name()),
        encoding_reason: Some(encoding.reason.clone()),
        delimiter: Some(char::from(delimiter)),
        delimiter_reason: Some(delimiter_reason),
        sheet: None,
        sheets: Vec::new(),
        header_line,
        extra_header_rows: extra as u64,
        columns: names,
        questions,
        source: Source::Delimited(Box::new(source)),
    })
}

/// The delimiter the file name or encoding suggests when the content cannot tell.
fn hint_for(path: &Path, encoding: &EncodingChoice) -> u8 {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(extension.as_str(), "tsv" | "tab") || encoding.encoding.name().starts_with("UTF-16")
    {
        b'\t'
    } else {
        b','
    }
}

/// The candidate that splits the sample's rows into the most consistent number (> 1) of
/// fields; `hint` when none does.
pub(crate) fn detect_delimiter(sample: &str, hint: u8) -> u8 {
    // (delimiter, score, fields); the hint wins ties of consistency.
    let mut best = (hint, 0.0_f64, 0_usize);
    for &candidate in &CANDIDATES {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(candidate)
            .from_reader(sample.as_bytes());
        let mut counts: Vec<usize> = reader
            .records()
            .take(200)
            .map_while(Result::ok)
            .map(|record| record.len())
            .collect();
        if counts.len() > 2 {
            // The sample may end mid-row.
            counts.pop();
        }
        let Some(mode) = columns::mode(&counts) else {
            continue;
        };
        if mode < 2 {
            continue;
        }
        let consistency =
            counts.iter().filter(|&&c| c == mode).count() as f64 / counts.len() as f64;
        let score = consistency + if candidate == hint { 0.05 } else { 0.0 };
        if score > best.1 + 1e-9 || ((score - best.1).abs() <= 1e-9 && mode > best.2) {
            best = (candidate, score, mode);
        }
    }
    best.0
}

/// The header row among the first rows (title lines above it are skipped).
fn header_index(first: &[ReadRecord]) -> usize {
    let widths: Vec<usize> = first.iter().map(ReadRecord::non_empty_fields).collect();
    columns::header_index(&widths)
}

/// One parsed row before it becomes a [`RawRecord`].
#[derive(Debug, Clone)]
pub(crate) struct ReadRecord {
    line: u64,
    fields: Vec<String>,
    /// The file ended inside a quoted cell of this row.
    unterminated: bool,
    /// Invalid byte sequences replaced in this row.
    replacements: usize,
    /// Read again out of a cell that an unclosed quote swallowed.
    recovered: bool,
}

impl ReadRecord {
    fn non_empty_fields(&self) -> usize {
        self.fields.iter().filter(|f| !f.trim().is_empty()).count()
    }
}

/// Follows the quoting state of the bytes the CSV parser reads, as csv-core does, so the reader
/// knows whether the input ended inside a quoted cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    StartField,
    InField,
    InQuotes,
    QuoteInQuotes,
}

#[derive(Debug, Clone, Copy)]
struct QuoteTracker {
    state: Quoting,
    delimiter: u8,
}

impl QuoteTracker {
    fn new(delimiter: u8) -> QuoteTracker {
        QuoteTracker {
            state: Quoting::StartField,
            delimiter,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let ends_field = b == self.delimiter || b == b'\n' || b == b'\r';
            self.state = match self.state {
                Quoting::StartField if b == b'"' => Quoting::InQuotes,
                Quoting::StartField | Quoting::InField if ends_field => Quoting::StartField,
                Quoting::StartField | Quoting::InField => Quoting::InField,
                Quoting::InQuotes if b == b'"' => Quoting::QuoteInQuotes,
                Quoting::InQuotes => Quoting::InQuotes,
                Quoting::QuoteInQuotes if b == b'"' => Quoting::InQuotes,
                Quoting::QuoteInQuotes if ends_field => Quoting::StartField,
                Quoting::QuoteInQuotes => Quoting::InField,
            };
        }
    }

    fn in_quotes(&self) -> bool {
        self.state == Quoting::InQuotes
    }
}

/// The decoded stream with its quoting and line breaks followed.
struct Tracked {
    inner: DecodingReader,
    tracker: QuoteTracker,
    eof: bool,
    /// Decoded bytes read so far.
    offset: u64,
    /// Line breaks read but not yet passed by a row: `(offset, is "\n")`.
    breaks: VecDeque<(u64, bool)>,
    /// `\n`s before the rows already placed.
    lines: u64,
}

impl Tracked {
    /// The physical line of the row whose bytes start at `start`. rust-csv's own line numbers
    /// lag behind after CRLF (a row ends at the `\r`, its `\n` is counted with the next row),
    /// so lines are counted here: the row really starts after any line breaks at `start`.
    fn line_at(&mut self, start: u64) -> u64 {
        while let Some(&(offset, newline)) = self.breaks.front() {
            if offset >= start {
                break;
            }
            self.breaks.pop_front();
            self.lines += u64::from(newline);
        }
        let mut at = start;
        while let Some(&(offset, newline)) = self.breaks.front() {
            if offset != at {
                break;
            }
            self.breaks.pop_front();
            self.lines += u64::from(newline);
            at += 1;
        }
        self.lines + 1
    }
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof = true;
        }
        self.tracker.feed(&buf[..n]);
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.breaks.push_back((self.offset + i as u64, b == b'\n'));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Rows of delimited text, read as the iterator asks.
pub(crate) struct DelimitedSource {
    display: String,
    encoding_name: String,
    reader: csv::Reader<Tracked>,
    record: StringRecord,
    delimiter: u8,
    /// Fields in the header.
    expected: usize,
    /// Rows read ahead (while finding the header) or recovered from a swallowed cell.
    queue: VecDeque<ReadRecord>,
    done: bool,
}

impl DelimitedSource {
    fn new(
        display: &str,
        reader: DecodingReader,
        delimiter: u8,
        encoding: &EncodingChoice,
    ) -> DelimitedSource {
        let tracked = Tracked {
            inner: reader,
            tracker: QuoteTracker::new(delimiter),
            eof: false,
            offset: 0,
            breaks: VecDeque::new(),
            lines: 0,
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(CSV_BUFFER_BYTES)
            .from_reader(tracked);
        DelimitedSource {
            display: display.to_owned(),
            encoding_name: encoding.display_name(),
            reader,
            record: StringRecord::new(),
            delimiter,
            expected: 0,
            queue: VecDeque::new(),
            done: false,
        }
    }

    /// The next parsed row from the file; an error only for a failure to read.
    fn read_one(&mut self) -> Option<Result<ReadRecord, io::Error>> {
        if self.done {
            return None;
        }
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => break,
                Err(err) => match err.into_kind() {
                    csv::ErrorKind::Io(err) => {
                        self.done = true;
                        return Some(Err(err));
                    }
                    // Other errors (none are expected with a flexible reader over valid UTF-8)
                    // concern one row; go on with the next.
                    _ => continue,
                },
            }
        }
        let start = self.record.position().map_or(0, csv::Position::byte);
        let end = self.reader.position().byte();
        let tracked = self.reader.get_mut();
        let line = tracked.line_at(start);
        let unterminated = tracked.eof && tracked.tracker.in_quotes();
        let replacements = tracked.inner.replacements_in(start, end.max(start + 1));
        if unterminated {
            self.done = true;
        }
        Some(Ok(ReadRecord {
            line,
            fields: self.record.iter().map(str::to_owned).collect(),
            unterminated,
            replacements,
            recovered: false,
        }))
    }

    pub(crate) fn next_record(&mut self) -> Option<RawRecord> {
        let record = match self.queue.pop_front() {
            Some(record) => record,
            None => match self.read_one()? {
                Ok(record) => record,
                Err(err) => {
                    let line = self.reader.position().line();
                    return Some(RawRecord::failed(
                        line,
                        format!(
                            "rejected: read error: {err}; the rest of {} was not read",
                            self.display
                        ),
                    ));
                }
            },
        };
        Some(self.finish_record(record))
    }

    fn finish_record(&mut self, mut record: ReadRecord) -> RawRecord {
        let mut problems = Vec::new();
        if record.replacements > 0 {
            problems.push((
                format!(
                    "{} byte sequence(s) invalid in {} replaced with U+FFFD",
                    record.replacements, self.encoding_name
                ),
                false,
            ));
        }
        let mut unclosed_note = None;
        if record.unterminated {
            let recovered = if record.recovered {
                Vec::new()
            } else {
                self.recover(&mut record)
            };
            unclosed_note = Some(if recovered.is_empty() {
                "the file ends inside a quoted cell that starts in this row (unclosed \")"
                    .to_owned()
            } else {
                format!(
                    "unclosed \" in this row: the quoted cell ran to the end of the file; it keeps its first line and the {} row(s) after it were read again",
                    recovered.len()
                )
            });
            for row in recovered.into_iter().rev() {
                self.queue.push_front(row);
            }
        }
        let mut fields = std::mem::take(&mut record.fields);
        if fields.iter().all(|f| f.trim().is_empty())
            && problems.is_empty()
            && unclosed_note.is_none()
        {
            // A line of spaces or delimiters only: blank, whatever its width.
            return RawRecord::new(record.line, Vec::new());
        }
        while fields.len() > self.expected && fields.last().is_some_and(|f| f.trim().is_empty()) {
            fields.pop();
        }
        if fields.len() == self.expected {
            if let Some(note) = unclosed_note {
                problems.push((format!("{note}; the row is kept as read"), false));
            }
        } else {
            let hint = if fields.len() > self.expected {
                " (a delimiter inside an unquoted cell?)"
            } else {
                ""
            };
            let note = unclosed_note
                .map(|note| format!("; {note}"))
                .unwrap_or_default();
            problems.push((
                format!(
                    "rejected: {} field(s) where the header has {}{hint}{note}",
                    fields.len(),
                    self.expected
                ),
                true,
            ));
        }
        let cells = fields.into_iter().map(Cell::Text).collect();
        let mut raw = RawRecord::new(record.line, cells);
        raw.problems = problems;
        raw
    }

    /// When an unclosed quote swallowed the rest of the file, reads the lines after the first
    /// line of the swallowed cell again as rows — if any of them is a full row, they were rows.
    /// The cell keeps its first line. Returns the recovered rows (empty: the cell stays whole).
    fn recover(&self, record: &mut ReadRecord) -> Vec<ReadRecord> {
        let Some(last) = record.fields.last() else {
            return Vec::new();
        };
        let Some(newline) = last.find('\n') else {
            return Vec::new();
        };
        let rest = &last[newline + 1..];
        let mut tracker = QuoteTracker::new(self.delimiter);
        tracker.feed(rest.as_bytes());
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(rest.as_bytes());
        let first_line = record.line
            + record.fields[..record.fields.len() - 1]
                .iter()
                .map(|f| f.matches('\n').count() as u64)
                .sum::<u64>()
            + 1;
        let mut rows: Vec<ReadRecord> = Vec::new();
        let mut row = StringRecord::new();
        while let Ok(true) = reader.read_record(&mut row) {
            // As in `Tracked::line_at`: the row starts after the line breaks at its position.
            let start = row.position().map_or(0, |p| p.byte() as usize);
            let skipped =
                rest[start..].len() - rest[start..].trim_start_matches(['\r', '\n']).len();
            let line = rest[..start + skipped].matches('\n').count() as u64;
            rows.push(ReadRecord {
                line: first_line + line,
                fields: row.iter().map(str::to_owned).collect(),
                unterminated: false,
                replacements: 0,
                recovered: true,
            });
        }
        if !rows.iter().any(|r| r.fields.len() == self.expected) {
            return Vec::new();
        }
        if let Some(last_row) = rows.last_mut() {
            last_row.unterminated = tracker.in_quotes();
        }
        let cut = last[..newline].trim_end_matches('\r').to_owned();
        if let Some(field) = record.fields.last_mut() {
            *field = cut;
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_the_one_that_splits_rows_evenly() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n4,5,6\n", b','), b',');
        assert_eq!(
            detect_delimiter("a\tb\tc\n1\t2,5\t3\n4\t5\t6\n", b','),
            b'\t'
        );
        assert_eq!(detect_delimiter("a;b\n\"x,y\";2\n3;4\n", b','), b';');
        // A single column: the hint.
        assert_eq!(detect_delimiter("コメント\n高い\n遅い\n", b'\t'), b'\t');
    }

    #[test]
    fn quote_tracker_follows_csv_quoting() {
        let mut tracker = QuoteTracker::new(b',');
        tracker.feed(b"a,\"b,\"\"c\"\"\nd\",e\n");
        assert!(!tracker.in_quotes());
        tracker.feed(b"f,\"unclosed\nline");
        assert!(tracker.in_quotes());
        let mut literal = QuoteTracker::new(b',');
        literal.feed(b"ab\"c,d\n");
        assert!(!literal.in_quotes());
    }

    fn read(csv: &str) -> Vec<super::super::Row> {
        let options = super::super::ReadOptions::default();
        super::super::FeedbackReader::from_reader(
            "t.csv",
            io::Cursor::new(csv.as_bytes().to_vec()),
            &options,
        )
        .unwrap()
        .collect()
    }

    #[test]
    fn rows_swallowed_by_an_unclosed_quote_are_read_again() {
        let rows = read("id,ご意見\r\n1,\"閉じない\r\n2,次の行\r\n\r\n3,最後\r\n");
        let kept: Vec<(String, u64, String)> = rows
            .iter()
            .filter_map(|r| r.feedback.as_ref())
            .map(|f| (f.id.clone(), f.source.line, f.full_text()))
            .collect();
        assert_eq!(
            kept,
            [
                ("1".to_owned(), 2, "閉じない".to_owned()),
                ("2".to_owned(), 3, "次の行".to_owned()),
                ("3".to_owned(), 5, "最後".to_owned()),
            ]
        );
        assert_eq!(rows[0].problems.len(), 1);
        assert!(
            rows[0].problems[0]
                .reason
                .starts_with("unclosed \" in this row"),
            "{:?}",
            rows[0].problems
        );
        assert!(rows[1..].iter().all(|r| r.problems.is_empty()));
    }

    #[test]
    fn a_truncated_last_cell_is_kept_whole() {
        let rows = read("id,ご意見\n1,良い\n2,\"途中で\n切れた");
        let last = rows[1].feedback.as_ref().unwrap();
        assert_eq!(last.full_text(), "途中で\n切れた");
        assert_eq!(rows[1].problems[0].line, 3);
    }

    #[test]
    fn title_lines_above_the_header_are_skipped() {
        let record = |fields: &[&str]| ReadRecord {
            line: 1,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            unterminated: false,
            replacements: 0,
            recovered: false,
        };
        let first = vec![
            record(&["2025年3月 顧客アンケート", "", "", ""]),
            record(&["ID", "日付", "満足度", "ご意見"]),
            record(&["1", "2025/3/1", "5", "良い"]),
            record(&["2", "2025/3/2", "1", "高い"]),
        ];
        assert_eq!(header_index(&first), 1);
        assert_eq!(header_index(&first[1..]), 0);
    }
}
