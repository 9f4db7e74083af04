//! `koe train`: train the cause model from labeled feedback.

use std::path::PathBuf;

use clap::Args;
use rayon::prelude::*;

use crate::classify::Classifier;
use crate::classify::eval::parse_labels;
use crate::classify::model::{Example, Model, TrainOptions};
use crate::cli::eval::read_labeled;
use crate::cli::input::InputArgs;
use crate::cli::{ClassifierArgs, Outcome, UsageError};

/// Train the cause model from labeled feedback.
///
/// Logistic regression per cause over words and rule hits, written to --out for `--model` on
/// classify, eval and index. The gold labels are cause ids joined by `;` in the labels column (empty = no cause).
/// With --dev, each cause's threshold is tuned on that file (macro-F1, keeping no-cause texts
/// tagged under 4%); without it the thresholds are 0.5. Keep the data you report scores on out
/// of both.
///
/// Examples:
///   koe train corpora/train.csv --dev corpora/dev.csv --out dictionaries/causes-model.json
///   koe train ours.csv --causes our-causes.toml --out ours-model.json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct TrainArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Where to write the model (JSON).
    #[arg(long, value_name = "MODEL")]
    out: PathBuf,
    /// Labeled file to tune the thresholds on (not trained on).
    #[arg(long, value_name = "FILE")]
    dev: Option<PathBuf>,
    /// Column holding the gold labels.
    #[arg(
        long = "labels-column",
        value_name = "COLUMN",
        default_value = "labels"
    )]
    labels_column: String,
    /// Passes over the data.
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    epochs: usize,
    /// L2 regularisation.
    #[arg(long, default_value_t = TrainOptions::default().l2)]
    l2: f32,
    /// AdaGrad learning rate.
    #[arg(long = "learning-rate", default_value_t = TrainOptions::default().learning_rate)]
    learning_rate: f32,
    #[command(flatten)]
    classifier: ClassifierArgs,
}

pub fn run(args: &TrainArgs) -> anyhow::Result<Outcome> {
    let classifier = args.classifier.load()?;
    let train = examples(
        &classifier,
        &read_labeled(&args.input, &args.labels_column)?,
    )?;
    if train.is_empty() {
        return Err(UsageError("no labeled rows to train on".into()).into());
    }
    let ids: Vec<String> = classifier.causes().into_iter().map(|c| c.0).collect();
    let options = TrainOptions {
        epochs: args.epochs,
        l2: args.l2,
        learning_rate: args.learning_rate,
        ..TrainOptions::default()
    };
    let files = args
        .input
        .files()
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let mut model = Model::train(&train, &ids, options, files);
    if let Some(dev) = &args.dev {
        let mut dev_input = args.input.clone();
        dev_input.files = vec![dev.clone()];
        let dev = examples(&classifier, &read_labeled(&dev_input, &args.labels_column)?)?;
        model.tune_thresholds(&dev);
    }
    model.save(&args.out)?;
    eprintln!(
        "koe: trained on {} rows, {} features; thresholds {}; wrote {}",
        train.len(),
        model.weights.len(),
        model
            .causes
            .iter()
            .map(|c| format!("{}={}", c.id, c.threshold))
            .collect::<Vec<_>>()
            .join(" "),
        args.out.display()
    );
    Ok(Outcome::Success)
}

fn examples(
    classifier: &Classifier,
    rows: &[(String, String, String)],
) -> anyhow::Result<Vec<Example>> {
    let known: Vec<String> = classifier.causes().into_iter().map(|c| c.0).collect();
    rows.par_iter()
        .map_init(
            || classifier.tokenizer().worker(),
            |worker, (id, text, labels)| {
                let labels = parse_labels(labels);
                if let Some(unknown) = labels.iter().find(|l| !known.contains(l)) {
                    return Err(UsageError(format!(
                        "row {id}: unknown cause {unknown:?} (known: {}; add causes with --causes)",
                        known.join(", ")
                    ))
                    .into());
                }
                Ok(Example {
                    features: classifier.features(worker, text),
                    labels,
                })
            },
        )
        .collect()
}
