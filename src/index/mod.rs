//! The feedback index: analysed, classified feedback in a tantivy index on disk, for
//! [`search`](crate::search) and reports.
//!
//! - [`analyzer`]: what text becomes in the index (normalize, tokenize, decompound), shared
//!   with queries;
//! - [`Indexer`] (in `writer.rs`): adds feedback, replacing rows whose id is already there,
//!   committing periodically so that a killed run loses at most the rows since the last commit;
//! - [`FeedbackIndex`]: opens an index to read it, checking `koe-index.json` ([`IndexInfo`]);
//!   [`FeedbackIndex::feedback`] gives every stored row back with its causes;
//! - [`reindex`]: rebuilds an index from its stored rows with the current dictionaries and
//!   cause rules, without the source files.
//!
//! ```
//! use koe::classify::Classifier;
//! use koe::feedback::{Feedback, SourceRef, TextField};
//! use koe::index::{FeedbackIndex, IndexOptions, Indexer};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let classifier = Classifier::builtin().unwrap();
//! let mut indexer = Indexer::open(dir.path(), &classifier, &IndexOptions::default()).unwrap();
//! indexer.add(Feedback {
//!     id: "a1".into(),
//!     source: SourceRef { file: "answers.csv".into(), line: 2 },
//!     date: None,
//!     channel: Some("アプリ".into()),
//!     rating: Some(1.0),
//!     texts: vec![TextField { column: "comment".into(), text: "解約金が高い".into() }],
//!     metadata: Default::default(),
//! }).unwrap();
//! let summary = indexer.finish().unwrap();
//! assert_eq!(summary.added, 1);
//!
//! let index = FeedbackIndex::open(dir.path()).unwrap();
//! let rows: Vec<_> = index.feedback().collect::<Result<_, _>>().unwrap();
//! assert_eq!(rows[0].feedback.id, "a1");
//! ```

pub mod analyzer;
mod info;
mod reader;
pub(crate) mod schema;
mod writer;

use std::path::PathBuf;

pub use analyzer::{Analyzer, AnalyzerWorker, JapaneseTokenizer, TOKENIZER_NAME, Term, TermKind};
pub use info::{CauseInfo, DictionaryInfo, FORMAT_VERSION, INFO_FILE, IndexInfo};
pub use reader::{FeedbackIndex, FeedbackIter, IndexedFeedback};
pub use writer::{IndexOptions, IndexSummary, Indexer, reindex};

pub(crate) use reader::decode as decode_stored;
pub(crate) use writer::{channel_key, date_seconds};

use crate::text::TextError;

/// What can go wrong with an index. Every variant names the index (or file) it is about.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// There is no index at the path.
    #[error("no koe index at {path}: create one with `koe index FILE --index {path}`")]
    Missing {
        /// The index directory.
        path: PathBuf,
    },
    /// The path exists but is not a koe index.
    #[error("{path} is not a koe index (it has no koe-index.json) and is not an empty directory")]
    NotAnIndex {
        /// The directory.
        path: PathBuf,
    },
    /// The index was written in a format this koe cannot read.
    #[error(
        "the index at {path} has format {found} (written by koe {written_by}); this koe (\
         {current}) reads format {expected}: rebuild it with `koe reindex --index {path}`",
        current = env!("CARGO_PKG_VERSION"),
        expected = info::FORMAT_VERSION
    )]
    FormatMismatch {
        /// The index directory.
        path: PathBuf,
        /// The format it has.
        found: u32,
        /// The koe version that wrote it.
        written_by: String,
    },
    /// Adding rows would mix two analyses: the index was built with other dictionaries or rules.
    #[error(
        "the index at {path} was built with {}; rebuild it with `koe reindex --index {path}` \
         (add the same --user-dict options) before adding rows",
        differences.join(", ")
    )]
    AnalysisMismatch {
        /// The index directory.
        path: PathBuf,
        /// What differs, one phrase each.
        differences: Vec<String>,
    },
    /// Another process is writing to the index.
    #[error(
        "the index at {path} is being written by another koe process; try again when it is done"
    )]
    Locked {
        /// The index directory.
        path: PathBuf,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed.
    #[error("index {path}: {source}")]
    Tantivy {
        /// The index directory.
        path: PathBuf,
        /// What tantivy said.
        #[source]
        source: tantivy::TantivyError,
    },
    /// Something stored in the index could not be read back.
    #[error("index {path}: damaged: {message}")]
    Corrupt {
        /// The index directory or file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// The dictionaries could not be loaded.
    #[error(transparent)]
    Text(#[from] TextError),
    /// The classifier failed to load.
    #[error("cause classifier: {0}")]
    Classifier(String),
}

impl IndexError {
    pub(crate) fn tantivy(path: &std::path::Path, source: tantivy::TantivyError) -> Self {
        if let tantivy::TantivyError::LockFailure(
            tantivy::directory::error::LockError::LockBusy,
            _,
        ) = &source
        {
            return IndexError::Locked {
                path: path.to_path_buf(),
            };
        }
        IndexError::Tantivy {
            path: path.to_path_buf(),
            source,
        }
    }
}
