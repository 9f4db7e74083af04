//! Features of an analysed text for the cause model, each tied to the span it came from so that
//! a tag can show its evidence.
//!
//! - `w:BASE` for every word (not particles, negations or symbols), or `w:BASE~n` / `~c` / `~p`
//!   (and combinations) instead when it stands in a negation, condition or positive-appraisal
//!   scope (see [`crate::classify::analysis`]);
//! - `t:BASE` for every such word whatever its scope (the topic);
//! - `r:CAUSE`, `r:CAUSE~n`, `r:CAUSE~c` when a cue of the taxonomy matches, un-negated, negated
//!   or in a condition.

use crate::classify::analysis::{Analysis, AnalyzedToken, TokenKind};
use crate::classify::taxonomy::{Cue, MAX_SLOT_GAP, Taxonomy};

/// One feature occurrence: its name and the normalized byte span behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureHit {
    /// Feature name, e.g. `w:値上げ`.
    pub name: String,
    /// Start of the span in the normalized text.
    pub start: usize,
    /// End of the span in the normalized text.
    pub end: usize,
}

/// How a cue matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueStatus {
    /// The cue stands as a complaint.
    Asserted,
    /// The cue is negated (押し売りはなかった).
    Negated,
    /// The cue is in a condition (値上げしても).
    Conditional,
}

impl CueStatus {
    /// The mark of a rule feature in this status: `r:price~n`.
    fn suffix(self) -> &'static str {
        match self {
            CueStatus::Asserted => "",
            CueStatus::Negated => "~n",
            CueStatus::Conditional => "~c",
        }
    }
}

/// A cue match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleHit {
    /// Index of the cause in the taxonomy.
    pub cause: usize,
    /// The cue's phrase.
    pub phrase: String,
    /// Start of the matched span in the normalized text.
    pub start: usize,
    /// End of the matched span in the normalized text.
    pub end: usize,
    /// How it matched.
    pub status: CueStatus,
}

/// Appends the scope mark of `token` (`~n`, `~c`, `~p` and combinations) to `name`.
fn push_mark(name: &mut String, token: &AnalyzedToken) {
    if token.negated || token.conditional || token.appraised {
        name.push('~');
        if token.negated {
            name.push('n');
        }
        if token.conditional {
            name.push('c');
        }
        if token.appraised {
            name.push('p');
        }
    }
}

/// Extracts the features and the cue matches of an analysed text.
pub fn extract(analysis: &Analysis<'_>, taxonomy: &Taxonomy) -> (Vec<FeatureHit>, Vec<RuleHit>) {
    let rules = match_cues(&analysis.tokens, taxonomy);
    let mut hits = Vec::with_capacity(analysis.tokens.len() * 3);
    each_feature(analysis, taxonomy, &rules, |name, start, end| {
        hits.push(FeatureHit {
            name: name.to_owned(),
            start,
            end,
        })
    });
    (hits, rules)
}

/// Calls `visit` with the name of every feature [`extract`] gives for `analysis` (whose cue
/// matches are `rules`), in the same order, without allocating a string per feature: scoring
/// needs the names only, evidence also the spans.
pub fn visit_names(
    analysis: &Analysis<'_>,
    taxonomy: &Taxonomy,
    rules: &[RuleHit],
    mut visit: impl FnMut(&str),
) {
    each_feature(analysis, taxonomy, rules, |name, _, _| visit(name));
}

/// Every feature of `analysis` with its normalized byte span, the name in a reused buffer.
fn each_feature(
    analysis: &Analysis<'_>,
    taxonomy: &Taxonomy,
    rules: &[RuleHit],
    mut visit: impl FnMut(&str, usize, usize),
) {
    let mut name = String::new();
    for token in &analysis.tokens {
        if matches!(token.kind, TokenKind::Content | TokenKind::Auxiliary) && !token.is_negation {
            // The word in its scope (押し売り~n is not 押し売り) and the word as a topic, whatever
            // its scope: the cause model reads the first, the complaint gate leans on both.
            name.clear();
            name.push_str("w:");
            name.push_str(&token.base);
            push_mark(&mut name, token);
            visit(&name, token.start, token.end);
            name.clear();
            name.push_str("t:");
            name.push_str(&token.base);
            visit(&name, token.start, token.end);
        }
    }
    for rule in rules {
        name.clear();
        name.push_str("r:");
        name.push_str(&taxonomy.causes[rule.cause].id);
        name.push_str(rule.status.suffix());
        visit(&name, rule.start, rule.end);
    }
}

