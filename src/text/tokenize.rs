//! Japanese tokenization: IPADIC through lindera's Viterbi lattice, MeCab-compatible.
//!
//! A [`Tokenizer`] is built once (dictionary, user dictionary) and shared read-only between
//! threads; each thread tokenizes through its own [`Worker`], which reuses the lattice and
//! the output buffers. Tokens are byte spans of the input plus a word id; their IPADIC features
//! (part of speech, base form, reading) are looked up only when asked for.
//!
//! koe drives the lattice itself rather than through `lindera::Segmenter` so that it behaves
//! like MeCab, the reference analysts know: a line is one lattice (the segmenter also cuts at
//! `、` and `。`), and half-width spaces are skipped the way MeCab skips them — they separate
//! tokens but never become one. Very long lines are cut at sentence ends (or, failing that,
//! after [`MAX_CHUNK_CHARS`] characters), so no input can exhaust the lattice.
//!
//! ```
//! use koe::text::{Tokenizer, UserDictionaries};
//! let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
//! let mut worker = tokenizer.worker();
//! let text = "カスタマーサポートの対応が遅い";
//! let surfaces: Vec<&str> = worker.tokenize(text).iter().map(|t| t.surface(text)).collect();
//! assert_eq!(surfaces, ["カスタマーサポート", "の", "対応", "が", "遅い"]);
//! ```

use std::sync::Mutex;

use lindera_dictionary::dictionary::{Dictionary, UserDictionary};
use lindera_dictionary::mode::Mode;
use lindera_dictionary::viterbi::{Lattice, LatticeOptions, WordId};
use rustc_hash::FxHashMap;

use crate::text::TextError;
use crate::text::dictionary::{UserDictionaries, system_dictionary};

/// Longest piece of text, in characters, given to the lattice at once. Lines longer than this
/// are cut at a sentence end when there is one in the last quarter of the window.
pub const MAX_CHUNK_CHARS: usize = 8 * 1024;

/// Number of IPADIC feature columns (part of speech ... pronunciation).
pub const FEATURE_COUNT: usize = 9;

/// One token: a byte span of the text it came from and the dictionary word it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte of the token in the tokenized text.
    pub start: usize,
    /// Byte offset just past the token.
    pub end: usize,
    word: WordId,
}

impl Token {
    /// The token's text.
    pub fn surface<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// Whether the token is not in any dictionary (grouped by character class).
    pub fn is_unknown(&self) -> bool {
        self.word.is_unknown()
    }

    /// Whether the token comes from a user dictionary.
    pub fn is_user_word(&self) -> bool {
        !self.word.is_system() && !self.word.is_unknown()
    }
}

/// IPADIC features of a token, in MeCab's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features<'a> {
    fields: [&'a str; FEATURE_COUNT],
    /// How many fields the dictionary gave (IPADIC's unknown words have 7); the rest are `*`.
    len: usize,
    base_form_fallback: Option<&'a str>,
}

impl<'a> Features<'a> {
    /// Part of speech (`名詞`, `動詞`, `助動詞`, ...).
    pub fn part_of_speech(&self) -> &'a str {
        self.fields[0]
    }

    /// First part-of-speech subcategory (`一般`, `自立`, `サ変接続`, ...).
    pub fn subcategory(&self) -> &'a str {
        self.fields[1]
    }

    /// Dictionary (base) form: `高かっ` → `高い`. For words without one (unknown words, simple
    /// user-dictionary entries) this is the surface.
    pub fn base_form(&self) -> &'a str {
        match (self.fields[6], self.base_form_fallback) {
            ("*", Some(surface)) => surface,
            (base, _) => base,
        }
    }

    /// The nine feature columns, padded with `*`.
    pub fn fields(&self) -> &[&'a str; FEATURE_COUNT] {
        &self.fields
    }

    /// How many feature columns the dictionary has for this word: MeCab prints that many.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the dictionary has no features for this word.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A configured tokenizer: the dictionaries, shared read-only between threads.
#[derive(Clone)]
pub struct Tokenizer {
    dictionary: Dictionary,
    user_dictionary: Option<UserDictionary>,
    mode: Mode,
}

