//! Turning a raw record into a [`Feedback`] by the layout's column roles, reporting every repair.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::tz::TimeZone;

use super::cell::{Cell, RawRecord, clean_text};
use super::columns::{ColumnRole, parse_rating};
use super::date::{parse_date, parse_date_number};
use super::{Layout, Problem, Row};
use crate::feedback::{Feedback, SourceRef, TextField};

/// Builds rows of one file.
pub(crate) struct RowBuilder {
    /// The file as shown in problems and [`SourceRef::file`].
    file: String,
    /// The file name, for derived ids.
    id_name: String,
    /// `Sheet!` for derived ids of workbook rows.
    id_sheet: String,
    timezone: TimeZone,
    max_text_chars: usize,
    names: Vec<String>,
    roles: Vec<ColumnRole>,
    texts: Vec<usize>,
    id: Option<usize>,
    date: Option<usize>,
    channel: Option<usize>,
    rating: Option<usize>,
}

impl RowBuilder {
    pub fn new(
        layout: &Layout,
        id_name: &str,
        timezone: TimeZone,
        max_text_chars: usize,
    ) -> RowBuilder {
        let find = |role| layout.columns.iter().position(|c| c.role == role);
        RowBuilder {
            file: layout.file.clone(),
            id_name: id_name.to_owned(),
            id_sheet: layout
                .sheet
                .as_ref()
                .map(|s| format!("{s}!"))
                .unwrap_or_default(),
            timezone,
            max_text_chars,
            names: layout.columns.iter().map(|c| c.name.clone()).collect(),
            roles: layout.columns.iter().map(|c| c.role).collect(),
            texts: (0..layout.columns.len())
                .filter(|&i| layout.columns[i].role == ColumnRole::Text)
                .collect(),
            id: find(ColumnRole::Id),
            date: find(ColumnRole::Date),
            channel: find(ColumnRole::Channel),
            rating: find(ColumnRole::Rating),
        }
    }

    fn problem(&self, line: u64, reason: String, rejected: bool) -> Problem {
        Problem {
            file: self.file.clone(),
            line,
            reason,
            rejected,
        }
    }

    pub fn build(&self, record: RawRecord) -> Row {
        let line = record.line;
        let mut problems: Vec<Problem> = record
            .problems
            .iter()
            .map(|(reason, rejected)| self.problem(line, reason.clone(), *rejected))
            .collect();
        if problems.iter().any(|p| p.rejected) {
            return Row {
                feedback: None,
                problems,
            };
        }

        // Clean every cell; note where control characters were.
        let mut cleaned_columns = Vec::new();
        let mut cells = record.cells;
        cells.resize(self.names.len(), Cell::Empty);
        for (i, cell) in cells.iter_mut().enumerate() {
            if clean_cell(cell) {
                cleaned_columns.push(format!("{:?}", self.names[i]));
            }
        }
        let mut extra = record.extra;
        for (name, cell) in &mut extra {
            if clean_cell(cell) {
                cleaned_columns.push(format!("{name:?}"));
            }
        }
        if !cleaned_columns.is_empty() {
            problems.push(self.problem(
                line,
                format!(
                    "control characters (NUL, ...) removed from {}",
                    cleaned_columns.join(", ")
                ),
                false,
            ));
        }

        let mut metadata = BTreeMap::new();
        let texts: Vec<TextField> = self
            .texts
            .iter()
            .filter(|&&i| !cells[i].is_empty())
            .map(|&i| TextField {
                column: self.names[i].clone(),
                text: cells[i].to_text().into_owned(),
            })
            .collect();
        for field in &texts {
            let chars = field.text.chars().count();
            if chars > self.max_text_chars {
                problems.push(self.problem(
                    line,
                    format!(
                        "{:?} has {chars} characters; only the first {} are analysed (the whole text is kept)",
                        field.column, self.max_text_chars
                    ),
                    false,
                ));
            }
        }

        let id = self
            .id
            .map(|i| cells[i].to_text().into_owned())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| format!("{}#{}{}", self.id_name, self.id_sheet, record.position));

        let date = self.date.and_then(|i| {
            let cell = &cells[i];
            if cell.is_empty() {
                return None;
            }
            let date = match cell {
                Cell::DateTime(datetime) => Some(*datetime),
                Cell::Number(value) => parse_date_number(*value, &self.timezone),
                Cell::Text(text) => parse_date(text, &self.timezone),
                _ => None,
            };
            if date.is_none() {
                let raw = cell.to_text().into_owned();
                problems.push(self.problem(
                    line,
                    format!(
                        "date {raw:?} in {:?} not understood; the row is kept without a date",
                        self.names[i]
                    ),
                    false,
                ));
                metadata.insert(self.names[i].clone(), raw);
            }
            date
        });

        let channel = self
            .channel
            .map(|i| cells[i].to_text().into_owned())
            .filter(|channel| !channel.is_empty());

        let rating = self.rating.and_then(|i| {
            let cell = &cells[i];
            if cell.is_empty() {
                return None;
            }
            let rating = match cell {
                Cell::Number(value) => Some(*value).filter(|v| v.is_finite()),
                Cell::Text(text) => parse_rating(text),
                _ => None,
            };
            if rating.is_none() {
                let raw = cell.to_text().into_owned();
                problems.push(self.problem(
                    line,
                    format!(
                        "rating {raw:?} in {:?} is not a number; kept in metadata without a rating",
                        self.names[i]
                    ),
                    false,
                ));
                metadata.insert(self.names[i].clone(), raw);
            }
            rating
        });

        for (i, cell) in cells.iter().enumerate() {
            if matches!(self.roles[i], ColumnRole::Metadata | ColumnRole::CustomerId)
                && !cell.is_empty()
            {
                metadata.insert(self.names[i].clone(), cell.to_text().into_owned());
            }
        }
        for (name, cell) in extra {
            if !cell.is_empty() {
                metadata
                    .entry(name)
                    .or_insert_with(|| cell.to_text().into_owned());
            }
        }

        if texts.is_empty() {
            let columns: Vec<String> = self
                .texts
                .iter()
                .map(|&i| format!("{:?}", self.names[i]))
                .collect();
            let reason = match columns.as_slice() {
                [] => "rejected: no text column".to_owned(),
                [one] => format!("rejected: no text: {one} is empty"),
                many => format!("rejected: no text: {} are all empty", many.join(", ")),
            };
            problems.push(self.problem(line, reason, true));
            return Row {
                feedback: None,
                problems,
            };
        }

        Row {
            feedback: Some(Feedback {
                id,
                source: SourceRef {
                    file: if self.file == "<stdin>" {
                        "-".to_owned()
                    } else {
                        self.file.clone()
                    },
                    line: record.position,
                },
                date,
                channel,
                rating,
                texts,
                metadata,
            }),
            problems,
        }
    }
}

/// Cleans a cell in place (see [`clean_text`]); true when control characters were removed.
fn clean_cell(cell: &mut Cell) -> bool {
    match cell {
        Cell::Text(text) | Cell::Json(text) => {
            let (clean, removed) = clean_text(text);
            match clean {
                Cow::Owned(clean) => *text = clean,
                Cow::Borrowed(trimmed) if trimmed.len() != text.len() => *text = trimmed.to_owned(),
                Cow::Borrowed(_) => {}
            }
            removed
        }
        _ => false,
    }
}
