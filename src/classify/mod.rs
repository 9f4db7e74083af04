//! Churn-cause classification: which causes (price, service quality, onboarding, pushy
//! selling, and any the user adds) a piece of feedback complains about, with evidence.
//!
//! Two halves, combined:
//! - **rules** ([`taxonomy`], `dictionaries/causes.toml`): cue phrases matched on normalized
//!   base forms, with negation, condition and contrast scope ([`analysis`]);
//! - **a model** ([`model`]): logistic regression per cause over words, word pairs and the rule
//!   hits ([`features`]), trained from labeled feedback (`koe train`); the built-in one is
//!   embedded (`dictionaries/causes-model.json`).
//!
//! A cause the model knows is tagged when its probability reaches the cause's threshold; a cause
//! with rules only (added by a user without retraining) is tagged when one of its cues is asserted.
//! Every tag carries its evidence: the asserted cues and the words that weighed most, as spans
//! of the original text.
//!
//! ```
//! let classifier = koe::classify::Classifier::builtin().unwrap();
//! let mut worker = classifier.tokenizer().worker();
//! let tags = classifier.classify(&mut worker, "安いのはいいけど窓口の態度がひどい");
//! assert_eq!(tags.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["service_quality"]);
//! assert!(classifier.classify(&mut worker, "しつこい勧誘は一切なかった").is_empty());
//! ```

pub mod analysis;
pub mod eval;
pub mod features;
pub mod model;
pub mod taxonomy;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::feedback::Feedback;
use crate::text::{Tokenizer, UserDictionaries, Worker};
use analysis::{Analysis, analyze};
use features::{CueStatus, extract, match_cues, visit_names};
use model::{Model, sigmoid};
use taxonomy::Taxonomy;

/// The model embedded in koe, trained on `corpora/labeled` (train split).
const BUILTIN_MODEL: &[u8] = include_bytes!("../../dictionaries/causes-model.json");

/// Score given to a rules-only cause when one of its cues is asserted.
const RULE_ONLY_SCORE: f32 = 0.9;

/// Evidence items kept per tag.
const MAX_EVIDENCE: usize = 3;

/// What can go wrong loading a classifier.
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        message: String,
    },
    /// A taxonomy file is malformed.
    #[error("{file}: {message}")]
    Taxonomy {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A model file is malformed or from another version.
    #[error("{file}: {message}")]
    Model {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Text analysis could not be set up.
    #[error(transparent)]
    Text(#[from] crate::text::TextError),
}

/// One cause found in a text, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CauseTag {
    /// ASCII id, e.g. `price`.
    pub id: String,
    /// Display label in the chosen language, e.g. `価格`.
    pub label: String,
    /// Confidence in 0..=1.
    pub score: f32,
    /// The spans of the original text behind the tag.
    pub evidence: Vec<Evidence>,
}

/// A span of the original text that supports a tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Character offset of the span's start in the text the customer wrote.
    pub start: usize,
    /// Character offset just past the span.
    pub end: usize,
    /// The span as written.
    pub text: String,
    /// What found it: `rule:<cue>` or `model:<feature> (+weight)`.
    pub by: String,
    /// The text column, when the row has more than one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
}

/// Display language of cause labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// Japanese (the default: reports are read in Japan).
    #[default]
    Japanese,
    /// English.
    English,
}

/// A loaded classifier: taxonomy, rules and model, shared read-only between threads.
pub struct Classifier {
    tokenizer: Tokenizer,
    taxonomy: Taxonomy,
    model: Model,
    /// For each taxonomy cause, its index in the model, if the model scores it.
    model_index: Vec<Option<usize>>,
    language: Language,
    fingerprint: String,
}

impl Classifier {
    /// The classifier built into koe: `dictionaries/causes.toml` and the embedded model.
    pub fn builtin() -> Result<Self, ClassifyError> {
        Self::load(None, None, Language::Japanese)
    }

    /// A classifier from the built-in taxonomy extended with `causes` (a user's causes file)
    /// and the given `model` file instead of the embedded one.
    pub fn load(
        causes: Option<&Path>,
        model: Option<&Path>,
        language: Language,
    ) -> Result<Self, ClassifyError> {
        let tokenizer = Tokenizer::new(&UserDictionaries::default())?;
        let mut worker = tokenizer.worker();
        let mut taxonomy = Taxonomy::builtin(&mut worker)?;
        if let Some(path) = causes {
            taxonomy.extend_from_file(path, &mut worker)?;
        }
        drop(worker);
        let model = match model {
            Some(path) => Model::load(path)?,
            None => Model::from_json(BUILTIN_MODEL, "the built-in model")?,
        };
        let model_index = taxonomy
            .causes
            .iter()
            .map(|cause| model.causes.iter().position(|c| c.id == cause.id))
            .collect();
        let fingerprint = fingerprint(&taxonomy, &model);
        Ok(Self {
            tokenizer,
            taxonomy,
            model,
            model_index,
            language,
            fingerprint,
        })
    }

