//! Figures over verdicts: pass rates with Wilson score intervals, pass^k, confusion matrices
//! with per-class error rates, Cohen's kappa between two labellings, and the token Jaccard
//! similarity used to reject near-duplicate cases.

use std::collections::BTreeSet;

use serde::Serialize;

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its 95 % Wilson score interval. Wilson rather than the normal
/// approximation because suites are small and rates sit near 0 or 1, where the normal
/// interval leaves [0, 1] or collapses to a point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub passes: u32,
    pub n: u32,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

pub fn wilson(passes: u32, n: u32) -> Rate {
    if n == 0 {
        return Rate { passes, n, rate: 0.0, low: 0.0, high: 1.0 };
    }
    let nf = f64::from(n);
    let p = f64::from(passes) / nf;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
    let half = Z95 / (1.0 + z2 / nf) * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    Rate { passes, n, rate: p, low: (centre - half).max(0.0), high: (centre + half).min(1.0) }
}

/// pass^k of one case (tau-bench's measure of consistency): the chance that `k` samples
/// drawn without replacement from the `n` taken all pass, given `c` passed: C(c,k)/C(n,k).
pub fn pass_hat_k(n: u32, c: u32, k: u32) -> f64 {
    if k == 0 || k > n || c < k {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    (0..k).map(|i| f64::from(c - i) / f64::from(n - i)).product()
}

/// The column of answers that named no label.
pub const OFF_LABEL: &str = "(none)";

/// Counts of (expected, predicted) labels. Rows are expected labels; columns are the same
/// labels plus a last column for answers naming no label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub counts: Vec<Vec<u32>>,
}

/// Per-class error rates, one-vs-rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRates {
    pub label: String,
    /// Samples of this class.
    pub support: u32,
    /// Share of this class's samples labelled otherwise (including no label).
    pub false_negative_rate: f64,
    /// Share of other classes' samples labelled as this class.
    pub false_positive_rate: f64,
}

/// What a router relying on the classifier risks, with labels ordered least sensitive first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RouterRates {
    /// Share of samples of a class above the lowest labelled as a less sensitive class.
    pub false_negative_rate: f64,
    /// Share of samples of a class below the highest labelled as a more sensitive class, or
    /// with no label (a router sends unclassified requests the most protected way).
    pub false_positive_rate: f64,
}

/// What a router risks for requests of one class, given each label's sensitivity rank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRouterRates {
    pub label: String,
    /// The label's rank in the order the rates were computed over (higher is more sensitive).
    pub rank: i32,
    /// Samples of this class.
    pub support: u32,
    /// Share of this class's samples labelled with a class of lower rank.
    pub false_negative_rate: f64,
    /// Share of this class's samples labelled with a class of higher rank, with a label that
    /// has no rank, or with no label: a router sends what it cannot place the most protected
    /// way. Zero for the top rank, where no label sends a request higher.
    pub false_positive_rate: f64,
}

impl Confusion {
    pub fn new(labels: &[String]) -> Confusion {
        Confusion { labels: labels.to_vec(), counts: vec![vec![0; labels.len() + 1]; labels.len()] }
    }

    /// Adds one sample; an expected label outside the set is ignored.
    pub fn add(&mut self, expected: &str, predicted: Option<&str>) {
        let Some(row) = self.labels.iter().position(|l| l == expected) else { return };
        let col = predicted
            .and_then(|p| self.labels.iter().position(|l| l == p))
            .unwrap_or(self.labels.len());
        self.counts[row][col] += 1;
    }

    pub fn total(&self) -> u32 {
        self.counts.iter().flatten().sum()
    }

    pub fn accuracy(&self) -> f64 {
        let right: u32 = (0..self.labels.len()).map(|i| self.counts[i][i]).sum();
        ratio(right, self.total())
    }

