//! The command-line interface: one file per subcommand, this file for what they share.
//!
//! Conventions every subcommand follows: data goes to stdout, progress and diagnostics to
//! stderr; `--format json` is for scripts; exit codes are
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | finished, but some input was rejected or repaired (each problem was reported on stderr) |
//! | 2 | usage error: unknown flag, bad value, malformed query (nothing was done) |
//! | 3 | failure: a file could not be read or written, a dictionary or index is unusable |

mod classify;
mod demo;
mod eval;
mod index;
pub(crate) mod input;
mod inspect;
mod reindex;
mod report;
mod search;
mod tokenize;
mod train;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::text::UserDictionaries;

/// Some input was rejected or repaired; the rest was processed.
pub const EXIT_PROBLEMS: u8 = 1;
/// The command line (or a query in it) is malformed.
pub const EXIT_USAGE: u8 = 2;
/// The command failed.
pub const EXIT_FAILURE: u8 = 3;

/// How a command that did not fail went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything went through.
    Success,
    /// Some input had problems, reported on stderr; the rest went through.
    Problems,
}

/// koe (声) analyzes Japanese customer feedback: survey answers, reviews, support tickets.
#[derive(Debug, Parser)]
#[command(name = "koe", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Tokenize(tokenize::TokenizeArgs),
    Classify(classify::ClassifyArgs),
    Eval(eval::EvalArgs),
    Train(train::TrainArgs),
    Inspect(inspect::InspectArgs),
    Index(index::IndexArgs),
    Search(search::SearchArgs),
    Reindex(reindex::ReindexArgs),
    Report(report::ReportArgs),
    Demo(demo::DemoArgs),
}

/// Dictionary options shared by every command that analyses text.
#[derive(Debug, Clone, Args)]
pub struct DictionaryArgs {
    /// Add a user dictionary: CSV in lindera's simple format (`surface,part_of_speech,reading`)
    /// or IPADIC's 13-column format. Repeatable.
    #[arg(long = "user-dict", value_name = "FILE")]
    user_dict: Vec<PathBuf>,
    /// Do not load koe's domain dictionary (dictionaries/user.csv); plain IPADIC, as MeCab.
    #[arg(long = "no-user-dict")]
    no_user_dict: bool,
}

impl DictionaryArgs {
    fn user_dictionaries(&self) -> UserDictionaries {
        UserDictionaries {
            include_default: !self.no_user_dict,
            files: self.user_dict.clone(),
        }
    }
}

/// Classifier options shared by the commands that classify.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Classifier")]
pub struct ClassifierArgs {
    /// A model trained with `koe train` [default: the built-in model]
    #[arg(long, value_name = "MODEL")]
    model: Option<PathBuf>,
    /// Your own causes and cues (TOML, as dictionaries/causes.toml), added to the built-in ones
    #[arg(long, value_name = "FILE")]
    causes: Option<PathBuf>,
    /// Language of cause labels
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    lang: Lang,
}

/// Display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// 日本語
    Ja,
    /// English
    En,
}

impl ClassifierArgs {
    /// Loads the classifier these options describe.
    pub fn load(&self) -> anyhow::Result<crate::classify::Classifier> {
        let language = match self.lang {
            Lang::Ja => crate::classify::Language::Japanese,
            Lang::En => crate::classify::Language::English,
        };
        Ok(crate::classify::Classifier::load(
            self.causes.as_deref(),
            self.model.as_deref(),
            language,
        )?)
    }
}

/// Parses a `--from`/`--to` day: `YYYY-MM-DD`, a real date.
pub(crate) fn parse_day(text: &str) -> Result<jiff::civil::Date, String> {
    let valid = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    valid
        .then(|| text.parse::<jiff::civil::Date>().ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a day written YYYY-MM-DD"))
}

/// Parses a `--month`: `YYYY-MM`, as the first day of that month.
pub(crate) fn parse_month(text: &str) -> Result<jiff::civil::Date, String> {
    let valid = text.len() == 7 && text.as_bytes()[4] == b'-';
    valid
        .then(|| format!("{text}-01").parse::<jiff::civil::Date>().ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a month written YYYY-MM"))
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Tokenize(args) => tokenize::run(&args),
        Command::Classify(args) => classify::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Train(args) => train::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Index(args) => index::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Reindex(args) => reindex::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Demo(args) => demo::run(&args),
    }
}

/// Whether `err` is a closed stdout (`koe ... | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|json| json.io_error_kind() == Some(BrokenPipe))
            || cause.downcast_ref::<csv::Error>().is_some_and(
                |csv| matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}

/// The exit code for a failed command.
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    if err
        .chain()
        .any(|cause| cause.downcast_ref::<UsageError>().is_some())
    {
        EXIT_USAGE
    } else {
        EXIT_FAILURE
    }
}

/// A problem with what the user asked for (as opposed to a failure while doing it).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
