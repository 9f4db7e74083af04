//! Linguistic analysis for classification: normalized tokens with base forms, split into clauses,
//! each token marked for the negation and condition scope it stands in.
//!
//! Japanese puts negation and conditions after what they apply to: 押し売りは**なかった**,
//! 値上げし**ても**使い続けたい. Within a clause (cut at 。、！？, line breaks, contrastive and
//! connective particles such as けど, が, のに, ものの, て, and before conjunctions such as
//! しかし), a token is *negated* when an odd number of negations follow it (so that
//! 高くないとは言えない, two negations, is not negated) and *conditional* when a conditional
//! (ば, たら, なら, ても, a 仮定形) follows it.

use crate::text::{Normalized, Token, Worker, normalize};

/// One analysed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    /// Byte span in the normalized text.
    pub start: usize,
    /// End of the byte span in the normalized text.
    pub end: usize,
    /// Base (dictionary) form, normalized: `高かっ` → `高い`.
    pub base: String,
    /// Coarse part of speech.
    pub kind: TokenKind,
    /// The token is a negation (ない, ぬ, ず, ません, なし).
    pub is_negation: bool,
    /// An odd number of negations follow the token in its clause.
    pub negated: bool,
    /// A conditional follows the token in its clause.
    pub conditional: bool,
    /// Index of the clause the token belongs to.
    pub clause: usize,
    /// The token's clause appraises positively (満足, 妥当, 丁寧, 助かる, ... not negated).
    pub appraised: bool,
}

/// Coarse parts of speech the classifier distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Nouns, verbs, adjectives, adverbs, interjections, unknown words.
    Content,
    /// Particles.
    Particle,
    /// Auxiliary verbs.
    Auxiliary,
    /// Punctuation and symbols.
    Symbol,
}

/// A text after analysis.
#[derive(Debug, Clone)]
pub struct Analysis<'a> {
    /// The normalized text, with its map back to the original.
    pub normalized: Normalized<'a>,
    /// Tokens in text order (symbols included).
    pub tokens: Vec<AnalyzedToken>,
}

/// Analyses `text` (the original, as written) with a worker of koe's default tokenizer.
pub fn analyze<'a>(worker: &mut Worker<'_>, text: &'a str) -> Analysis<'a> {
    let normalized = normalize(text);
    worker.tokenize(normalized.as_str());
    analyze_tokens(worker, normalized, worker.tokens())
}