    /// The same classifier with another model (e.g. one just trained).
    pub fn with_model(self, model: Model) -> Self {
        let model_index = self
            .taxonomy
            .causes
            .iter()
            .map(|cause| model.causes.iter().position(|c| c.id == cause.id))
            .collect();
        let fingerprint = fingerprint(&self.taxonomy, &model);
        Self {
            model,
            model_index,
            fingerprint,
            ..self
        }
    }

    /// The distinct model features of a text: what training sees.
    pub fn features(&self, worker: &mut Worker<'_>, text: &str) -> Vec<String> {
        let analysis = analyze(worker, text);
        let (hits, _) = extract(&analysis, &self.taxonomy);
        let mut names: Vec<String> = hits.into_iter().map(|h| h.name).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The tokenizer to make workers for [`Classifier::classify`] from.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The taxonomy.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The causes this classifier knows: `(id, Japanese label, English label)`.
    pub fn causes(&self) -> Vec<(String, String, String)> {
        self.taxonomy
            .causes
            .iter()
            .map(|c| (c.id.clone(), c.label.clone(), c.label_en.clone()))
            .collect()
    }

    /// A short identifier of the rules and model, recorded in indexes built with them.
    pub fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    /// The causes of one text, in taxonomy order. `worker` must come from a tokenizer with koe's
    /// default dictionaries (e.g. [`Classifier::tokenizer`]).
    pub fn classify(&self, worker: &mut Worker<'_>, text: &str) -> Vec<CauseTag> {
        self.classify_analysis(&analyze(worker, text))
    }

    /// Every cause with its probability and whether it is tagged (for evaluation and
    /// explanation), in taxonomy order.
    pub fn scored(&self, worker: &mut Worker<'_>, text: &str) -> Vec<ScoredCause> {
        self.scored_analysis(&analyze(worker, text))
    }

    /// The causes of an analysed text, in taxonomy order (see [`analysis::analyze_tokens`]).
    pub fn classify_analysis(&self, analysis: &Analysis<'_>) -> Vec<CauseTag> {
        self.scored_analysis(analysis)
            .into_iter()
            .filter(|s| s.tagged)
            .map(|s| s.tag)
            .collect()
    }

    /// [`scored`](Self::scored) for an analysed text.
    pub fn scored_analysis(&self, analysis: &Analysis<'_>) -> Vec<ScoredCause> {
        let rules = match_cues(&analysis.tokens, &self.taxonomy);
        let scores = self
            .model
            .scores_of(|visit| visit_names(analysis, &self.taxonomy, &rules, visit));
        // The features with their spans, for evidence: made only when a cause is tagged.
        let mut hits = None;
        // The complaint gate (when the model has one) must agree before any cause is tagged.
        let gate_open = self
            .model
            .gate_index()
            .is_none_or(|g| sigmoid(scores[g]) >= self.model.causes[g].threshold);
        let mut out = Vec::with_capacity(self.taxonomy.causes.len());
        for (c, cause) in self.taxonomy.causes.iter().enumerate() {
            let asserted: Vec<_> = rules
                .iter()
                .filter(|r| r.cause == c && r.status == CueStatus::Asserted)
                .collect();
            let (score, threshold) = match self.model_index[c] {
                Some(m) => (sigmoid(scores[m]), self.model.causes[m].threshold),
                None => (
                    if asserted.is_empty() {
                        0.0
                    } else {
                        RULE_ONLY_SCORE
                    },
                    0.5,
                ),
            };
            // The gate learned "complains about one of the model's causes"; causes a user added
            // with rules only are not its business.
            let gated = self.model_index[c].is_none() || gate_open;
            let tagged = gated && score >= threshold;
            let mut evidence = Vec::new();
            if tagged {
                for rule in &asserted {
                    push_evidence(
                        &mut evidence,
                        analysis,
                        rule.start,
                        rule.end,
                        format!("rule:{}", rule.phrase),
                    );
                }
                if let Some(m) = self.model_index[c] {
                    let hits = hits.get_or_insert_with(|| extract(analysis, &self.taxonomy).0);
                    let mut contributions: Vec<(f32, &features::FeatureHit)> = hits
                        .iter()
                        .filter(|h| {
                            !h.name.starts_with("r:")
                                && is_telling(&analysis.normalized.as_str()[h.start..h.end])
                        })
                        .map(|h| (self.model.weight(&h.name, m), h))
                        .filter(|(w, _)| *w > 0.05)
                        .collect();
                    contributions.sort_by(|a, b| b.0.total_cmp(&a.0));
                    for (weight, hit) in contributions {
                        if evidence.len() >= MAX_EVIDENCE {
                            break;
                        }
                        push_evidence(
                            &mut evidence,
                            analysis,
                            hit.start,
                            hit.end,
                            format!("model:{} (+{weight:.2})", hit.name),
                        );
                    }
                }
            }
            out.push(ScoredCause {
                tagged,
                threshold,
                tag: CauseTag {
                    id: cause.id.clone(),
                    label: match self.language {
                        Language::Japanese => cause.label.clone(),
                        Language::English => cause.label_en.clone(),
                    },
                    score: (score * 1000.0).round() / 1000.0,
                    evidence,
                },
            });
        }
        out
    }

    /// The causes of a feedback row: each text column classified on its own, tags merged,
    /// evidence marked with its column when there are several.
    pub fn classify_feedback(&self, worker: &mut Worker<'_>, feedback: &Feedback) -> Vec<CauseTag> {
        let per_field = feedback
            .texts
            .iter()
            .map(|field| (field.column.as_str(), self.classify(worker, &field.text)));
        self.merge_fields(per_field, feedback.texts.len() > 1)
    }

    /// Merges the tags of each text column of a row (see
    /// [`classify_feedback`](Self::classify_feedback)): the highest score per cause, evidence
    /// marked with its column when `several`.
    pub fn merge_fields<'c>(
        &self,
        per_field: impl IntoIterator<Item = (&'c str, Vec<CauseTag>)>,
        several: bool,
    ) -> Vec<CauseTag> {
        let mut merged: Vec<CauseTag> = Vec::new();
        for (column, tags) in per_field {
            for mut tag in tags {
                if several {
                    for evidence in &mut tag.evidence {
                        evidence.field = Some(column.to_owned());
                    }
                }
                match merged.iter_mut().find(|existing| existing.id == tag.id) {
                    Some(existing) => {
                        existing.score = existing.score.max(tag.score);
                        existing.evidence.extend(tag.evidence);
                    }
                    None => merged.push(tag),
                }
            }
        }
        let order = |id: &str| self.taxonomy.index_of(id).unwrap_or(usize::MAX);
        merged.sort_by_key(|tag| order(&tag.id));
        merged
    }
}

/// A cause's probability for one text.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredCause {
    /// Whether the probability reached the threshold.
    pub tagged: bool,
    /// The cause's threshold.
    pub threshold: f32,
    /// The cause, its probability and (when tagged) evidence.
    pub tag: CauseTag,
}

