//! `koe demo`: the whole pipeline on a bundled export, from any directory, in one command.
//!
//! The demo export (`corpora/demo/koe-box-feedback.csv`: a year of survey answers, app
//! reviews and support tickets of a fictional subscription box, CP932 as Excel writes it) is
//! compiled into the binary. The demo writes it to a folder, indexes it, runs a sample search
//! and writes the monthly report as HTML and Markdown, then says where everything is.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use crate::classify::Classifier;
use crate::cli::Outcome;
use crate::cli::input::{InputArgs, for_each_feedback};
use crate::index::{FeedbackIndex, IndexOptions, Indexer};
use crate::report::{self, ReportRequest};
use crate::search::{SearchRequest, search};

/// The demo export, as shipped in `corpora/demo/` (regenerate it with `make_demo.py` there).
const DEMO_EXPORT: &[u8] = include_bytes!("../../corpora/demo/koe-box-feedback.csv");
/// Its file name in the demo folder.
const DEMO_FILE: &str = "koe-box-feedback.csv";

/// Try koe on a bundled demo: index a year of feedback, search it, write the monthly report.
///
/// The demo data is a year (2025-12 .. 2026-11) of survey answers, app reviews and support
/// tickets of 「こえボックス」, a fictional subscription box, as an Excel export (CP932). It
/// has stories to find: a price increase in 2026-03, a new onboarding flow in 2026-07, a sales
/// campaign in 2026-09, an app update that breaks log-in in 2026-11, and a few broken rows.
///
/// The export, the index (DIR/index) and the report (DIR/report.html, DIR/report.md) are
/// written to DIR: by default a new folder in the system's temporary directory.
///
/// Examples:
///   koe demo
///   koe demo --dir koe-demo
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DemoArgs {
    /// Folder to work in (created if missing) [default: a new folder in the temporary directory]
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// A new folder `koe-demo-N` in the system's temporary directory.
fn new_temporary_folder() -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir();
    let start = std::process::id();
    for attempt in 0..1000u32 {
        let candidate = base.join(format!("koe-demo-{}", start.wrapping_add(attempt)));
        match std::fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => {
                return Err(err).with_context(|| format!("creating {}", candidate.display()));
            }
        }
    }
    anyhow::bail!(
        "could not create a folder for the demo in {}",
        base.display()
    )
}

/// `text` padded with spaces to `columns` terminal columns (CJK characters take two).
fn pad(text: &str, columns: usize) -> String {
    let width: usize = text
        .chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum();
    let mut padded = text.to_owned();
    padded.extend(std::iter::repeat_n(' ', columns.saturating_sub(width)));
    padded
}

/// `path` as the user should type it: quoted when it has spaces.
fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    if text.contains([' ', '\'', '"']) {
        format!("'{}'", text.replace('\'', "'\\''"))
    } else {
        text
    }
}

