//! koe (声): an analyzer of Japanese customer feedback.
//!
//! The library is organised by pipeline stage; the `koe` binary is a thin command line over it.
//!
//! - [`text`]: normalization and tokenization (IPADIC via lindera, embedded);
//! - [`ingest`]: reading survey, review and ticket exports (CSV in any encoding Excel writes,
//!   xlsx, JSON) into feedback records, reporting every bad row;
//! - [`feedback`]: the record every stage passes along;
//! - [`classify`]: churn-cause tagging with evidence;
//! - [`index`]: analysed, classified feedback in a tantivy index on disk (upserts, crash-safe);
//! - [`search`]: the query language, filters, facets and highlighted snippets over an index;
//! - [`report`]: the monthly cause report (counts, changes and their significance, words,
//!   quotes) as Markdown, HTML, JSON or CSV;
//! - [`escape`]: feedback text made safe for HTML and spreadsheet cells;
//! - [`cli`]: the command-line interface, one file per subcommand.

pub mod classify;
pub mod cli;
pub mod escape;
pub mod feedback;
pub mod index;
pub mod ingest;
pub mod report;
pub mod search;
pub mod text;
