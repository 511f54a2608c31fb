//! Drawing the workload's numbers from the file's distributions.
//!
//! The samplers are written here rather than taken from `rand_distr` so that a seed keeps
//! giving the same run across dependency upgrades: the output of a simulation is compared
//! byte for byte, and a change of sampling algorithm upstream would silently change it.
//! Every draw is clamped to `[0, ceiling]`, so no distribution can yield a negative count,
//! NaN or an endless session.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use triplane_model::{DistKind, DistSpec};

/// A distribution ready to draw from, with its ceiling.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    Constant(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// Parameters of the underlying normal, derived from the value's mean and sd.
    Lognormal {
        mu: f64,
        sigma: f64,
        min: f64,
        max: f64,
    },
    Poisson {
        mean: f64,
    },
}

impl Dist {
    /// `ceiling` bounds every draw; the model crate has already refused negative, non-finite
    /// and absurd parameters, so only defaults fill gaps here.
    pub fn from_spec(spec: &DistSpec, ceiling: f64) -> Dist {
        let p = match spec {
            DistSpec::Constant(v) => return Dist::Constant(v.clamp(0.0, ceiling)),
            DistSpec::Dist(p) => p,
        };
        let min = p.min.unwrap_or(0.0).max(0.0);
        let max = p.max.unwrap_or(ceiling).min(ceiling);
        match p.dist {
            DistKind::Constant => Dist::Constant(p.value.unwrap_or(0.0).clamp(0.0, ceiling)),
            DistKind::Uniform => Dist::Uniform { min, max: max.max(min) },
            DistKind::Normal => Dist::Normal {
                mean: p.mean.unwrap_or(0.0),
                sd: p.sd.unwrap_or(0.0),
                min,
                max: max.max(min),
            },
            DistKind::Lognormal => {
                let mean = p.mean.unwrap_or(0.0);
                let sd = p.sd.unwrap_or(0.0);
                if mean <= 0.0 {
                    return Dist::Constant(0.0);
                }
                let sigma2 = (1.0 + (sd * sd) / (mean * mean)).ln();
                Dist::Lognormal {
                    mu: mean.ln() - sigma2 / 2.0,
                    sigma: sigma2.sqrt(),
                    min,
                    max: max.max(min),
                }
            }
            DistKind::Poisson => Dist::Poisson { mean: p.mean.unwrap_or(0.0).min(ceiling) },
        }
    }

    /// The mean of the distribution before clamping, for sizing a run.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Constant(v) => v,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Normal { mean, .. } => mean,
            Dist::Lognormal { mu, sigma, .. } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Poisson { mean } => mean,
        }
    }

    /// One draw, rounded to a whole number.
    #[inline]
    pub fn draw(&self, rng: &mut ChaCha8Rng) -> u64 {
        let v = match *self {
            Dist::Constant(v) => return round_to_u64(v),
            Dist::Uniform { min, max } => min + (max - min) * unit(rng),
            Dist::Normal { mean, sd, min, max } => (mean + sd * std_normal(rng)).clamp(min, max),
            Dist::Lognormal { mu, sigma, min, max } => {
                (mu + sigma * std_normal(rng)).exp().clamp(min, max)
            }
            Dist::Poisson { mean } => poisson(rng, mean),
        };
        round_to_u64(v)
    }
}

/// `v.round().max(0.0) as u64`, without the call into libm's `round` that the baseline x86-64
/// target makes for it (a few percent of a run). The same result for every `f64`: `as u64`
/// truncates towards zero and saturates (NaN and negatives give 0), the fraction left is
/// exact below 2^53, and above 2^53 every `f64` is a whole number, so the fraction is 0.
#[inline]
pub fn round_to_u64(v: f64) -> u64 {
    let whole = v as u64;
    if v - whole as f64 >= 0.5 {
        whole.saturating_add(1)
    } else {
        whole
    }
}

