//! Excel workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`) and OpenDocument spreadsheets, through
//! calamine. The format needs random access, so the file is read whole; one sheet is read (the
//! first unless `--sheet` names another) and its rows are converted as they are asked for.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Range, Reader};

use super::cell::{Cell, RawRecord};
use super::columns::{self, HeaderRows};
use super::{Format, Header, IngestError, Source};

/// Rows looked at to find the header.
const HEADER_SEARCH_ROWS: usize = 10;

/// Opens the workbook in `bytes` and reads the header of the chosen sheet.
pub(crate) fn open(
    path: &Path,
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<Header, IngestError> {
    let workbook_error = |message: String| IngestError::Workbook {
        path: path.to_owned(),
        message,
    };
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|err| workbook_error(err.to_string()))?;
    let sheets = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => sheets
            .iter()
            .find(|s| s.as_str() == wanted)
            .or_else(|| {
                sheets
                    .iter()
                    .find(|s| s.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .cloned()
            .ok_or_else(|| IngestError::SheetNotFound {
                path: path.to_owned(),
                sheet: wanted.to_owned(),
                available: sheets.clone(),
            })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| workbook_error("the workbook has no sheets".to_owned()))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|err| workbook_error(format!("sheet {name:?}: {err}")))?;
    let Some((first_row, _)) = range.start() else {
        return Err(IngestError::Empty {
            path: path.to_owned(),
        });
    };
    let height = range.height();
    let mut source = WorkbookSource {
        range,
        next: 0,
        first_row,
    };
    let first: Vec<Vec<String>> = (0..height.min(HEADER_SEARCH_ROWS))
        .map(|i| {
            source
                .row_cells(i)
                .iter()
                .map(|cell| cell.to_text().trim().to_owned())
                .collect()
        })
        .collect();
    let widths: Vec<usize> = first
        .iter()
        .map(|row| row.iter().filter(|c| !c.is_empty()).count())
        .collect();
    let header_index = columns::header_index(&widths);
    let HeaderRows {
        names,
        questions,
        extra,
    } = columns::header_rows(&first[header_index..]);
    source.next = header_index + 1 + extra;
    Ok(Header {
        format: Format::Workbook,
        encoding: None,
        encoding_reason: None,
        delimiter: None,
        delimiter_reason: None,
        sheet: Some(name),
        sheets,
        header_line: u64::from(first_row) + header_index as u64 + 1,
        extra_header_rows: extra as u64,
        columns: names,
        questions,
        source: Source::Workbook(source),
    })
}

/// The rows of one sheet.
pub(crate) struct WorkbookSource {
    range: Range<Data>,
    /// Index (within the range) of the next row to give out.
    next: usize,
    /// Sheet row (0-based) of the range's first row.
    first_row: u32,
}

impl WorkbookSource {
    fn row_cells(&self, index: usize) -> Vec<Cell> {
        (0..self.range.width())
            .map(|column| {
                self.range
                    .get((index, column))
                    .map_or(Cell::Empty, cell_from)
            })
            .collect()
    }

    pub(crate) fn next_record(&mut self) -> Option<RawRecord> {
        if self.next >= self.range.height() {
            return None;
        }
        let line = u64::from(self.first_row) + self.next as u64 + 1;
        let cells = self.row_cells(self.next);
        self.next += 1;
        Some(RawRecord::new(line, cells))
    }
}

fn cell_from(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) => Cell::Text(text.clone()),
        Data::Int(value) => Cell::Number(*value as f64),
        Data::Float(value) => Cell::Number(*value),
        Data::Bool(value) => Cell::Bool(*value),
        Data::DateTime(datetime) if datetime.is_datetime() && datetime.as_f64() >= 1.0 => {
            let (year, month, day, hour, minute, second, milli) = datetime.to_ymd_hms_milli();
            jiff::civil::DateTime::new(
                year as i16,
                month as i8,
                day as i8,
                hour as i8,
                minute as i8,
                second as i8,
                i32::from(milli) * 1_000_000,
            )
            .map_or_else(|_| Cell::Number(datetime.as_f64()), Cell::DateTime)
        }
        Data::DateTime(datetime) if datetime.is_datetime() => {
            // A time of day alone.
            let (_, _, _, hour, minute, second, _) = datetime.to_ymd_hms_milli();
            Cell::Text(format!("{hour:02}:{minute:02}:{second:02}"))
        }
        Data::DateTime(datetime) => Cell::Number(datetime.as_f64()),
        Data::DateTimeIso(text) | Data::DurationIso(text) => Cell::Text(text.clone()),
        Data::Error(error) => Cell::Text(error.to_string()),
    }
}
