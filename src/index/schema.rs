//! The tantivy schema of a koe index: which field holds what, and how it is indexed.
//!
//! | field | what | how |
//! |---|---|---|
//! | `id` | the row's id | raw term (upserts delete by it), stored |
//! | `words` | the analyzed text (see [`analyzer`](super::analyzer)) | positions, not stored |
//! | `record` | the [`Feedback`](crate::feedback::Feedback) as JSON | stored only: what `reindex` rebuilds from |
//! | `tags` | the cause tags with scores and evidence, JSON | stored only |
//! | `date` | when the feedback was given (civil time, stored as if UTC) | fast: range filters, sorting |
//! | `month` | `YYYY-MM` of the date | raw term, fast |
//! | `channel` | the channel, normalized; empty when there is none | raw term, fast: filters, facet counts |
//! | `rating` | the rating | fast: range filters |
//! | `cause` | each cause id | raw term: filters |
//! | `cause_bits` | the causes as bits, in the order of `koe-index.json`'s `causes` | fast: facet counts |
//! | `hash` | a digest of the row's content | fast: re-indexing an unchanged row is skipped |

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, IndexRecordOption, NumericOptions, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};

use crate::index::analyzer::TOKENIZER_NAME;

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub words: Field,
    pub record: Field,
    pub tags: Field,
    pub date: Field,
    pub month: Field,
    pub channel: Field,
    pub rating: Field,
    pub cause: Field,
    pub cause_bits: Field,
    pub hash: Field,
}

pub(crate) const ID: &str = "id";
pub(crate) const WORDS: &str = "words";
pub(crate) const RECORD: &str = "record";
pub(crate) const TAGS: &str = "tags";
pub(crate) const DATE: &str = "date";
pub(crate) const MONTH: &str = "month";
pub(crate) const CHANNEL: &str = "channel";
pub(crate) const RATING: &str = "rating";
pub(crate) const CAUSE: &str = "cause";
pub(crate) const CAUSE_BITS: &str = "cause_bits";
pub(crate) const HASH: &str = "hash";

/// The schema of a new index.
pub(crate) fn schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field(ID, STRING | STORED);
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    builder.add_text_field(WORDS, words);
    builder.add_text_field(RECORD, STORED);
    builder.add_text_field(TAGS, STORED);
    builder.add_date_field(
        DATE,
        DateOptions::default()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_text_field(MONTH, STRING | FAST);
    builder.add_text_field(CHANNEL, STRING | FAST);
    builder.add_f64_field(RATING, NumericOptions::default().set_fast());
    builder.add_text_field(CAUSE, STRING);
    builder.add_u64_field(CAUSE_BITS, FAST);
    builder.add_u64_field(HASH, FAST);
    builder.build()
}

impl Fields {
    /// The fields of `schema`, or the name of the first one missing.
    pub(crate) fn of(schema: &Schema) -> Result<Self, String> {
        let field = |name: &str| schema.get_field(name).map_err(|_| name.to_owned());
        Ok(Self {
            id: field(ID)?,
            words: field(WORDS)?,
            record: field(RECORD)?,
            tags: field(TAGS)?,
            date: field(DATE)?,
            month: field(MONTH)?,
            channel: field(CHANNEL)?,
            rating: field(RATING)?,
            cause: field(CAUSE)?,
            cause_bits: field(CAUSE_BITS)?,
            hash: field(HASH)?,
        })
    }
}
