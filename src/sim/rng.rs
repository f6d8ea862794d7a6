//! The one seeded, portable random generator every draw of a run comes from.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded ChaCha8 generator with the few distributions the simulation needs.
///
/// ChaCha8 is portable: the same seed gives the same numbers natively and in
/// wasm32. The distributions are written out here (not taken from a crate)
/// so that their exact algorithms, and so every run, stay fixed; their `ln`,
/// `exp` and `cos` come from libm, one implementation on every platform (the
/// standard library's come from each platform's math library, which need not
/// round alike).
#[derive(Clone, Debug)]
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> SimRng {
        SimRng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A generator for one independent stream of draws under the same seed.
    ///
    /// The network generator and the relay engine each take their own stream,
    /// so a scenario's one seed drives both without their draws overlapping.
    pub fn for_stream(seed: u64, stream: u64) -> SimRng {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        SimRng(rng)
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        // 53 random bits give every representable step of [0, 1).
        (self.0.random::<u64>() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        self.0.random_range(0..n)
    }

    /// A uniform `u64`, for deriving seeds.
    pub fn next_u64(&mut self) -> u64 {
        self.0.random::<u64>()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// A uniform float in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// An exponential draw with the given mean (the gap of a Poisson process).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        // 1 - unit() lies in (0, 1], so the logarithm is finite.
        -mean * libm::log(1.0 - self.unit())
    }

    /// A standard normal draw (Box-Muller).
    pub fn standard_normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2)
    }

    /// A log-normal draw whose own mean and standard deviation are given.
    pub fn log_normal(&mut self, mean: f64, sd: f64) -> f64 {
        let sigma2 = libm::log(1.0 + (sd * sd) / (mean * mean));
        let mu = libm::log(mean) - sigma2 / 2.0;
        libm::exp(mu + sigma2.sqrt() * self.standard_normal())
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_and_sd(samples: &[f64]) -> (f64, f64) {
        let n = samples.len() as f64;
        let mean = samples.iter().sum::<f64>() / n;
        let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        (mean, var.sqrt())
    }

    #[test]
    fn same_seed_same_numbers() {
        let a: Vec<u64> = (0..5).map(|_| SimRng::new(7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut r1 = SimRng::new(7);
        let mut r2 = SimRng::new(8);
        assert_ne!(r1.next_u64(), r2.next_u64());
    }

    #[test]
    fn distributions_have_their_moments() {
        let mut rng = SimRng::new(1);
        let exp: Vec<f64> = (0..50_000).map(|_| rng.exponential(2.0)).collect();
        let (m, sd) = mean_and_sd(&exp);
        assert!((m - 2.0).abs() < 0.05, "exponential mean {m}");
        assert!((sd - 2.0).abs() < 0.08, "exponential sd {sd}");

        let ln: Vec<f64> = (0..50_000).map(|_| rng.log_normal(100.0, 30.0)).collect();
        let (m, sd) = mean_and_sd(&ln);
        assert!((m - 100.0).abs() < 1.0, "log-normal mean {m}");
        assert!((sd - 30.0).abs() < 1.5, "log-normal sd {sd}");
        assert!(ln.iter().all(|&x| x > 0.0));

        let units: Vec<f64> = (0..50_000).map(|_| rng.unit()).collect();
        assert!(units.iter().all(|&u| (0.0..1.0).contains(&u)));
        let (m, _) = mean_and_sd(&units);
        assert!((m - 0.5).abs() < 0.01);
    }
}
