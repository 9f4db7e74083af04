//! `koe reindex`: rebuild an index from the rows it stores, with this koe's format, dictionaries
//! and cause rules.

use std::path::PathBuf;

use clap::Args;

use crate::classify::Classifier;
use crate::cli::index::{Progress, dictionaries_option};
use crate::cli::{DictionaryArgs, Outcome};
use crate::index::{IndexOptions, reindex};

/// Rebuild an index from its stored feedback, without the source files.
///
/// Needed after upgrading koe to a new index format, after changing a user dictionary, or when
/// the cause rules or model changed. The rebuilt index is written beside the old one and
/// swapped in when complete; until then the old one stays searchable.
///
/// Examples:
///   koe reindex --index idx
///   koe reindex --index idx --user-dict ours.csv
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReindexArgs {
    /// The index directory.
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
    #[command(flatten)]
    dictionaries: DictionaryArgs,
}

pub fn run(args: &ReindexArgs) -> anyhow::Result<Outcome> {
    let classifier = Classifier::builtin()?;
    let options = IndexOptions {
        user_dictionaries: dictionaries_option(&args.dictionaries),
        ..IndexOptions::default()
    };
    let progress = Progress::new(None);
    let summary = reindex(&args.index, &classifier, &options, |rows| {
        progress.set(rows)
    })?;
    progress.finish();
    eprintln!(
        "koe: reindexed {} rows into {} ({} in the index)",
        summary.read,
        args.index.display(),
        summary.documents
    );
    Ok(Outcome::Success)
}
