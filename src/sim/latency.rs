//! Latency models: how long a message takes to cross a link.
//!
//! The region matrix's defaults are SimBlock's measured one-way latencies between six regions
//! of the world in 2019, and its jitter is SimBlock's Pareto draw (Aoki et al., "SimBlock: A
//! Blockchain Network Simulator", IEEE INFOCOM Workshops 2019; the table and the draw are in
//! SimBlock's public source, `NetworkConfiguration.LATENCY_2019` and `Network.getLatency`).

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Error, Value};

use crate::sim::caps;
use crate::sim::error::{Conflict, Named, ParamError};
use crate::sim::read::Fields;
use crate::sim::rng::SimRng;
use crate::sim::time::Time;

/// How link latencies are drawn when a link is made.
///
/// Written by serde's derive; read by [`LatencyModel::from_fields`] (see [`crate::sim::read`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum LatencyModel {
    /// Every link has the same latency.
    Constant { ms: f64 },
    /// Uniform in `[lo_ms, hi_ms]`.
    Uniform { lo_ms: f64, hi_ms: f64 },
    /// Log-normal with the given mean and standard deviation (of the latency itself).
    LogNormal { mean_ms: f64, sd_ms: f64 },
    /// One latency inside a region, another between regions, plus up to `jitter_ms`.
    ByRegion {
        intra_ms: f64,
        inter_ms: f64,
        jitter_ms: f64,
    },
    /// A mean one-way latency for each pair of regions: `one_way_ms[a][b]` from region `a` to
    /// region `b`. With `jitter`, each link draws its latency from SimBlock's Pareto
    /// distribution around that mean (see [`pareto_around`]); without, it is the mean.
    /// A region past the matrix's last counts as region `region % n`.
    RegionMatrix {
        one_way_ms: Vec<Vec<f64>>,
        jitter: bool,
    },
}

/// The models' names in JSON, in the order of [`LatencyModel`]'s variants.
const MODELS: &[&str] = &[
    "constant",
    "uniform",
    "log-normal",
    "by-region",
    "region-matrix",
];

impl<'de> Deserialize<'de> for LatencyModel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<LatencyModel, D::Error> {
        Fields::read(deserializer, LatencyModel::from_fields)
    }
}

impl LatencyModel {
    /// The model in the object `value`.
    pub fn from_value(value: Value) -> Result<LatencyModel, Error> {
        LatencyModel::from_fields(Fields::of(value)?)
    }

    /// The model named by the field `model`, from its fields (as its `Serialize` writes them).
    pub fn from_fields(mut f: Fields) -> Result<LatencyModel, Error> {
        let model = match f.tag("model")?.as_str() {
            "constant" => LatencyModel::Constant { ms: f.need("ms")? },
            "uniform" => LatencyModel::Uniform {
                lo_ms: f.need("lo_ms")?,
                hi_ms: f.need("hi_ms")?,
            },
            "log-normal" => LatencyModel::LogNormal {
                mean_ms: f.need("mean_ms")?,
                sd_ms: f.need("sd_ms")?,
            },
            "by-region" => LatencyModel::ByRegion {
                intra_ms: f.need("intra_ms")?,
                inter_ms: f.need("inter_ms")?,
                jitter_ms: f.need("jitter_ms")?,
            },
            "region-matrix" => LatencyModel::RegionMatrix {
                one_way_ms: f
                    .take_with("one_way_ms", matrix_of_at_most_max_regions)?
                    .ok_or_else(|| Error::missing_field("one_way_ms"))?,
                jitter: f.or("jitter", true)?,
            },
            other => return Err(Error::unknown_variant(other, MODELS)),
        };
        f.end(model)
    }
}

/// Reads a matrix, refusing more than [`MAX_MATRIX_REGIONS`] rows or entries in a row before
/// reading its numbers.
fn matrix_of_at_most_max_regions(value: Value) -> Result<Vec<Vec<f64>>, Error> {
    let too_long = |v: &Value| v.as_array().is_some_and(|a| a.len() > MAX_MATRIX_REGIONS);
    if too_long(&value)
        || value
            .as_array()
            .is_some_and(|rows| rows.iter().any(too_long))
    {
        return Err(Error::custom(format_args!(
            "a region matrix has at most {MAX_MATRIX_REGIONS} regions"
        )));
    }
    Vec::deserialize(value)
}

