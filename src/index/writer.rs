//! Writing an index: analysis and classification on all cores, upserts by id, periodic commits,
//! and rebuilding an index from its own stored rows.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tantivy::columnar::Column;
use tantivy::index::InvertedIndexReader;
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::Token as TantivyToken;
use tantivy::{DocSet, Index, IndexWriter, SegmentReader, TERMINATED, TantivyDocument};

use crate::classify::analysis::analyze_tokens;
use crate::classify::{CauseTag, Classifier};
use crate::feedback::Feedback;
use crate::index::IndexError;
use crate::index::analyzer::{
    Analyzer, AnalyzerWorker, PreAnalyzedTokenizer, TOKENIZER_NAME, encode_tokens,
};
use crate::index::info::{CauseInfo, DictionaryInfo, Fnv64, IndexInfo};
use crate::index::reader::FeedbackIndex;
use crate::index::schema::{self, Fields};
use crate::text::{UserDictionaries, Worker, normalize};

/// How to write an index.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// The user dictionaries. `None`: those an existing index was built with, or koe's default
    /// for a new one. For an existing index, other dictionaries are an
    /// [`IndexError::AnalysisMismatch`]: rebuild it with [`reindex`].
    pub user_dictionaries: Option<UserDictionaries>,
    /// Commit after this many rows, so that a killed run loses at most these.
    pub commit_every: u64,
    /// tantivy's indexing threads.
    pub writer_threads: usize,
    /// tantivy's memory budget over all its threads, in bytes.
    pub memory_budget: usize,
    /// Rows analysed together.
    pub batch_rows: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        Self {
            user_dictionaries: None,
            commit_every: 50_000,
            writer_threads: 1,
            memory_budget: 256 << 20,
            batch_rows: 4096,
        }
    }
}

/// What a run of the [`Indexer`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexSummary {
    /// Rows given to [`Indexer::add`].
    pub read: u64,
    /// Rows whose id was new.
    pub added: u64,
    /// Rows that replaced a row with the same id.
    pub updated: u64,
    /// Rows identical to the one already indexed under their id, left alone.
    pub unchanged: u64,
    /// Rows in the index afterwards.
    pub documents: u64,
}

/// Adds feedback to an index, creating it when needed. Rows are analysed in batches on all
/// cores; [`finish`](Self::finish) commits the rest.
pub struct Indexer<'c> {
    dir: PathBuf,
    info: IndexInfo,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    analyzer: &'static Analyzer,
    /// A tokenizer with koe's default dictionaries for the classifier, when the index uses
    /// other ones.
    classifier_tokenizer: Option<&'static Analyzer>,
    classifier: &'c Classifier,
    existing: Option<ExistingRows>,
    seen: HashSet<u64>,
    batch: Vec<Feedback>,
    options: IndexOptions,
    summary: IndexSummary,
    since_commit: u64,
    committed: u64,
}

