//! The analysis chain the index and queries share: what a piece of feedback (or a query word)
//! becomes in the index.
//!
//! 1. [`normalize`] the text the customer wrote (half-width kana, full-width Latin, `サ－ビス`);
//! 2. tokenize the normalized text with IPADIC and the user dictionaries;
//! 3. drop tokens that are only punctuation or symbols;
//! 4. report each token's offsets in the *original* text ([`Normalized::to_original`]), so that
//!    highlights mark exactly what was written;
//! 5. decompound: a user-dictionary word (`解約金`) or a long katakana word IPADIC does not
//!    know (`カスタマーサポート`) is kept whole and its parts (`解約` `金`, `カスタマー`
//!    `サポート`) are added at the positions they cover, as kuromoji's search mode does, so
//!    that `解約` finds `解約金` and phrases across the compound still match.
//!
//! The same [`Analyzer`] runs at index time and at query time. [`JapaneseTokenizer`] is the
//! tantivy `Tokenizer` adapter for it (what lindera-tantivy would give, which has no release for
//! lindera 6). The index writer analyses each row once on its analysis threads, for the
//! classifier and the terms together, and registers [`PreAnalyzedTokenizer`] under
//! [`TOKENIZER_NAME`], which reads those terms back ([`encode_tokens`]) on tantivy's thread.
//!
//! ```
//! use koe::index::{Analyzer, TermKind};
//! use koe::text::UserDictionaries;
//! let analyzer = Analyzer::new(&UserDictionaries::default()).unwrap();
//! let mut worker = analyzer.worker();
//! let text = "ｶｽﾀﾏｰｻﾎﾟｰﾄに解約金を請求された！";
//! let terms = worker.terms(text);
//! let words: Vec<(&str, usize)> = terms.iter().map(|t| (t.text.as_str(), t.position)).collect();
//! assert_eq!(&words[..5], [
//!     ("カスタマーサポート", 0), ("カスタマー", 0), ("サポート", 1), ("に", 2), ("解約金", 3),
//! ]);
//! // Offsets point into the text as written.
//! assert_eq!(&text[terms[2].start..terms[2].end], "ｻﾎﾟｰﾄ");
//! assert_eq!(terms[0].kind, TermKind::Compound { parts: 2 });
//! ```

use rustc_hash::FxHashMap;
use std::sync::{LazyLock, Mutex};

use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer as TantivyTokenizerTrait};

use crate::text::{Normalized, TextError, Token, Tokenizer, UserDictionaries, Worker, normalize};

/// The name [`JapaneseTokenizer`] is registered under in koe's indexes.
pub const TOKENIZER_NAME: &str = "koe_ja";

/// What an analyzed term is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// An ordinary word.
    Word,
    /// A user-dictionary word kept whole; its `parts` follow it.
    Compound {
        /// How many parts (and positions) it covers.
        parts: usize,
    },
    /// An IPADIC part of the compound before it.
    Part,
}

/// One analyzed term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The normalized word, as indexed.
    pub text: String,
    /// Byte offset of the term in the original text.
    pub start: usize,
    /// Byte offset just past the term in the original text.
    pub end: usize,
    /// Position, in words; a compound and its first part share one.
    pub position: usize,
    /// Word, compound or part.
    pub kind: TermKind,
}

/// One analyzed term, borrowed from the worker (see [`AnalyzerWorker::analyze`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermRef<'a> {
    /// The normalized word, as indexed.
    pub text: &'a str,
    /// Byte offset of the term in the original text.
    pub start: usize,
    /// Byte offset just past the term in the original text.
    pub end: usize,
    /// Position, in words.
    pub position: usize,
    /// Word, compound or part.
    pub kind: TermKind,
}

/// The analysis chain: a tokenizer with the user dictionaries, and plain IPADIC for the parts
/// of user-dictionary words. Read-only and shared between threads.
pub struct Analyzer {
    words: Tokenizer,
    parts: Tokenizer,
    dictionaries: UserDictionaries,
}

/// Analyzers built so far in this process, one per set of user dictionaries.
static SHARED: LazyLock<Mutex<Vec<&'static Analyzer>>> = LazyLock::new(|| Mutex::new(Vec::new()));

