//! `koe eval`: measure the classifier against labeled feedback.

use std::io::{self, Write};

use anyhow::Context;
use clap::{Args, ValueEnum};
use rayon::prelude::*;

use crate::classify::eval::{EvalReport, Evaluator, parse_labels};
use crate::cli::input::{InputArgs, for_each_feedback};
use crate::cli::{ClassifierArgs, Outcome, UsageError};

/// Measure the classifier on labeled feedback.
///
/// Prints per-cause precision, recall and F1, macro-F1, the share of no-cause texts that got a
/// tag anyway, and the worst errors. The gold labels are cause ids joined by `;` in the labels column (empty = no cause).
///
/// Examples:
///   koe eval corpora/test.csv
///   koe eval mine.csv --labels-column 正解 --format json | jq .macro_f1
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct EvalArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Column holding the gold labels.
    #[arg(
        long = "labels-column",
        value_name = "COLUMN",
        default_value = "labels"
    )]
    labels_column: String,
    /// Worst errors to list.
    #[arg(long, value_name = "N", default_value_t = 15)]
    worst: usize,
    /// Output layout.
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    format: EvalFormat,
    #[command(flatten)]
    classifier: ClassifierArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EvalFormat {
    /// A table for reading.
    Text,
    /// Every number, for scripts.
    Json,
}

/// Reads `(id, text, gold labels)` from the input of a command with a labels column.
pub(crate) fn read_labeled(
    input: &InputArgs,
    labels_column: &str,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let mut rows = Vec::new();
    let mut column_seen = false;
    for_each_feedback(input, |feedback| {
        // An empty cell is not kept in the metadata: it is a row with no cause.
        let labels = feedback
            .metadata
            .get(labels_column)
            .cloned()
            .unwrap_or_default();
        column_seen |= feedback.metadata.contains_key(labels_column);
        rows.push((feedback.id.clone(), feedback.full_text(), labels));
        Ok(())
    })?;
    if !column_seen && !rows.is_empty() {
        return Err(UsageError(format!(
            "no labels in a column {labels_column:?} (name the gold labels column with --labels-column)"
        ))
        .into());
    }
    Ok(rows)
}

pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    let classifier = args.classifier.load()?;
    let rows = read_labeled(&args.input, &args.labels_column)?;
    let known: Vec<String> = classifier.causes().into_iter().map(|c| c.0).collect();
    for (id, _, labels) in &rows {
        if let Some(unknown) = parse_labels(labels)
            .into_iter()
            .find(|l| !known.contains(l))
        {
            return Err(UsageError(format!(
                "row {id}: unknown cause {unknown:?} in the labels (known: {})",
                known.join(", ")
            ))
            .into());
        }
    }
    let scored: Vec<_> = rows
        .par_iter()
        .map_init(
            || classifier.tokenizer().worker(),
            |worker, (_, text, _)| classifier.scored(worker, text),
        )
        .collect();
    let mut evaluator = Evaluator::default();
    for ((id, text, labels), scored) in rows.iter().zip(&scored) {
        evaluator.add(id, text, &parse_labels(labels), scored);
    }
    let report = evaluator.finish(args.worst);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        EvalFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        EvalFormat::Text => write_text(&report, &mut out)?,
    }
    out.flush().context("writing to standard output")?;
    Ok(Outcome::Success)
}

fn write_text(report: &EvalReport, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "{} texts, {} with no cause\n",
        report.rows, report.no_cause_rows
    )?;
    writeln!(
        out,
        "{:<16} {:<10} {:>9} {:>6} {:>6} {:>6}",
        "cause", "label", "support", "P", "R", "F1"
    )?;
    for c in &report.causes {
        writeln!(
            out,
            "{:<16} {:<10} {:>9} {:>6.3} {:>6.3} {:>6.3}",
            c.id, c.label, c.support, c.precision, c.recall, c.f1
        )?;
    }
    writeln!(out, "\nmacro-F1                    {:.3}", report.macro_f1)?;
    writeln!(
        out,
        "no-cause texts tagged       {:.1}%",
        report.no_cause_false_alarm_rate * 100.0
    )?;
    writeln!(
        out,
        "exact match                 {:.1}%",
        report.exact_match * 100.0
    )?;
    if !report.worst_errors.is_empty() {
        writeln!(out, "\nworst errors (most confident first):")?;
        for e in &report.worst_errors {
            let text: String = e
                .text
                .chars()
                .take(80)
                .collect::<String>()
                .replace(['\n', '\r'], " ");
            writeln!(
                out,
                "  {}  gold [{}]  predicted [{}]  {}",
                e.id,
                e.gold.join(";"),
                e.predicted.join(";"),
                text
            )?;
        }
    }
    Ok(())
}
