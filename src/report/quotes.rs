//! Representative quotes: for each cause, the most confident rows of the month, near
//! duplicates left out, different channels preferred, personal data masked, long texts cut.
//!
//! Only the rows of the report month that have a cause are read from the document store.

use std::collections::HashSet;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;
use serde::Serialize;

use crate::index::{FeedbackIndex, IndexError, IndexedFeedback, decode_stored};
use crate::report::scan::SegmentSlots;

/// Quotes per cause.
pub const QUOTES_PER_CAUSE: usize = 3;
/// Characters of a quote; longer texts are cut and end with `…`.
pub const QUOTE_CHARS: usize = 120;
/// Rows this much less confident than the best are not picked to represent another channel.
pub const CHANNEL_SCORE_MARGIN: f32 = 0.2;
/// Two texts whose character-trigram Jaccard similarity exceeds this are near duplicates.
pub const NEAR_DUPLICATE: f64 = 0.6;

/// A row quoted in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// The row's id: `koe search` finds it.
    pub id: String,
    /// Day it was given (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// Its channel, as written.
    pub channel: Option<String>,
    /// Its rating.
    pub rating: Option<f64>,
    /// The classifier's confidence for the cause.
    pub score: f32,
    /// The text, personal data masked, cut at [`QUOTE_CHARS`].
    pub text: String,
}

/// The stored rows of the report month (`report` slot) that have at least one cause, in index
/// order.
pub fn month_rows(
    index: &FeedbackIndex,
    slots: &[SegmentSlots],
    report: u8,
) -> Result<Vec<IndexedFeedback>, IndexError> {
    let searcher = index.searcher();
    let fields = *index.fields();
    let dir = index.dir();
    let parts: Vec<Vec<IndexedFeedback>> = searcher
        .segment_readers()
        .par_iter()
        .zip(slots.par_iter())
        .map(|(segment, slots)| {
            let wanted: Vec<u32> = (0..segment.max_doc())
                .filter(|&doc| slots.slot[doc as usize] == report && slots.bits[doc as usize] != 0)
                .collect();
            if wanted.is_empty() {
                return Ok(Vec::new());
            }
            let store = segment
                .get_store_reader(8)
                .map_err(|source| IndexError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?;
            wanted
                .into_iter()
                .map(|doc| {
                    let stored: tantivy::TantivyDocument = store
                        .get(doc)
                        .map_err(|err| IndexError::tantivy(dir, err))?;
                    decode_stored(dir, &fields, &stored)
                })
                .collect()
        })
        .collect::<Result<_, IndexError>>()?;
    Ok(parts.into_iter().flatten().collect())
}

/// The quotes for cause `cause` among `rows`.
pub fn select(rows: &[IndexedFeedback], cause: &str, mask_labels: &MaskLabels) -> Vec<Quote> {
    let mut candidates: Vec<(f32, &IndexedFeedback)> = rows
        .iter()
        .filter_map(|row| {
            row.causes
                .iter()
                .find(|tag| tag.id == cause)
                .map(|tag| (tag.score, row))
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.feedback.id.cmp(&b.1.feedback.id))
    });
    let mut chosen: Vec<(Quote, HashSet<[char; 3]>)> = Vec::new();
    // First one per channel among the confident rows, then the best of the rest, so that one
    // channel does not speak for all and a doubtful row does not speak for a channel.
    let confident = candidates
        .first()
        .map_or(0.0, |(score, _)| score - CHANNEL_SCORE_MARGIN);
    for any_channel in [false, true] {
        for &(score, row) in &candidates {
            if chosen.len() >= QUOTES_PER_CAUSE {
                break;
            }
            let feedback = &row.feedback;
            if chosen.iter().any(|(q, _)| q.id == feedback.id) {
                continue;
            }
            if !any_channel
                && (score < confident || chosen.iter().any(|(q, _)| q.channel == feedback.channel))
            {
                continue;
            }
            let text = mask(&feedback.full_text(), mask_labels);
            let grams = trigrams(&text);
            if chosen
                .iter()
                .any(|(_, other)| jaccard(&grams, other) > NEAR_DUPLICATE)
            {
                continue;
            }
            chosen.push((
                Quote {
                    id: feedback.id.clone(),
                    date: feedback.date.map(|d| d.date().to_string()),
                    channel: feedback.channel.clone(),
                    rating: feedback.rating,
                    score,
                    text: cut(&text, QUOTE_CHARS),
                },
                grams,
            ));
        }
    }
    chosen.into_iter().map(|(quote, _)| quote).collect()
}