impl<'c> Indexer<'c> {
    /// Opens the index at `dir` for writing, creating it (and the directory) when there is none.
    pub fn open(
        dir: &Path,
        classifier: &'c Classifier,
        options: &IndexOptions,
    ) -> Result<Self, IndexError> {
        let causes = classifier
            .causes()
            .into_iter()
            .map(|(id, label, label_en)| CauseInfo {
                id,
                label,
                label_en,
            })
            .collect();
        let existing_info = IndexInfo::read(dir)?;
        let dictionaries = match (&options.user_dictionaries, &existing_info) {
            (Some(chosen), _) => chosen.clone(),
            (None, Some(info)) => info.user_dictionaries.user_dictionaries(),
            (None, None) => UserDictionaries::default(),
        };
        let mut wanted = IndexInfo::new(
            DictionaryInfo::of(&dictionaries)?,
            classifier.fingerprint(),
            causes,
        );
        let index = match existing_info {
            Some(info) => {
                info.check_format(dir)?;
                let differences = info.analysis_differences(&wanted);
                if !differences.is_empty() {
                    return Err(IndexError::AnalysisMismatch {
                        path: dir.to_path_buf(),
                        differences,
                    });
                }
                wanted.created = info.created;
                Index::open_in_dir(dir).map_err(|err| IndexError::tantivy(dir, err))?
            }
            None => create(dir, &wanted)?,
        };
        let analyzer = Analyzer::shared(&dictionaries)?;
        // The rows arrive analysed (see `RowWorker::analyse`).
        index
            .tokenizers()
            .register(TOKENIZER_NAME, PreAnalyzedTokenizer::default());
        let classifier_tokenizer = if dictionaries == UserDictionaries::default() {
            None
        } else {
            Some(Analyzer::shared(&UserDictionaries::default())?)
        };
        let fields = Fields::of(&index.schema()).map_err(|missing| IndexError::Corrupt {
            path: dir.to_path_buf(),
            message: format!("the schema has no field `{missing}`"),
        })?;
        let writer = index
            .writer_with_num_threads(options.writer_threads.max(1), options.memory_budget)
            .map_err(|err| IndexError::tantivy(dir, err))?;
        let existing = ExistingRows::load(dir, &index, &fields)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            info: wanted,
            writer,
            fields,
            analyzer,
            classifier_tokenizer,
            classifier,
            existing,
            seen: HashSet::new(),
            batch: Vec::with_capacity(options.batch_rows),
            options: options.clone(),
            summary: IndexSummary::default(),
            since_commit: 0,
            committed: 0,
        })
    }

    /// Adds one row; a row whose id is already in the index replaces it.
    pub fn add(&mut self, feedback: Feedback) -> Result<(), IndexError> {
        self.batch.push(feedback);
        if self.batch.len() >= self.options.batch_rows {
            self.flush()?;
        }
        Ok(())
    }

    /// Rows committed so far in this run.
    pub fn committed(&self) -> u64 {
        self.committed
    }

    /// Analyses the rows added so far and hands them to tantivy; commits when
    /// [`IndexOptions::commit_every`] rows are waiting.
    fn flush(&mut self) -> Result<(), IndexError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let prepared = self.prepare(&batch)?;
        self.batch = batch;
        self.batch.clear();
        for row in prepared {
            self.summary.read += 1;
            let Some(row) = row else {
                self.summary.unchanged += 1;
                continue;
            };
            let first_time_in_run = self.seen.insert(row.id_hash);
            if row.existed || !first_time_in_run {
                self.summary.updated += 1;
                self.writer
                    .delete_term(tantivy::Term::from_field_text(self.fields.id, &row.id));
            } else {
                self.summary.added += 1;
            }
            self.writer
                .add_document(row.doc)
                .map_err(|err| IndexError::tantivy(&self.dir, err))?;
            self.since_commit += 1;
        }
        if self.since_commit >= self.options.commit_every {
            self.commit()?;
        }
        Ok(())
    }

    /// Commits what was added so far: after this, a crash keeps these rows.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.info.updated = jiff::Timestamp::now().to_string();
        self.info.write(&self.dir)?;
        self.writer
            .commit()
            .map_err(|err| IndexError::tantivy(&self.dir, err))?;
        self.committed += self.since_commit;
        self.since_commit = 0;
        Ok(())
    }

    /// Indexes the remaining rows, commits, and waits for tantivy's merges.
    pub fn finish(mut self) -> Result<IndexSummary, IndexError> {
        self.flush()?;
        self.commit()?;
        let dir = self.dir.clone();
        let mut summary = self.summary.clone();
        self.writer
            .wait_merging_threads()
            .map_err(|err| IndexError::tantivy(&dir, err))?;
        summary.documents = FeedbackIndex::open(&dir)?.len();
        Ok(summary)
    }

    fn prepare(&self, batch: &[Feedback]) -> Result<Vec<Option<PreparedRow>>, IndexError> {
        let context = RowContext {
            dir: &self.dir,
            fields: &self.fields,
            classifier: self.classifier,
            causes: &self.info.causes,
            existing: self.existing.as_ref(),
        };
        // The classifier wants koe's default dictionaries: with those, it reads the tokens the
        // index analysis made; with others, it tokenizes the text itself.
        let analyzer = self.analyzer;
        let classifier_tokenizer = self.classifier_tokenizer.map(Analyzer::tokenizer);
        batch
            .par_iter()
            .map_init(
                || RowWorker {
                    analyzer: analyzer.worker(),
                    classifier: classifier_tokenizer.map(|t| t.worker()),
                    tokens: Vec::new(),
                },
                |worker, feedback| context.prepare_row(worker, feedback),
            )
            .collect()
    }
}

