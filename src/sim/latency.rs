//! Latency models: how long a message takes to cross a link.

use serde::{Deserialize, Serialize};

use crate::sim::rng::SimRng;
use crate::sim::time::Time;

/// How link latencies are drawn when a link is made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case", deny_unknown_fields)]
pub enum LatencyModel {
    /// Every link has the same latency.
    Constant { ms: f64 },
    /// Uniform in `[lo_ms, hi_ms]`.
    Uniform { lo_ms: f64, hi_ms: f64 },
    /// Log-normal with the given mean and standard deviation (of the latency itself).
    LogNormal { mean_ms: f64, sd_ms: f64 },
    /// One latency inside a region, another between regions.
    ByRegion {
        intra_ms: f64,
        inter_ms: f64,
        jitter_ms: f64,
    },
}

impl Default for LatencyModel {
    fn default() -> LatencyModel {
        LatencyModel::Constant { ms: 100.0 }
    }
}

impl LatencyModel {
    /// Checks the parameters; the message names the bad one.
    pub fn validate(&self) -> Result<(), String> {
        let non_negative = |name: &str, v: f64| {
            if (0.0..=3_600_000.0).contains(&v) {
                Ok(())
            } else {
                Err(format!(
                    "latency {name} must be a non-negative number of milliseconds up to 3600000 (an hour), got {v}"
                ))
            }
        };
        match *self {
            LatencyModel::Constant { ms } => non_negative("ms", ms),
            LatencyModel::Uniform { lo_ms, hi_ms } => {
                non_negative("lo_ms", lo_ms)?;
                non_negative("hi_ms", hi_ms)?;
                if lo_ms > hi_ms {
                    return Err(format!(
                        "uniform latency needs lo <= hi, got {lo_ms} > {hi_ms}"
                    ));
                }
                Ok(())
            }
            LatencyModel::LogNormal { mean_ms, sd_ms } => {
                non_negative("mean_ms", mean_ms)?;
                non_negative("sd_ms", sd_ms)?;
                if mean_ms <= 0.0 {
                    return Err("log-normal latency needs a positive mean".to_string());
                }
                Ok(())
            }
            LatencyModel::ByRegion {
                intra_ms,
                inter_ms,
                jitter_ms,
            } => {
                non_negative("intra_ms", intra_ms)?;
                non_negative("inter_ms", inter_ms)?;
                non_negative("jitter_ms", jitter_ms)
            }
        }
    }

    /// Draws one link's latency between peers in regions `a` and `b`.
    pub fn draw(&self, rng: &mut SimRng, region_a: u16, region_b: u16) -> Time {
        let ms = match *self {
            LatencyModel::Constant { ms } => ms,
            LatencyModel::Uniform { lo_ms, hi_ms } => rng.uniform(lo_ms, hi_ms),
            LatencyModel::LogNormal { mean_ms, sd_ms } => rng.log_normal(mean_ms, sd_ms),
            LatencyModel::ByRegion {
                intra_ms,
                inter_ms,
                jitter_ms,
            } => {
                let base = if region_a == region_b {
                    intra_ms
                } else {
                    inter_ms
                };
                base + rng.uniform(0.0, jitter_ms)
            }
        };
        Time::try_from_ms_f64(ms)
            .unwrap_or(Time::ZERO)
            .min(crate::sim::network::MAX_LATENCY)
    }

    /// Parses the CLI form: `constant:MS`, `uniform:LO,HI`, `lognormal:MEAN,SD`,
    /// `region:INTRA,INTER[,JITTER]`.
    pub fn parse(text: &str) -> Result<LatencyModel, String> {
        let (name, args) = text.split_once(':').unwrap_or((text, ""));
        let numbers: Vec<f64> = args
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("'{s}' is not a number"))
            })
            .collect::<Result<_, _>>()?;
        let model = match (name, numbers.as_slice()) {
            ("constant", [ms]) => LatencyModel::Constant { ms: *ms },
            ("uniform", [lo, hi]) => LatencyModel::Uniform { lo_ms: *lo, hi_ms: *hi },
            ("lognormal", [mean, sd]) => LatencyModel::LogNormal { mean_ms: *mean, sd_ms: *sd },
            ("region", [intra, inter]) => {
                LatencyModel::ByRegion { intra_ms: *intra, inter_ms: *inter, jitter_ms: 0.0 }
            }
            ("region", [intra, inter, jitter]) => {
                LatencyModel::ByRegion { intra_ms: *intra, inter_ms: *inter, jitter_ms: *jitter }
            }
            _ => {
                return Err(format!(
                    "latency '{text}' is not one of constant:MS, uniform:LO,HI, lognormal:MEAN,SD, region:INTRA,INTER[,JITTER]"
                ))
            }
        };
        model.validate()?;
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_cli_forms_and_refuses_bad_ones() {
        assert_eq!(
            LatencyModel::parse("constant:50"),
            Ok(LatencyModel::Constant { ms: 50.0 })
        );
        assert_eq!(
            LatencyModel::parse("uniform:10,20"),
            Ok(LatencyModel::Uniform {
                lo_ms: 10.0,
                hi_ms: 20.0
            })
        );
        assert!(LatencyModel::parse("constant:-5")
            .unwrap_err()
            .contains("non-negative"));
        assert!(LatencyModel::parse("uniform:20,10").is_err());
        assert!(LatencyModel::parse("gaussian:1").is_err());
        assert!(LatencyModel::parse("constant:abc")
            .unwrap_err()
            .contains("not a number"));
    }

    #[test]
    fn draws_stay_in_range() {
        let mut rng = SimRng::new(3);
        let model = LatencyModel::Uniform {
            lo_ms: 10.0,
            hi_ms: 20.0,
        };
        for _ in 0..1000 {
            let t = model.draw(&mut rng, 0, 0);
            assert!(t >= Time::from_ms(10) && t <= Time::from_ms(20));
        }
        let by_region = LatencyModel::ByRegion {
            intra_ms: 10.0,
            inter_ms: 200.0,
            jitter_ms: 0.0,
        };
        assert_eq!(by_region.draw(&mut rng, 1, 1), Time::from_ms(10));
        assert_eq!(by_region.draw(&mut rng, 1, 2), Time::from_ms(200));
    }
}
