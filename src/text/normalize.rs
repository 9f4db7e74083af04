//! Normalization of Japanese feedback text for search and classification, with an offset map
//! back to what the customer wrote.
//!
//! Customers write the same word in many shapes: half-width ｶﾀｶﾅ, full-width ＡＢＣ１２３,
//! `サ－ビス` with a full-width minus for the long vowel, `すご〜い`, `いすゞ`. [`normalize`]
//! folds them into one shape so that rules, the model and the index see one word:
//!
//! 1. NFKC (half-width kana → full-width, full-width Latin and digits → ASCII, ㈱ → (株), ...);
//! 2. a dash, minus, tilde or wave dash right after a kana is the long-vowel mark `ー`
//!    (`サ－ビス` → `サービス`, `すご〜い` → `すごーい`), and a run of `ー` becomes one;
//! 3. the kana iteration marks ゝゞヽヾ are spelled out (`いすゞ` → `いすず`);
//!    `々` is left alone: IPADIC lists words such as 人々 and 時々 with it;
//! 4. Latin letters are lower-cased.
//!
//! Every step works on *clusters* — a character and the combining marks that follow it
//! (`ｶﾞ` is one cluster) — so each piece of output text comes from one known span of the
//! input, and [`Normalized::to_original`] maps any span of the normalized text back.
//!
//! ```
//! let n = koe::text::normalize("ｻｰﾋﾞｽのＵＲＬがわからな〜い");
//! assert_eq!(n.as_str(), "サービスのurlがわからなーい");
//! // "url" in the normalized text is "ＵＲＬ" in the original.
//! let (start, end) = n.to_original(n.as_str().find("url").unwrap(), n.as_str().find("が").unwrap());
//! assert_eq!(&n.original()[start..end], "ＵＲＬ");
//! ```

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Text after normalization, with the map back to the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized<'a> {
    original: &'a str,
    text: String,
    /// One `(normalized_start, original_start)` pair per output cluster, in order, plus a
    /// final `(text.len(), original.len())` sentinel. All offsets are byte offsets.
    spans: Vec<(usize, usize)>,
}

impl<'a> Normalized<'a> {
    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text as the customer wrote it.
    pub fn original(&self) -> &'a str {
        self.original
    }

    /// Maps the byte span `start..end` of the normalized text to the byte span of the original
    /// text it came from. Spans inside one cluster widen to the whole cluster: the original
    /// `ｶﾞ` is both bytes of the normalized `ガ`.
    pub fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        let end = end.max(start);
        // The cluster containing `start`: the last one beginning at or before it.
        let first = self.spans.partition_point(|&(norm, _)| norm <= start);
        let orig_start = self.spans[first.saturating_sub(1)].1;
        // The first cluster boundary at or after `end`.
        let last = self.spans.partition_point(|&(norm, _)| norm < end);
        let orig_end = self.spans[last.min(self.spans.len() - 1)].1;
        (orig_start, orig_end.max(orig_start))
    }

    /// Consumes the value, returning the normalized text.
    pub fn into_string(self) -> String {
        self.text
    }
}

/// Normalizes `text` for search and classification (see the module documentation).
pub fn normalize(text: &str) -> Normalized<'_> {
    let mut out = Normalized {
        original: text,
        text: String::with_capacity(text.len()),
        spans: Vec::with_capacity(text.len() / 2 + 1),
    };
    let mut scratch = String::new();
    let mut rest = text;
    let mut offset = 0;
    while !rest.is_empty() {
        let len = cluster_len(rest);
        let cluster = &rest[..len];
        fold_cluster(cluster, &mut scratch);
        push_cluster(&mut out, &scratch, offset);
        offset += len;
        rest = &rest[len..];
    }
    out.spans.push((out.text.len(), text.len()));
    out
}

/// Byte length of the cluster at the start of `text`: one character and any combining marks
/// (including the half-width voiced marks ﾞ ﾟ) that follow it.
fn cluster_len(text: &str) -> usize {
    let mut chars = text.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    let mut len = first.len_utf8();
    if first.is_ascii() {
        return len;
    }
    for (index, c) in chars {
        if !is_combining(c) {
            return index;
        }
        len = index + c.len_utf8();
    }
    len
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{3099}' | '\u{309A}')
        || (!c.is_ascii() && canonical_combining_class(c) != 0)
}

/// Writes the NFKC form of one cluster, lower-cased, into `scratch`.
fn fold_cluster(cluster: &str, scratch: &mut String) {
    scratch.clear();
    let mut chars = cluster.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && is_nfkc_stable(c)
    {
        scratch.push(c.to_ascii_lowercase());
        return;
    }
    for c in cluster.nfkc() {
        if c.is_uppercase() {
            scratch.extend(c.to_lowercase());
        } else {
            scratch.push(c);
        }
    }
}

/// Characters that NFKC leaves alone and that have no case: most of a Japanese text.
fn is_nfkc_stable(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{009F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{30FC}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{3001}'..='\u{3002}'
        | '\u{300C}'..='\u{300F}')
}