/// Per-thread analysis state of the [`Indexer`].
struct RowWorker<'a> {
    analyzer: AnalyzerWorker<'a>,
    /// A worker with koe's default dictionaries, when the index uses other ones.
    classifier: Option<Worker<'a>>,
    tokens: Vec<TantivyToken>,
}

impl RowWorker<'_> {
    /// Analyses each text of a row once: the causes, and the `words` field's tokens encoded
    /// for [`PreAnalyzedTokenizer`] (offsets into [`Feedback::full_text`]).
    fn analyse(&mut self, classifier: &Classifier, feedback: &Feedback) -> (Vec<CauseTag>, String) {
        let mut words = String::new();
        let mut per_field = Vec::with_capacity(feedback.texts.len());
        let (mut offset, mut position) = (0, 0);
        for field in &feedback.texts {
            let normalized = normalize(&field.text);
            let (word_worker, tokens) = self.analyzer.tokenize(&normalized);
            let (tags, normalized) = match &mut self.classifier {
                Some(worker) => (classifier.classify(worker, &field.text), normalized),
                None => {
                    let analysis = analyze_tokens(word_worker, normalized, tokens);
                    (classifier.classify_analysis(&analysis), analysis.normalized)
                }
            };
            per_field.push((field.column.as_str(), tags));
            self.analyzer
                .tantivy_tokens_of_loaded(&normalized, &mut self.tokens);
            encode_tokens(&self.tokens, offset, position, &mut words);
            if let Some(last) = self.tokens.iter().map(|t| t.position).max() {
                position += last + 1;
            }
            // The fields are joined by a blank line in the full text.
            offset += field.text.len() + 2;
        }
        let causes = classifier.merge_fields(per_field, feedback.texts.len() > 1);
        (causes, words)
    }
}

/// What analysing a row needs from the [`Indexer`], shared by the analysis threads.
struct RowContext<'a> {
    dir: &'a Path,
    fields: &'a Fields,
    classifier: &'a Classifier,
    /// The causes the index knows, in the order of their bits in `cause_bits`.
    causes: &'a [CauseInfo],
    existing: Option<&'a ExistingRows>,
}

impl RowContext<'_> {
    /// Analyses and classifies one row and makes its document; `None` when the index already
    /// has the row as it is.
    fn prepare_row(
        &self,
        worker: &mut RowWorker<'_>,
        feedback: &Feedback,
    ) -> Result<Option<PreparedRow>, IndexError> {
        let hash = content_hash(feedback);
        let existed = match self.existing {
            Some(existing) => {
                match existing
                    .hash_of(&feedback.id)
                    .map_err(|source| IndexError::Io {
                        path: self.dir.to_path_buf(),
                        source,
                    })? {
                    Some(Some(old)) if old == hash => return Ok(None),
                    Some(_) => true,
                    None => false,
                }
            }
            None => false,
        };
        let fields = self.fields;
        let (causes, words) = worker.analyse(self.classifier, feedback);

        let mut doc = TantivyDocument::new();
        doc.add_text(fields.id, &feedback.id);
        doc.add_text(fields.words, words);
        let corrupt = |err: serde_json::Error| IndexError::Corrupt {
            path: self.dir.to_path_buf(),
            message: format!("row {}: {err}", feedback.id),
        };
        doc.add_text(
            fields.record,
            serde_json::to_string(feedback).map_err(corrupt)?,
        );
        doc.add_text(
            fields.tags,
            serde_json::to_string(&causes).map_err(corrupt)?,
        );
        if let Some(date) = feedback.date {
            if let Some(seconds) = date_seconds(date) {
                doc.add_date(fields.date, tantivy::DateTime::from_timestamp_secs(seconds));
            }
            doc.add_text(
                fields.month,
                format!("{:04}-{:02}", date.year(), date.month()),
            );
        }
        // Every row has a channel value, empty when unknown: a dense column is faster to count.
        doc.add_text(
            fields.channel,
            feedback
                .channel
                .as_deref()
                .map(channel_key)
                .unwrap_or_default(),
        );
        if let Some(rating) = feedback.rating.filter(|rating| rating.is_finite()) {
            doc.add_f64(fields.rating, rating);
        }
        let mut cause_bits = 0u64;
        for cause in &causes {
            doc.add_text(fields.cause, &cause.id);
            if let Some(bit) = self
                .causes
                .iter()
                .position(|known| known.id == cause.id)
                .filter(|&bit| bit < 64)
            {
                cause_bits |= 1 << bit;
            }
        }
        doc.add_u64(fields.cause_bits, cause_bits);
        doc.add_u64(fields.hash, hash);
        let mut id_hash = Fnv64::new();
        id_hash.write(feedback.id.as_bytes());
        Ok(Some(PreparedRow {
            id: feedback.id.clone(),
            id_hash: id_hash.finish(),
            existed,
            doc,
        }))
    }
}

