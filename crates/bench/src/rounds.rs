//! Timing several runtimes fairly on a shared machine: they take turns
//! round by round, and each ratio is kept per round, so that its spread
//! can be shown beside its median (the `compare` program).

use std::time::Instant;

/// Times each runner `rounds` times, taking turns round by round (A B C A B
/// C ...) so that a slow stretch of a shared machine hits them all alike;
/// two untimed rounds each first. Returns, per runner, its times in ns per
/// op, one per round, in round order.
pub fn interleave(
    rounds: usize,
    ops: u64,
    runners: &mut [&mut dyn FnMut()],
) -> Vec<Vec<f64>> {
    for runner in runners.iter_mut() {
        runner();
        runner();
    }
    let mut times = vec![Vec::with_capacity(rounds); runners.len()];
    for _ in 0..rounds {
        for (runner, times) in runners.iter_mut().zip(&mut times) {
            let start = Instant::now();
            runner();
            times.push(start.elapsed().as_nanos() as f64 / ops as f64);
        }
    }
    times
}

/// The middle value (the upper one of an even count).
pub fn median(values: &[f64]) -> f64 {
    percentile(values, 0.5)
}

/// The value `p` of the way up the sorted values (nearest rank).
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (p * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank]
}

/// A ratio measured round by round: its median, and the 10th and 90th
/// percentiles of the per-round ratios (the spread).
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    /// The median of the per-round ratios.
    pub median: f64,
    /// Their 10th percentile.
    pub low: f64,
    /// Their 90th percentile.
    pub high: f64,
}

impl Spread {
    /// `top[i] / bottom[i]` for each round `i`.
    pub fn of(top: &[f64], bottom: &[f64]) -> Spread {
        let ratios: Vec<f64> = top.iter().zip(bottom).map(|(t, b)| t / b).collect();
        Spread {
            median: median(&ratios),
            low: percentile(&ratios, 0.1),
            high: percentile(&ratios, 0.9),
        }
    }

    /// A ratio with no spread (an exact count, such as bytes).
    pub fn exact(ratio: f64) -> Spread {
        Spread { median: ratio, low: ratio, high: ratio }
    }

    /// `0.95x (0.90-1.02)`, or `1.50x` for an exact ratio.
    pub fn show(&self) -> String {
        if self.low == self.high {
            format!("{:.2}x", self.median)
        } else {
            format!("{:.2}x ({:.2}-{:.2})", self.median, self.low, self.high)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(median(&values), 3.0);
        assert_eq!(percentile(&values, 0.0), 1.0);
        assert_eq!(percentile(&values, 1.0), 5.0);
        assert_eq!(percentile(&values, 0.1), 1.0);
        assert_eq!(percentile(&values, 0.9), 5.0);
    }

    #[test]
    fn a_spread_is_taken_from_the_ratio_of_each_round() {
        // Round by round the ratio is 0.5, 1.0, 0.5, 0.5, 2.0: the medians
        // of the columns (2 and 2) would say 1.0.
        let stepio = [1.0, 2.0, 1.0, 1.0, 4.0];
        let peer = [2.0, 2.0, 2.0, 2.0, 2.0];
        let spread = Spread::of(&stepio, &peer);
        assert_eq!((spread.median, spread.low, spread.high), (0.5, 0.5, 2.0));
        assert_eq!(spread.show(), "0.50x (0.50-2.00)");
        assert_eq!(Spread::exact(1.5).show(), "1.50x");
    }

    #[test]
    fn runners_take_turns_round_by_round() {
        let order = std::cell::RefCell::new(Vec::new());
        let times = interleave(
            3,
            1,
            &mut [&mut || order.borrow_mut().push('a'), &mut || {
                order.borrow_mut().push('b')
            }],
        );
        // Two warm-up rounds each, then a, b, a, b, a, b.
        assert_eq!(order.into_inner().iter().collect::<String>(), "aabbababab");
        assert_eq!((times.len(), times[0].len(), times[1].len()), (2, 3, 3));
    }
}