pub fn run(args: &DemoArgs) -> anyhow::Result<Outcome> {
    let dir = match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            dir.clone()
        }
        None => new_temporary_folder()?,
    };
    let export = dir.join(DEMO_FILE);
    std::fs::write(&export, DEMO_EXPORT)
        .with_context(|| format!("writing {}", export.display()))?;
    eprintln!(
        "koe demo: 1/3 wrote the demo export (a year of 「こえボックス」 feedback, CP932) to {}",
        export.display()
    );

    // Index, as `koe index` does; problem rows are reported on stderr.
    let index_dir = dir.join("index");
    eprintln!(
        "koe demo: 2/3 indexing into {} (the broken rows reported below are part of the demo)",
        index_dir.display()
    );
    let classifier = Classifier::builtin()?;
    let mut indexer = Indexer::open(&index_dir, &classifier, &IndexOptions::default())?;
    let input = InputArgs::for_files(vec![export.clone()]);
    for_each_feedback(&input, |feedback| Ok(indexer.add(feedback)?))?;
    let summary = indexer.finish()?;
    eprintln!("koe demo: the index has {} rows", summary.documents);

    let index = FeedbackIndex::open(&index_dir)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let write_error = || "writing to standard output";

    // A sample search: why did people leave when the price increase was announced?
    let texts = report::Texts::of("ja");
    let mask_labels = report::quotes::MaskLabels {
        email: texts.mask_email,
        phone: texts.mask_phone,
        postal: texts.mask_postal,
    };
    let mut request = SearchRequest::new("解約");
    request.causes = vec!["price".to_owned()];
    request.month = Some(jiff::civil::date(2026, 3, 1));
    request.limit = 50;
    let results = search(&index, &request)?;
    // Templated ticket notes repeat word for word; show different texts.
    let mut seen = std::collections::HashSet::new();
    let hits: Vec<_> = results
        .hits
        .iter()
        .filter(|hit| seen.insert(hit.feedback.full_text()))
        .take(5)
        .collect();
    writeln!(
        out,
        "\n$ koe search 解約 --cause price --month 2026-03 --index {}",
        shown(&index_dir)
    )
    .with_context(write_error)?;
    writeln!(
        out,
        "{} hits; {} different texts:",
        results.total,
        hits.len()
    )
    .with_context(write_error)?;
    for hit in hits {
        let day = hit
            .feedback
            .date
            .map(|d| d.date().to_string())
            .unwrap_or_default();
        writeln!(
            out,
            "  {}  {}  {}  {}",
            hit.feedback.id,
            day,
            pad(hit.feedback.channel.as_deref().unwrap_or("-"), 14),
            // The terminal is a report too: personal data masked as in the report's quotes.
            report::quotes::mask(&hit.snippet.marked("【", "】"), &mask_labels)
        )
        .with_context(write_error)?;
    }

    eprintln!("koe demo: 3/3 writing the monthly report");
    let report = report::build(&index, &ReportRequest::default())?;
    let html_path = dir.join("report.html");
    let md_path = dir.join("report.md");
    let mut html = Vec::new();
    report::html::write(&report, &mut html)?;
    std::fs::write(&html_path, html).with_context(|| format!("writing {}", html_path.display()))?;
    let mut md = Vec::new();
    report::markdown::write(&report, &mut md)?;
    std::fs::write(&md_path, md).with_context(|| format!("writing {}", md_path.display()))?;

    let t = report.texts();
    writeln!(
        out,
        "\nReport for {} ({} rows; {} with no cause):",
        report.month,
        report.total,
        t.percent(report.no_cause.share)
    )
    .with_context(write_error)?;
    for cause in &report.causes {
        writeln!(
            out,
            "  {} {:>4}  {:>6}  {}",
            pad(&format!("{} ({})", cause.label, cause.id), 34),
            cause.change.count,
            t.percent(cause.change.share),
            pad(
                &format!(
                    "{}{}",
                    t.change(cause.change.change_pp),
                    if cause.change.significant { " *" } else { "" }
                ),
                0
            )
        )
        .with_context(write_error)?;
    }
    if !report.rising_terms.is_empty() {
        let words: Vec<&str> = report
            .rising_terms
            .iter()
            .take(5)
            .map(|t| t.term.as_str())
            .collect();
        writeln!(out, "  rising words: {}", words.join(", ")).with_context(write_error)?;
    }
    let index_arg = shown(&index_dir);
    writeln!(
        out,
        "\nOpen the report:  {}\n        Markdown:  {}\n\nNext, try:\n  \
         koe search ログイン --month {month} --index {index_arg}\n  \
         koe report --index {index_arg} --month 2026-03 --format html --out march.html\n  \
         koe report --index {index_arg} --format json\n  \
         koe classify {} --format table",
        shown(&html_path),
        shown(&md_path),
        shown(&export),
        month = report.month,
    )
    .with_context(write_error)?;
    out.flush().with_context(write_error)?;
    Ok(Outcome::Success)
}