impl Analyzer {
    /// Builds an analyzer over IPADIC and `user_dictionaries` (which are compiled now).
    pub fn new(user_dictionaries: &UserDictionaries) -> Result<Self, TextError> {
        Ok(Self {
            words: Tokenizer::new(user_dictionaries)?,
            parts: Tokenizer::new(&UserDictionaries::none())?,
            dictionaries: user_dictionaries.clone(),
        })
    }

    /// The process-wide analyzer for `user_dictionaries`, built on first use and kept for the
    /// life of the process (tantivy's tokenizers must be `'static`).
    pub fn shared(user_dictionaries: &UserDictionaries) -> Result<&'static Analyzer, TextError> {
        let mut shared = SHARED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = shared.iter().find(|a| &a.dictionaries == user_dictionaries) {
            return Ok(found);
        }
        let analyzer: &'static Analyzer = Box::leak(Box::new(Analyzer::new(user_dictionaries)?));
        shared.push(analyzer);
        Ok(analyzer)
    }

    /// The user dictionaries this analyzer was built with.
    pub fn dictionaries(&self) -> &UserDictionaries {
        &self.dictionaries
    }

    /// The tokenizer with the user dictionaries.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.words
    }

    /// A per-thread worker.
    pub fn worker(&self) -> AnalyzerWorker<'_> {
        AnalyzerWorker {
            words: self.words.worker(),
            parts: self.parts.worker(),
            tokens: Vec::new(),
            decompositions: FxHashMap::default(),
            kinds: Vec::new(),
        }
    }

    /// The tantivy tokenizer running this analyzer.
    pub fn tantivy_tokenizer(&'static self) -> JapaneseTokenizer {
        JapaneseTokenizer {
            analyzer: self,
            state: None,
            tokens: Vec::new(),
        }
    }
}

/// Per-thread analysis state; see [`Analyzer::worker`].
pub struct AnalyzerWorker<'a> {
    words: Worker<'a>,
    parts: Worker<'a>,
    tokens: Vec<Token>,
    /// The parts of each user-dictionary word met so far (byte spans of the word): there are
    /// few such words, and each is decomposed once per worker.
    decompositions: FxHashMap<String, Vec<(usize, usize)>>,
    /// The kind of each term of the text being turned into tantivy tokens.
    kinds: Vec<TermKind>,
}