/// Whether a word is worth showing as evidence: not a lone kana or symbol (き, た, ー).
fn is_telling(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => ('\u{4E00}'..='\u{9FFF}').contains(&c),
        (Some(_), Some(_)) => true,
        _ => false,
    }
}

/// Adds evidence for a normalized span unless an earlier item overlaps it.
fn push_evidence(
    evidence: &mut Vec<Evidence>,
    analysis: &Analysis<'_>,
    start: usize,
    end: usize,
    by: String,
) {
    let (start, end, text) = analysis.original_span(start, end);
    if evidence.iter().any(|e| e.start < end && start < e.end) {
        return;
    }
    evidence.push(Evidence {
        start,
        end,
        text: text.to_owned(),
        by,
        field: None,
    });
}

/// Identifies a taxonomy + model pair: the model's provenance and a hash of the cues.
fn fingerprint(taxonomy: &Taxonomy, model: &Model) -> String {
    let cues = taxonomy.causes.iter().flat_map(|c| {
        std::iter::once(c.id.as_str()).chain(c.cues.iter().map(|q| q.phrase.as_str()))
    });
    let weights = model.causes.iter().map(|c| c.id.as_str());
    format!(
        "model:{}rows@koe-{}:{}+causes:{}",
        model.training.rows,
        model.koe_version,
        fnv1a(weights.chain(model.training.files.iter().map(String::as_str))),
        fnv1a(cues)
    )
}

/// FNV-1a over strings, as a short stable hex fingerprint.
fn fnv1a<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
