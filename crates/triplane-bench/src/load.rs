//! Load models and pacing.
//!
//! Closed-loop models (sequential, fixed concurrency) send the next request when a slot
//! frees, and that moment is the request's intended send time. Open-loop models (constant
//! rate, Poisson) precompute arrival offsets from the run's origin; a request sent late
//! still counts its latency from its *planned* time, so a client that falls behind shows
//! the backlog instead of hiding it (coordinated omission; GuideLLM #1048).
//!
//! Pacing cannot rely on `tokio::time::sleep` alone: tokio's timer wheel has millisecond
//! granularity and rounds up, so at hundreds of requests per second arrivals would bunch
//! (AIPerf documents the same for asyncio). [`pace_until`] sleeps until shortly before the
//! deadline, then yields in a loop until it passes.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// How requests are issued.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Load {
    /// One request at a time.
    Sequential,
    /// `n` requests in flight at all times (closed loop).
    Concurrency { n: u32 },
    /// Open loop at `rate` requests per second: evenly spaced, or with exponential gaps
    /// (a Poisson process) drawn from `seed`.
    Rate { rate: f64, poisson: bool, seed: u64 },
}

impl Load {
    /// Closed-loop slots, `None` for open-loop models.
    pub fn slots(&self) -> Option<u32> {
        match self {
            Load::Sequential => Some(1),
            Load::Concurrency { n } => Some((*n).max(1)),
            Load::Rate { .. } => None,
        }
    }

    /// A short label for tables and charts.
    pub fn label(&self) -> String {
        match self {
            Load::Sequential => "sequential".to_owned(),
            Load::Concurrency { n } => format!("concurrency {n}"),
            Load::Rate { rate, poisson, .. } => {
                format!("{} {rate} req/s", if *poisson { "poisson" } else { "constant" })
            }
        }
    }
}

/// The concurrency levels of a sweep up to `max`: 1, 2, 4, … and `max` itself.
pub fn sweep_levels(max: u32) -> Vec<u32> {
    let max = max.max(1);
    let mut levels: Vec<u32> =
        std::iter::successors(Some(1u32), |l| l.checked_mul(2)).take_while(|&l| l < max).collect();
    levels.push(max);
    levels
}

/// Planned send offsets (ns from the run's origin) of an open-loop model.
#[derive(Debug)]
pub struct Arrivals {
    rate: f64,
    rng: Option<ChaCha8Rng>,
    next_s: f64,
    index: u64,
}

impl Arrivals {
    /// `None` for closed-loop models or a non-positive rate.
    pub fn new(load: &Load) -> Option<Self> {
        match *load {
            Load::Rate { rate, poisson, seed } if rate > 0.0 && rate.is_finite() => {
                Some(Arrivals {
                    rate,
                    rng: poisson.then(|| ChaCha8Rng::seed_from_u64(seed)),
                    next_s: 0.0,
                    index: 0,
                })
            }
            _ => None,
        }
    }
}

impl Iterator for Arrivals {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let at = match &mut self.rng {
            // Constant: computed from the index, not accumulated, so float error cannot
            // drift over a long run.
            None => self.index as f64 / self.rate,
            Some(rng) => {
                let at = self.next_s;
                // Inverse-CDF of the exponential distribution; 1 - u avoids ln(0).
                let u: f64 = rng.random();
                self.next_s += -(1.0 - u).ln() / self.rate;
                at
            }
        };
        self.index += 1;
        Some((at * 1e9) as u64)
    }
}

/// How long before a deadline [`pace_until`] stops sleeping and starts yielding. Tokio's
/// timer may wake up to a millisecond late; half a millisecond more covers scheduling.
pub const SPIN_WINDOW: Duration = Duration::from_micros(1_500);

/// Waits until `deadline` with sub-millisecond accuracy; never returns early.
pub async fn pace_until(deadline: Instant) {
    if let Some(sleep_to) = deadline.checked_sub(SPIN_WINDOW) {
        if sleep_to > Instant::now() {
            tokio::time::sleep_until(sleep_to.into()).await;
        }
    }
    while Instant::now() < deadline {
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_arrivals_are_evenly_spaced() {
        let a: Vec<u64> = Arrivals::new(&Load::Rate { rate: 4.0, poisson: false, seed: 0 })
            .unwrap()
            .take(4)
            .collect();
        assert_eq!(a, vec![0, 250_000_000, 500_000_000, 750_000_000]);
    }

    #[test]
    fn poisson_arrivals_are_seeded_and_average_the_rate() {
        let load = Load::Rate { rate: 100.0, poisson: true, seed: 7 };
        let a: Vec<u64> = Arrivals::new(&load).unwrap().take(20_001).collect();
        let b: Vec<u64> = Arrivals::new(&load).unwrap().take(20_001).collect();
        assert_eq!(a, b, "same seed, same schedule");
        let mean_gap_ms = *a.last().unwrap() as f64 / 20_000.0 / 1e6;
        assert!((mean_gap_ms - 10.0).abs() < 0.3, "mean gap {mean_gap_ms} ms, want ~10");
        let other: Vec<u64> = Arrivals::new(&Load::Rate { rate: 100.0, poisson: true, seed: 8 })
            .unwrap()
            .take(10)
            .collect();
        assert_ne!(a[..10], other[..], "another seed, another schedule");
    }

    #[test]
    fn sweep_levels_double_up_to_the_max() {
        assert_eq!(sweep_levels(8), vec![1, 2, 4, 8]);
        assert_eq!(sweep_levels(6), vec![1, 2, 4, 6]);
        assert_eq!(sweep_levels(1), vec![1]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pacing_is_never_early_and_usually_within_a_fraction_of_a_millisecond() {
        let origin = Instant::now() + Duration::from_millis(5);
        let mut late_us = Vec::new();
        for i in 0..200u64 {
            // 1.3 ms apart: off the millisecond grid a plain sleep would snap to.
            let deadline = origin + Duration::from_micros(1_300 * i);
            pace_until(deadline).await;
            let now = Instant::now();
            assert!(now >= deadline, "woke {:?} early", deadline - now);
            late_us.push((now - deadline).as_micros() as u64);
        }
        late_us.sort_unstable();
        let median = late_us[late_us.len() / 2];
        assert!(median < 200, "median lateness {median} µs; sorted: {late_us:?}");
    }
}