impl Tokenizer {
    /// Builds a tokenizer over the embedded IPADIC and the chosen user dictionaries.
    pub fn new(user_dictionaries: &UserDictionaries) -> Result<Self, TextError> {
        let dictionary = system_dictionary()?;
        let user_dictionary = user_dictionaries.compile(&dictionary)?;
        Ok(Self {
            dictionary,
            user_dictionary,
            mode: Mode::Normal,
        })
    }

    /// A per-thread worker that reuses its buffers.
    pub fn worker(&self) -> Worker<'_> {
        Worker {
            tokenizer: self,
            lattice: Lattice::default(),
            offsets: Vec::new(),
            tokens: Vec::new(),
            squeezed: String::new(),
            squeezed_to_text: Vec::new(),
            details: Mutex::default(),
        }
    }

    /// The IPADIC features of `token`, which must come from this tokenizer; `text` is the text
    /// it was tokenized from.
    pub fn features<'a>(&'a self, token: &Token, text: &'a str) -> Features<'a> {
        let (fields, len) = self.details(token);
        Features {
            fields,
            len,
            base_form_fallback: base_form_fallback(token, text),
        }
    }

    /// The dictionary's feature columns of `token`'s word, and how many there are.
    fn details(&self, token: &Token) -> ([&str; FEATURE_COUNT], usize) {
        let id = token.word.id() as usize;
        let mut fields = ["*"; FEATURE_COUNT];
        let mut len = 0;
        if token.word.is_unknown() {
            len = fill(&mut fields, self.dictionary.unknown_word_details_iter(id));
        } else if token.word.is_system() {
            len = fill(&mut fields, self.dictionary.word_details_iter(id));
        } else if let Some(user) = &self.user_dictionary {
            len = fill(&mut fields, user.word_details_iter(id));
        }
        (fields, len)
    }
}

/// The base form of words whose entries may have none: unknown words and user-dictionary
/// words stand for themselves.
fn base_form_fallback<'a>(token: &Token, text: &'a str) -> Option<&'a str> {
    (token.word.is_unknown() || !token.word.is_system()).then(|| token.surface(text))
}

/// The feature columns of the words a [`Worker`] has looked up: reading them from the
/// dictionary means parsing its CSV-like entries, and feedback repeats its words.
type DetailsCache<'t> = Mutex<FxHashMap<(u8, u32), ([&'t str; FEATURE_COUNT], usize)>>;

/// Words whose features a worker keeps; a bound for pathological inputs.
const MAX_CACHED_WORDS: usize = 1 << 18;

/// Copies dictionary features into `fields`, returning how many there were.
fn fill<'a>(fields: &mut [&'a str; FEATURE_COUNT], values: impl Iterator<Item = &'a str>) -> usize {
    let mut len = 0;
    for (slot, value) in fields.iter_mut().zip(values) {
        *slot = value;
        len += 1;
    }
    len
}

/// Per-thread tokenization state; see [`Tokenizer::worker`].
pub struct Worker<'t> {
    tokenizer: &'t Tokenizer,
    lattice: Lattice,
    offsets: Vec<(usize, WordId)>,
    tokens: Vec<Token>,
    /// The lattice input for the current chunk when it differs from the chunk, and for each of
    /// its bytes the offset in the chunk (see [`Worker::rewrite`]).
    squeezed: String,
    squeezed_to_text: Vec<usize>,
    details: DetailsCache<'t>,
}

