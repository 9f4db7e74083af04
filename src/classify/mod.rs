//! Churn-cause classification: which causes (price, service quality, onboarding, pushy
//! selling, and any the user adds) a piece of feedback complains about, with evidence.
//!
//! (Under construction in this session: the types below are the stable interface that
//! `index` and `report` use.)

use serde::{Deserialize, Serialize};

use crate::feedback::Feedback;
use crate::text::Worker;

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
    /// What found it: `rule:<name>` or `model:<feature>`.
    pub by: String,
    /// The text column, when the row has more than one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
}

/// A loaded classifier: taxonomy, rules and model, shared read-only between threads.
pub struct Classifier {
    _private: (),
}

impl Classifier {
    /// The classifier built into koe: `dictionaries/causes.toml` and the embedded model.
    pub fn builtin() -> anyhow::Result<Self> {
        Ok(Self { _private: () })
    }

    /// The causes this classifier knows: `(id, Japanese label, English label)`.
    pub fn causes(&self) -> Vec<(String, String, String)> {
        vec![
            (
                "service_quality".into(),
                "サービス品質".into(),
                "Service quality".into(),
            ),
            (
                "onboarding".into(),
                "オンボーディング".into(),
                "Onboarding".into(),
            ),
            (
                "pushy_selling".into(),
                "押し売り".into(),
                "Pushy selling".into(),
            ),
            ("price".into(), "価格".into(), "Price".into()),
        ]
    }

    /// A short identifier of the rules and model, recorded in indexes built with them.
    pub fn fingerprint(&self) -> String {
        "builtin-dev".to_owned()
    }

    /// The causes of one text. `worker` must come from a tokenizer with koe's default
    /// dictionaries.
    pub fn classify(&self, _worker: &mut Worker<'_>, _text: &str) -> Vec<CauseTag> {
        Vec::new()
    }

    /// The causes of a feedback row: each text column classified on its own, tags merged,
    /// evidence marked with its column when there are several.
    pub fn classify_feedback(&self, worker: &mut Worker<'_>, feedback: &Feedback) -> Vec<CauseTag> {
        let several = feedback.texts.len() > 1;
        let mut merged: Vec<CauseTag> = Vec::new();
        for field in &feedback.texts {
            for mut tag in self.classify(worker, &field.text) {
                if several {
                    for evidence in &mut tag.evidence {
                        evidence.field = Some(field.column.clone());
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
        merged
    }
}
