//! Reading what the report counts from the index's fast fields, without touching the stored
//! documents: month, channel, causes (as bits) and rating of every live row.
//!
//! [`count`] folds the whole index into [`Cells`], rows per (month, channel, causes) with their
//! rating sums: a few hundred cells for any number of rows, from which every count, share and
//! mean of the report follows. [`slots`] then marks, per segment and document, which month of
//! the report's window a row is in, for the word and quote passes.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use tantivy::columnar::{Column, ColumnIndex, StrColumn};
use tantivy::{DocId, Searcher, SegmentReader};

use crate::index::schema;

/// Rows sharing a month, channel and set of causes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    /// Rows.
    pub rows: u64,
    /// Rows with a rating.
    pub rated: u64,
    /// Sum of their ratings.
    pub rating_sum: f64,
}

impl Cell {
    fn add(&mut self, other: &Cell) {
        self.rows += other.rows;
        self.rated += other.rated;
        self.rating_sum += other.rating_sum;
    }
}

/// What a cell is keyed by: `(month, channel, cause bits)`; the month is `None` for rows
/// without a date, the channel empty when unknown.
pub type CellKey = (Option<String>, String, u64);

/// The whole index folded into cells, in key order.
pub type Cells = BTreeMap<CellKey, Cell>;

/// The value of a single-valued column for `doc`; dense columns skip the index lookup.
fn value(column: &Column<u64>, doc: DocId) -> Option<u64> {
    match column.index {
        ColumnIndex::Full => Some(column.values.get_val(doc)),
        _ => column.first(doc),
    }
}

/// Every live row of the index counted into [`Cells`]; segments are read in parallel.
pub fn count(searcher: &Searcher) -> tantivy::Result<Cells> {
    let parts: Vec<Cells> = searcher
        .segment_readers()
        .par_iter()
        .map(count_segment)
        .collect::<tantivy::Result<_>>()?;
    let mut cells = Cells::new();
    for part in parts {
        for (key, cell) in part {
            cells.entry(key).or_default().add(&cell);
        }
    }
    Ok(cells)
}

fn count_segment(segment: &SegmentReader) -> tantivy::Result<Cells> {
    let fast = segment.fast_fields();
    let month = fast.str(schema::MONTH)?;
    let channel = fast.str(schema::CHANNEL)?;
    let bits = fast.column_opt::<u64>(schema::CAUSE_BITS)?;
    let rating = fast.column_opt::<f64>(schema::RATING)?;
    // Keyed by ordinals while counting; turned into strings once per segment.
    let mut by_ord: HashMap<(u64, u64, u64), Cell> = HashMap::new();
    for doc in segment.doc_ids_alive() {
        let month_ord = month
            .as_ref()
            .and_then(|c| value(c.ords(), doc))
            .unwrap_or(u64::MAX);
        let channel_ord = channel
            .as_ref()
            .and_then(|c| value(c.ords(), doc))
            .unwrap_or(u64::MAX);
        let cause_bits = bits.as_ref().and_then(|c| value(c, doc)).unwrap_or(0);
        let cell = by_ord
            .entry((month_ord, channel_ord, cause_bits))
            .or_default();
        cell.rows += 1;
        if let Some(r) = rating
            .as_ref()
            .and_then(|c| c.first(doc))
            .filter(|r| r.is_finite())
        {
            cell.rated += 1;
            cell.rating_sum += r;
        }
    }
    let mut cells = Cells::new();
    for ((month_ord, channel_ord, cause_bits), cell) in by_ord {
        let month = term(month.as_ref(), month_ord).filter(|m| !m.is_empty());
        let channel = term(channel.as_ref(), channel_ord).unwrap_or_default();
        cells
            .entry((month, channel, cause_bits))
            .or_default()
            .add(&cell);
    }
    Ok(cells)
}

fn term(column: Option<&StrColumn>, ord: u64) -> Option<String> {
    if ord == u64::MAX {
        return None;
    }
    let mut text = String::new();
    column?.ord_to_str(ord, &mut text).ok()?.then_some(text)
}

/// Not in the report's window (or deleted).
pub const OUTSIDE: u8 = u8::MAX;

/// Per document of one segment: the index of its month in the window ([`OUTSIDE`] when not
/// in it), and its cause bits.
#[derive(Debug, Clone, Default)]
pub struct SegmentSlots {
    /// Month slot per document.
    pub slot: Vec<u8>,
    /// Cause bits per document.
    pub bits: Vec<u64>,
}

/// The [`SegmentSlots`] of every segment, in the searcher's segment order. `window` holds at
/// most 254 months.
pub fn slots(searcher: &Searcher, window: &[String]) -> tantivy::Result<Vec<SegmentSlots>> {
    searcher
        .segment_readers()
        .par_iter()
        .map(|segment| segment_slots(segment, window))
        .collect()
}

fn segment_slots(segment: &SegmentReader, window: &[String]) -> tantivy::Result<SegmentSlots> {
    let fast = segment.fast_fields();
    let max_doc = segment.max_doc() as usize;
    let mut slots = SegmentSlots {
        slot: vec![OUTSIDE; max_doc],
        bits: vec![0; max_doc],
    };
    let Some(month) = fast.str(schema::MONTH)? else {
        return Ok(slots);
    };
    let bits = fast.column_opt::<u64>(schema::CAUSE_BITS)?;
    let ord_slot: Vec<u8> = (0..month.num_terms() as u64)
        .map(|ord| {
            term(Some(&month), ord)
                .and_then(|m| window.iter().position(|w| *w == m))
                .map_or(OUTSIDE, |i| i as u8)
        })
        .collect();
    for doc in segment.doc_ids_alive() {
        let Some(ord) = value(month.ords(), doc) else {
            continue;
        };
        let slot = ord_slot[ord as usize];
        if slot != OUTSIDE {
            slots.slot[doc as usize] = slot;
            slots.bits[doc as usize] = bits.as_ref().and_then(|c| value(c, doc)).unwrap_or(0);
        }
    }
    Ok(slots)
}
