//! Opening an index to read it: the check of `koe-index.json`, and every stored row back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tantivy::schema::Value;
use tantivy::store::StoreReader;
use tantivy::{DocId, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

use crate::classify::CauseTag;
use crate::feedback::Feedback;
use crate::index::IndexError;
use crate::index::analyzer::Analyzer;
use crate::index::info::{DictionaryInfo, IndexInfo};
use crate::index::schema::Fields;

/// A row as the index keeps it: the feedback and the causes found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedFeedback {
    /// The feedback as read from its export.
    pub feedback: Feedback,
    /// Its causes, with scores and evidence.
    pub causes: Vec<CauseTag>,
}

/// An index opened for reading. Readers see the last commit; a `koe index` running at the same
/// time does not disturb them.
pub struct FeedbackIndex {
    dir: PathBuf,
    info: IndexInfo,
    reader: IndexReader,
    fields: Fields,
}

impl FeedbackIndex {
    /// Opens the index at `dir`, checking that this koe can read it.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        let info = read_info(dir)?;
        info.check_format(dir)?;
        Self::open_with(dir, info)
    }

    /// Opens an index of any format, as long as it has the stored rows (for `reindex`).
    pub(crate) fn open_any_format(dir: &Path) -> Result<Self, IndexError> {
        let info = read_info(dir)?;
        Self::open_with(dir, info)
    }

    fn open_with(dir: &Path, info: IndexInfo) -> Result<Self, IndexError> {
        // A writer in another process may delete the files of an old commit between our reading
        // meta.json and opening them; the next attempt sees the new commit.
        let mut attempt = 0;
        let (mut index, reader) = loop {
            match open_tantivy(dir) {
                Ok(opened) => break opened,
                Err(_) if attempt < 3 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(20 * attempt));
                }
                Err(err) => return Err(IndexError::tantivy(dir, err)),
            }
        };
        // Segments are searched in parallel: a large index has several.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if threads > 1 && reader.searcher().segment_readers().len() > 1 {
            index
                .set_multithread_executor(threads)
                .map_err(|err| IndexError::tantivy(dir, err))?;
        }
        let fields = Fields::of(&index.schema()).map_err(|missing| IndexError::Corrupt {
            path: dir.to_path_buf(),
            message: format!("the schema has no field `{missing}`"),
        })?;
        Ok(Self {
            dir: dir.to_path_buf(),
            info,
            reader,
            fields,
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the index was built with.
    pub fn info(&self) -> &IndexInfo {
        &self.info
    }

    /// How many rows the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row in the index, in index order.
    pub fn feedback(&self) -> FeedbackIter {
        FeedbackIter {
            dir: self.dir.clone(),
            searcher: self.reader.searcher(),
            fields: self.fields,
            segment: 0,
            doc: 0,
            store: None,
        }
    }

    /// The row with id `id`, if the index has it.
    pub fn get(&self, id: &str) -> Result<Option<IndexedFeedback>, IndexError> {
        let searcher = self.reader.searcher();
        let term = tantivy::Term::from_field_text(self.fields.id, id);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let hits = searcher
            .search(
                &query,
                &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
            )
            .map_err(|err| IndexError::tantivy(&self.dir, err))?;
        match hits.first() {
            Some(&(_, address)) => {
                let doc: TantivyDocument = searcher
                    .doc(address)
                    .map_err(|err| IndexError::tantivy(&self.dir, err))?;
                decode(&self.dir, &self.fields, &doc).map(Some)
            }
            None => Ok(None),
        }
    }

    /// Whether the user dictionaries the index was built with have changed since (a file was
    /// edited, or koe's own dictionary changed with an upgrade): queries are then analysed a
    /// little differently from the rows, and `koe reindex` brings them together again.
    pub fn dictionaries_changed(&self) -> bool {
        let recorded = &self.info.user_dictionaries;
        match DictionaryInfo::of(&recorded.user_dictionaries()) {
            Ok(now) => now.digest != recorded.digest,
            Err(_) => true,
        }
    }

    /// The analyzer queries must use: the one the index was built with.
    pub fn analyzer(&self) -> Result<&'static Analyzer, IndexError> {
        Ok(Analyzer::shared(
            &self.info.user_dictionaries.user_dictionaries(),
        )?)
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }
}

fn read_info(dir: &Path) -> Result<IndexInfo, IndexError> {
    match IndexInfo::read(dir)? {
        Some(info) => Ok(info),
        None if dir.is_dir() => Err(IndexError::NotAnIndex {
            path: dir.to_path_buf(),
        }),
        None => Err(IndexError::Missing {
            path: dir.to_path_buf(),
        }),
    }
}

fn open_tantivy(dir: &Path) -> tantivy::Result<(Index, IndexReader)> {
    let mut index = Index::open_in_dir(dir)?;
    // Segments are searched in parallel, one thread per core: a query matching a large part
    // of a big index (every row with 解約) is bound by collecting and counting its hits.
    if index.searchable_segment_ids()?.len() > 1 {
        index.set_default_multithread_executor()?;
    }
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok((index, reader))
}

/// Rebuilds a row from its stored document.
pub(crate) fn decode(
    dir: &Path,
    fields: &Fields,
    doc: &TantivyDocument,
) -> Result<IndexedFeedback, IndexError> {
    let corrupt = |message: String| IndexError::Corrupt {
        path: dir.to_path_buf(),
        message,
    };
    let record = doc
        .get_first(fields.record)
        .and_then(|value| value.as_str())
        .ok_or_else(|| corrupt("a document has no stored record".to_owned()))?;
    let feedback: Feedback =
        serde_json::from_str(record).map_err(|err| corrupt(format!("a stored record: {err}")))?;
    let causes = match doc.get_first(fields.tags).and_then(|value| value.as_str()) {
        Some(tags) => serde_json::from_str(tags)
            .map_err(|err| corrupt(format!("the stored causes of {}: {err}", feedback.id)))?,
        None => Vec::new(),
    };
    Ok(IndexedFeedback { feedback, causes })
}

/// Every row of an index; see [`FeedbackIndex::feedback`].
pub struct FeedbackIter {
    dir: PathBuf,
    searcher: Searcher,
    fields: Fields,
    segment: usize,
    doc: DocId,
    store: Option<StoreReader>,
}

impl Iterator for FeedbackIter {
    type Item = Result<IndexedFeedback, IndexError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let segment = self.searcher.segment_readers().get(self.segment)?;
            if self.doc >= segment.max_doc() {
                self.segment += 1;
                self.doc = 0;
                self.store = None;
                continue;
            }
            let doc = self.doc;
            self.doc += 1;
            if segment.is_deleted(doc) {
                continue;
            }
            if self.store.is_none() {
                match segment.get_store_reader(4) {
                    Ok(store) => self.store = Some(store),
                    Err(source) => {
                        self.segment = usize::MAX;
                        return Some(Err(IndexError::Io {
                            path: self.dir.clone(),
                            source,
                        }));
                    }
                }
            }
            let store = self.store.as_ref()?;
            let stored: TantivyDocument = match store.get(doc) {
                Ok(stored) => stored,
                Err(err) => return Some(Err(IndexError::tantivy(&self.dir, err))),
            };
            return Some(decode(&self.dir, &self.fields, &stored));
        }
    }
}
