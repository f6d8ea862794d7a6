//! Caps on what one run may hold: every input is checked against these before any large work.
//!
//! A scenario is text from a stranger. Each cap keeps memory and time in
//! proportion to a size the user asked for, so a 100-byte file cannot ask for
//! gigabytes (a peer id of 4,294,967,294 would size every per-peer vector) or
//! for a run that never ends (a push round every hour for four billion rounds).
//! Each is refused with a message naming the field and the cap.

use crate::sim::error::ParamError;
use crate::sim::time::Time;

/// Live peers in one network (Bitcoin's real network is about 110,000).
pub const MAX_PEERS: usize = 1_000_000;

/// Peer ids, and `next_peer_id`, stay below this. Per-peer state is indexed by
/// id, so ids are bounded by what a network can use: room for [`MAX_PEERS`]
/// and as many ids again retired by removals.
pub const MAX_PEER_ID: u32 = 2 * MAX_PEERS as u32;

/// Live links in one network: about 90 bytes each with the run's state, so
/// the largest network stays under 1 GB (Bitcoin's real network has about
/// 900,000 links).
pub const MAX_LINKS: usize = 5_000_000;

/// Entries in a scenario's timeline.
pub const MAX_TIMELINE: usize = 100_000;

/// Transactions in one run.
pub const MAX_TRANSACTIONS: usize = 10_000;

/// Transactions times peer slots: each transaction keeps a record per peer
/// slot (about 24 bytes), so this bounds that memory at about 200 MB.
pub const MAX_TRANSACTION_CELLS: u64 = 8_000_000;

/// Transactions times links: a flood of one transaction puts up to two
/// messages per link in flight, and concurrent transactions with edits
/// between them keep them all (about 40 bytes each), so this bounds that
/// memory at about 400 MB. The largest network carries one transaction; at
/// Bitcoin's size (about 900,000 links) five run at once, at 10,000 peers sixty.
pub const MAX_TRANSACTION_LINKS: u64 = MAX_LINKS as u64;

// Bitcoin's size (110,000 peers) must still carry a timeline of dozens of transactions.
const _: () = assert!(MAX_TRANSACTION_CELLS / 110_000 >= 50);

/// Push gossip's rounds per peer and hop limit.
pub const MAX_ROUNDS: u32 = 1_000;

/// Push gossip's fanout (a peer has at most a few hundred links anyway).
pub const MAX_FANOUT: u32 = 1_000;

/// Rumor mongering's k (Demers et al. study k from 1 to 5).
pub const MAX_RUMOR_K: u32 = 100;

/// Bitcoin's announcements per trickle (Core's own maximum is 1,000; a larger cap only lifts
/// the limit).
pub const MAX_INV_PER_TRICKLE: u32 = 1_000_000;

/// Any one connection limit (a peer cannot have more links than there are peers).
pub const MAX_LINKS_PER_PEER: u32 = MAX_PEERS as u32;

/// Trials of one `simulate` run.
pub const MAX_TRIALS: u32 = 100_000;

/// The longest delay any one parameter may set: a link latency, a validation
/// delay, a round interval, a Bitcoin timer (one hour).
pub const MAX_DELAY: Time = Time(3_600_000_000);

/// The latest virtual time of a timeline entry (30 days).
pub const MAX_TIMELINE_AT: Time = Time(30 * 24 * 3_600_000_000);

/// The virtual-time horizon: a run stops when its next event lies beyond it
/// (a year; with every delay capped at an hour, only a pathological run gets there).
pub const HORIZON: Time = Time(365 * 24 * 3_600_000_000);

/// Bytes of a scenario file the CLI reads.
pub const MAX_SCENARIO_BYTES: u64 = 256 * 1024 * 1024;

/// Whether a run of `transactions` transactions over `peer_ids` peer ids and `links` links
/// stays within the transaction caps (see [`MAX_TRANSACTIONS`] and the two products after it).
pub fn transactions_fit(transactions: u64, peer_ids: u64, links: u64) -> bool {
    transactions <= MAX_TRANSACTIONS as u64
        && transactions.saturating_mul(peer_ids) <= MAX_TRANSACTION_CELLS
        && transactions.saturating_mul(links) <= MAX_TRANSACTION_LINKS
}

/// Checks a delay in milliseconds: finite, non-negative, at most [`MAX_DELAY`].
pub fn delay_ms(name: &str, ms: f64) -> Result<Time, ParamError> {
    match Time::try_from_ms_f64(ms) {
        Some(t) if t <= MAX_DELAY => Ok(t),
        _ => Err(ParamError::NotADelay {
            field: name.to_string(),
            value: ms,
        }),
    }
}

/// Checks a count against its cap.
pub fn at_most(name: &str, value: u64, cap: u64) -> Result<(), ParamError> {
    if value > cap {
        Err(ParamError::too_large(name, value as f64, cap as f64))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_bounded_by_an_hour_in_milliseconds() {
        assert_eq!(delay_ms("x", 3_600_000.0), Ok(Time(3_600_000_000)));
        assert!(delay_ms("x", 3_600_000.001).is_err());
        assert_eq!(
            delay_ms("x", 1e13),
            Err(ParamError::NotADelay {
                field: "x".into(),
                value: 1e13
            })
        );
        assert!(delay_ms("x", 1e13)
            .unwrap_err()
            .to_string()
            .starts_with("x: 10000000000000 is not a number of milliseconds"));
        assert!(delay_ms("x", -0.5).is_err());
        assert!(delay_ms("x", f64::NAN).is_err());
    }
}
