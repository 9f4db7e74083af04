//! Keyword-in-context snippets: a window of what the customer wrote around the first match,
//! with every matched word or phrase marked.
//!
//! The text is analysed again with the index's analyzer, whose offsets point into the original
//! text, so the marks fall on exactly what was written (`ｻﾎﾟｰﾄ` for the query `サポート`, `解約`
//! inside `解約金`).

use std::collections::HashMap;
use std::ops::Range;

use crate::index::{AnalyzerWorker, Term};

/// What a query looks for, to mark in a snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    /// An analysed word.
    Term(String),
    /// Analysed words at relative positions.
    Phrase(Vec<(usize, String)>),
}

/// A fragment of a row's text with the matches marked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The fragment, line breaks turned into spaces, `…` where text was cut.
    pub text: String,
    /// Byte ranges of `text` to highlight, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The highlights as character offsets (what JSON output reports).
    pub fn highlights_in_chars(&self) -> Vec<(usize, usize)> {
        self.highlights
            .iter()
            .map(|range| {
                let start = self.text[..range.start].chars().count();
                (start, start + self.text[range.clone()].chars().count())
            })
            .collect()
    }

    /// The fragment with each highlight wrapped in `before` and `after`.
    pub fn marked(&self, before: &str, after: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + self.highlights.len() * 8);
        let mut last = 0;
        for range in &self.highlights {
            out.push_str(&self.text[last..range.start]);
            out.push_str(before);
            out.push_str(&self.text[range.clone()]);
            out.push_str(after);
            last = range.end;
        }
        out.push_str(&self.text[last..]);
        out
    }
}

/// The snippet of `text` for `matchers`, at most `max_chars` characters of text (plus `…`).
pub fn snippet(
    worker: &mut AnalyzerWorker<'_>,
    text: &str,
    matchers: &[Matcher],
    max_chars: usize,
) -> Snippet {
    let matches = if matchers.is_empty() {
        Vec::new()
    } else {
        find_matches(&worker.terms(text), matchers)
    };
    window(text, &matches, max_chars.max(1))
}

/// Byte ranges of `text` (sorted, merged) where the matchers match.
fn find_matches(terms: &[Term], matchers: &[Matcher]) -> Vec<Range<usize>> {
    let mut at_position: HashMap<usize, Vec<&Term>> = HashMap::new();
    for term in terms {
        at_position.entry(term.position).or_default().push(term);
    }
    let mut ranges = Vec::new();
    for matcher in matchers {
        match matcher {
            Matcher::Term(word) => {
                ranges.extend(
                    terms
                        .iter()
                        .filter(|t| &t.text == word)
                        .map(|t| t.start..t.end),
                );
            }
            Matcher::Phrase(words) => {
                let Some((first_offset, first_word)) = words.first() else {
                    continue;
                };
                for candidate in terms.iter().filter(|t| &t.text == first_word) {
                    let Some(base) = candidate.position.checked_sub(*first_offset) else {
                        continue;
                    };
                    let mut span = candidate.start..candidate.end;
                    let all = words.iter().all(|(offset, word)| {
                        let found = at_position
                            .get(&(base + offset))
                            .and_then(|here| here.iter().find(|t| &t.text == word));
                        if let Some(term) = found {
                            span.start = span.start.min(term.start);
                            span.end = span.end.max(term.end);
                        }
                        found.is_some()
                    });
                    if all {
                        ranges.push(span);
                    }
                }
            }
        }
    }
    ranges.sort_by_key(|range| (range.start, range.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// Cuts the window around the first match (a quarter of it before the match) and moves the
/// matches into it.
fn window(text: &str, matches: &[Range<usize>], max_chars: usize) -> Snippet {
    // Byte offset of each character, and the end.
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = bounds.len() - 1;
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
    let (from, to) = if chars <= max_chars {
        (0, chars)
    } else {
        let anchor = matches.first().map_or(0, |first| char_at(first.start));
        let from = anchor.saturating_sub(max_chars / 4);
        let to = (from + max_chars).min(chars);
        (to.saturating_sub(max_chars), to)
    };
    let (byte_from, byte_to) = (bounds[from], bounds[to]);
    let mut snippet = Snippet::default();
    if from > 0 {
        snippet.text.push('…');
    }
    let shift = snippet.text.len();
    // Line breaks and tabs become spaces: one byte each way, so offsets stay.
    snippet.text.extend(
        text[byte_from..byte_to]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c }),
    );
    for range in matches {
        let (start, end) = (range.start.max(byte_from), range.end.min(byte_to));
        if start < end {
            snippet
                .highlights
                .push(start - byte_from + shift..end - byte_from + shift);
        }
    }
    if to < chars {
        snippet.text.push('…');
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Analyzer;
    use crate::text::UserDictionaries;

    fn snip(text: &str, matchers: &[Matcher], max: usize) -> String {
        let analyzer = Analyzer::shared(&UserDictionaries::default()).unwrap();
        snippet(&mut analyzer.worker(), text, matchers, max).marked("[", "]")
    }

    #[test]
    fn marks_what_was_written() {
        let found = snip("ｻﾎﾟｰﾄの対応が遅い", &[Matcher::Term("サポート".into())], 50);
        assert_eq!(found, "[ｻﾎﾟｰﾄ]の対応が遅い");
        let part = snip("解約金が高い", &[Matcher::Term("解約".into())], 50);
        assert_eq!(part, "[解約]金が高い");
    }

    #[test]
    fn phrases_are_marked_only_where_they_occur_in_order() {
        let phrase = Matcher::Phrase(vec![(0, "解約金".into()), (2, "を".into())]);
        let found = snip("解約金を払うのを拒否", &[phrase], 50);
        assert_eq!(found, "[解約金を]払うのを拒否");
    }

    #[test]
    fn long_text_is_cut_around_the_first_match() {
        let text = format!("{}解約{}", "あ".repeat(30), "い".repeat(30));
        let found = snip(&text, &[Matcher::Term("解約".into())], 20);
        assert_eq!(
            found,
            format!("…{}[解約]{}…", "あ".repeat(5), "い".repeat(13))
        );
    }

    #[test]
    fn line_breaks_become_spaces_and_no_match_gives_the_start() {
        assert_eq!(snip("高い\n\n遅い", &[], 50), "高い  遅い");
        assert_eq!(snip("料金がとても高い", &[], 4), "料金がと…");
    }
}
