//! The statistical half of the classifier: one logistic regression per cause over the features
//! of [`crate::classify::features`], trained with `koe train`, saved as versioned JSON.
//!
//! Why logistic regression: it is fast (a few hash lookups per word), its weights are readable
//! evidence ("w:値上げ" for price), and it takes the rule hits as features so that the data
//! decides how far to trust each rule family. The variants tried on the development split
//! (word bigrams, character n-grams, length normalization, the complaint gate) are in
//! docs/classifier.md with their scores.

use std::collections::{BTreeSet, HashMap};

use std::hash::BuildHasher;

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::classify::ClassifyError;

/// Id of the model's complaint gate: "does this text complain about anything at all?", trained
/// on every labeled text (any cause vs none). A cause is tagged only when the gate agrees, which
/// keeps praise, negated and hypothetical mentions untagged without lowering each cause's recall.
pub const COMPLAINT_GATE: &str = "_complaint";

/// Identifies koe model files.
pub const MODEL_FORMAT: &str = "koe-cause-model";
/// The model file layout version this koe reads and writes.
pub const MODEL_VERSION: u32 = 1;

/// A trained model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// Always [`MODEL_VERSION`] for files this koe reads.
    pub version: u32,
    /// The koe version that trained it.
    pub koe_version: String,
    /// The system dictionary the features were computed with.
    pub dictionary: String,
    /// What it was trained on and how.
    pub training: TrainingInfo,
    /// One entry per cause the model scores.
    pub causes: Vec<CauseWeights>,
    /// Feature name → one weight per entry of `causes` (written in name order, so that the
    /// same training data gives the same file).
    #[serde(serialize_with = "sorted")]
    pub weights: FxHashMap<String, Vec<f32>>,
}

/// Provenance of a model.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// Training files.
    pub files: Vec<String>,
    /// Training rows.
    pub rows: usize,
    /// Hyper-parameters.
    pub options: TrainOptions,
}

/// Per-cause parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CauseWeights {
    /// The cause id.
    pub id: String,
    /// Intercept.
    pub bias: f32,
    /// Probability from which the cause is tagged.
    pub threshold: f32,
}

/// Training hyper-parameters.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// AdaGrad base learning rate.
    pub learning_rate: f32,
    /// L2 regularisation strength per update.
    pub l2: f32,
    /// Features seen in fewer training texts are dropped.
    pub min_count: usize,
    /// Seed of the shuffling.
    pub seed: u64,
    /// Scale each text's features by 1/sqrt(number of distinct features), so that long texts
    /// do not get larger scores just for being long.
    #[serde(default)]
    pub normalize: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            epochs: 20,
            learning_rate: 0.1,
            l2: 1e-2,
            min_count: 2,
            seed: 7,
            normalize: false,
        }
    }
}

/// One training text: its distinct features and its gold causes.
#[derive(Debug, Clone)]
pub struct Example {
    /// Distinct feature names.
    pub features: Vec<String>,
    /// Gold cause ids.
    pub labels: BTreeSet<String>,
}

impl Model {
    /// Reads a model file, checking its format and version.
    pub fn load(path: &Path) -> Result<Self, ClassifyError> {
        let bytes = std::fs::read(path).map_err(|err| ClassifyError::Io {
            path: path.display().to_string(),
            message: err.to_string(),
        })?;
        Self::from_json(&bytes, &path.display().to_string())
    }

    /// Parses a model, checking its format and version; `name` is used in messages.
    pub fn from_json(bytes: &[u8], name: &str) -> Result<Self, ClassifyError> {
        #[derive(Deserialize)]
        struct Header {
            format: String,
            version: u32,
        }
        let bad = |message: String| ClassifyError::Model {
            file: name.to_owned(),
            message,
        };
        let header: Header =
            serde_json::from_slice(bytes).map_err(|err| bad(format!("not a koe model: {err}")))?;
        if header.format != MODEL_FORMAT {
            return Err(bad(format!("not a koe model (format {:?})", header.format)));
        }
        if header.version != MODEL_VERSION {
            return Err(bad(format!(
                "model format version {} is not supported by this koe (version {MODEL_VERSION}); retrain it with `koe train`",
                header.version
            )));
        }
        let model: Model = serde_json::from_slice(bytes).map_err(|err| bad(err.to_string()))?;
        if let Some((name, weights)) = model
            .weights
            .iter()
            .find(|(_, w)| w.len() != model.causes.len())
        {
            return Err(bad(format!(
                "feature {name:?} has {} weights for {} causes",
                weights.len(),
                model.causes.len()
            )));
        }
        Ok(model)
    }