struct PreparedRow {
    id: String,
    id_hash: u64,
    existed: bool,
    doc: TantivyDocument,
}

/// Creates a new index in `dir`, which must not exist or be an empty directory.
fn create(dir: &Path, info: &IndexInfo) -> Result<Index, IndexError> {
    let io = |source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() {
        if fs::read_dir(dir).map_err(io)?.next().is_some() {
            return Err(IndexError::NotAnIndex {
                path: dir.to_path_buf(),
            });
        }
    } else {
        fs::create_dir_all(dir).map_err(io)?;
    }
    // koe-index.json first: a directory with tantivy files and no record is "not an index".
    info.write(dir)?;
    Index::create_in_dir(dir, schema::schema()).map_err(|err| IndexError::tantivy(dir, err))
}

/// The rows of the index as it was when the run started, to tell new rows from replaced and
/// unchanged ones.
struct ExistingRows {
    segments: Vec<(SegmentReader, Arc<InvertedIndexReader>, Column<u64>)>,
    id: tantivy::schema::Field,
}

impl ExistingRows {
    /// `None` for an empty index.
    fn load(dir: &Path, index: &Index, fields: &Fields) -> Result<Option<Self>, IndexError> {
        let tantivy_error = |err| IndexError::tantivy(dir, err);
        let reader = index.reader().map_err(tantivy_error)?;
        let searcher = reader.searcher();
        if searcher.num_docs() == 0 {
            return Ok(None);
        }
        let mut segments = Vec::new();
        for segment in searcher.segment_readers() {
            let ids = segment.inverted_index(fields.id).map_err(tantivy_error)?;
            let hashes = segment
                .fast_fields()
                .u64(schema::HASH)
                .map_err(tantivy_error)?;
            segments.push((segment.clone(), ids, hashes));
        }
        Ok(Some(Self {
            segments,
            id: fields.id,
        }))
    }

    /// `None` when no live row has `id`; otherwise the stored content hash, if any.
    fn hash_of(&self, id: &str) -> std::io::Result<Option<Option<u64>>> {
        let term = tantivy::Term::from_field_text(self.id, id);
        for (segment, ids, hashes) in &self.segments {
            let Some(mut postings) = ids.read_postings(&term, IndexRecordOption::Basic)? else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    return Ok(Some(hashes.first(doc)));
                }
                doc = postings.advance();
            }
        }
        Ok(None)
    }
}

/// A digest of everything the index keeps of a row except where it was read from: the same
/// row in a new export is unchanged.
fn content_hash(feedback: &Feedback) -> u64 {
    let mut hash = Fnv64::new();
    hash.write_str(&feedback.id);
    hash.write_str(
        &feedback
            .date
            .map(|date| date.to_string())
            .unwrap_or_default(),
    );
    hash.write_str(feedback.channel.as_deref().unwrap_or("\u{0}"));
    hash.write(&feedback.rating.map_or([0xfe; 8], f64::to_le_bytes));
    for field in &feedback.texts {
        hash.write_str(&field.column);
        hash.write_str(&field.text);
    }
    hash.write(&[0xfe]);
    for (key, value) in &feedback.metadata {
        hash.write_str(key);
        hash.write_str(value);
    }
    hash.finish()
}

/// Seconds since the epoch of a civil date and time read as UTC: the index compares civil
/// times with civil times, whatever the time zone they were read in.
pub(crate) fn date_seconds(date: jiff::civil::DateTime) -> Option<i64> {
    jiff::tz::TimeZone::UTC
        .to_timestamp(date)
        .ok()
        .map(|timestamp| timestamp.as_second())
}

/// The indexed form of a channel: normalized, so that `ｱﾌﾟﾘ` and `アプリ` are one channel.
pub(crate) fn channel_key(channel: &str) -> String {
    normalize(channel.trim()).into_string()
}