impl<'t> Worker<'t> {
    /// The tokenizer this worker belongs to.
    pub fn tokenizer(&self) -> &'t Tokenizer {
        self.tokenizer
    }

    /// [`Tokenizer::features`], remembering each word's features for the next time.
    pub fn features<'a>(&self, token: &Token, text: &'a str) -> Features<'a>
    where
        't: 'a,
    {
        let word = &token.word;
        let kind = if word.is_unknown() {
            0
        } else if word.is_system() {
            1
        } else {
            2
        };
        let key = (kind, word.id());
        // One thread uses a worker at a time (tantivy wants tokenizers `Sync`): the lock is
        // never contended.
        let mut cache = self
            .details
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (fields, len) = match cache.get(&key) {
            Some(&found) => found,
            None => {
                let found = self.tokenizer.details(token);
                if cache.len() >= MAX_CACHED_WORDS {
                    cache.clear();
                }
                cache.insert(key, found);
                found
            }
        };
        Features {
            fields,
            len,
            base_form_fallback: base_form_fallback(token, text),
        }
    }

    /// The tokens of the last [`tokenize`](Self::tokenize).
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Tokenizes `text`. The returned slice is valid until the next call.
    pub fn tokenize(&mut self, text: &str) -> &[Token] {
        self.tokens.clear();
        for (start, end) in chunks(text) {
            self.tokenize_chunk(text, start, end);
        }
        &self.tokens
    }

    fn tokenize_chunk(&mut self, text: &str, start: usize, end: usize) {
        let chunk = &text[start..end];
        let rewritten = needs_rewrite(chunk);
        if rewritten {
            self.rewrite(chunk);
        }
        let input = if rewritten {
            self.squeezed.as_str()
        } else {
            chunk
        };
        if input.is_empty() {
            return;
        }
        let tokenizer = self.tokenizer;
        let dictionary = &tokenizer.dictionary;
        let user = tokenizer.user_dictionary.as_ref().map(|user| &user.dict);
        self.lattice.set_text_with_options(
            &dictionary.prefix_dictionary,
            &user,
            &dictionary.character_definition,
            &dictionary.unknown_dictionary,
            &dictionary.connection_cost_matrix,
            input,
            &LatticeOptions::new(&tokenizer.mode),
        );
        self.lattice.tokens_offset_into(&mut self.offsets);
        let len = input.len();
        for (i, &(token_start, word)) in self.offsets.iter().enumerate() {
            let token_end = self.offsets.get(i + 1).map_or(len, |&(next, _)| next);
            let (token_start, token_end) = if rewritten {
                (
                    self.squeezed_to_text[token_start],
                    self.squeezed_to_text[token_end - 1] + 1,
                )
            } else {
                (token_start, token_end)
            };
            self.tokens.push(Token {
                start: start + token_start,
                end: start + token_end,
                word,
            });
        }
    }

    /// Writes the lattice input for `chunk` into `self.squeezed`: without the half-width
    /// spaces, which MeCab skips between tokens rather than making them tokens (so the words
    /// on either side connect to each other), and with the full-width space replaced by its
    /// stand-in. `self.squeezed_to_text` maps each byte back to `chunk`.
    fn rewrite(&mut self, chunk: &str) {
        self.squeezed.clear();
        self.squeezed_to_text.clear();
        for (i, c) in chunk.char_indices() {
            if c.is_ascii() && is_skipped_space(c as u8) {
                continue;
            }
            let c = if c == FULL_WIDTH_SPACE {
                FULL_WIDTH_SPACE_STAND_IN
            } else {
                c
            };
            self.squeezed.push(c);
            self.squeezed_to_text.extend(i..i + c.len_utf8());
        }
    }
}

/// The full-width space U+3000, which IPADIC lists as 記号,空白.
const FULL_WIDTH_SPACE: char = '\u{3000}';

/// The private-use character the compiled dictionary files the full-width space under, because
/// lindera's builder trims surfaces (see build.rs, which must use the same character). Same
/// UTF-8 length as U+3000, so byte offsets carry over.
const FULL_WIDTH_SPACE_STAND_IN: char = '\u{E000}';

/// Whether the lattice input for `chunk` differs from it (see [`Worker::rewrite`]).
fn needs_rewrite(chunk: &str) -> bool {
    chunk.bytes().any(is_skipped_space) || chunk.contains(FULL_WIDTH_SPACE)
}

/// Whitespace that MeCab's IPADIC (`char.def` SPACE) skips: space, tab and the ASCII
/// line-breaking controls. The full-width space U+3000 is a symbol in IPADIC and stays.
fn is_skipped_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Splits `text` into the pieces given to the lattice: lines, and pieces of at most
/// [`MAX_CHUNK_CHARS`] characters of a longer line, cut after a sentence end when possible.
fn chunks(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let end = start + cut_point(&rest[..line_end]);
        let chunk = (start, end);
        start = end;
        Some(chunk)
    })
}

