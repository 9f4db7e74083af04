//! Measuring the classifier against gold labels: per-cause precision, recall and F1, macro-F1,
//! the share of no-cause texts that get a tag anyway, and the worst errors.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::classify::ScoredCause;

/// Scores of one cause.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CauseMetrics {
    /// Cause id.
    pub id: String,
    /// Display label.
    pub label: String,
    /// Gold texts with the cause.
    pub support: usize,
    /// Texts tagged with the cause.
    pub predicted: usize,
    /// Correct tags.
    pub true_positives: usize,
    /// Precision (1 when nothing was tagged).
    pub precision: f64,
    /// Recall (1 when no gold text has the cause).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// One misclassified text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorCase {
    /// Row id.
    pub id: String,
    /// The text.
    pub text: String,
    /// Gold causes.
    pub gold: Vec<String>,
    /// Predicted causes.
    pub predicted: Vec<String>,
    /// How far the worst wrong decision was from its threshold.
    pub margin: f32,
}

/// The result of an evaluation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalReport {
    /// Texts evaluated.
    pub rows: usize,
    /// Per-cause scores, in taxonomy order.
    pub causes: Vec<CauseMetrics>,
    /// Mean F1 over causes with gold support.
    pub macro_f1: f64,
    /// Texts with no gold cause.
    pub no_cause_rows: usize,
    /// Share of no-cause texts that got at least one tag.
    pub no_cause_false_alarm_rate: f64,
    /// Share of texts whose predicted set equals the gold set.
    pub exact_match: f64,
    /// The worst errors, most confident first.
    pub worst_errors: Vec<ErrorCase>,
}

/// Accumulates predictions against gold labels.
#[derive(Debug, Default)]
pub struct Evaluator {
    ids: Vec<(String, String)>,
    counts: Vec<(usize, usize, usize)>,
    rows: usize,
    no_cause_rows: usize,
    false_alarms: usize,
    exact: usize,
    errors: Vec<ErrorCase>,
}

impl Evaluator {
    /// Adds one text: its id, text, gold cause ids and the classifier's scores.
    pub fn add(&mut self, id: &str, text: &str, gold: &BTreeSet<String>, scored: &[ScoredCause]) {
        if self.ids.is_empty() {
            self.ids = scored
                .iter()
                .map(|s| (s.tag.id.clone(), s.tag.label.clone()))
                .collect();
            self.counts = vec![(0, 0, 0); scored.len()];
        }
        self.rows += 1;
        let predicted: BTreeSet<String> = scored
            .iter()
            .filter(|s| s.tagged)
            .map(|s| s.tag.id.clone())
            .collect();
        let mut margin = 0f32;
        for (s, count) in scored.iter().zip(&mut self.counts) {
            let is_gold = gold.contains(&s.tag.id);
            count.0 += usize::from(is_gold);
            count.1 += usize::from(s.tagged);
            count.2 += usize::from(is_gold && s.tagged);
            if is_gold != s.tagged {
                margin = margin.max((s.tag.score - s.threshold).abs());
            }
        }
        if gold.is_empty() {
            self.no_cause_rows += 1;
            self.false_alarms += usize::from(!predicted.is_empty());
        }
        if &predicted == gold {
            self.exact += 1;
        } else {
            self.errors.push(ErrorCase {
                id: id.to_owned(),
                text: text.to_owned(),
                gold: gold.iter().cloned().collect(),
                predicted: predicted.into_iter().collect(),
                margin,
            });
        }
    }

    /// The report, with at most `worst` error cases.
    pub fn finish(mut self, worst: usize) -> EvalReport {
        let causes: Vec<CauseMetrics> = self
            .ids
            .iter()
            .zip(&self.counts)
            .map(|((id, label), &(support, predicted, tp))| {
                let precision = if predicted == 0 {
                    1.0
                } else {
                    tp as f64 / predicted as f64
                };
                let recall = if support == 0 {
                    1.0
                } else {
                    tp as f64 / support as f64
                };
                let f1 = if precision + recall == 0.0 {
                    0.0
                } else {
                    2.0 * precision * recall / (precision + recall)
                };
                CauseMetrics {
                    id: id.clone(),
                    label: label.clone(),
                    support,
                    predicted,
                    true_positives: tp,
                    precision,
                    recall,
                    f1,
                }
            })
            .collect();
        let supported: Vec<f64> = causes
            .iter()
            .filter(|c| c.support > 0)
            .map(|c| c.f1)
            .collect();
        let macro_f1 = if supported.is_empty() {
            0.0
        } else {
            supported.iter().sum::<f64>() / supported.len() as f64
        };
        self.errors.sort_by(|a, b| b.margin.total_cmp(&a.margin));
        self.errors.truncate(worst);
        EvalReport {
            rows: self.rows,
            causes,
            macro_f1,
            no_cause_rows: self.no_cause_rows,
            no_cause_false_alarm_rate: if self.no_cause_rows == 0 {
                0.0
            } else {
                self.false_alarms as f64 / self.no_cause_rows as f64
            },
            exact_match: if self.rows == 0 {
                0.0
            } else {
                self.exact as f64 / self.rows as f64
            },
            worst_errors: self.errors,
        }
    }
}

/// Parses gold labels written as ids joined by `;` (spaces and `,` tolerated).
pub fn parse_labels(text: &str) -> BTreeSet<String> {
    text.split([';', ',', '、'])
        .map(str::trim)
        .filter(|label| !label.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::CauseTag;

    fn scored(id: &str, score: f32) -> ScoredCause {
        ScoredCause {
            tagged: score >= 0.5,
            threshold: 0.5,
            tag: CauseTag {
                id: id.into(),
                label: id.into(),
                score,
                evidence: vec![],
            },
        }
    }

    #[test]
    fn metrics_count_what_they_say() {
        let mut e = Evaluator::default();
        e.add(
            "1",
            "a",
            &parse_labels("price"),
            &[scored("price", 0.9), scored("onboarding", 0.1)],
        );
        e.add(
            "2",
            "b",
            &parse_labels(""),
            &[scored("price", 0.7), scored("onboarding", 0.1)],
        );
        e.add(
            "3",
            "c",
            &parse_labels("onboarding;price"),
            &[scored("price", 0.2), scored("onboarding", 0.8)],
        );
        let report = e.finish(10);
        assert_eq!(report.causes[0].true_positives, 1);
        assert!((report.causes[0].precision - 0.5).abs() < 1e-9);
        assert!((report.causes[0].recall - 0.5).abs() < 1e-9);
        assert!((report.causes[1].f1 - 1.0).abs() < 1e-9);
        assert!((report.macro_f1 - 0.75).abs() < 1e-9);
        assert!((report.no_cause_false_alarm_rate - 1.0).abs() < 1e-9);
        assert_eq!(report.worst_errors.len(), 2);
        assert_eq!(report.worst_errors[0].id, "3");
    }

    #[test]
    fn labels_parse_leniently() {
        assert_eq!(
            parse_labels(" price ; service_quality;"),
            ["price", "service_quality"].map(String::from).into()
        );
        assert!(parse_labels("").is_empty());
    }
}
