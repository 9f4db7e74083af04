//! The record every stage passes along: one piece of customer feedback as read from an export.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One row of a survey, review or ticket export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    /// The row's id: from the id column, or derived from the file name and row so that reading
    /// the same file again gives the same id.
    pub id: String,
    /// Where the row came from.
    pub source: SourceRef,
    /// When the feedback was given, in the reader's time zone (Asia/Tokyo unless told
    /// otherwise); `None` when the row has no date or an unreadable one.
    pub date: Option<jiff::civil::DateTime>,
    /// Channel (survey, app review, phone, chat, ...), as written in the export.
    pub channel: Option<String>,
    /// Rating or NPS score, when the export has one.
    pub rating: Option<f64>,
    /// The free-text answers, one per text column, kept apart.
    pub texts: Vec<TextField>,
    /// Every other column, by header.
    pub metadata: BTreeMap<String, String>,
}

impl Feedback {
    /// All free text of the row, text columns separated by a blank line: what the index stores.
    pub fn full_text(&self) -> String {
        let mut text = String::new();
        for (i, field) in self.texts.iter().enumerate() {
            if i > 0 {
                text.push_str("\n\n");
            }
            text.push_str(&field.text);
        }
        text
    }
}

/// One free-text cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextField {
    /// The column header it came from.
    pub column: String,
    /// The text, with NUL and other control characters (but not line breaks or tabs) removed.
    pub text: String,
}

/// A place in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// The file as given on the command line (`-` for standard input).
    pub file: String,
    /// 1-based line of the row's first line (CSV, TSV, JSON Lines), row number (xlsx), or
    /// element index (JSON array).
    pub line: u64,
}