impl<'a> AnalyzerWorker<'a> {
    /// Analyzes `text`, calling `emit` for each term in order.
    pub fn analyze(&mut self, text: &str, mut emit: impl FnMut(TermRef<'_>)) {
        let normalized = normalize(text);
        self.analyze_normalized(&normalized, &mut emit);
    }

    /// Analyzes text that is already normalized (see [`analyze`](Self::analyze)).
    pub fn analyze_normalized(
        &mut self,
        normalized: &Normalized<'_>,
        emit: &mut impl FnMut(TermRef<'_>),
    ) {
        self.tokenize(normalized);
        self.emit_terms(normalized, emit);
    }

    /// Tokenizes normalized text with the user dictionaries and keeps the tokens for
    /// [`tantivy_tokens_of_loaded`](Self::tantivy_tokens_of_loaded); returns them, so that
    /// other analyses of the text (classification) need not tokenize it again.
    pub fn tokenize(&mut self, normalized: &Normalized<'_>) -> (&Worker<'a>, &[Token]) {
        self.tokens.clear();
        self.tokens
            .extend_from_slice(self.words.tokenize(normalized.as_str()));
        (&self.words, &self.tokens)
    }

    /// Emits the terms of the tokens of the last [`tokenize`](Self::tokenize) of `normalized`.
    fn emit_terms(&mut self, normalized: &Normalized<'_>, emit: &mut impl FnMut(TermRef<'_>)) {
        let norm = normalized.as_str();
        let mut position = 0;
        for token in &self.tokens {
            let surface = token.surface(norm);
            if !is_searchable(surface) {
                continue;
            }
            let (start, end) = normalized.to_original(token.start, token.end);
            let user_word = token.is_user_word();
            let parts: &[(usize, usize)] =
                if user_word || (token.is_unknown() && is_long_katakana(surface)) {
                    decompose(
                        &mut self.parts,
                        &mut self.decompositions,
                        surface,
                        user_word,
                    )
                } else {
                    &[]
                };
            if parts.len() < 2 {
                emit(TermRef {
                    text: surface,
                    start,
                    end,
                    position,
                    kind: TermKind::Word,
                });
                position += 1;
                continue;
            }
            emit(TermRef {
                text: surface,
                start,
                end,
                position,
                kind: TermKind::Compound { parts: parts.len() },
            });
            for &(part_start, part_end) in parts {
                let (start, end) =
                    normalized.to_original(token.start + part_start, token.start + part_end);
                emit(TermRef {
                    text: &surface[part_start..part_end],
                    start,
                    end,
                    position,
                    kind: TermKind::Part,
                });
                position += 1;
            }
        }
    }

    /// Analyzes `text` into owned terms.
    pub fn terms(&mut self, text: &str) -> Vec<Term> {
        let mut terms = Vec::new();
        self.analyze(text, |term| {
            terms.push(Term {
                text: term.text.to_owned(),
                start: term.start,
                end: term.end,
                position: term.position,
                kind: term.kind,
            })
        });
        terms
    }

    /// Analyzes `text` into tantivy tokens, reusing `out` and the strings in it: the terms,
    /// then the [common grams](common_grams) of adjacent terms, in position order.
    pub fn tantivy_tokens(&mut self, text: &str, out: &mut Vec<TantivyToken>) {
        let normalized = normalize(text);
        self.tokenize(&normalized);
        self.tantivy_tokens_of_loaded(&normalized, out);
    }

    /// [`tantivy_tokens`](Self::tantivy_tokens) of `normalized`, whose tokens the last call of
    /// [`tokenize`](Self::tokenize) made.
    pub fn tantivy_tokens_of_loaded(
        &mut self,
        normalized: &Normalized<'_>,
        out: &mut Vec<TantivyToken>,
    ) {
        let mut used = 0;
        let mut kinds = std::mem::take(&mut self.kinds);
        kinds.clear();
        self.emit_terms(normalized, &mut |term| {
            let length = match term.kind {
                TermKind::Compound { parts } => parts,
                _ => 1,
            };
            set_token(
                out,
                &mut used,
                term.start,
                term.end,
                term.position,
                length,
                &[term.text],
            );
            kinds.push(term.kind);
        });
        self.kinds = kinds;
        let terms = used;
        // Whole words (compounds, not their parts), then the finest words (parts, not their
        // compounds): a phrase may be typed either way. A pair of two plain words is in both.
        for whole in [true, false] {
            let mut previous: Option<usize> = None;
            for current in 0..terms {
                let kind = self.kinds[current];
                let skip = if whole {
                    kind == TermKind::Part
                } else {
                    matches!(kind, TermKind::Compound { .. })
                };
                if skip {
                    continue;
                }
                if let Some(before) = previous.replace(current) {
                    let has_part = self.kinds[before] == TermKind::Part || kind == TermKind::Part;
                    let (a, b) = (&out[before], &out[current]);
                    if (whole || has_part) && (is_common_word(&a.text) || is_common_word(&b.text)) {
                        let (start, end, position) = (a.offset_from, b.offset_to, a.position);
                        let (a, b) = (a.text.clone(), b.text.clone());
                        set_token(
                            out,
                            &mut used,
                            start,
                            end,
                            position,
                            2,
                            &[&a, GRAM_SEPARATOR, &b],
                        );
                    }
                }
            }
        }
        out.truncate(used);
        // tantivy records each term's positions as increasing deltas.
        out.sort_by_key(|token| token.position);
    }
}

/// Writes a token into `out[*used]`, reusing the string already there, and counts it.
fn set_token(
    out: &mut Vec<TantivyToken>,
    used: &mut usize,
    start: usize,
    end: usize,
    position: usize,
    length: usize,
    text: &[&str],
) {
    if *used == out.len() {
        out.push(TantivyToken::default());
    }
    let token = &mut out[*used];
    *used += 1;
    token.offset_from = start;
    token.offset_to = end;
    token.position = position;
    token.position_length = length;
    token.text.clear();
    for piece in text {
        token.text.push_str(piece);
    }
}

/// Joins the two words of a common gram; no analysed word contains it.
pub const GRAM_SEPARATOR: &str = "\u{1F}";

/// Whether `word` is one of the particles and auxiliaries that are in almost every text.
///
/// A phrase with such a word (`対応が遅い`) would read the positions of `が` in nearly every
/// row. Like Lucene's CommonGrams, the index also keeps each such word joined to its neighbour
/// (`対応␟が`, `が␟遅い`), and phrases are searched by these rare pairs instead.
pub fn is_common_word(word: &str) -> bool {
    matches!(
        word,
        "が" | "を"
            | "に"
            | "は"
            | "の"
            | "で"
            | "と"
            | "も"
            | "へ"
            | "や"
            | "か"
            | "な"
            | "ね"
            | "よ"
            | "て"
            | "た"
            | "だ"
            | "し"
            | "い"
            | "う"
            | "ん"
            | "さ"
            | "れ"
            | "ば"
            | "から"
            | "まで"
            | "より"
            | "ので"
            | "のに"
            | "けど"
            | "って"
            | "たら"
            | "です"
            | "ます"
            | "でし"
            | "まし"
            | "ませ"
            | "ない"
            | "なかっ"
            | "られ"
            | "せ"
            | "ある"
            | "いる"
            | "する"
            | "なる"
            | "こと"
    )
}

/// The terms a query looks for, for the words of a phrase at their relative positions: each
/// pair of neighbours with a [common word](is_common_word) becomes one gram (as the index keeps
/// them), and the words no gram covers stay themselves.
///
/// ```
/// use koe::index::analyzer::common_grams;
/// let words = [(0, "対応".to_owned()), (1, "が".to_owned()), (2, "遅い".to_owned())];
/// assert_eq!(common_grams(&words), [(0, "対応\u{1F}が".to_owned()), (1, "が\u{1F}遅い".to_owned())]);
/// let words = [(0, "料金".to_owned()), (1, "高い".to_owned())];
/// assert_eq!(common_grams(&words), words);
/// ```
pub fn common_grams(words: &[(usize, String)]) -> Vec<(usize, String)> {
    if words.len() < 2 {
        return words.to_vec();
    }
    let mut covered = vec![false; words.len()];
    let mut terms = Vec::new();
    for (i, pair) in words.windows(2).enumerate() {
        let ((position, a), (_, b)) = (&pair[0], &pair[1]);
        if is_common_word(a) || is_common_word(b) {
            terms.push((*position, format!("{a}{GRAM_SEPARATOR}{b}")));
            covered[i] = true;
            covered[i + 1] = true;
        }
    }
    terms.extend(
        words
            .iter()
            .zip(&covered)
            .filter(|(_, covered)| !**covered)
            .map(|(word, _)| word.clone()),
    );
    terms.sort_by_key(|(position, _)| *position);
    terms
}

/// The searchable parts of a word the tokenizer kept whole, as byte spans of it; fewer than
/// two when it has none.
///
/// A user-dictionary word is split as plain IPADIC splits it (`解約金` → `解約` `金`). A long
/// run of katakana is one unknown word for IPADIC (`カスタマーサポート`); like kuromoji's search
/// mode, koe splits off the longest known word at either end (`サポート`) and goes on with the
/// rest while it is long (see [`split_katakana`]).
fn decompose<'c>(
    worker: &mut Worker<'_>,
    cache: &'c mut FxHashMap<String, Vec<(usize, usize)>>,
    word: &str,
    user_word: bool,
) -> &'c [(usize, usize)] {
    if !cache.contains_key(word) {
        let mut parts = Vec::new();
        if user_word {
            parts.extend(
                worker
                    .tokenize(word)
                    .iter()
                    .filter(|part| is_searchable(part.surface(word)))
                    .map(|part| (part.start, part.end)),
            );
        }
        if parts.len() < 2 {
            parts.clear();
            split_katakana(worker, word, 0, &mut parts);
        }
        if parts.len() < 2 {
            parts.clear();
        }
        if cache.len() >= MAX_CACHED_DECOMPOSITIONS {
            cache.clear();
        }
        cache.insert(word.to_owned(), parts);
    }
    cache.get(word).map_or(&[], Vec::as_slice)
}