    pub fn class_rates(&self) -> Vec<ClassRates> {
        let total = self.total();
        (0..self.labels.len())
            .map(|i| {
                let support: u32 = self.counts[i].iter().sum();
                let as_i: u32 = self.counts.iter().map(|r| r[i]).sum();
                let false_pos = as_i - self.counts[i][i];
                ClassRates {
                    label: self.labels[i].clone(),
                    support,
                    false_negative_rate: ratio(support - self.counts[i][i], support),
                    false_positive_rate: ratio(false_pos, total - support),
                }
            })
            .collect()
    }

    pub fn router_rates(&self) -> RouterRates {
        let top = self.labels.len().saturating_sub(1);
        let (mut under, mut sensitive, mut over, mut below_top) = (0, 0, 0, 0);
        for (i, row) in self.counts.iter().enumerate() {
            let n: u32 = row.iter().sum();
            if i > 0 {
                sensitive += n;
                under += row[..i].iter().sum::<u32>();
            }
            if i < top {
                below_top += n;
                over += row[i + 1..].iter().sum::<u32>();
            }
        }
        RouterRates {
            false_negative_rate: ratio(under, sensitive),
            false_positive_rate: ratio(over, below_top),
        }
    }
}

impl Confusion {
    /// Per-class router rates over the ranks `rank` gives each label (`None`: a label the
    /// router does not know, sent the most protected way). Unlike [`Confusion::router_rates`],
    /// the order is the caller's (a deployment's data classes), not the suite's label order.
    /// Rows of labels without a rank are left out: the router has no route for them.
    pub fn router_rates_by_class(
        &self,
        rank: impl Fn(&str) -> Option<i32>,
    ) -> Vec<ClassRouterRates> {
        let ranks: Vec<Option<i32>> = self.labels.iter().map(|l| rank(l)).collect();
        let top = ranks.iter().flatten().max().copied();
        self.labels
            .iter()
            .zip(&self.counts)
            .zip(&ranks)
            .filter_map(|((label, row), r)| {
                let r = (*r)?;
                let (mut under, mut over) = (0, 0);
                for (col, &n) in row.iter().enumerate() {
                    match ranks.get(col).copied().flatten() {
                        Some(p) if p < r => under += n,
                        Some(p) if p > r => over += n,
                        Some(_) => {}
                        // An unknown label or none at all: the most protected route, which is
                        // a miss upwards for every class below the top.
                        None if Some(r) < top => over += n,
                        None => {}
                    }
                }
                let support: u32 = row.iter().sum();
                Some(ClassRouterRates {
                    label: label.clone(),
                    rank: r,
                    support,
                    false_negative_rate: ratio(under, support),
                    false_positive_rate: ratio(over, support),
                })
            })
            .collect()
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

/// Cohen's kappa between two labellings of the same items.
pub fn cohen_kappa(a: &[&str], b: &[&str]) -> f64 {
    assert_eq!(a.len(), b.len(), "two labellings of the same items");
    let n = a.len() as f64;
    if a.is_empty() {
        return 1.0;
    }
    let observed = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n;
    let labels: BTreeSet<&str> = a.iter().chain(b).copied().collect();
    let expected: f64 = labels
        .iter()
        .map(|l| {
            let pa = a.iter().filter(|x| *x == l).count() as f64 / n;
            let pb = b.iter().filter(|x| *x == l).count() as f64 / n;
            pa * pb
        })
        .sum();
    if (1.0 - expected).abs() < f64::EPSILON {
        1.0
    } else {
        (observed - expected) / (1.0 - expected)
    }
}

/// Lower-cased alphanumeric tokens, accents kept.
pub fn tokens(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// |A ∩ B| / |A ∪ B| over the token sets.
pub fn jaccard(a: &str, b: &str) -> f64 {
    let (ta, tb) = (tokens(a), tokens(b));
    let union = ta.union(&tb).count();
    if union == 0 {
        return 1.0;
    }
    ta.intersection(&tb).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_hand_computed_values() {
        // 8/10: centre 0.7177, half-width 0.2234 (computed from the formula by hand).
        let r = wilson(8, 10);
        assert!((r.low - 0.4902).abs() < 1e-3 && (r.high - 0.9433).abs() < 1e-3, "{r:?}");
        let zero = wilson(0, 5);
        assert!(zero.low == 0.0 && zero.high > 0.4, "no passes still leaves doubt: {zero:?}");
    }

    #[test]
    fn pass_hat_k_is_the_all_pass_chance() {
        assert_eq!(pass_hat_k(4, 4, 3), 1.0);
        assert!((pass_hat_k(4, 2, 2) - 1.0 / 6.0).abs() < 1e-12);
        assert_eq!(pass_hat_k(4, 1, 2), 0.0);
        assert!((pass_hat_k(5, 3, 1) - 0.6).abs() < 1e-12, "pass^1 is the pass rate");
    }

    #[test]
    fn router_rates_by_class_follow_the_callers_ranks() {
        let labels: Vec<String> =
            ["public", "personal", "special", "other"].map(String::from).to_vec();
        let mut m = Confusion::new(&labels);
        m.add("personal", Some("public"));
        m.add("personal", Some("personal"));
        m.add("personal", Some("special"));
        m.add("personal", None);
        m.add("special", Some("personal"));
        m.add("special", None);
        m.add("public", Some("other"));
        m.add("public", Some("public"));
        // A deployment that ranks personal above special, the reverse of the suite's order,
        // and has no class `other`.
        let rank = |l: &str| match l {
            "public" => Some(0),
            "special" => Some(1),
            "personal" => Some(2),
            _ => None,
        };
        let r = m.router_rates_by_class(rank);
        let by = |l: &str| r.iter().find(|c| c.label == l).unwrap().clone();
        assert_eq!(r.len(), 3, "`other` has no rank, so no row: {r:?}");
        let personal = by("personal");
        assert_eq!(personal.false_negative_rate, 0.5, "to public and to special are both lower");
        assert_eq!(personal.false_positive_rate, 0.0, "nothing is above the top class");
        let special = by("special");
        assert_eq!(special.false_negative_rate, 0.0);
        assert_eq!(special.false_positive_rate, 1.0, "personal is above it, and so is no label");
        let public = by("public");
        assert_eq!(public.false_positive_rate, 0.5, "an unknown label goes the protected way");
        assert_eq!(public.support, 2);
    }

    #[test]
    fn confusion_rates() {
        let labels: Vec<String> = ["public", "personal", "special"].map(String::from).to_vec();
        let mut m = Confusion::new(&labels);
        m.add("public", Some("public"));
        m.add("public", Some("personal"));
        m.add("personal", Some("public"));
        m.add("personal", Some("personal"));
        m.add("special", None);
        m.add("special", Some("special"));
        let r = m.class_rates();
        assert_eq!(r[1].false_negative_rate, 0.5);
        assert_eq!(r[1].false_positive_rate, 0.25, "1 of the 4 non-personal labelled personal");
        let router = m.router_rates();
        assert_eq!(router.false_negative_rate, 0.25, "1 of 4 sensitive labelled lower");
        assert_eq!(router.false_positive_rate, 0.25, "1 of 4 non-top labelled higher");
        assert!((m.accuracy() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn kappa_of_known_tables() {
        assert_eq!(cohen_kappa(&["a", "b", "a", "b"], &["a", "b", "a", "b"]), 1.0);
        // Observed 0.5, expected 0.5: no agreement beyond chance.
        assert_eq!(cohen_kappa(&["a", "a", "b", "b"], &["a", "b", "a", "b"]), 0.0);
    }

    #[test]
    fn jaccard_ignores_case_and_punctuation() {
        assert_eq!(jaccard("Hello, world!", "hello world"), 1.0);
        assert!((jaccard("a b c", "a b d") - 0.5).abs() < 1e-12);
    }
}
