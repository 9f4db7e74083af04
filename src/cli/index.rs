//! `koe index`: read feedback exports, analyse and classify them, and add them to an index.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::classify::Classifier;
use crate::cli::input::{InputArgs, for_each_feedback, outcome};
use crate::cli::{DictionaryArgs, Outcome};
use crate::feedback::Feedback;
use crate::index::{IndexOptions, Indexer};
use crate::text::UserDictionaries;

/// Index feedback exports for `koe search` and reports.
///
/// Each row is normalized, tokenized (with the user dictionaries), tagged with its causes and
/// added to the index in DIR (created when missing). A row whose id is already indexed replaces
/// it, so indexing the same file again changes nothing and a new export adds only its new rows.
/// Rows are committed every --commit-every rows: a run that is killed keeps what was committed,
/// and running it again completes it.
///
/// Examples:
///   koe index answers.csv --index idx
///   koe index 2024-*.xlsx --text-column 自由記述 --index idx
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct IndexArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The index directory; created when it does not exist.
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
    /// Commit after this many rows (a killed run loses at most these).
    #[arg(long, default_value_t = 50_000, value_name = "N")]
    commit_every: u64,
    #[command(flatten)]
    dictionaries: DictionaryArgs,
}

pub fn run(args: &IndexArgs) -> anyhow::Result<Outcome> {
    let classifier = Classifier::builtin()?;
    let options = IndexOptions {
        user_dictionaries: dictionaries_option(&args.dictionaries),
        commit_every: args.commit_every.max(1),
        ..IndexOptions::default()
    };
    let mut indexer = Indexer::open(&args.index, &classifier, &options)?;
    let progress = Progress::new(estimate_rows(args.input.files()));
    // Reading (parsing, decoding, dates) runs on its own thread, ahead of the analysis.
    let (sender, batches) = mpsc::sync_channel::<Vec<Feedback>>(8);
    let (read, indexed) = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut batch = Vec::with_capacity(READ_BATCH);
            let read = for_each_feedback(&args.input, |feedback| {
                batch.push(feedback);
                if batch.len() == READ_BATCH {
                    sender
                        .send(std::mem::replace(
                            &mut batch,
                            Vec::with_capacity(READ_BATCH),
                        ))
                        .map_err(|_| anyhow::anyhow!("indexing stopped"))?;
                }
                Ok(())
            });
            if !batch.is_empty() {
                let _ = sender.send(batch);
            }
            read
        });
        let mut rows = 0u64;
        let indexed = batches.iter().try_for_each(|batch| {
            rows += batch.len() as u64;
            progress.set(rows);
            batch
                .into_iter()
                .try_for_each(|feedback| indexer.add(feedback))
        });
        drop(batches);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the input reader failed")));
        (read, indexed)
    });
    progress.finish();
    indexed?;
    // Rows read before a failure are committed: running again goes on from there.
    let read = match read {
        Ok(read) => read,
        Err(err) => {
            indexer.finish()?;
            return Err(err);
        }
    };
    let summary = indexer.finish()?;
    eprintln!(
        "koe: {} rows read: {} indexed ({} new, {} updated), {} unchanged, {} rejected; {} has {} rows",
        read.rows,
        summary.added + summary.updated,
        summary.added,
        summary.updated,
        summary.unchanged,
        read.rejected,
        args.index.display(),
        summary.documents
    );
    Ok(outcome(&read))
}

/// Rows handed from the reading thread to the indexer at once.
const READ_BATCH: usize = 1024;

/// The user dictionaries asked for on the command line; `None` when no dictionary option was
/// given, so that an existing index keeps the ones it was built with.
pub(crate) fn dictionaries_option(args: &DictionaryArgs) -> Option<UserDictionaries> {
    (args.no_user_dict || !args.user_dict.is_empty()).then(|| args.user_dictionaries())
}

/// Rows in the inputs, estimated from their line count (exact for one-line CSV rows); `None`
/// when an input is not a plain text file.
fn estimate_rows(files: &[PathBuf]) -> Option<u64> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let mut lines = 0u64;
    for file in files {
        let text_like = matches!(
            file.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("csv" | "tsv" | "txt" | "jsonl" | "ndjson")
        );
        if !text_like {
            return None;
        }
        lines += count_lines(file)?.saturating_sub(1);
    }
    Some(lines)
}

fn count_lines(path: &Path) -> Option<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut buffer = vec![0u8; 1 << 20];
    let mut lines = 0u64;
    loop {
        let read = file.read(&mut buffer).ok()?;
        if read == 0 {
            return Some(lines);
        }
        lines += buffer[..read].iter().filter(|&&b| b == b'\n').count() as u64;
    }
}

/// A progress bar on stderr (rows, rows/s, ETA when the total is known), only when stderr is a
/// terminal.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub(crate) fn new(total: Option<u64>) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self { bar: None };
        }
        let template = match total {
            Some(_) => "{spinner} {bar:30} {human_pos}/{human_len} rows  {rate}  ETA {eta}",
            None => "{spinner} {human_pos} rows  {rate}  {elapsed}",
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{:.0} rows/s", state.per_sec());
                },
            );
        let bar =
            ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr()).with_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Self { bar: Some(bar) }
    }

    pub(crate) fn set(&self, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(rows);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