    /// Writes the model as JSON.
    pub fn save(&self, path: &Path) -> Result<(), ClassifyError> {
        let json = serde_json::to_vec(self).map_err(|err| ClassifyError::Model {
            file: path.display().to_string(),
            message: err.to_string(),
        })?;
        std::fs::write(path, json).map_err(|err| ClassifyError::Io {
            path: path.display().to_string(),
            message: err.to_string(),
        })
    }

    /// The linear score of each cause for a set of features (with repeats: each occurrence
    /// counts once per distinct name).
    pub fn scores<'f>(&self, features: impl Iterator<Item = &'f str>) -> Vec<f32> {
        self.scores_of(|visit| features.for_each(visit))
    }

    /// [`scores`](Self::scores) of the features `features` gives to its callback, one at a
    /// time (names are borrowed only for the call: see [`features::visit_names`]). A feature
    /// given twice counts once.
    ///
    /// [`features::visit_names`]: crate::classify::features::visit_names
    pub fn scores_of(&self, features: impl FnOnce(&mut dyn FnMut(&str))) -> Vec<f32> {
        // Each weight row counts once, as each distinct name does in `scores`; the distinct
        // names are counted (by hash) only when the model scales by their number.
        let normalize = self.training.options.normalize;
        let mut matched: Vec<&[f32]> = Vec::new();
        let mut distinct: FxHashSet<u64> = FxHashSet::default();
        features(&mut |name| {
            if normalize {
                distinct.insert(rustc_hash::FxBuildHasher.hash_one(name));
            }
            if let Some(weights) = self.weights.get(name) {
                matched.push(weights);
            }
        });
        matched.sort_unstable_by_key(|weights| weights.as_ptr());
        matched.dedup_by_key(|weights| weights.as_ptr());
        let mut sums: Vec<f32> = vec![0.0; self.causes.len()];
        for weights in matched {
            for (sum, weight) in sums.iter_mut().zip(weights) {
                *sum += weight;
            }
        }
        let scale = self.feature_scale(distinct.len());
        self.causes
            .iter()
            .zip(sums)
            .map(|(c, sum)| c.bias + scale * sum)
            .collect()
    }

    /// Position of the complaint gate in `causes`, when the model has one.
    pub fn gate_index(&self) -> Option<usize> {
        self.causes.iter().position(|c| c.id == COMPLAINT_GATE)
    }

    /// The value each feature of a text with `distinct` features has.
    pub fn feature_scale(&self, distinct: usize) -> f32 {
        scale(self.training.options.normalize, distinct)
    }

    /// The weight of a feature for the cause at `index`.
    pub fn weight(&self, name: &str, index: usize) -> f32 {
        self.weights.get(name).map_or(0.0, |w| w[index])
    }

    /// Tunes the thresholds on `dev`: coordinate ascent (thresholds 0.20–0.90) on macro-F1
    /// minus a penalty for tagging more than [`MAX_FALSE_ALARM_RATE`] of the no-cause texts, so
    /// that a "no cause" answer stays believable.
    pub fn tune_thresholds(&mut self, dev: &[Example]) {
        let probabilities: Vec<Vec<f32>> = dev
            .iter()
            .map(|e| {
                self.scores(e.features.iter().map(String::as_str))
                    .into_iter()
                    .map(sigmoid)
                    .collect()
            })
            .collect();
        let gold: Vec<Vec<bool>> = dev
            .iter()
            .map(|e| {
                self.causes
                    .iter()
                    .map(|c| {
                        if c.id == COMPLAINT_GATE {
                            !e.labels.is_empty()
                        } else {
                            e.labels.contains(&c.id)
                        }
                    })
                    .collect()
            })
            .collect();
        let gate = self.gate_index();
        let mut thresholds: Vec<f32> = vec![0.5; self.causes.len()];
        let objective =
            |thresholds: &[f32]| threshold_objective(&probabilities, &gold, thresholds, gate);
        let mut best = objective(&thresholds);
        for _round in 0..4 {
            for c in 0..thresholds.len() {
                for step in 0..=28 {
                    let mut candidate = thresholds.clone();
                    candidate[c] = 0.2 + 0.025 * step as f32;
                    let value = objective(&candidate);
                    if value > best + 1e-9 {
                        best = value;
                        thresholds = candidate;
                    }
                }
            }
        }
        for (cause, threshold) in self.causes.iter_mut().zip(thresholds) {
            cause.threshold = (threshold * 1000.0).round() / 1000.0;
        }
    }

    /// Trains a model for `cause_ids` on `examples`.
    pub fn train(
        examples: &[Example],
        cause_ids: &[String],
        options: TrainOptions,
        files: Vec<String>,
    ) -> Self {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for example in examples {
            for feature in &example.features {
                *counts.entry(feature.as_str()).or_default() += 1;
            }
        }
        let mut vocabulary: Vec<&str> = counts
            .iter()
            .filter(|(_, count)| **count >= options.min_count)
            .map(|(name, _)| *name)
            .collect();
        vocabulary.sort_unstable();
        let index: HashMap<&str, usize> = vocabulary
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, i))
            .collect();
        let rows: Vec<(Vec<usize>, f32)> = examples
            .iter()
            .map(|e| {
                let mut ids: Vec<usize> = e
                    .features
                    .iter()
                    .filter_map(|f| index.get(f.as_str()).copied())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let mut distinct: Vec<&String> = e.features.iter().collect();
                distinct.sort_unstable();
                distinct.dedup();
                (ids, scale(options.normalize, distinct.len()))
            })
            .collect();

        let cause_ids: Vec<String> = cause_ids
            .iter()
            .cloned()
            .chain([COMPLAINT_GATE.to_owned()])
            .collect();
        let mut weights = vec![vec![0f32; cause_ids.len()]; vocabulary.len()];
        let mut causes = Vec::new();
        for (c, id) in cause_ids.iter().enumerate() {
            let labels: Vec<f32> = examples
                .iter()
                .map(|e| {
                    f32::from(u8::from(if id == COMPLAINT_GATE {
                        !e.labels.is_empty()
                    } else {
                        e.labels.contains(id)
                    }))
                })
                .collect();
            let (w, bias) = train_binary(&rows, &labels, vocabulary.len(), options);
            for (row, value) in weights.iter_mut().zip(w) {
                row[c] = value;
            }
            causes.push(CauseWeights {
                id: id.clone(),
                bias,
                threshold: 0.5,
            });
        }
        let weights = vocabulary
            .iter()
            .zip(weights)
            .filter(|(_, w)| w.iter().any(|v| v.abs() > 1e-4))
            .map(|(name, w)| {
                (
                    (*name).to_owned(),
                    w.iter().map(|v| (v * 1e4).round() / 1e4).collect(),
                )
            })
            .collect();
        Self {
            format: MODEL_FORMAT.to_owned(),
            version: MODEL_VERSION,
            koe_version: env!("CARGO_PKG_VERSION").to_owned(),
            dictionary: crate::text::SYSTEM_DICTIONARY_ID.to_owned(),
            training: TrainingInfo {
                files,
                rows: examples.len(),
                options,
            },
            causes,
            weights,
        }
    }
}