/// Every match of every cue, at most one per cue and start token.
pub fn match_cues(tokens: &[AnalyzedToken], taxonomy: &Taxonomy) -> Vec<RuleHit> {
    let mut rules = Vec::new();
    for start in 0..tokens.len() {
        for &(cause_index, cue_index) in taxonomy.cues_starting_with(&tokens[start].base) {
            let cue = &taxonomy.causes[cause_index].cues[cue_index];
            let Some(end) = match_cue_at(tokens, start, cue) else {
                continue;
            };
            // What follows the match decides: an odd number of negations after its last
            // token negates it. A cue that ends in its own negation (つながらない) is a
            // complaint; only later negations count against it.
            let last = &tokens[end - 1];
            let status = if last.negated {
                CueStatus::Negated
            } else if last.conditional {
                CueStatus::Conditional
            } else {
                CueStatus::Asserted
            };
            rules.push(RuleHit {
                cause: cause_index,
                phrase: cue.phrase.clone(),
                start: tokens[start].start,
                end: last.end,
                status,
            });
        }
    }
    // Cause order, then text order, as before the index existed.
    rules.sort_by_key(|rule| (rule.cause, rule.start));
    rules
}

/// Matches `cue` starting at token `start`; returns the end token index (exclusive).
fn match_cue_at(tokens: &[AnalyzedToken], start: usize, cue: &Cue) -> Option<usize> {
    let clause = tokens[start].clause;
    let mut at = start;
    for (i, slot) in cue.slots.iter().enumerate() {
        let found = if i == 0 {
            slot_matches(tokens, at, slot).then_some(at)
        } else {
            (at..tokens.len().min(at + MAX_SLOT_GAP + 1))
                .take_while(|&j| tokens[j].clause == clause)
                .find(|&j| slot_matches(tokens, j, slot))
        }?;
        at = found + slot.len();
    }
    Some(at)
}

fn slot_matches(tokens: &[AnalyzedToken], at: usize, slot: &[String]) -> bool {
    let clause = tokens[at].clause;
    tokens.len() >= at + slot.len()
        && slot
            .iter()
            .zip(&tokens[at..])
            .all(|(base, token)| *base == token.base && token.clause == clause)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::analysis::analyze;
    use crate::text::{Tokenizer, UserDictionaries};

    fn rules(text: &str) -> Vec<(String, String, CueStatus)> {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let mut worker = tokenizer.worker();
        let taxonomy = Taxonomy::builtin(&mut worker).unwrap();
        let analysis = analyze(&mut worker, text);
        let (_, rules) = extract(&analysis, &taxonomy);
        rules
            .into_iter()
            .map(|r| (taxonomy.causes[r.cause].id.clone(), r.phrase, r.status))
            .collect()
    }

    fn statuses(text: &str, cause: &str) -> Vec<CueStatus> {
        rules(text)
            .into_iter()
            .filter(|(c, _, _)| c == cause)
            .map(|(_, _, s)| s)
            .collect()
    }

    #[test]
    fn cues_match_base_forms_across_small_gaps() {
        assert_eq!(
            statuses("電話が全然つながらなかった", "service_quality")[0],
            CueStatus::Asserted
        );
        assert!(statuses("料金が高かった", "price").contains(&CueStatus::Asserted));
    }

    #[test]
    fn negated_and_conditional_cues_are_not_asserted() {
        assert!(
            statuses("押し売りはなかった", "pushy_selling")
                .iter()
                .all(|s| *s == CueStatus::Negated)
        );
        assert!(
            statuses("しつこい勧誘は一切ありませんでした", "pushy_selling")
                .iter()
                .all(|s| *s == CueStatus::Negated)
        );
        assert!(
            statuses("値上げしても使い続けたい", "price")
                .iter()
                .all(|s| *s == CueStatus::Conditional)
        );
        assert!(
            statuses("電話がつながらないことはない", "service_quality")
                .iter()
                .all(|s| *s == CueStatus::Negated)
        );
    }

    #[test]
    fn a_contrast_keeps_each_side_to_itself() {
        let found = rules("安いのはいいけど窓口の態度がひどい");
        assert!(
            found
                .iter()
                .any(|(c, _, s)| c == "service_quality" && *s == CueStatus::Asserted)
        );
        assert!(
            !found
                .iter()
                .any(|(c, _, s)| c == "price" && *s == CueStatus::Asserted)
        );
    }

    #[test]
    fn features_carry_scope_marks_and_spans() {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let mut worker = tokenizer.worker();
        let taxonomy = Taxonomy::builtin(&mut worker).unwrap();
        let analysis = analyze(&mut worker, "押し売りはなかった");
        let (hits, _) = extract(&analysis, &taxonomy);
        let names: Vec<&str> = hits.iter().map(|h| h.name.as_str()).collect();
        assert!(names.contains(&"w:押し売り~n"), "{names:?}");
        assert!(names.contains(&"r:pushy_selling~n"), "{names:?}");
        assert!(!names.contains(&"w:押し売り"), "{names:?}");
        let hit = hits.iter().find(|h| h.name == "w:押し売り~n").unwrap();
        assert_eq!(
            &analysis.normalized.as_str()[hit.start..hit.end],
            "押し売り"
        );
    }
}