/// Appends one folded cluster that began at `orig_offset` in the original text, applying the
/// long-vowel and iteration-mark rules, which look at the text before it.
fn push_cluster(out: &mut Normalized<'_>, folded: &str, orig_offset: usize) {
    let previous = out.text.chars().next_back();
    let mut single = folded.chars();
    let only = match (single.next(), single.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    let replacement = match (only, previous) {
        (Some(c), Some(p)) if is_long_vowel_like(c) && is_kana(p) => Some('ー'),
        (Some(c), Some(p)) if matches!(c, 'ゝ' | 'ヽ') && is_kana(p) => Some(p),
        (Some(c), Some(p)) if matches!(c, 'ゞ' | 'ヾ') && is_kana(p) => Some(voiced(p)),
        _ => None,
    };
    match replacement {
        // A run of long-vowel marks is one mark: the cluster joins the previous one.
        Some('ー') if previous == Some('ー') => {}
        Some(c) => {
            out.spans.push((out.text.len(), orig_offset));
            out.text.push(c);
        }
        None => {
            out.spans.push((out.text.len(), orig_offset));
            out.text.push_str(folded);
        }
    }
}

/// Characters customers type for the long-vowel mark `ー`, after NFKC.
fn is_long_vowel_like(c: char) -> bool {
    matches!(
        c,
        'ー' | '-' | '~' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{2500}'
                | '\u{2501}'
                | '\u{301C}'
                | '\u{3030}'
                | '\u{223C}'
                | '\u{223E}'
    )
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー')
}

/// The voiced form of a kana (か → が), or the kana itself when it has none.
fn voiced(c: char) -> char {
    let voiceable = matches!(
        c,
        'か' | 'き'
            | 'く'
            | 'け'
            | 'こ'
            | 'さ'
            | 'し'
            | 'す'
            | 'せ'
            | 'そ'
            | 'た'
            | 'ち'
            | 'つ'
            | 'て'
            | 'と'
            | 'は'
            | 'ひ'
            | 'ふ'
            | 'へ'
            | 'ほ'
            | 'カ'
            | 'キ'
            | 'ク'
            | 'ケ'
            | 'コ'
            | 'サ'
            | 'シ'
            | 'ス'
            | 'セ'
            | 'ソ'
            | 'タ'
            | 'チ'
            | 'ツ'
            | 'テ'
            | 'ト'
            | 'ハ'
            | 'ヒ'
            | 'フ'
            | 'ヘ'
            | 'ホ'
    );
    if voiceable {
        char::from_u32(c as u32 + 1).unwrap_or(c)
    } else {
        c
    }
}

/// Converts a byte offset of `text` to a character offset (what JSON evidence reports).
pub fn char_offset(text: &str, byte_offset: usize) -> usize {
    text[..floor_char_boundary(text, byte_offset.min(text.len()))]
        .chars()
        .count()
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        normalize(text).into_string()
    }

    #[test]
    fn half_width_katakana_becomes_full_width() {
        assert_eq!(norm("ｶｽﾀﾏｰｻﾎﾟｰﾄ"), "カスタマーサポート");
        assert_eq!(norm("ﾊﾟﾊﾟ"), "パパ");
    }

    #[test]
    fn full_width_latin_and_digits_become_ascii_lower_case() {
        assert_eq!(norm("ＡＢＣ１２３"), "abc123");
        assert_eq!(norm("iPhone"), "iphone");
    }

    #[test]
    fn dashes_and_tildes_after_kana_are_long_vowels() {
        assert_eq!(norm("サ－ビス"), "サービス");
        assert_eq!(norm("サ―ビス"), "サービス");
        assert_eq!(norm("すご〜い"), "すごーい");
        assert_eq!(norm("すご～～～い"), "すごーい");
        assert_eq!(norm("ヤバーーー"), "ヤバー");
        // Not after kana: a range stays a range.
        assert_eq!(norm("10〜20"), "10〜20");
        assert_eq!(norm("1～2"), "1~2");
    }

    #[test]
    fn kana_iteration_marks_are_spelled_out() {
        assert_eq!(norm("いすゞ"), "いすず");
        assert_eq!(norm("こゝろ"), "こころ");
        assert_eq!(norm("人々"), "人々");
    }

    #[test]
    fn offsets_map_back_to_what_was_written() {
        let text = "ｻﾎﾟｰﾄの対応が〜〜最悪";
        let n = normalize(text);
        assert_eq!(n.as_str(), "サポートの対応がー最悪");
        let start = n.as_str().find("サポート").unwrap();
        let (a, b) = n.to_original(start, start + "サポート".len());
        assert_eq!(&text[a..b], "ｻﾎﾟｰﾄ");
        let start = n.as_str().find("ー最悪").unwrap();
        let (a, b) = n.to_original(start, start + "ー".len());
        assert_eq!(&text[a..b], "〜〜");
        let (a, b) = n.to_original(0, n.as_str().len());
        assert_eq!(&text[a..b], text);
    }

    #[test]
    fn a_span_inside_a_cluster_widens_to_the_cluster() {
        let text = "ｶﾞ";
        let n = normalize(text);
        assert_eq!(n.as_str(), "ガ");
        assert_eq!(n.to_original(1, 2), (0, text.len()));
    }

    #[test]
    fn empty_and_control_text_do_not_panic() {
        assert_eq!(norm(""), "");
        assert_eq!(normalize("").to_original(0, 0), (0, 0));
        assert_eq!(norm("a\u{0000}b\tc"), "a\u{0000}b\tc");
        let lone_mark = normalize("\u{FF9E}x");
        assert_eq!(lone_mark.to_original(0, lone_mark.as_str().len()), (0, 4));
    }

    #[test]
    fn char_offsets_count_characters() {
        assert_eq!(char_offset("値上げが", 6), 2);
        assert_eq!(char_offset("値上げが", 7), 2);
        assert_eq!(char_offset("値上げが", 100), 4);
    }
}