/// Decompositions kept per worker; unknown katakana words are many, but most repeat.
const MAX_CACHED_DECOMPOSITIONS: usize = 50_000;

/// Katakana words at least this long are split (kuromoji penalizes katakana tokens longer
/// than 7 characters; koe's feedback has many 6-character compounds such as `アプリサポート`).
const MIN_SPLIT_CHARS: usize = 6;

/// Known words at least this long are split off (shorter ones, such as `カス`, are too often
/// parts of other words).
const MIN_PART_CHARS: usize = 3;

/// Whether a token is a katakana word that [`split_katakana`] may split.
fn is_long_katakana(text: &str) -> bool {
    text.chars().count() >= MIN_SPLIT_CHARS
        && text
            .chars()
            .all(|c| matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー'))
}

/// Appends the parts of `word` (at byte `offset` of the whole word) to `parts`: the longest
/// known word of at least [`MIN_PART_CHARS`] at its start or end, then the parts of the rest;
/// `word` itself when it is short or no such word is there.
fn split_katakana(
    worker: &mut Worker<'_>,
    word: &str,
    offset: usize,
    parts: &mut Vec<(usize, usize)>,
) {
    let bounds: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .chain([word.len()])
        .collect();
    let chars = bounds.len() - 1;
    let mut best: Option<(usize, bool)> = None;
    if chars >= MIN_SPLIT_CHARS {
        // Longest first; a prefix wins a tie.
        for length in (MIN_PART_CHARS..=chars - 2).rev() {
            if is_one_known_word(worker, &word[..bounds[length]]) {
                best = Some((length, true));
                break;
            }
            if is_one_known_word(worker, &word[bounds[chars - length]..]) {
                best = Some((length, false));
                break;
            }
        }
    }
    match best {
        None => parts.push((offset, offset + word.len())),
        Some((length, true)) => {
            let cut = bounds[length];
            parts.push((offset, offset + cut));
            split_katakana(worker, &word[cut..], offset + cut, parts);
        }
        Some((length, false)) => {
            let cut = bounds[chars - length];
            split_katakana(worker, &word[..cut], offset, parts);
            parts.push((offset + cut, offset + word.len()));
        }
    }
}

fn is_one_known_word(worker: &mut Worker<'_>, text: &str) -> bool {
    matches!(worker.tokenize(text), [only] if !only.is_unknown() && only.end - only.start == text.len())
}

/// Whether a token is worth indexing: it has a letter, kana, kanji or digit.
fn is_searchable(surface: &str) -> bool {
    surface.chars().any(|c| match c {
        // Hiragana, katakana (with ー) and the common kanji: most of Japanese text.
        '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{4E00}'..='\u{9FFF}' => true,
        c if c.is_ascii() => c.is_ascii_alphanumeric(),
        c => c.is_alphanumeric(),
    })
}

/// The analyzer as a tantivy [`Tokenizer`](tantivy::tokenizer::Tokenizer). It cannot fail:
/// everything that can (compiling the dictionaries) happened when the [`Analyzer`] was built.
pub struct JapaneseTokenizer {
    analyzer: &'static Analyzer,
    state: Option<AnalyzerWorker<'static>>,
    tokens: Vec<TantivyToken>,
}

impl Clone for JapaneseTokenizer {
    /// A clone shares the analyzer but gets its own worker: tantivy clones one per thread.
    fn clone(&self) -> Self {
        self.analyzer.tantivy_tokenizer()
    }
}

impl TantivyTokenizerTrait for JapaneseTokenizer {
    type TokenStream<'a> = JapaneseTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JapaneseTokenStream<'a> {
        let analyzer = self.analyzer;
        let worker = self.state.get_or_insert_with(|| analyzer.worker());
        worker.tantivy_tokens(text, &mut self.tokens);
        JapaneseTokenStream {
            tokens: &mut self.tokens,
            next: 0,
            before_first: TantivyToken::default(),
        }
    }
}

/// Appends `tokens` to `out` in the form [`PreAnalyzedTokenizer`] reads, with their offsets
/// moved by `offset` bytes and their positions by `position`.
///
/// The indexer analyses each row once on its analysis threads (for the classifier and the
/// terms), and tantivy's indexing thread only reads the result back. tantivy's own
/// pre-tokenized values would go through JSON; this is five numbers and the text per token:
/// `position,length,from,to,bytes:text`.
pub fn encode_tokens(tokens: &[TantivyToken], offset: usize, position: usize, out: &mut String) {
    let mut digits = itoa::Buffer::new();
    out.reserve(tokens.iter().map(|t| t.text.len() + 16).sum());
    for token in tokens {
        for (number, end) in [
            (token.position + position, ','),
            (token.position_length, ','),
            (token.offset_from + offset, ','),
            (token.offset_to + offset, ','),
            (token.text.len(), ':'),
        ] {
            out.push_str(digits.format(number));
            out.push(end);
        }
        out.push_str(&token.text);
    }
}

/// Reads back what [`encode_tokens`] wrote, reusing `out` and its strings; stops at the first
/// malformed entry (which the indexer never writes).
fn decode_tokens(text: &str, out: &mut Vec<TantivyToken>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut used = 0;
    'tokens: while at < bytes.len() {
        let mut numbers = [0usize; 5];
        for (i, number) in numbers.iter_mut().enumerate() {
            let end = if i == 4 { b':' } else { b',' };
            let start = at;
            while let Some(&digit) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
                let Some(next) = number
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(usize::from(digit - b'0')))
                else {
                    break 'tokens;
                };
                *number = next;
                at += 1;
            }
            if at == start || bytes.get(at) != Some(&end) {
                break 'tokens;
            }
            at += 1;
        }
        let [position, length, from, to, len] = numbers;
        let Some(word) = at.checked_add(len).and_then(|end| text.get(at..end)) else {
            break;
        };
        set_token(out, &mut used, from, to, position, length, &[word]);
        at += len;
    }
    out.truncate(used);
}

