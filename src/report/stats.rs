//! The statistics behind the report: the two-proportion z-test that flags a change as
//! significant, and weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi &
//! Quinn 2008, "Fightin' Words") that finds the words characterizing a group of feedback.

/// Significance level of the change test.
pub const ALPHA: f64 = 0.05;
/// A change is tested only when both months have at least this many rows...
pub const MIN_ROWS: u64 = 30;
/// ...and the cause has at least this many rows in one of them: on tiny counts a swing of a
/// few rows means nothing, whatever a test says.
pub const MIN_COUNT: u64 = 5;

/// The result of comparing a share between two months.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangeTest {
    /// Two-sided p-value; `None` when the counts are too small to test.
    pub p_value: Option<f64>,
    /// Whether `p_value < ALPHA`.
    pub significant: bool,
}

/// Two-proportion z-test with pooled variance: is `count / total` different from
/// `previous_count / previous_total`? Not tested (never significant) below [`MIN_ROWS`] rows
/// per month or [`MIN_COUNT`] rows of the cause.
///
/// ```
/// use koe::report::stats::two_proportion_test;
/// let test = two_proportion_test(60, 250, 30, 250);
/// assert!(test.significant && test.p_value.unwrap() < 0.001);
/// assert!(!two_proportion_test(3, 20, 1, 20).significant);
/// ```
pub fn two_proportion_test(
    count: u64,
    total: u64,
    previous_count: u64,
    previous_total: u64,
) -> ChangeTest {
    let untested = ChangeTest {
        p_value: None,
        significant: false,
    };
    if total < MIN_ROWS || previous_total < MIN_ROWS || count.max(previous_count) < MIN_COUNT {
        return untested;
    }
    let (x1, n1, x2, n2) = (
        count as f64,
        total as f64,
        previous_count as f64,
        previous_total as f64,
    );
    let pooled = (x1 + x2) / (n1 + n2);
    let variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    if variance <= 0.0 {
        // Both shares are 0 or both are 1: no change.
        return ChangeTest {
            p_value: Some(1.0),
            significant: false,
        };
    }
    let z = (x1 / n1 - x2 / n2) / variance.sqrt();
    let p = erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0);
    ChangeTest {
        p_value: Some(p),
        significant: p < ALPHA,
    }
}

/// The complementary error function, with a relative error below 1.2e-7 (Numerical Recipes'
/// Chebyshev fit): enough for p-values, and no dependency.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let value = t * poly.exp();
    if x >= 0.0 { value } else { 2.0 - value }
}

/// A word's counts in the two groups compared, and in the background the prior comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordCounts {
    /// Rows of the group of interest that contain the word.
    pub group: f64,
    /// Rows of the other group that contain the word.
    pub rest: f64,
    /// Rows of the background (the whole trend window) that contain the word.
    pub background: f64,
}

/// Sizes of the two groups and of the background, in word occurrences (the sums of the
/// per-word counts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupSizes {
    /// The group of interest.
    pub group: f64,
    /// The other group.
    pub rest: f64,
    /// The background.
    pub background: f64,
}

/// The z-score of a word's log-odds ratio between `group` and `rest`, with an informative
/// Dirichlet prior: the background's counts, scaled to [`PRIOR_STRENGTH`] pseudo-occurrences.
/// Positive: the word is more typical of the group.
///
/// ```
/// use koe::report::stats::{GroupSizes, WordCounts, log_odds_z};
/// let sizes = GroupSizes { group: 100.0, rest: 900.0, background: 1000.0 };
/// let typical = log_odds_z(WordCounts { group: 20.0, rest: 10.0, background: 30.0 }, sizes);
/// let common = log_odds_z(WordCounts { group: 10.0, rest: 90.0, background: 100.0 }, sizes);
/// assert!(typical > 3.0 && common.abs() < 1.0);
/// ```
pub fn log_odds_z(word: WordCounts, sizes: GroupSizes) -> f64 {
    if sizes.background <= 0.0 {
        return 0.0;
    }
    let scale = PRIOR_STRENGTH.min(sizes.background) / sizes.background;
    let alpha0 = sizes.background * scale;
    let alpha = (word.background * scale).max(f64::MIN_POSITIVE);
    let odds = |y: f64, n: f64| {
        let rest = (n + alpha0 - y - alpha).max(f64::MIN_POSITIVE);
        ((y + alpha) / rest).ln()
    };
    let delta = odds(word.group, sizes.group) - odds(word.rest, sizes.rest);
    let variance = 1.0 / (word.group + alpha) + 1.0 / (word.rest + alpha);
    delta / variance.sqrt()
}

/// Pseudo-occurrences of the prior: enough to damp words seen a handful of times, small
/// enough not to drown a month of a large index.
pub const PRIOR_STRENGTH: f64 = 500.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_reference_values() {
        for (x, expected) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122),
            (1.0, 0.157_299_207),
            (2.0, 0.004_677_735),
            (-1.0, 1.842_700_793),
        ] {
            assert!((erfc(x) - expected).abs() < 1e-7, "erfc({x})");
        }
    }

    #[test]
    fn z_test_matches_a_worked_example() {
        // 45/300 vs 25/300: z = 2.544, p = 0.0110.
        let test = two_proportion_test(45, 300, 25, 300);
        let p = test.p_value.unwrap();
        assert!((p - 0.0110).abs() < 0.0002, "{p}");
        assert!(test.significant);
    }

    #[test]
    fn tiny_counts_are_never_flagged() {
        assert_eq!(two_proportion_test(4, 100, 0, 100).p_value, None);
        assert_eq!(two_proportion_test(10, 29, 0, 100).p_value, None);
        assert!(!two_proportion_test(0, 100, 0, 100).significant);
    }
}
