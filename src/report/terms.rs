//! Which words characterize a cause this month, and which words are rising: document counts
//! read from the index's postings (the words koe's analyzer indexed), compared with weighted
//! log-odds ([`log_odds_z`]).
//!
//! Every term of the `words` field is read once: its postings give the rows that contain it,
//! and the rows' month slot and cause bits ([`SegmentSlots`]) say which counts to add to. Only
//! content words are kept: the analyzer's common grams, particles and auxiliaries, numbers,
//! symbols, single kana and words IPADIC calls functional (pronouns, suffixes, non-independent
//! nouns and verbs, inflected forms) are dropped.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, SegmentReader};

use crate::index::analyzer::{GRAM_SEPARATOR, is_common_word};
use crate::report::scan::{OUTSIDE, SegmentSlots};
use crate::report::stats::{GroupSizes, WordCounts, log_odds_z};
use crate::text::Worker;

/// A word with its count in the group and its log-odds z-score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermScore {
    /// The word as indexed (normalized).
    pub term: String,
    /// Rows of the group that contain it.
    pub count: u64,
    /// Rows of the comparison group that contain it.
    pub rest_count: u64,
    /// The log-odds z-score, two decimals.
    pub z: f64,
}

/// A word must be in at least this many rows of a cause this month to characterize it.
pub const MIN_CAUSE_TERM_ROWS: u32 = 3;
/// A word must be in at least this many rows this month to be rising.
pub const MIN_RISING_TERM_ROWS: u32 = 5;
/// z-score a rising word must reach (one-sided 5%).
pub const MIN_RISING_Z: f64 = 1.645;
/// Words listed per cause, and rising words listed.
pub const TERMS_SHOWN: usize = 8;

/// Document counts of every kept word: per window month, then per cause in the report month.
pub struct TermCounts {
    months: usize,
    causes: usize,
    /// `counts[m]` rows in window month `m`, `counts[months + c]` rows of cause `c` in the
    /// report month.
    words: HashMap<String, Vec<u32>>,
    /// The same sums over all kept words: the group sizes.
    totals: Vec<u64>,
}

impl TermCounts {
    /// Reads the postings of every term of `field` in every segment (in parallel).
    pub fn read(
        searcher: &Searcher,
        field: tantivy::schema::Field,
        slots: &[SegmentSlots],
        months: usize,
        report: usize,
        causes: usize,
    ) -> tantivy::Result<Self> {
        let parts: Vec<HashMap<String, Vec<u32>>> = searcher
            .segment_readers()
            .par_iter()
            .zip(slots.par_iter())
            .map(|(segment, slots)| {
                read_segment(segment, field, slots, months, report as u8, causes)
            })
            .collect::<tantivy::Result<_>>()?;
        let width = months + causes;
        let mut words: HashMap<String, Vec<u32>> = HashMap::new();
        for part in parts {
            for (word, counts) in part {
                let into = words.entry(word).or_insert_with(|| vec![0; width]);
                for (into, count) in into.iter_mut().zip(counts) {
                    *into += count;
                }
            }
        }
        let mut totals = vec![0u64; width];
        for counts in words.values() {
            for (total, &count) in totals.iter_mut().zip(counts) {
                *total += u64::from(count);
            }
        }
        Ok(Self {
            months,
            causes,
            words,
            totals,
        })
    }

    /// The words most typical of cause `cause` among this month's rows (against this month's
    /// rows without it), best first.
    pub fn characterizing(
        &self,
        worker: &mut Worker<'_>,
        report: usize,
        cause: usize,
    ) -> Vec<TermScore> {
        let column = self.months + cause;
        let group_size = self.totals[column] as f64;
        let month_size = self.totals[report] as f64;
        let sizes = GroupSizes {
            group: group_size,
            rest: month_size - group_size,
            background: self.background_size(),
        };
        self.ranked(
            worker,
            |counts| {
                let group = counts[column];
                (group >= MIN_CAUSE_TERM_ROWS).then(|| {
                    let rest = counts[report] - group;
                    let word = WordCounts {
                        group: f64::from(group),
                        rest: f64::from(rest),
                        background: background(counts, self.months),
                    };
                    (group, rest, log_odds_z(word, sizes))
                })
            },
            0.0,
        )
    }

    /// The words rising fastest: this month's rows against the rows of the window's earlier
    /// months, best first.
    pub fn rising(&self, worker: &mut Worker<'_>, report: usize) -> Vec<TermScore> {
        let month_size = self.totals[report] as f64;
        let earlier_size: f64 = (0..self.months)
            .filter(|&m| m != report)
            .map(|m| self.totals[m] as f64)
            .sum();
        let sizes = GroupSizes {
            group: month_size,
            rest: earlier_size,
            background: self.background_size(),
        };
        self.ranked(
            worker,
            |counts| {
                let group = counts[report];
                (group >= MIN_RISING_TERM_ROWS).then(|| {
                    let rest: u32 = (0..self.months)
                        .filter(|&m| m != report)
                        .map(|m| counts[m])
                        .sum();
                    let word = WordCounts {
                        group: f64::from(group),
                        rest: f64::from(rest),
                        background: background(counts, self.months),
                    };
                    (group, rest, log_odds_z(word, sizes))
                })
            },
            MIN_RISING_Z,
        )
    }

    fn background_size(&self) -> f64 {
        self.totals[..self.months].iter().sum::<u64>() as f64
    }