/// Analyses text already normalized and tokenized by `worker` (whose tokenizer must have koe's
/// default dictionaries): the index tokenizes each row once for both the classifier and its
/// terms.
pub fn analyze_tokens<'a>(
    worker: &Worker<'_>,
    normalized: Normalized<'a>,
    words: &[Token],
) -> Analysis<'a> {
    let norm = normalized.as_str();
    let mut tokens = Vec::with_capacity(words.len());
    let mut clause = 0;
    let mut previous_end = 0;
    let mut break_after_previous = false;
    let mut after_te = false;
    let mut after_comma = false;
    for token in words {
        let features = worker.features(token, norm);
        let fields = features.fields();
        let (pos, sub) = (fields[0], fields[1]);
        let surface = token.surface(norm);
        let base = features.base_form();
        let kind = match pos {
            "助詞" => TokenKind::Particle,
            "助動詞" => TokenKind::Auxiliary,
            "記号" => TokenKind::Symbol,
            _ => TokenKind::Content,
        };
        let line_break = norm.as_bytes()[previous_end..token.start].contains(&b'\n');
        let starts_clause = pos == "接続詞" && !tokens.is_empty();
        // A て-form followed by an auxiliary verb or a particle (かかってこない,
        // 教えてもらえなかった, 来てもいい) is one predicate, not two clauses.
        let te_continues = after_te && ((pos == "動詞" && sub == "非自立") || pos == "助詞");
        // 「しつこく勧誘された、ということは一度もなかった」: a quoted clause belongs to the
        // clause that quotes (and negates) it.
        let quoted = after_comma
            && (matches!(
                base,
                "という" | "って" | "なんて" | "とか" | "とは" | "と" | "っていう"
            ) || (pos == "名詞" && base == "こと"));
        if (break_after_previous && !te_continues && !quoted || line_break || starts_clause)
            && !tokens.is_empty()
        {
            clause += 1;
        }
        let negation_word = match pos {
            "助動詞" => matches!(base, "ない" | "ぬ" | "ん"),
            "形容詞" => matches!(base, "ない" | "無い"),
            "名詞" => matches!(base, "なし" | "無し"),
            _ => false,
        };
        // 〜しかない is "only", not a negation: 割高なプランしかない.
        let is_negation = negation_word
            && !tokens
                .iter()
                .rev()
                .take_while(|t: &&AnalyzedToken| t.clause == clause)
                .any(|t| t.base == "しか");
        let is_conditional = fields[5].starts_with("仮定")
            || (pos == "助詞" && matches!(surface, "ば" | "ても" | "でも" | "たって" | "なら"))
            || (after_te && pos == "助詞" && surface == "も");
        after_te = pos == "助詞" && sub == "接続助詞" && matches!(base, "て" | "で");
        after_comma = pos == "記号" && sub == "読点";

        break_after_previous = match pos {
            "記号" => {
                matches!(sub, "句点" | "読点") || matches!(surface, "!" | "?" | "！" | "？" | "…")
            }
            "助詞" => {
                sub == "接続助詞"
                    && matches!(
                        base,
                        "が" | "けど"
                            | "けれど"
                            | "けれども"
                            | "のに"
                            | "ものの"
                            | "し"
                            | "て"
                            | "で"
                    )
            }
            _ => false,
        };
        tokens.push(AnalyzedToken {
            start: token.start,
            end: token.end,
            base: base.to_owned(),
            kind,
            is_negation,
            negated: false,
            conditional: is_conditional,
            clause,
            appraised: false,
        });
        previous_end = token.end;
    }
    mark_scopes(&mut tokens);
    Analysis { normalized, tokens }
}

/// Sets `negated` and `conditional` from what follows each token in its clause. On entry
/// `conditional` marks the conditional tokens themselves.
fn mark_scopes(tokens: &mut [AnalyzedToken]) {
    mark_negation_and_condition(tokens);
    let mut start = 0;
    while start < tokens.len() {
        let clause = tokens[start].clause;
        let end = start
            + tokens[start..]
                .iter()
                .take_while(|t| t.clause == clause)
                .count();
        let appraised = tokens[start..end]
            .iter()
            .any(|t| !t.negated && !t.conditional && POSITIVE_APPRAISAL.contains(&t.base.as_str()));
        for token in &mut tokens[start..end] {
            token.appraised = appraised;
        }
        start = end;
    }
}

/// Words that appraise what their clause talks about positively. A cause word in such a clause
/// (料金は妥当, サポートが丁寧) is praise, not a complaint; the model learns that from the
/// `~p` mark (see [`crate::classify::features`]).
const POSITIVE_APPRAISAL: &[&str] = &[
    "満足",
    "妥当",
    "納得",
    "丁寧",
    "親切",
    "助かる",
    "嬉しい",
    "うれしい",
    "ありがたい",
    "有難い",
    "安心",
    "快適",
    "スムーズ",
    "好印象",
    "感謝",
    "良心的",
    "手頃",
    "お得",
    "わかりやすい",
    "分かりやすい",
    "優しい",
    "やさしい",
    "素晴らしい",
    "最高",
    "神対応",
    "気持ちいい",
    "良い",
    "よい",
    "いい",
    "問題",
    "十分",
    "相応",
    "安い",
    "早い",
    "迅速",
    "簡単",
    "的確",
];