/// The tokenizer of the index writer: reads the tokens [`encode_tokens`] wrote for the
/// `words` field (which is not stored), so that tantivy's indexing thread does not analyse the
/// text a second time. Registered under [`TOKENIZER_NAME`] in the writer's `Index` only;
/// queries are analysed by the same [`Analyzer`] directly.
#[derive(Clone, Default)]
pub struct PreAnalyzedTokenizer {
    tokens: Vec<TantivyToken>,
}

impl TantivyTokenizerTrait for PreAnalyzedTokenizer {
    type TokenStream<'a> = JapaneseTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JapaneseTokenStream<'a> {
        decode_tokens(text, &mut self.tokens);
        JapaneseTokenStream {
            tokens: &mut self.tokens,
            next: 0,
            before_first: TantivyToken::default(),
        }
    }
}

/// The tokens of one text; see [`JapaneseTokenizer`].
pub struct JapaneseTokenStream<'a> {
    tokens: &'a mut [TantivyToken],
    /// One past the current token; 0 before the first `advance`.
    next: usize,
    /// What `token` gives before the first `advance` (tantivy's streams never panic there).
    before_first: TantivyToken,
}

impl TokenStream for JapaneseTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &TantivyToken {
        match self.next.checked_sub(1) {
            Some(current) => &self.tokens[current],
            None => &self.before_first,
        }
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        match self.next.checked_sub(1) {
            Some(current) => &mut self.tokens[current],
            None => &mut self.before_first,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> &'static Analyzer {
        Analyzer::shared(&UserDictionaries::default()).unwrap()
    }