/// The regions of [`SIMBLOCK_2019_MS`], in its order.
pub const SIMBLOCK_REGIONS: [&str; 6] = [
    "North America",
    "Europe",
    "South America",
    "Asia-Pacific",
    "Japan",
    "Australia",
];

/// SimBlock's mean latencies between its six regions, measured in 2019, in milliseconds
/// (`NetworkConfiguration.LATENCY_2019`); SimBlock uses them one way, and so does this model.
pub const SIMBLOCK_2019_MS: [[f64; 6]; 6] = [
    [32.0, 124.0, 184.0, 198.0, 151.0, 189.0],
    [124.0, 11.0, 227.0, 237.0, 252.0, 294.0],
    [184.0, 227.0, 88.0, 325.0, 301.0, 322.0],
    [198.0, 237.0, 325.0, 85.0, 58.0, 198.0],
    [151.0, 252.0, 301.0, 58.0, 12.0, 126.0],
    [189.0, 294.0, 322.0, 198.0, 126.0, 16.0],
];

/// The most regions a matrix may have.
pub const MAX_MATRIX_REGIONS: usize = 64;

/// Reads a decimal number as a person types it (`12`, `-0.5`, `.5`, `5.`, `1e3`, spaces
/// around), or `None`.
///
/// serde_json's number reader does the work: the scenario reader already carries it, and
/// std's `str::parse::<f64>` would add 15 KB to the browser build for its tables.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let text = text.strip_prefix('+').unwrap_or(text);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    // JSON wants a digit on each side of the point.
    let lead = if digits.starts_with('.') { "0" } else { "" };
    let (body, exponent) = match digits.find(['e', 'E']) {
        Some(at) => digits.split_at(at),
        None => (digits, ""),
    };
    if !body.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let trail = if body.ends_with('.') { "0" } else { "" };
    let json = format!("{sign}{lead}{body}{trail}{exponent}");
    serde_json::from_str::<f64>(&json).ok()
}

/// SimBlock's latency draw around a mean of `mean_ms`: a Pareto distribution of scale
/// `mean - 5` and shape `0.2 * mean`, whose mean is exactly `mean_ms`
/// (shape * scale / (shape - 1) = 0.2m (m - 5) / (0.2m - 1) = m). Means of 5 ms or less have
/// no such distribution and are returned as they are.
pub fn pareto_around(rng: &mut SimRng, mean_ms: f64) -> f64 {
    if mean_ms <= 5.0 {
        return mean_ms;
    }
    let shape = 0.2 * mean_ms;
    let scale = mean_ms - 5.0;
    // 1 - unit() lies in (0, 1]: never a division by zero.
    scale / libm::pow(1.0 - rng.unit(), 1.0 / shape)
}

impl Default for LatencyModel {
    fn default() -> LatencyModel {
        LatencyModel::Constant { ms: 100.0 }
    }
}

impl LatencyModel {
    /// SimBlock's 2019 matrix between its six regions, with its Pareto jitter.
    pub fn simblock_2019() -> LatencyModel {
        LatencyModel::RegionMatrix {
            one_way_ms: SIMBLOCK_2019_MS.iter().map(|row| row.to_vec()).collect(),
            jitter: true,
        }
    }

    /// Whether the latency it draws depends on the peers' regions.
    pub fn uses_regions(&self) -> bool {
        matches!(
            self,
            LatencyModel::ByRegion { .. } | LatencyModel::RegionMatrix { .. }
        )
    }