/// A uniform draw in `[0, 1)` with 53 bits of precision.
#[inline]
pub fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.random::<u64>() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Box–Muller; one of the pair is discarded so that each draw consumes a fixed number of
/// random words, which keeps streams aligned when parameters change.
fn std_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - unit(rng); // in (0, 1], so ln is finite
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Knuth's product method below 30, a rounded normal approximation above (where the
/// product method needs too many draws and the approximation error is below a percent).
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    if mean >= 30.0 {
        return (mean + mean.sqrt() * std_normal(rng)).max(0.0);
    }
    let limit = (-mean).exp();
    let mut k = 0.0;
    let mut p = unit(rng);
    // Bounded: the expected number of steps is mean + 1 < 31; the cap guards the tail.
    while p > limit && k < 1000.0 {
        k += 1.0;
        p *= unit(rng);
    }
    k
}

/// A discrete mix of data classes: cumulative shares over class indices.
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    cumulative: Vec<(f64, u8)>,
}

impl Mix {
    pub fn new(shares: impl Iterator<Item = (u8, f64)>) -> Mix {
        let mut acc = 0.0;
        let cumulative = shares
            .filter(|(_, s)| *s > 0.0)
            .map(|(class, s)| {
                acc += s;
                (acc, class)
            })
            .collect();
        Mix { cumulative }
    }

    /// A class index; the last class absorbs rounding in the shares.
    #[inline]
    pub fn draw(&self, rng: &mut ChaCha8Rng) -> u8 {
        if self.cumulative.len() == 1 {
            return self.cumulative[0].1;
        }
        let total = self.cumulative.last().map_or(1.0, |c| c.0);
        let u = unit(rng) * total;
        for &(c, class) in &self.cumulative {
            if u < c {
                return class;
            }
        }
        self.cumulative.last().map_or(0, |c| c.1)
    }

    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use triplane_model::DistParams;

    fn params(dist: DistKind) -> DistParams {
        DistParams { dist, value: None, min: None, max: None, mean: None, sd: None }
    }

    #[test]
    fn draws_stay_within_bounds_and_are_never_nan() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let normal = DistSpec::Dist(DistParams {
            mean: Some(5.0),
            sd: Some(50.0),
            ..params(DistKind::Normal)
        });
        let d = Dist::from_spec(&normal, 20.0);
        for _ in 0..10_000 {
            let v = d.draw(&mut rng);
            assert!(v <= 20, "a normal with a large sd must be clamped to the ceiling, got {v}");
        }
    }

    #[test]
    fn means_are_close_to_the_requested_ones() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let cases = [
            (DistSpec::Dist(DistParams { mean: Some(4.0), ..params(DistKind::Poisson) }), 4.0),
            (DistSpec::Dist(DistParams { mean: Some(200.0), ..params(DistKind::Poisson) }), 200.0),
            (
                DistSpec::Dist(DistParams {
                    mean: Some(800.0),
                    sd: Some(300.0),
                    ..params(DistKind::Lognormal)
                }),
                800.0,
            ),
            (
                DistSpec::Dist(DistParams {
                    min: Some(10.0),
                    max: Some(30.0),
                    ..params(DistKind::Uniform)
                }),
                20.0,
            ),
        ];
        for (spec, want) in cases {
            let d = Dist::from_spec(&spec, 1e7);
            let n = 40_000;
            let mean = (0..n).map(|_| d.draw(&mut rng) as f64).sum::<f64>() / n as f64;
            assert!((mean - want).abs() / want < 0.03, "{spec:?}: mean {mean}, wanted {want}");
        }
    }

    #[test]
    fn round_to_u64_matches_round_then_cast_everywhere() {
        let specials = [
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            -0.5,
            -0.7,
            4503599627370495.5,
            9007199254740993.0,
            1.8446744073709552e19,
            1e30,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let random = (0..200_000).map(|i| {
            let u = unit(&mut rng);
            match i % 4 {
                0 => u * 10.0,
                1 => u * 1e7,
                2 => (u - 0.5) * 1e3,
                _ => f64::from_bits(rng.random::<u64>()),
            }
        });
        for v in specials.into_iter().chain(random) {
            let want = v.round().max(0.0) as u64;
            assert_eq!(round_to_u64(v), want, "v = {v:e} ({:#x})", v.to_bits());
        }
    }

    #[test]
    fn mix_follows_its_shares() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mix = Mix::new([(0u8, 0.7), (3, 0.3)].into_iter());
        let n = 20_000;
        let threes = (0..n).filter(|_| mix.draw(&mut rng) == 3).count();
        let share = threes as f64 / n as f64;
        assert!((share - 0.3).abs() < 0.02, "share of class 3 was {share}");
    }
}
