//! Cells and raw records as the format readers produce them, and the clean-up every cell gets.

use std::borrow::Cow;

/// Characters shown of a sample value in [`super::Layout`].
const SAMPLE_CHARS: usize = 40;

/// One cell as read, before roles are applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date-formatted workbook cell (no zone: a wall-clock time).
    DateTime(jiff::civil::DateTime),
    /// A nested JSON value (array, or object that was not flattened), as JSON text.
    Json(String),
}

impl Cell {
    /// Whether the cell holds nothing (or only whitespace).
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a CSV export of it would read.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) | Cell::Json(text) => Cow::Borrowed(text),
            Cell::Number(number) => Cow::Owned(format_number(*number)),
            Cell::Bool(true) => Cow::Borrowed("TRUE"),
            Cell::Bool(false) => Cow::Borrowed("FALSE"),
            Cell::DateTime(datetime) => Cow::Owned(format_datetime(*datetime)),
        }
    }

    /// A short one-line rendering for [`super::Layout`] samples.
    pub fn display_sample(&self) -> String {
        let text = self.to_text().replace("\r\n", "\n");
        let mut out = String::new();
        for (i, c) in text.trim().chars().enumerate() {
            if i == SAMPLE_CHARS {
                out.push('…');
                break;
            }
            out.push(match c {
                '\n' | '\r' => '⏎',
                c if c.is_control() => '�',
                c => c,
            });
        }
        out
    }
}

/// A number as Excel shows it in general format: integers without a fraction.
pub(crate) fn format_number(number: f64) -> String {
    if number.is_finite() && number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// A civil date-time as `YYYY-MM-DD HH:MM:SS`, or just the date at midnight.
pub(crate) fn format_datetime(datetime: jiff::civil::DateTime) -> String {
    if datetime.time() == jiff::civil::Time::midnight() {
        datetime.date().to_string()
    } else {
        datetime.strftime("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// One row as read from a file, before roles are applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawRecord {
    /// Physical line (or sheet row) where the row starts: what problems point at.
    pub line: u64,
    /// What [`crate::feedback::SourceRef::line`] and derived ids use: the line, except for JSON
    /// arrays where it is the element number.
    pub position: u64,
    /// Cells by column.
    pub cells: Vec<Cell>,
    /// Cells whose column is not in the layout (JSON keys first seen after the sample).
    pub extra: Vec<(String, Cell)>,
    /// Problems the format reader found: `(reason, rejected)`.
    pub problems: Vec<(String, bool)>,
}

impl RawRecord {
    pub fn new(line: u64, cells: Vec<Cell>) -> RawRecord {
        RawRecord {
            line,
            position: line,
            cells,
            extra: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// A record that is only a problem: the reader could not make a row of what it read.
    pub fn failed(line: u64, reason: String) -> RawRecord {
        RawRecord {
            line,
            position: line,
            cells: Vec::new(),
            extra: Vec::new(),
            problems: vec![(reason, true)],
        }
    }

    /// Whether the row holds nothing at all: skipped without a report.
    pub fn is_blank(&self) -> bool {
        self.problems.is_empty()
            && self.cells.iter().all(Cell::is_empty)
            && self.extra.iter().all(|(_, cell)| cell.is_empty())
    }
}

/// Removes NUL and other control characters (keeping tab and line breaks), makes every line
/// break `\n` and trims surrounding whitespace. The flag says whether control characters were
/// removed (line-break and whitespace changes are not worth a report).
pub(crate) fn clean_text(text: &str) -> (Cow<'_, str>, bool) {
    let trimmed = text.trim();
    if !trimmed.chars().any(|c| needs_cleaning(c) || c == '\r') {
        return (Cow::Borrowed(trimmed), false);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut removed = false;
    let mut chars = trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() != Some(&'\n') {
                out.push('\n');
            }
        } else if needs_cleaning(c) {
            removed = true;
        } else {
            out.push(c);
        }
    }
    // Removing a control character can expose whitespace at either end.
    let trimmed_out = out.trim();
    if trimmed_out.len() != out.len() {
        out = trimmed_out.to_owned();
    }
    (Cow::Owned(out), removed)
}

fn needs_cleaning(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n' && c != '\r') || c == '\u{FEFF}'
}

/// The part of a text cell downstream stages analyse: its first `max_chars` characters.
///
/// ```
/// assert_eq!(koe::ingest::analysed_text("解約したい", 2), "解約");
/// assert_eq!(koe::ingest::analysed_text("高い", 20_000), "高い");
/// ```
pub fn analysed_text(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_removed_and_reported() {
        let (text, removed) = clean_text(" 料金\0が\u{7}高い\u{85}\t。\r\n次行\r");
        assert_eq!(text, "料金が高い\t。\n次行");
        assert!(removed);
    }

    #[test]
    fn clean_text_borrows_when_nothing_changes() {
        let (text, removed) = clean_text("  高い\n遅い ");
        assert!(matches!(text, Cow::Borrowed("高い\n遅い")));
        assert!(!removed);
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(format_number(42.0), "42");
        assert_eq!(format_number(-3.5), "-3.5");
        assert_eq!(format_number(0.1), "0.1");
    }

    #[test]
    fn samples_are_one_short_line() {
        let cell = Cell::Text("一行目\n二行目".to_owned());
        assert_eq!(cell.display_sample(), "一行目⏎二行目");
        let long = Cell::Text("あ".repeat(50));
        assert_eq!(long.display_sample().chars().count(), SAMPLE_CHARS + 1);
    }
}