/// Largest share of no-cause texts the tuned thresholds should tag.
pub const MAX_FALSE_ALARM_RATE: f64 = 0.04;

/// Macro-F1 of the thresholds on the scored development texts, minus 2 per unit of no-cause
/// false-alarm rate above [`MAX_FALSE_ALARM_RATE`].
fn threshold_objective(
    probabilities: &[Vec<f32>],
    gold: &[Vec<bool>],
    thresholds: &[f32],
    gate: Option<usize>,
) -> f64 {
    let causes = thresholds.len();
    let mut counts = vec![(0usize, 0usize, 0usize); causes];
    let (mut no_cause, mut false_alarms) = (0usize, 0usize);
    for (p, g) in probabilities.iter().zip(gold) {
        let mut tagged_any = false;
        let open = gate.is_none_or(|gate| p[gate] >= thresholds[gate]);
        for c in (0..causes).filter(|&c| Some(c) != gate) {
            let tagged = open && p[c] >= thresholds[c];
            tagged_any |= tagged;
            counts[c].0 += usize::from(g[c] && tagged);
            counts[c].1 += usize::from(!g[c] && tagged);
            counts[c].2 += usize::from(g[c] && !tagged);
        }
        if !g.iter().enumerate().any(|(c, &x)| x && Some(c) != gate) {
            no_cause += 1;
            false_alarms += usize::from(tagged_any);
        }
    }
    let scored = causes - usize::from(gate.is_some());
    let macro_f1 = counts
        .iter()
        .enumerate()
        .filter(|(c, _)| Some(*c) != gate)
        .map(|(_, &(tp, fp, fn_))| {
            if tp == 0 {
                0.0
            } else {
                2.0 * tp as f64 / (2 * tp + fp + fn_) as f64
            }
        })
        .sum::<f64>()
        / scored.max(1) as f64;
    let rate = if no_cause == 0 {
        0.0
    } else {
        false_alarms as f64 / no_cause as f64
    };
    macro_f1 - 2.0 * (rate - MAX_FALSE_ALARM_RATE).max(0.0)
}