/// Rebuilds the index at `dir` from its stored rows with the current dictionaries and cause
/// rules (`options.user_dictionaries`, or those the index was built with), without the source
/// files. The new index is written beside the old one and swapped in at the end, so a failed
/// or killed rebuild leaves the old index as it was.
pub fn reindex(
    dir: &Path,
    classifier: &Classifier,
    options: &IndexOptions,
    mut on_row: impl FnMut(u64),
) -> Result<IndexSummary, IndexError> {
    let old = FeedbackIndex::open_any_format(dir)?;
    // Hold the old index's writer lock: no `koe index` may add rows that the rebuild would lose.
    let old_index = Index::open_in_dir(dir).map_err(|err| IndexError::tantivy(dir, err))?;
    let lock = old_index
        .writer_with_num_threads::<TantivyDocument>(1, 20_000_000)
        .map_err(|err| IndexError::tantivy(dir, err))?;
    let name = dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".to_owned());
    let building = dir.with_file_name(format!("{name}.reindex"));
    let retired = dir.with_file_name(format!("{name}.old"));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| IndexError::Io { path, source }
    };
    for leftover in [&building, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(io(leftover))?;
        }
    }
    let mut options = options.clone();
    if options.user_dictionaries.is_none() {
        options.user_dictionaries = Some(old.info().user_dictionaries.user_dictionaries());
    }
    let mut indexer = Indexer::open(&building, classifier, &options)?;
    indexer.info.created = old.info().created.clone();
    for (count, row) in old.feedback().enumerate() {
        indexer.add(row?.feedback)?;
        on_row(count as u64 + 1);
    }
    let summary = indexer.finish()?;
    drop(lock);
    drop(old);
    fs::rename(dir, &retired).map_err(io(dir))?;
    fs::rename(&building, dir).map_err(io(&building))?;
    fs::remove_dir_all(&retired).map_err(io(&retired))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::{SourceRef, TextField};

    fn row(id: &str, text: &str) -> Feedback {
        Feedback {
            id: id.into(),
            source: SourceRef {
                file: "t.csv".into(),
                line: 2,
            },
            date: Some(jiff::civil::date(2024, 3, 5).at(10, 0, 0, 0)),
            channel: Some("ｱﾌﾟﾘ".into()),
            rating: Some(2.0),
            texts: vec![TextField {
                column: "comment".into(),
                text: text.into(),
            }],
            metadata: Default::default(),
        }
    }

    #[test]
    fn upserts_replace_and_unchanged_rows_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let classifier = Classifier::builtin().unwrap();
        let options = IndexOptions::default();
        let mut indexer = Indexer::open(dir.path(), &classifier, &options).unwrap();
        indexer.add(row("a", "料金が高い")).unwrap();
        indexer.add(row("b", "対応が遅い")).unwrap();
        indexer.add(row("a", "料金がとても高い")).unwrap();
        let summary = indexer.finish().unwrap();
        assert_eq!(
            (summary.added, summary.updated, summary.documents),
            (2, 1, 2)
        );

        let mut indexer = Indexer::open(dir.path(), &classifier, &options).unwrap();
        indexer.add(row("a", "料金がとても高い")).unwrap();
        indexer.add(row("b", "対応がかなり遅い")).unwrap();
        indexer.add(row("c", "解約したい")).unwrap();
        let summary = indexer.finish().unwrap();
        assert_eq!(
            (
                summary.unchanged,
                summary.updated,
                summary.added,
                summary.documents
            ),
            (1, 1, 1, 3)
        );
        let index = FeedbackIndex::open(dir.path()).unwrap();
        let b = index.get("b").unwrap().unwrap();
        assert_eq!(b.feedback.texts[0].text, "対応がかなり遅い");
    }

    #[test]
    fn a_directory_with_other_files_is_not_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let classifier = Classifier::builtin().unwrap();
        let Err(err) = Indexer::open(dir.path(), &classifier, &IndexOptions::default()) else {
            panic!("must refuse");
        };
        assert!(matches!(err, IndexError::NotAnIndex { .. }), "{err}");
    }

    #[test]
    fn content_hash_ignores_the_source_only() {
        let a = row("a", "高い");
        let mut moved = a.clone();
        moved.source.line = 99;
        assert_eq!(content_hash(&a), content_hash(&moved));
        let mut edited = a.clone();
        edited.rating = Some(3.0);
        assert_ne!(content_hash(&a), content_hash(&edited));
    }
}
