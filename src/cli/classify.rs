//! `koe classify`: tag each feedback row with its churn causes, with evidence.

use std::io::{self, Write};

use anyhow::Context;
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde::Serialize;

use crate::classify::{CauseTag, Classifier, ScoredCause};
use crate::cli::input::{InputArgs, for_each_feedback, outcome};
use crate::cli::{ClassifierArgs, Outcome};
use crate::escape::spreadsheet_cell;
use crate::feedback::Feedback;

/// Rows classified together, in parallel, before their output is written in input order.
const BATCH: usize = 1024;

/// Tag churn causes in feedback, with the evidence for each.
///
/// Causes: service_quality サービス品質, onboarding オンボーディング, pushy_selling 押し売り,
/// price 価格, and any added with --causes. One result per input row, in input order. Each tag has a score (0-1) and its evidence: the
/// spans of the text behind it (character offsets into the text as written) and what found
/// them (a rule's cue or a model feature). Negated, hypothetical and praised mentions
/// (「押し売りはなかった」「値上げしても続けたい」「料金は妥当」) are not causes.
///
/// Examples:
///   koe classify answers.csv                      # JSON Lines, one object per row
///   koe classify answers.csv --format table       # for reading
///   koe classify answers.csv --format csv --lang en > tags.csv
///   koe classify - --explain < answers.jsonl      # every cause's score and threshold
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ClassifyArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output layout.
    #[arg(long, value_enum, default_value_t = ClassifyFormat::Jsonl)]
    format: ClassifyFormat,
    /// Also show causes that were not tagged, with their scores and thresholds.
    #[arg(long)]
    explain: bool,
    #[command(flatten)]
    classifier: ClassifierArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ClassifyFormat {
    /// One JSON object per row: {"id", "date", "channel", "causes": [{"id", "label", "score", "evidence"}]}.
    Jsonl,
    /// id,date,channel,causes,labels,scores,evidence (cells that would start a formula are neutralized).
    Csv,
    /// Aligned text for reading.
    Table,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    id: &'a str,
    date: Option<String>,
    channel: Option<&'a str>,
    causes: &'a [CauseTag],
    #[serde(skip_serializing_if = "Option::is_none")]
    scores: Option<Vec<ExplainedScore<'a>>>,
}

#[derive(Serialize)]
struct ExplainedScore<'a> {
    id: &'a str,
    score: f32,
    threshold: f32,
    tagged: bool,
}

struct Classified {
    feedback: Feedback,
    tags: Vec<CauseTag>,
    scored: Vec<ScoredCause>,
}

pub fn run(args: &ClassifyArgs) -> anyhow::Result<Outcome> {
    let classifier = args.classifier.load()?;
    // Reading (one thread) overlaps classifying and writing (the other threads): batches go
    // through a short queue, and are written in input order.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Feedback>>(2);
    let summary = std::thread::scope(|scope| -> anyhow::Result<_> {
        let writer = scope.spawn(|| -> anyhow::Result<()> {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            if args.format == ClassifyFormat::Csv {
                let mut header = csv::Writer::from_writer(Vec::new());
                header.write_record([
                    "id", "date", "channel", "causes", "labels", "scores", "evidence",
                ])?;
                out.write_all(&header.into_inner()?)?;
            }
            for batch in receiver {
                write_batch(&classifier, args, batch, &mut out)?;
            }
            out.flush().context("writing to standard output")
        });
        let mut batch = Vec::with_capacity(BATCH);
        let read = for_each_feedback(&args.input, |feedback| {
            batch.push(feedback);
            if batch.len() == BATCH && sender.send(std::mem::take(&mut batch)).is_err() {
                // The writer stopped (an error it reports below): stop reading.
                anyhow::bail!("output stopped");
            }
            Ok(())
        });
        if !batch.is_empty() {
            let _ = sender.send(batch);
        }
        drop(sender);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the output thread panicked")));
        written?;
        read
    })?;
    Ok(outcome(&summary))
}

fn write_batch(
    classifier: &Classifier,
    args: &ClassifyArgs,
    batch: Vec<Feedback>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let classified: Vec<Classified> = batch
        .into_par_iter()
        .map_init(
            || classifier.tokenizer().worker(),
            |worker, feedback| {
                let tags = classifier.classify_feedback(worker, &feedback);
                let scored = if args.explain {
                    classifier.scored(worker, &feedback.full_text())
                } else {
                    Vec::new()
                };
                Classified {
                    feedback,
                    tags,
                    scored,
                }
            },
        )
        .collect();
    for row in &classified {
        match args.format {
            ClassifyFormat::Jsonl => write_json(row, args.explain, out)?,
            ClassifyFormat::Csv => write_csv(row, out)?,
            ClassifyFormat::Table => write_table(row, args.explain, out)?,
        }
    }
    Ok(())
}

fn date(feedback: &Feedback) -> Option<String> {
    feedback.date.map(|d| d.date().to_string())
}

fn write_json(row: &Classified, explain: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let json = JsonRow {
        id: &row.feedback.id,
        date: date(&row.feedback),
        channel: row.feedback.channel.as_deref(),
        causes: &row.tags,
        scores: explain.then(|| {
            row.scored
                .iter()
                .map(|s| ExplainedScore {
                    id: &s.tag.id,
                    score: s.tag.score,
                    threshold: s.threshold,
                    tagged: s.tagged,
                })
                .collect()
        }),
    };
    serde_json::to_writer(&mut *out, &json)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn write_csv(row: &Classified, out: &mut impl Write) -> anyhow::Result<()> {
    let join =
        |f: &dyn Fn(&CauseTag) -> String| row.tags.iter().map(f).collect::<Vec<_>>().join(";");
    let evidence = row
        .tags
        .iter()
        .flat_map(|t| {
            t.evidence
                .iter()
                .map(move |e| format!("{}:{}", t.id, e.text))
        })
        .collect::<Vec<_>>()
        .join(" / ");
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fields = [
        row.feedback.id.clone(),
        date(&row.feedback).unwrap_or_default(),
        row.feedback.channel.clone().unwrap_or_default(),
        join(&|t| t.id.clone()),
        join(&|t| t.label.clone()),
        join(&|t| format!("{:.3}", t.score)),
        evidence,
    ];
    writer.write_record(fields.iter().map(|f| spreadsheet_cell(f).into_owned()))?;
    out.write_all(&writer.into_inner()?)?;
    Ok(())
}

fn write_table(row: &Classified, explain: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let feedback = &row.feedback;
    let text: String = feedback
        .full_text()
        .chars()
        .take(60)
        .collect::<String>()
        .replace(['\n', '\r'], " ");
    writeln!(
        out,
        "{}  {}  {}",
        feedback.id,
        date(feedback).unwrap_or_else(|| "----------".into()),
        text
    )?;
    if row.tags.is_empty() {
        writeln!(out, "    (原因なし)")?;
    }
    for tag in &row.tags {
        let evidence: Vec<String> = tag
            .evidence
            .iter()
            .map(|e| format!("「{}」", e.text))
            .collect();
        writeln!(
            out,
            "    {} {} {:.2}  {}",
            tag.label,
            tag.id,
            tag.score,
            evidence.join(" ")
        )?;
    }
    if explain {
        for s in row.scored.iter().filter(|s| !s.tagged) {
            writeln!(
                out,
                "    ({} {:.2} < {:.2})",
                s.tag.id, s.tag.score, s.threshold
            )?;
        }
    }
    Ok(())
}
