//! The core's errors about parameters, as data: which field, and which rule its value breaks.
//!
//! Front ends match on the variants; `Display` gives the one line the CLI prints and the app
//! shows, naming the field first.

use std::fmt;

use crate::sim::caps;
use crate::sim::network::EditError;

/// A parameter the core refuses.
///
/// `Debug` shows the message, as `Display` does: a derived `Debug` of this and
/// [`EditError`] was 4.5 KB of the browser build, reached from somewhere only a vtable shows.
#[derive(Clone, PartialEq)]
pub enum ParamError {
    /// `field` is `value`, more than the `cap` allowed.
    TooLarge { field: String, value: f64, cap: f64 },
    /// `field` is `value`, less than `min`.
    TooSmall { field: String, value: f64, min: f64 },
    /// `field` is not a number of milliseconds from 0 to [`caps::MAX_DELAY`].
    NotADelay { field: String, value: f64 },
    /// `field` is not a share between 0 and 1.
    NotAShare { field: String, value: f64 },
    /// `field` is not a time in milliseconds from 0 to `max_ms`.
    NotATime {
        field: String,
        value: f64,
        max_ms: f64,
    },
    /// `field` must be even.
    NotEven { field: String, value: f64 },
    /// A word that names nothing the core knows.
    Unknown { kind: Named, name: String },
    /// A piece of a parameter list that is not a number.
    NotANumber { text: String },
    /// Two parameters that do not go together.
    Conflict(Conflict),
    /// The network refused an edit while being made.
    Network(EditError),
}

/// The kinds of things a [`ParamError::Unknown`] can fail to name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// A relay policy (flood, bitcoin, push, rumor, client-server).
    RelayPolicy,
    /// A rumor-mongering mode.
    RumorMode,
    /// A latency model's CLI form.
    Latency,
}

/// Parameters that contradict each other.
#[derive(Clone, Debug, PartialEq)]
pub enum Conflict {
    /// Push gossip without rounds or a hop limit would never stop.
    PushNeverStops,
    /// A uniform latency whose low end is above its high end.
    UniformReversed { lo_ms: f64, hi_ms: f64 },
    /// A log-normal latency needs a mean above zero.
    LogNormalMeanZero,
    /// A region matrix must be square: `row` has `len` entries where there are `rows` rows.
    MatrixNotSquare { row: usize, len: usize, rows: usize },
    /// The role shares of a Bitcoin network add up to more than 1.
    RoleSharesOverOne { sum: f64 },
    /// A generator needs more peers than it has (`needs` at least, for `why`).
    TooFewPeers {
        topology: &'static str,
        peers: u64,
        needs: u64,
    },
    /// More regions than peers.
    MoreRegionsThanPeers { regions: u32, peers: u32 },
    /// A parameter that must stay below the number of peers.
    NotBelowPeers {
        field: &'static str,
        value: u32,
        peers: u32,
    },
    /// More links per peer than the limits allow.
    OverLimit {
        field: &'static str,
        value: u32,
        limit: u32,
    },
}

impl ParamError {
    /// `field` is `value`, more than `cap`.
    pub fn too_large(field: impl Into<String>, value: impl Into<f64>, cap: impl Into<f64>) -> Self {
        ParamError::TooLarge {
            field: field.into(),
            value: value.into(),
            cap: cap.into(),
        }
    }

    /// `field` is `value`, less than `min`.
    pub fn too_small(field: impl Into<String>, value: impl Into<f64>, min: impl Into<f64>) -> Self {
        ParamError::TooSmall {
            field: field.into(),
            value: value.into(),
            min: min.into(),
        }
    }

    /// The same error with its field inside `outer`: `ms` within `validation_delay` becomes
    /// `validation_delay.ms`.
    pub fn within(mut self, outer: &str) -> Self {
        match &mut self {
            ParamError::TooLarge { field, .. }
            | ParamError::TooSmall { field, .. }
            | ParamError::NotADelay { field, .. }
            | ParamError::NotAShare { field, .. }
            | ParamError::NotATime { field, .. }
            | ParamError::NotEven { field, .. } => *field = format!("{outer}.{field}"),
            _ => {}
        }
        self
    }