/// Logistic regression by AdaGrad SGD with L2; returns (weights, bias).
fn train_binary(
    rows: &[(Vec<usize>, f32)],
    labels: &[f32],
    dimension: usize,
    options: TrainOptions,
) -> (Vec<f32>, f32) {
    let mut w = vec![0f32; dimension];
    let mut g2 = vec![1e-6f32; dimension];
    let (mut bias, mut bias_g2) = (0f32, 1e-6f32);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = options.seed.max(1);
    for _ in 0..options.epochs {
        // Fisher-Yates with xorshift: deterministic across runs and platforms.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        for &r in &order {
            let (features, value) = &rows[r];
            let z = bias + value * features.iter().map(|&f| w[f]).sum::<f32>();
            let gradient = sigmoid(z) - labels[r];
            for &f in features {
                let g = gradient * value + options.l2 * w[f];
                g2[f] += g * g;
                w[f] -= options.learning_rate * g / g2[f].sqrt();
            }
            bias_g2 += gradient * gradient;
            bias -= options.learning_rate * gradient / bias_g2.sqrt();
        }
    }
    (w, bias)
}

fn sorted<S: serde::Serializer>(
    weights: &FxHashMap<String, Vec<f32>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let ordered: std::collections::BTreeMap<&String, &Vec<f32>> = weights.iter().collect();
    ordered.serialize(serializer)
}

/// Feature value for a text with `distinct` features.
fn scale(normalize: bool, distinct: usize) -> f32 {
    if normalize && distinct > 0 {
        1.0 / (distinct as f32).sqrt()
    } else {
        1.0
    }
}

/// The logistic function.
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(features: &[&str], labels: &[&str]) -> Example {
        Example {
            features: features.iter().map(|s| s.to_string()).collect(),
            labels: labels.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn training_separates_a_toy_problem() {
        let mut examples = Vec::new();
        for _ in 0..10 {
            examples.push(example(&["w:値上げ", "w:つらい"], &["price"]));
            examples.push(example(&["w:対応", "w:遅い"], &["service_quality"]));
            examples.push(example(&["w:満足"], &[]));
        }
        let ids = vec!["price".to_string(), "service_quality".to_string()];
        let options = TrainOptions {
            epochs: 50,
            learning_rate: 0.5,
            l2: 1e-4,
            ..TrainOptions::default()
        };
        let model = Model::train(&examples, &ids, options, vec![]);
        let price = model.scores(["w:値上げ"].into_iter());
        assert!(
            sigmoid(price[0]) > 0.8 && sigmoid(price[1]) < 0.2,
            "{price:?}"
        );
        let none = model.scores(["w:満足"].into_iter());
        assert!(none.iter().all(|z| sigmoid(*z) < 0.2), "{none:?}");
    }

    #[test]
    fn models_round_trip_and_versions_are_checked() {
        let ids = vec!["price".to_string()];
        let model = Model::train(
            &[example(&["w:a"], &["price"])],
            &ids,
            TrainOptions::default(),
            vec![],
        );
        let json = serde_json::to_vec(&model).unwrap();
        assert!(Model::from_json(&json, "m.json").is_ok());
        let old = String::from_utf8(json)
            .unwrap()
            .replace("\"version\":1", "\"version\":99");
        let err = Model::from_json(old.as_bytes(), "m.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("m.json") && err.contains("99"), "{err}");
        let err = Model::from_json(b"{}", "m.json").unwrap_err().to_string();
        assert!(err.contains("not a koe model"), "{err}");
    }
}