/// Byte length of the first chunk of `line` (see [`chunks`]).
fn cut_point(line: &str) -> usize {
    let Some((limit, _)) = line.char_indices().nth(MAX_CHUNK_CHARS) else {
        return line.len();
    };
    let window = &line[..limit];
    let floor = limit - limit / 4;
    window
        .char_indices()
        .rev()
        .take_while(|&(i, _)| i >= floor)
        .find(|&(_, c)| matches!(c, '。' | '！' | '？' | '!' | '?' | '．' | ' ' | '　'))
        .map_or(limit, |(i, c)| i + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wakati(tokenizer: &Tokenizer, text: &str) -> Vec<String> {
        let mut worker = tokenizer.worker();
        worker
            .tokenize(text)
            .iter()
            .map(|t| t.surface(text).to_owned())
            .collect()
    }

    fn plain() -> Tokenizer {
        Tokenizer::new(&UserDictionaries::none()).unwrap()
    }

    #[test]
    fn tokenizes_like_mecab() {
        assert_eq!(
            wakati(&plain(), "すもももももももものうち"),
            ["すもも", "も", "もも", "も", "もも", "の", "うち"]
        );
    }

    #[test]
    fn spaces_separate_tokens_but_are_not_tokens() {
        let tokenizer = plain();
        let text = "料金が 高い\t です";
        let tokens = wakati(&tokenizer, text);
        assert_eq!(tokens, ["料金", "が", "高い", "です"]);
        let mut worker = tokenizer.worker();
        let spans: Vec<_> = worker
            .tokenize(text)
            .iter()
            .map(|t| (t.start, t.end))
            .collect();
        assert_eq!(spans[2], (10, 16));
    }

    #[test]
    fn the_full_width_space_is_a_symbol_token_as_in_mecab() {
        let tokenizer = plain();
        let text = "はい！\u{3000}（しかし";
        assert_eq!(
            wakati(&tokenizer, text),
            ["はい", "！", "\u{3000}", "（", "しかし"]
        );
        let mut worker = tokenizer.worker();
        let tokens = worker.tokenize(text).to_vec();
        let features = tokenizer.features(&tokens[2], text);
        assert_eq!(features.fields()[..2], ["記号", "空白"]);
    }

    #[test]
    fn dashes_and_wave_dashes_are_decoded_as_mecab_does() {
        // IPADIC's EUC-JP 0xA1BD and 0xA1C1 are U+2015 and U+301C in mecab-ipadic-utf8.
        let tokenizer = plain();
        let text = "。――阿部〜";
        assert_eq!(wakati(&tokenizer, text), ["。", "――", "阿部", "〜"]);
        let mut worker = tokenizer.worker();
        let tokens = worker.tokenize(text).to_vec();
        assert_eq!(
            tokenizer.features(&tokens[3], text).part_of_speech(),
            "記号"
        );
    }

    #[test]
    fn empty_and_blank_input_give_no_tokens() {
        assert!(wakati(&plain(), "").is_empty());
        assert!(wakati(&plain(), "   \n\t").is_empty());
    }

    #[test]
    fn a_huge_line_is_cut_and_every_byte_is_covered() {
        let text = "料金が高い".repeat(5_000);
        let tokenizer = plain();
        let mut worker = tokenizer.worker();
        let tokens = worker.tokenize(&text);
        assert_eq!(tokens.first().unwrap().start, 0);
        assert_eq!(tokens.last().unwrap().end, text.len());
        for pair in tokens.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
    }

    #[test]
    fn features_give_part_of_speech_and_base_form() {
        let tokenizer = plain();
        let text = "高かった";
        let mut worker = tokenizer.worker();
        let tokens = worker.tokenize(text).to_vec();
        let features = tokenizer.features(&tokens[0], text);
        assert_eq!(features.part_of_speech(), "形容詞");
        assert_eq!(features.base_form(), "高い");
    }

    #[test]
    fn the_user_dictionary_keeps_domain_words_whole() {
        let text = "コールセンターに解約金を請求された";
        assert_eq!(
            wakati(&plain(), text),
            [
                "コール",
                "センター",
                "に",
                "解約",
                "金",
                "を",
                "請求",
                "さ",
                "れ",
                "た"
            ]
        );
        let with_user = Tokenizer::new(&UserDictionaries::default()).unwrap();
        assert_eq!(
            wakati(&with_user, text),
            [
                "コールセンター",
                "に",
                "解約金",
                "を",
                "請求",
                "さ",
                "れ",
                "た"
            ]
        );
        let mut worker = with_user.worker();
        let tokens = worker.tokenize(text).to_vec();
        assert!(tokens[0].is_user_word());
        assert_eq!(
            with_user.features(&tokens[0], text).base_form(),
            "コールセンター"
        );
    }
}