    /// The [`TERMS_SHOWN`] content words with the highest z above `min_z`; ties by count, then
    /// by word, so that the order never depends on hashing.
    fn ranked(
        &self,
        worker: &mut Worker<'_>,
        score: impl Fn(&[u32]) -> Option<(u32, u32, f64)>,
        min_z: f64,
    ) -> Vec<TermScore> {
        let mut scored: Vec<(&str, u32, u32, f64)> = self
            .words
            .iter()
            .filter_map(|(word, counts)| {
                score(counts).map(|(group, rest, z)| (word.as_str(), group, rest, z))
            })
            .filter(|&(_, _, _, z)| z > min_z)
            .collect();
        scored.sort_by(|a, b| b.3.total_cmp(&a.3).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0)));
        scored
            .into_iter()
            .filter(|(word, ..)| is_content_word(worker, word))
            .take(TERMS_SHOWN)
            .map(|(word, group, rest, z)| TermScore {
                term: word.to_owned(),
                count: u64::from(group),
                rest_count: u64::from(rest),
                z: round2(z),
            })
            .collect()
    }

    /// How many causes the counts have.
    pub fn causes(&self) -> usize {
        self.causes
    }
}

fn background(counts: &[u32], months: usize) -> f64 {
    counts[..months].iter().map(|&c| f64::from(c)).sum()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn read_segment(
    segment: &SegmentReader,
    field: tantivy::schema::Field,
    slots: &SegmentSlots,
    months: usize,
    report: u8,
    causes: usize,
) -> tantivy::Result<HashMap<String, Vec<u32>>> {
    let inverted = segment.inverted_index(field)?;
    let mut stream = inverted.terms().stream()?;
    let width = months + causes;
    let mut counts = vec![0u32; width];
    let mut words = HashMap::new();
    while stream.advance() {
        let Ok(word) = std::str::from_utf8(stream.key()) else {
            continue;
        };
        if !is_candidate(word) {
            continue;
        }
        counts.iter_mut().for_each(|c| *c = 0);
        let mut postings =
            inverted.read_block_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)?;
        loop {
            let docs = postings.docs();
            if docs.is_empty() {
                break;
            }
            for &doc in docs {
                let slot = slots.slot[doc as usize];
                if slot == OUTSIDE {
                    continue;
                }
                counts[slot as usize] += 1;
                if slot == report {
                    let mut bits = slots.bits[doc as usize];
                    while bits != 0 {
                        let bit = bits.trailing_zeros() as usize;
                        if bit < causes {
                            counts[months + bit] += 1;
                        }
                        bits &= bits - 1;
                    }
                }
            }
            postings.advance();
        }
        if counts.iter().any(|&c| c > 0) {
            words.insert(word.to_owned(), counts.clone());
        }
    }
    Ok(words)
}

/// Words that say little about a complaint, beyond the particles of [`is_common_word`].
const STOPWORDS: &[&str] = &[
    "こと",
    "もの",
    "よう",
    "ため",
    "ところ",
    "とき",
    "それ",
    "これ",
    "あれ",
    "どれ",
    "ここ",
    "そこ",
    "方",
    "私",
    "自分",
    "さん",
    "様",
    "的",
    "今",
    "今回",
    "感じ",
    "気",
    "思う",
    "いる",
    "ある",
    "する",
    "なる",
    "できる",
    "いただく",
    "くださる",
    "おる",
    "ござる",
    "いう",
    "いい",
    "よい",
    "ない",
    "れる",
    "られる",
];

/// A cheap first filter on the indexed form: no common gram, no number or symbol, no single
/// character, no particle.
fn is_candidate(word: &str) -> bool {
    if word.contains(GRAM_SEPARATOR) || is_common_word(word) || STOPWORDS.contains(&word) {
        return false;
    }
    // One character: mostly the parts of split compounds (解約金 → 金), which say little
    // on their own.
    if word.chars().nth(1).is_none() || word.contains('@') {
        return false;
    }
    word.chars().any(|c| {
        matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}')
            || c.is_ascii_alphabetic()
    })
}

/// Whether IPADIC sees `word` as a content word in its dictionary form: a noun (not a
/// pronoun, number, suffix or non-independent noun), or an independent verb or adjective
/// written in its base form. Words it does not know (new katakana words, compounds of the
/// user dictionary) are content words.
fn is_content_word(worker: &mut Worker<'_>, word: &str) -> bool {
    let tokenizer = worker.tokenizer();
    let tokens = worker.tokenize(word).to_vec();
    match tokens.as_slice() {
        [] => false,
        [token] => {
            if token.is_unknown() || token.is_user_word() {
                return true;
            }
            let features = tokenizer.features(token, word);
            let (pos, sub) = (features.part_of_speech(), features.subcategory());
            match pos {
                "名詞" => !matches!(sub, "代名詞" | "数" | "接尾" | "非自立" | "特殊"),
                "動詞" | "形容詞" => {
                    sub == "自立"
                        && features.base_form() == word
                        && !STOPWORDS.contains(&features.base_form())
                }
                _ => false,
            }
        }
        // A compound the analyzer kept whole (a user-dictionary word, a long katakana word).
        _ => tokens.iter().all(|token| {
            let features = tokenizer.features(token, word);
            token.is_unknown() || token.is_user_word() || features.part_of_speech() == "名詞"
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Tokenizer, UserDictionaries};

    #[test]
    fn only_content_words_are_kept() {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let mut worker = tokenizer.worker();
        for word in ["値上げ", "ログイン", "高い", "しつこい", "解約金", "送料"] {
            assert!(
                is_candidate(word) && is_content_word(&mut worker, word),
                "{word}"
            );
        }
        for word in [
            "が",
            "ます",
            "こと",
            "ア",
            "金",
            "3,980",
            "高く",
            "払っ",
            "a@b",
            "対応\u{1F}が",
        ] {
            assert!(
                !is_candidate(word) || !is_content_word(&mut worker, word),
                "{word}"
            );
        }
    }
}