/// What masked personal data is replaced with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaskLabels {
    /// For an e-mail address.
    pub email: &'static str,
    /// For a phone number.
    pub phone: &'static str,
    /// For a postal code.
    pub postal: &'static str,
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+\s*[@＠]\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
        .expect("valid e-mail pattern")
});
// Japanese numbers: 090-1234-5678, 03-1234-5678, 0120-123-456, (03)1234-5678, 09012345678,
// in half- or full-width digits, with hyphens of any width.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[(（]?(?:\+81[\s\-－‐]?|[0０])[0-9０-９]{1,4}[\s\-－‐ー(（)）]{0,2}[0-9０-９]{1,4}[\s\-－‐ー)）]{0,2}[0-9０-９]{3,4}",
    )
    .expect("valid phone pattern")
});
static POSTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"〒\s*[0-9０-９]{3}[\-－‐ー][0-9０-９]{4}|\b[0-9]{3}-[0-9]{4}\b")
        .expect("valid postal pattern")
});

/// `text` with e-mail addresses, phone numbers and postal codes replaced.
///
/// ```
/// use koe::report::quotes::{MaskLabels, mask};
/// let labels = MaskLabels { email: "[メール]", phone: "[電話番号]", postal: "[郵便番号]" };
/// assert_eq!(
///     mask("連絡は taro@example.jp か 090-1234-5678 まで（〒100-0001）", &labels),
///     "連絡は [メール] か [電話番号] まで（[郵便番号]）"
/// );
/// ```
pub fn mask(text: &str, labels: &MaskLabels) -> String {
    let text = EMAIL.replace_all(text, labels.email);
    // A run of digits is a phone number only when it has 10 or 11 digits (12 with +81).
    let text = PHONE.replace_all(&text, |caps: &regex::Captures<'_>| {
        let found = &caps[0];
        let digits = found.chars().filter(|c| c.is_numeric()).count();
        if (10..=12).contains(&digits) {
            labels.phone.to_owned()
        } else {
            found.to_owned()
        }
    });
    // Phone numbers first: `090-1234` is not a postal code.
    POSTAL.replace_all(&text, labels.postal).into_owned()
}

/// `text` on one line, cut at `limit` characters with `…`.
fn cut(text: &str, limit: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= limit {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}

fn trigrams(text: &str) -> HashSet<[char; 3]> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

fn jaccard(a: &HashSet<[char; 3]>, b: &HashSet<[char; 3]>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    common as f64 / (a.len() + b.len() - common) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: MaskLabels = MaskLabels {
        email: "[email]",
        phone: "[phone]",
        postal: "[postal]",
    };

    #[test]
    fn japanese_phone_numbers_are_masked_but_prices_and_dates_are_not() {
        for number in [
            "090-1234-5678",
            "03-1234-5678",
            "0120-123-456",
            "(03)1234-5678",
            "09012345678",
            "０９０－１２３４－５６７８",
            "+81-90-1234-5678",
        ] {
            assert_eq!(
                mask(&format!("電話{number}へ"), &LABELS),
                "電話[phone]へ",
                "{number}"
            );
        }
        for kept in [
            "月額3,980円",
            "2026/03/14 12:34",
            "バージョン3.0",
            "会員番号0012",
        ] {
            assert_eq!(mask(kept, &LABELS), kept);
        }
    }

    #[test]
    fn long_texts_are_cut_on_one_line() {
        assert_eq!(cut("あいう\nえお", 10), "あいう えお");
        assert_eq!(cut("あいうえおかきくけこ", 5), "あいうえ…");
    }

    #[test]
    fn near_duplicates_are_similar() {
        let a = trigrams("料金が高いので解約します。");
        let b = trigrams("料金が高いので解約します");
        let c = trigrams("サポートの対応が遅い");
        assert!(jaccard(&a, &b) > NEAR_DUPLICATE);
        assert!(jaccard(&a, &c) < NEAR_DUPLICATE);
    }
}
