//! Facet counts (matched rows per cause and per channel) over everything a search matched.
//!
//! This runs for every matched row, so it reads one dense fast-field value per field and row:
//! the causes as a bit set (`cause_bits`, bit *i* for the *i*-th cause the index knows) and the
//! channel's ordinal in the segment's dictionary, turned into strings once per segment at the
//! end.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, ColumnIndex, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::schema;

/// Matched rows per cause id and per channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// Rows per cause id.
    pub causes: BTreeMap<String, u64>,
    /// Rows per channel (normalized; rows without a channel are not counted).
    pub channels: BTreeMap<String, u64>,
}

/// Counts causes and channels; `causes` are the cause ids in bit order.
pub(crate) struct FacetCollector {
    causes: Vec<String>,
}

impl FacetCollector {
    pub(crate) fn new(causes: Vec<String>) -> Self {
        Self { causes }
    }
}

pub(crate) struct FacetSegmentCollector {
    cause_bits: Option<Column<u64>>,
    cause_counts: [u64; 64],
    channel: Option<StrColumn>,
    channel_counts: Vec<u64>,
    causes: Vec<String>,
}

/// The value of a single-valued column for `doc`; dense columns skip the index lookup.
fn value(column: &Column<u64>, doc: DocId) -> Option<u64> {
    match column.index {
        ColumnIndex::Full => Some(column.values.get_val(doc)),
        _ => column.first(doc),
    }
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = segment.fast_fields();
        let cause_bits = fast.column_opt::<u64>(schema::CAUSE_BITS)?;
        let channel = fast.str(schema::CHANNEL)?;
        let channel_counts = vec![0; channel.as_ref().map_or(0, |column| column.num_terms())];
        Ok(FacetSegmentCollector {
            cause_bits,
            cause_counts: [0; 64],
            channel,
            channel_counts,
            causes: self.causes.clone(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut merged = FacetCounts::default();
        for fruit in fruits {
            for (into, from) in [
                (&mut merged.causes, fruit.causes),
                (&mut merged.channels, fruit.channels),
            ] {
                for (value, count) in from {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(mut bits) = self
            .cause_bits
            .as_ref()
            .and_then(|column| value(column, doc))
        {
            while bits != 0 {
                self.cause_counts[bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
            }
        }
        if let Some(ord) = self
            .channel
            .as_ref()
            .and_then(|column| value(column.ords(), doc))
        {
            self.channel_counts[ord as usize] += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        let mut counts = FacetCounts::default();
        for (bit, &count) in self.cause_counts.iter().enumerate() {
            if count > 0
                && let Some(id) = self.causes.get(bit)
            {
                counts.causes.insert(id.clone(), count);
            }
        }
        if let Some(column) = &self.channel {
            let mut text = String::new();
            for (ord, &count) in self.channel_counts.iter().enumerate() {
                if count > 0
                    && column.ord_to_str(ord as u64, &mut text).unwrap_or(false)
                    && !text.is_empty()
                {
                    counts.channels.insert(text.clone(), count);
                }
            }
        }
        counts
    }
}
