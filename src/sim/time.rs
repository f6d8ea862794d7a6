//! Virtual time: microseconds since the start of a run, never read from a clock.

use std::fmt;
use std::ops::{Add, Sub};

/// A point in (or span of) virtual time, in whole microseconds.
///
/// Scenarios and reports speak milliseconds; the core keeps microseconds so
/// that sub-millisecond latencies survive and every comparison is exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub u64);

impl Time {
    /// The start of every run.
    pub const ZERO: Time = Time(0);
    /// Later than any event a run schedules.
    pub const MAX: Time = Time(u64::MAX);

    /// A whole number of milliseconds.
    pub const fn from_ms(ms: u64) -> Time {
        Time(ms * 1000)
    }

    /// Milliseconds as a float, rounded to the nearest microsecond.
    ///
    /// Returns `None` for negative, non-finite or absurdly large values, so
    /// callers can name the bad input instead of wrapping around.
    pub fn try_from_ms_f64(ms: f64) -> Option<Time> {
        if !(0.0..=1e12).contains(&ms) {
            return None;
        }
        Some(Time((ms * 1000.0).round() as u64))
    }

    /// This time in milliseconds.
    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The later of `self + other`, saturating instead of overflowing.
    pub fn saturating_add(self, other: Time) -> Time {
        Time(self.0.saturating_add(other.0))
    }
}

impl Add for Time {
    type Output = Time;
    fn add(self, other: Time) -> Time {
        self.saturating_add(other)
    }
}

impl Sub for Time {
    type Output = Time;
    fn sub(self, other: Time) -> Time {
        Time(self.0.saturating_sub(other.0))
    }
}

/// Reports and traces show times as (fractional) milliseconds.
impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_ms_f64())
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.as_ms_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_trip_through_microseconds() {
        let t = Time::try_from_ms_f64(12.3456).unwrap();
        assert_eq!(t, Time(12_346));
        assert_eq!(Time::try_from_ms_f64(t.as_ms_f64()), Some(t));
        assert_eq!(Time::try_from_ms_f64(-1.0), None);
        assert_eq!(Time::try_from_ms_f64(f64::NAN), None);
    }
}