    /// Checks the parameters; the message names the bad one.
    pub fn validate(&self) -> Result<(), ParamError> {
        let non_negative = |name: &str, v: f64| crate::sim::caps::delay_ms(name, v).map(drop);
        match *self {
            LatencyModel::RegionMatrix { ref one_way_ms, .. } => {
                let n = one_way_ms.len();
                if n == 0 {
                    return Err(ParamError::too_small("one_way_ms (rows)", 0, 1));
                }
                caps::at_most("one_way_ms (rows)", n as u64, MAX_MATRIX_REGIONS as u64)?;
                for (a, row) in one_way_ms.iter().enumerate() {
                    if row.len() != n {
                        return Err(Conflict::MatrixNotSquare {
                            row: a,
                            len: row.len(),
                            rows: n,
                        }
                        .into());
                    }
                    for (b, &ms) in row.iter().enumerate() {
                        non_negative(&format!("one_way_ms[{a}][{b}]"), ms)?;
                    }
                }
                Ok(())
            }
            LatencyModel::Constant { ms } => non_negative("ms", ms),
            LatencyModel::Uniform { lo_ms, hi_ms } => {
                non_negative("lo_ms", lo_ms)?;
                non_negative("hi_ms", hi_ms)?;
                if lo_ms > hi_ms {
                    return Err(Conflict::UniformReversed { lo_ms, hi_ms }.into());
                }
                Ok(())
            }
            LatencyModel::LogNormal { mean_ms, sd_ms } => {
                non_negative("mean_ms", mean_ms)?;
                non_negative("sd_ms", sd_ms)?;
                if mean_ms <= 0.0 {
                    return Err(Conflict::LogNormalMeanZero.into());
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
            LatencyModel::RegionMatrix {
                ref one_way_ms,
                jitter,
            } => {
                let n = one_way_ms.len().max(1);
                let mean = one_way_ms
                    .get(usize::from(region_a) % n)
                    .and_then(|row| row.get(usize::from(region_b) % n))
                    .copied()
                    .unwrap_or(0.0);
                match jitter {
                    true => pareto_around(rng, mean),
                    false => mean,
                }
            }
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
    /// `region:INTRA,INTER[,JITTER]`, `region-matrix` (SimBlock's 2019 matrix with its
    /// jitter) or `region-matrix:no-jitter`.
    pub fn parse(text: &str) -> Result<LatencyModel, ParamError> {
        match text {
            "region-matrix" => return Ok(LatencyModel::simblock_2019()),
            "region-matrix:no-jitter" => {
                let mut model = LatencyModel::simblock_2019();
                if let LatencyModel::RegionMatrix { jitter, .. } = &mut model {
                    *jitter = false;
                }
                return Ok(model);
            }
            _ => {}
        }
        let (name, args) = text.split_once(':').unwrap_or((text, ""));
        let numbers: Vec<f64> = args
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                parse_number(s).ok_or_else(|| ParamError::NotANumber {
                    text: s.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        let model = match (name, numbers.as_slice()) {
            ("constant", [ms]) => LatencyModel::Constant { ms: *ms },
            ("uniform", [lo, hi]) => LatencyModel::Uniform {
                lo_ms: *lo,
                hi_ms: *hi,
            },
            ("lognormal", [mean, sd]) => LatencyModel::LogNormal {
                mean_ms: *mean,
                sd_ms: *sd,
            },
            ("region", [intra, inter]) => LatencyModel::ByRegion {
                intra_ms: *intra,
                inter_ms: *inter,
                jitter_ms: 0.0,
            },
            ("region", [intra, inter, jitter]) => LatencyModel::ByRegion {
                intra_ms: *intra,
                inter_ms: *inter,
                jitter_ms: *jitter,
            },
            _ => {
                return Err(ParamError::Unknown {
                    kind: Named::Latency,
                    name: text.to_string(),
                })
            }
        };
        model.validate()?;
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_read_as_typed_or_not_at_all() {
        for (text, value) in [
            ("12", 12.0),
            (" 12.5 ", 12.5),
            ("-0.5", -0.5),
            ("+3", 3.0),
            (".5", 0.5),
            ("-.25", -0.25),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("2.5E-1", 0.25),
            ("7.e1", 70.0),
        ] {
            assert_eq!(parse_number(text), Some(value), "{text:?}");
        }
        for text in [
            "", " ", "abc", "1,5", "1.2.3", "--1", "NaN", "inf", "0x10", ".", "e3", "1e",
        ] {
            assert_eq!(parse_number(text), None, "{text:?}");
        }
    }

    proptest! {
        /// Against std's reader, for numbers written the ways Rust writes them.
        #[test]
        fn numbers_read_as_std_reads_them(x in -1e6f64..1e6, places in 0usize..6) {
            for text in [format!("{x}"), format!("{x:.places$}"), format!("{x:e}")] {
                let ours = parse_number(&text).unwrap();
                let std = text.parse::<f64>().unwrap();
                prop_assert!((ours - std).abs() <= std.abs() * 4.0 * f64::EPSILON, "{text}");
            }
        }
    }

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
        assert_eq!(
            LatencyModel::parse("constant:-5"),
            Err(ParamError::NotADelay {
                field: "ms".into(),
                value: -5.0
            })
        );
        assert!(LatencyModel::parse("uniform:20,10").is_err());
        assert!(LatencyModel::parse("gaussian:1").is_err());
        assert_eq!(
            LatencyModel::parse("constant:abc"),
            Err(ParamError::NotANumber { text: "abc".into() })
        );
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

    #[test]
    fn the_pareto_draw_has_the_tables_mean_and_simblocks_quantiles() {
        // Pareto(scale x, shape a): mean a x / (a - 1), P(X > q) = (x / q)^a, median x 2^(1/a).
        for mean in [11.0, 58.0, 124.0, 325.0] {
            let (scale, shape) = (mean - 5.0, 0.2 * mean);
            let mut rng = SimRng::new(mean as u64);
            let mut draws: Vec<f64> = (0..200_000)
                .map(|_| pareto_around(&mut rng, mean))
                .collect();
            let sample_mean = draws.iter().sum::<f64>() / draws.len() as f64;
            assert!(
                (sample_mean - mean).abs() < 0.02 * mean,
                "{mean}: {sample_mean}"
            );
            assert!(draws.iter().all(|&d| d >= scale), "{mean}: below the scale");
            draws.sort_by(f64::total_cmp);
            let median = draws[draws.len() / 2];
            let expected = scale * 2f64.powf(1.0 / shape);
            assert!(
                (median - expected).abs() < 0.01 * expected,
                "{mean}: {median} vs {expected}"
            );
        }
        // No such distribution at 5 ms or less: the mean itself.
        assert_eq!(pareto_around(&mut SimRng::new(1), 5.0), 5.0);
    }

    #[test]
    fn the_matrix_gives_simblocks_2019_table_and_wraps_past_its_last_region() {
        let steady = LatencyModel::parse("region-matrix:no-jitter").unwrap();
        let mut rng = SimRng::new(1);
        // Europe to Japan, North America inside, Australia to South America (SimBlock 2019).
        assert_eq!(steady.draw(&mut rng, 1, 4), Time::from_ms(252));
        assert_eq!(steady.draw(&mut rng, 0, 0), Time::from_ms(32));
        assert_eq!(steady.draw(&mut rng, 5, 2), Time::from_ms(322));
        // A seventh region is the first again.
        assert_eq!(steady.draw(&mut rng, 6, 1), Time::from_ms(124));
        let jittered = LatencyModel::parse("region-matrix").unwrap();
        assert_eq!(jittered, LatencyModel::simblock_2019());
        let draws: Vec<Time> = (0..50).map(|_| jittered.draw(&mut rng, 1, 4)).collect();
        assert!(draws.iter().all(|&t| t >= Time::from_ms(247)), "{draws:?}");
        assert!(
            draws.windows(2).any(|w| w[0] != w[1]),
            "jitter varies: {draws:?}"
        );
    }

    #[test]
    fn a_bad_matrix_is_refused_with_what_is_wrong() {
        let parse = |json: &str| -> Result<LatencyModel, String> {
            let model: LatencyModel = serde_json::from_str(json).map_err(|e| e.to_string())?;
            model.validate().map(|_| model).map_err(|e| e.to_string())
        };
        let ok = parse(r#"{"model": "region-matrix", "one_way_ms": [[1, 2], [3, 4]]}"#).unwrap();
        assert_eq!(
            ok,
            LatencyModel::RegionMatrix {
                one_way_ms: vec![vec![1.0, 2.0], vec![3.0, 4.0]],
                jitter: true
            }
        );
        let err = parse(r#"{"model": "region-matrix", "one_way_ms": [[1, 2], [3]]}"#).unwrap_err();
        assert!(err.contains("row 1 has 1 entries, not 2"), "{err}");
        let err = parse(r#"{"model": "region-matrix", "one_way_ms": []}"#).unwrap_err();
        assert!(
            err.contains("one_way_ms (rows) must be at least 1"),
            "{err}"
        );
        let err = parse(r#"{"model": "region-matrix", "one_way_ms": [[-1]]}"#).unwrap_err();
        assert!(err.contains("one_way_ms[0][0]"), "{err}");
        // Refused while reading: 65 entries in a row.
        let long_row = format!(
            r#"{{"model": "region-matrix", "one_way_ms": [[{}]]}}"#,
            vec!["1"; 65].join(",")
        );
        assert!(parse(&long_row).unwrap_err().contains("at most 64 regions"));
    }
}