    fn words(text: &str) -> Vec<(String, usize)> {
        analyzer()
            .worker()
            .terms(text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    #[test]
    fn pre_analyzed_tokens_read_back_as_analysed() {
        let text = "ｶｽﾀﾏｰｻﾎﾟｰﾄの対応が遅い, 1,2:3";
        let mut worker = analyzer().worker();
        let mut tokens = Vec::new();
        worker.tantivy_tokens(text, &mut tokens);
        let mut encoded = String::new();
        encode_tokens(&tokens, 0, 0, &mut encoded);
        encode_tokens(&tokens, 100, 50, &mut encoded);
        let mut tokenizer = PreAnalyzedTokenizer::default();
        let mut stream = tokenizer.token_stream(&encoded);
        let mut read = Vec::new();
        while stream.advance() {
            read.push(stream.token().clone());
        }
        assert_eq!(read.len(), 2 * tokens.len());
        assert_eq!(read[..tokens.len()], tokens[..]);
        let moved = &read[tokens.len()];
        assert_eq!(moved.text, tokens[0].text);
        assert_eq!(moved.offset_from, tokens[0].offset_from + 100);
        assert_eq!(moved.position, tokens[0].position + 50);
        // Garbage never panics; it ends the stream.
        for bad in ["", "1,2", "1,1,0,3,99:abc", "x,1,0,3,3:abc", "1,1,0,3,2:あ"] {
            let mut stream = tokenizer.token_stream(bad);
            while stream.advance() {}
        }
    }

    #[test]
    fn punctuation_and_symbols_are_dropped() {
        let texts: Vec<String> = words("高い！！　…。").into_iter().map(|w| w.0).collect();
        assert_eq!(texts, ["高い"]);
    }

    #[test]
    fn compounds_are_kept_whole_and_split() {
        assert_eq!(
            words("解約金を払った"),
            [
                ("解約金".to_owned(), 0),
                ("解約".to_owned(), 0),
                ("金".to_owned(), 1),
                ("を".to_owned(), 2),
                ("払っ".to_owned(), 3),
                ("た".to_owned(), 4),
            ]
        );
    }

    #[test]
    fn long_unknown_katakana_words_are_split_like_kuromoji_search_mode() {
        let terms = analyzer().worker().terms("ｶｽﾀﾏｰｻﾎﾟｰﾄとアプリ");
        let words: Vec<(&str, usize, TermKind)> = terms
            .iter()
            .map(|t| (t.text.as_str(), t.position, t.kind))
            .collect();
        assert_eq!(
            words,
            [
                ("カスタマーサポート", 0, TermKind::Compound { parts: 2 }),
                ("カスタマー", 0, TermKind::Part),
                ("サポート", 1, TermKind::Part),
                ("と", 2, TermKind::Word),
                ("アプリ", 3, TermKind::Word),
            ]
        );
        let text = "ｶｽﾀﾏｰｻﾎﾟｰﾄとアプリ";
        assert_eq!(&text[terms[2].start..terms[2].end], "ｻﾎﾟｰﾄ");
    }

    #[test]
    fn half_width_offsets_point_at_the_original() {
        let text = "ｻﾎﾟｰﾄ、ＯＫ";
        let terms = analyzer().worker().terms(text);
        assert_eq!(terms[0].text, "サポート");
        assert_eq!(&text[terms[0].start..terms[0].end], "ｻﾎﾟｰﾄ");
        assert_eq!(terms[1].text, "ok");
        assert_eq!(&text[terms[1].start..terms[1].end], "ＯＫ");
    }

    #[test]
    fn the_tantivy_adapter_streams_the_terms_and_their_common_grams() {
        let mut tokenizer = analyzer().tantivy_tokenizer();
        let mut stream = tokenizer.token_stream("解約金が高い");
        let mut seen = Vec::new();
        while let Some(token) = stream.next() {
            seen.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        let expected = [
            ("解約金", 0, 0, 9),
            ("解約", 0, 0, 6),
            ("解約金\u{1F}が", 0, 0, 12),
            ("金", 1, 6, 9),
            ("金\u{1F}が", 1, 6, 12),
            ("が", 2, 9, 12),
            ("が\u{1F}高い", 2, 9, 18),
            ("高い", 3, 12, 18),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|&(t, p, s, e)| (t.to_owned(), p, s, e))
            .collect();
        assert_eq!(seen, expected);
        let mut empty = tokenizer.clone();
        assert!(!empty.token_stream("").advance());
    }
}