/// Sets `negated` and `conditional` from what follows each token in its clause.
fn mark_negation_and_condition(tokens: &mut [AnalyzedToken]) {
    let mut negations = 0;
    let mut conditional = false;
    let mut clause = usize::MAX;
    for token in tokens.iter_mut().rev() {
        if token.clause != clause {
            clause = token.clause;
            negations = 0;
            conditional = false;
        }
        let is_conditional = token.conditional;
        token.negated = negations % 2 == 1;
        token.conditional = conditional;
        if token.is_negation {
            negations += 1;
        }
        conditional |= is_conditional;
    }
}

impl Analysis<'_> {
    /// Character span in the original text of the normalized byte span `start..end`, and the
    /// original text there.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize, &str) {
        let (a, b) = self.normalized.to_original(start, end);
        let original = self.normalized.original();
        (
            crate::text::char_offset(original, a),
            crate::text::char_offset(original, b),
            &original[a..b],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Tokenizer, UserDictionaries};

    fn marks(text: &str) -> Vec<(String, bool, bool)> {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let mut worker = tokenizer.worker();
        analyze(&mut worker, text)
            .tokens
            .into_iter()
            .filter(|t| t.kind == TokenKind::Content)
            .map(|t| (t.base, t.negated, t.conditional))
            .collect()
    }

    fn is_negated(text: &str, base: &str) -> bool {
        marks(text)
            .iter()
            .find(|(b, _, _)| b == base)
            .unwrap_or_else(|| panic!("{base} in {text}"))
            .1
    }

    #[test]
    fn negation_scopes_over_what_precedes_it_in_the_clause() {
        assert!(is_negated("押し売りはなかった", "押し売り"));
        assert!(is_negated("しつこい勧誘は一切ありませんでした", "勧誘"));
        assert!(is_negated("電話がつながらない", "つながる"));
        assert!(!is_negated("料金が高い", "高い"));
    }

    #[test]
    fn two_negations_cancel() {
        assert!(!is_negated("高くないとは言えない", "高い"));
    }

    #[test]
    fn a_te_form_with_an_auxiliary_verb_stays_one_predicate() {
        assert!(is_negated("営業電話はかかってきませんでした", "営業電話"));
        assert!(is_negated("使い方を教えてもらえなかった", "使い方"));
        assert!(!is_negated("電話がつながらなくて困った", "困る"));
    }

    #[test]
    fn a_quoted_clause_is_negated_by_the_clause_quoting_it() {
        assert!(is_negated(
            "しつこく勧誘された、ということは一度もなかった",
            "勧誘"
        ));
        assert!(is_negated(
            "使い方が分からなくて困る、なんてことはなかった",
            "困る"
        ));
    }

    #[test]
    fn negation_stops_at_clause_boundaries() {
        // The complaint after けど is not negated by nothing before it, and vice versa.
        assert!(!is_negated("押し売りはなかったけど料金が高い", "高い"));
        assert!(is_negated("押し売りはなかったけど料金が高い", "押し売り"));
        assert!(!is_negated("返信が遅くて何も解決しない", "遅い"));
        assert!(!is_negated("営業がしつこい。でも問題ない", "しつこい"));
    }

    #[test]
    fn conditionals_mark_hypotheticals() {
        let m = marks("値上げしても使い続けたい");
        assert!(m.iter().any(|(b, _, c)| b == "値上げ" && *c));
        let m = marks("もっと安ければ続けた");
        assert!(m.iter().any(|(b, _, c)| b == "安い" && *c));
        let m = marks("値上げされたら考えます");
        assert!(m.iter().any(|(b, _, c)| b == "値上げ" && *c));
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let mut worker = tokenizer.worker();
        let analysis = analyze(&mut worker, "ｻﾎﾟｰﾄが遅い");
        let first = &analysis.tokens[0];
        assert_eq!(first.base, "サポート");
        assert_eq!(
            analysis.original_span(first.start, first.end),
            (0, 5, "ｻﾎﾟｰﾄ")
        );
    }
}