    /// The field it names, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ParamError::TooLarge { field, .. }
            | ParamError::TooSmall { field, .. }
            | ParamError::NotADelay { field, .. }
            | ParamError::NotAShare { field, .. }
            | ParamError::NotATime { field, .. }
            | ParamError::NotEven { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::TooLarge { field, value, cap } => {
                write!(f, "{field}: {value} is more than the {cap} allowed")
            }
            ParamError::TooSmall { field, value, min } => {
                write!(f, "{field} must be at least {min}, got {value}")
            }
            ParamError::NotADelay { field, value } => write!(
                f,
                "{field}: {value} is not a number of milliseconds from 0 to {} (one hour)",
                caps::MAX_DELAY.as_ms_f64()
            ),
            ParamError::NotAShare { field, value } => {
                write!(f, "{field} must be a share between 0 and 1, got {value}")
            }
            ParamError::NotATime {
                field,
                value,
                max_ms,
            } => write!(
                f,
                "{field}: {value} is not a number of milliseconds from 0 to {max_ms}"
            ),
            ParamError::NotEven { field, value } => write!(f, "{field} must be even, got {value}"),
            ParamError::Unknown { kind, name } => match kind {
                Named::RelayPolicy => write!(
                    f,
                    "unknown relay policy '{name}' (expected flood, bitcoin, push, rumor or client-server)"
                ),
                Named::RumorMode => write!(
                    f,
                    "unknown rumor mode '{name}' (expected feedback-counter, feedback-coin, blind-counter or blind-coin)"
                ),
                Named::Latency => write!(
                    f,
                    "latency '{name}' is not one of constant:MS, uniform:LO,HI, lognormal:MEAN,SD, region:INTRA,INTER[,JITTER], region-matrix[:no-jitter]"
                ),
            },
            ParamError::NotANumber { text } => write!(f, "'{text}' is not a number"),
            ParamError::Conflict(conflict) => conflict.fmt(f),
            ParamError::Network(e) => e.fmt(f),
        }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::PushNeverStops => f.write_str(
                "push gossip needs a number of rounds or a hop limit, or it never stops",
            ),
            Conflict::UniformReversed { lo_ms, hi_ms } => {
                write!(f, "uniform latency needs lo <= hi, got {lo_ms} > {hi_ms}")
            }
            Conflict::LogNormalMeanZero => f.write_str("log-normal latency needs a positive mean"),
            Conflict::MatrixNotSquare { row, len, rows } => write!(
                f,
                "a region matrix is square: row {row} has {len} entries, not {rows}"
            ),
            Conflict::RoleSharesOverOne { sum } => write!(
                f,
                "bitcoin light_share + mining_share + archival_share must be at most 1, got {sum}"
            ),
            Conflict::TooFewPeers {
                topology,
                peers,
                needs,
            } => write!(
                f,
                "a {topology} network needs at least {needs} peers, got {peers}"
            ),
            Conflict::MoreRegionsThanPeers { regions, peers } => write!(
                f,
                "regions must be between 1 and the number of peers ({peers}), got {regions}"
            ),
            Conflict::NotBelowPeers {
                field,
                value,
                peers,
            } => write!(
                f,
                "{field} must be below the number of peers ({peers}), got {value}"
            ),
            Conflict::OverLimit {
                field,
                value,
                limit,
            } => write!(
                f,
                "{field} must be at most the limit of {limit}, got {value}"
            ),
        }
    }
}

impl fmt::Debug for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ParamError {}

impl From<EditError> for ParamError {
    fn from(e: EditError) -> Self {
        ParamError::Network(e)
    }
}

impl From<Conflict> for ParamError {
    fn from(c: Conflict) -> Self {
        ParamError::Conflict(c)
    }
}
/// `expect` for a result whose error has a message: panics with the message through `Display`.
///
/// `Result::expect` formats the error with `Debug`, and every `Debug` impl a panic can reach
/// is code in the browser build; the `Display` impls are there already.
pub trait OrPanic<T> {
    /// The value, or a panic saying `what` and the error.
    fn or_panic(self, what: &str) -> T;
}

impl<T, E: fmt::Display> OrPanic<T> for Result<T, E> {
    #[track_caller]
    fn or_panic(self, what: &str) -> T {
        match self {
            Ok(value) => value,
            Err(e) => panic!("{what}: {e}"),
        }
    }
}
