//! Bitcoin Core's inbound eviction: which inbound peer a full peer drops to make room for a newcomer.
//!
//! When a Bitcoin Core node's inbound slots are full it does not simply refuse a
//! newcomer: `CConnman::AttemptToEvictConnection` (net.cpp) asks `SelectNodeToEvict`
//! (node/eviction.cpp) for one inbound peer to disconnect, and refuses the newcomer only
//! if every inbound peer is protected. [`eviction_candidate`] follows those rules step
//! by step over what the [`Network`] knows:
//!
//! 1. Candidates are the peer's inbound links (outbound links are never evicted; Core's
//!    `noban` permission is not modelled).
//! 2. Protect 4 by keyed network group: Core sorts by a secret per-node hash of the
//!    netgroup and keeps the last 4 *entries* (not 4 distinct groups: if the
//!    highest-keyed group has 4 members, all 4 come from it).
//! 3. Protect the 8 with the lowest minimum ping.
//! 4. Protect 4 that most recently sent novel transactions.
//! 5. Protect up to 8 block-relay-only peers that most recently sent novel blocks.
//! 6. Protect 4 that most recently sent novel blocks.
//! 7. Protect half of the rest (rounded down), those connected longest
//!    (`ProtectEvictionCandidatesByRatio`).
//! 8. If nobody is left, refuse. Otherwise take the network group with the most
//!    remaining members (ties: the group whose youngest member is youngest) and evict
//!    its youngest member.
//!
//! What stands in for what Core measures, and what is left out:
//!
//! - **Network group.** Core's netgroup is the /16 of an IPv4 address (/32 of IPv6), or
//!   the AS number when an ASN map is loaded. Here the peer's [`Peer::region`] stands in.
//! - **The key.** Core orders netgroups by a SipHash keyed with a random per-node secret,
//!   so an attacker cannot tell which groups are protected. The core here has no ambient
//!   randomness: the key is the region itself (ascending), ties broken by link id, so the
//!   highest-numbered region is the one protected. Predictable, and documented as such.
//! - **Minimum ping.** The link's one-way latency (Core measures round trips, twice as
//!   long, so the order is the same). Equal latencies: the older link counts as faster.
//! - **Connection time.** Link creation order: [`LinkId`]s are handed out in increasing
//!   order and never reused, so a higher id is a younger connection.
//! - **Recent transactions and blocks.** The network does not track them, so by default
//!   every peer has never sent either ([`RecentActivity::NEVER`]). Core's comparators
//!   then fall through to their tie-breaks, which still protect someone: the 4 oldest
//!   transaction-relaying peers (step 4), up to 8 of the oldest block-relay-only peers
//!   (step 5) and the 4 oldest peers serving blocks (step 6). A caller that does track
//!   activity can pass it to [`eviction_candidate_with`].
//! - **Relays transactions, bloom filter, services.** An inbound link of kind
//!   [`LinkKind::BlockRelayOnly`] relays no transactions (Core's `m_relay_txs` false);
//!   a light peer is an SPV client, so it has loaded a bloom filter and lacks the
//!   block-serving services (Core's `fRelevantServices`); every other peer has them.
//! - **Disadvantaged networks.** Core reserves part of step 7's protection for peers on
//!   onion, I2P, CJDNS and localhost connections. None of those networks is modelled,
//!   so step 7 protects purely by connection time.
//! - **`prefer_evict`** (peers Core has discouraged) is not modelled: nobody is preferred.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::sim::network::{EditError, LinkId, LinkKind, Network, PeerId, Role};
use crate::sim::time::Time;

/// Peers protected by keyed network group (Core's first protection).
pub const PROTECT_BY_NETGROUP: usize = 4;
/// Peers protected for the lowest minimum ping.
pub const PROTECT_BY_PING: usize = 8;
/// Peers protected for most recently sending novel transactions.
pub const PROTECT_BY_TRANSACTIONS: usize = 4;
/// Block-relay-only peers protected for most recently sending novel blocks.
pub const PROTECT_BLOCK_RELAY_ONLY: usize = 8;
/// Peers protected for most recently sending novel blocks.
pub const PROTECT_BY_BLOCKS: usize = 4;

/// An inbound link chosen for eviction, and the peer at its other end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Eviction {
    /// The inbound link to drop.
    pub link: LinkId,
    /// The peer that opened it, which loses one outbound link.
    pub peer: PeerId,
}

/// When an inbound peer last sent something new, as Core's eviction logic sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentActivity {
    /// When it last sent a transaction accepted into the mempool; [`Time::ZERO`] for never.
    pub last_transaction: Time,
    /// When it last sent a novel block; [`Time::ZERO`] for never.
    pub last_block: Time,
}

impl RecentActivity {
    /// Never sent a transaction nor a block: what every peer is when activity is not tracked.
    pub const NEVER: RecentActivity = RecentActivity {
        last_transaction: Time::ZERO,
        last_block: Time::ZERO,
    };
}

/// One inbound peer as Core's `NodeEvictionCandidate` describes it.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    link: LinkId,
    peer: PeerId,
    netgroup: u16,
    min_ping: Time,
    activity: RecentActivity,
    relay_txs: bool,
    bloom_filter: bool,
    relevant_services: bool,
}

impl Candidate {
    fn eviction(&self) -> Eviction {
        Eviction {
            link: self.link,
            peer: self.peer,
        }
    }
}

/// A younger connection (higher link id) sorts first: Core's `a.m_connected > b.m_connected`.
fn younger_first(a: &Candidate, b: &Candidate) -> Ordering {
    b.link.cmp(&a.link)
}

/// `CompareNetGroupKeyed`, with the region as the key and the link id settling ties
/// (Core's sort leaves the order within a group unspecified).
fn by_netgroup(a: &Candidate, b: &Candidate) -> Ordering {
    a.netgroup.cmp(&b.netgroup).then(a.link.cmp(&b.link))
}

/// `ReverseCompareNodeMinPingTime`: slowest first, so the fastest end up last; of equal
/// pings the older link sorts last (is protected first).
fn slowest_first(a: &Candidate, b: &Candidate) -> Ordering {
    b.min_ping.cmp(&a.min_ping).then(younger_first(a, b))
}

/// `CompareNodeTXTime`.
fn by_transaction_time(a: &Candidate, b: &Candidate) -> Ordering {
    a.activity
        .last_transaction
        .cmp(&b.activity.last_transaction)
        .then(a.relay_txs.cmp(&b.relay_txs))
        .then(b.bloom_filter.cmp(&a.bloom_filter))
        .then(younger_first(a, b))
}

/// `CompareNodeBlockRelayOnlyTime`.
fn by_block_relay_only_time(a: &Candidate, b: &Candidate) -> Ordering {
    b.relay_txs
        .cmp(&a.relay_txs)
        .then(a.activity.last_block.cmp(&b.activity.last_block))
        .then(a.relevant_services.cmp(&b.relevant_services))
        .then(younger_first(a, b))
}

/// `CompareNodeBlockTime`.
fn by_block_time(a: &Candidate, b: &Candidate) -> Ordering {
    a.activity
        .last_block
        .cmp(&b.activity.last_block)
        .then(a.relevant_services.cmp(&b.relevant_services))
        .then(younger_first(a, b))
}

/// Core's `EraseLastKElements`: sorts, then drops (protects) those of the last `k` that
/// satisfy `protect`.
fn protect_last(
    candidates: &mut Vec<Candidate>,
    order: fn(&Candidate, &Candidate) -> Ordering,
    k: usize,
    protect: fn(&Candidate) -> bool,
) {
    candidates.sort_by(order);
    let start = candidates.len() - k.min(candidates.len());
    let mut i = start;
    while i < candidates.len() {
        if protect(&candidates[i]) {
            candidates.remove(i);
        } else {
            i += 1;
        }
    }
}

fn anyone(_: &Candidate) -> bool {
    true
}

/// The peer's inbound links as eviction candidates, with each link's activity.
fn candidates(
    net: &Network,
    peer: PeerId,
    activity: &dyn Fn(LinkId) -> RecentActivity,
) -> Vec<Candidate> {
    net.adjacent(peer)
        .iter()
        .filter(|adj| !adj.outbound())
        .filter_map(|adj| {
            let other = net.peer(adj.peer)?;
            let light = other.role == Role::Light;
            Some(Candidate {
                link: adj.link,
                peer: adj.peer,
                netgroup: other.region,
                min_ping: adj.latency(),
                activity: activity(adj.link),
                relay_txs: adj.carries_transactions(),
                bloom_filter: light,
                relevant_services: !light,
            })
        })
        .collect()
}

/// Steps 1 to 7: the candidates no rule protects, youngest first.
fn unprotected(mut c: Vec<Candidate>) -> Vec<Candidate> {
    protect_last(&mut c, by_netgroup, PROTECT_BY_NETGROUP, anyone);
    protect_last(&mut c, slowest_first, PROTECT_BY_PING, anyone);
    protect_last(&mut c, by_transaction_time, PROTECT_BY_TRANSACTIONS, anyone);
    protect_last(
        &mut c,
        by_block_relay_only_time,
        PROTECT_BLOCK_RELAY_ONLY,
        |c| !c.relay_txs && c.relevant_services,
    );
    protect_last(&mut c, by_block_time, PROTECT_BY_BLOCKS, anyone);
    // ProtectEvictionCandidatesByRatio without disadvantaged networks: the older half.
    let half = c.len() / 2;
    protect_last(&mut c, younger_first, half, anyone);
    c
}

/// Step 8: the youngest member of the largest group (ties: the group whose youngest
/// member is youngest), walking `remaining` youngest first as Core does.
fn youngest_of_largest_group(remaining: &[Candidate]) -> Option<Eviction> {
    // Per group: its size and its first (youngest) member.
    let mut groups: BTreeMap<u16, (usize, Candidate)> = BTreeMap::new();
    let mut best: Option<(usize, Candidate)> = None;
    for c in remaining {
        let group = groups.entry(c.netgroup).or_insert((0, *c));
        group.0 += 1;
        let (size, youngest) = *group;
        let better = match best {
            None => true,
            Some((best_size, best_youngest)) => {
                size > best_size || (size == best_size && youngest.link > best_youngest.link)
            }
        };
        if better {
            best = Some((size, youngest));
        }
    }
    best.map(|(_, youngest)| youngest.eviction())
}

/// The inbound link Bitcoin Core would drop to make room at `peer`, or `None` if every
/// inbound peer is protected (or `peer` has no inbound links or does not exist).
///
/// Every peer counts as never having sent a transaction or a block; see the module
/// documentation for what else stands in for Core's measurements.
pub fn eviction_candidate(net: &Network, peer: PeerId) -> Option<Eviction> {
    eviction_candidate_with(net, peer, |_| RecentActivity::NEVER)
}

/// [`eviction_candidate`] with each inbound link's recent activity supplied by the caller.
pub fn eviction_candidate_with(
    net: &Network,
    peer: PeerId,
    activity: impl Fn(LinkId) -> RecentActivity,
) -> Option<Eviction> {
    let remaining = unprotected(candidates(net, peer, &activity));
    youngest_of_largest_group(&remaining)
}

/// The inbound links of `peer` that no protection covers, youngest first: the pool
/// [`eviction_candidate`] picks from (empty when eviction would fail).
pub fn unprotected_inbound(net: &Network, peer: PeerId) -> Vec<Eviction> {
    unprotected(candidates(net, peer, &|_| RecentActivity::NEVER))
        .iter()
        .map(Candidate::eviction)
        .collect()
}

/// A link [`Network::connect`] opened, and the inbound link it evicted to make room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connected {
    /// The new link.
    pub link: LinkId,
    /// The link dropped at the acceptor to free an inbound slot, if one was.
    pub evicted: Option<Eviction>,
}

impl Network {
    /// Opens a link like [`Network::add_link`], but when the acceptor's inbound slots
    /// are full, first evicts the inbound peer Bitcoin Core would
    /// ([`eviction_candidate`]), as a Core node does on an incoming connection.
    ///
    /// Refused, with nothing changed, exactly where `add_link` would be for any other
    /// reason (bad latency, missing or unreachable acceptor, the opener's outbound or
    /// total slots used up, an existing link). If every inbound peer of `to` is
    /// protected, the refusal is `add_link`'s [`EditError::InboundFull`].
    pub fn connect(
        &mut self,
        from: PeerId,
        to: PeerId,
        latency: Time,
        kind: LinkKind,
    ) -> Result<Connected, EditError> {
        let inbound_full = match self.add_link(from, to, latency, kind) {
            Ok(link) => {
                return Ok(Connected {
                    link,
                    evicted: None,
                })
            }
            Err(e @ EditError::InboundFull { .. }) => e,
            Err(e) => return Err(e),
        };
        // `check_link` stopped at the acceptor's inbound limit; the checks after it
        // still apply. The acceptor's total cannot be the obstacle: evicting one of its
        // inbound links frees a slot of its total as well.
        let limits = self.limits();
        let usable_total = limits.max_total.saturating_sub(limits.feeler_slots);
        if self.link_counts(from).total() >= usable_total {
            return Err(EditError::TotalFull {
                peer: from,
                limit: usable_total,
            });
        }
        if self.link_between(from, to).is_some() {
            return Err(EditError::AlreadyLinked(from, to));
        }
        if self.link_slots() >= u32::MAX as usize {
            return Err(EditError::TooManyLinks);
        }
        let Some(evicted) = eviction_candidate(self, to) else {
            return Err(inbound_full);
        };
        self.remove_link(evicted.link)?;
        // Cannot fail: every check add_link makes has passed, and the eviction freed
        // the acceptor's inbound slot and one link of the network's total.
        let link = self.add_link(from, to, latency, kind)?;
        Ok(Connected {
            link,
            evicted: Some(evicted),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::{Limits, PeerState};
    use crate::sim::rng::SimRng;

    const FULL: LinkKind = LinkKind::FullRelay;
    const BLOCKS: LinkKind = LinkKind::BlockRelayOnly;

    fn limits(max_inbound: u32, max_total: u32) -> Limits {
        Limits {
            max_outbound: 8,
            max_block_relay_outbound: 2,
            feeler_slots: 1,
            max_inbound,
            max_total,
        }
    }

    /// A hub N0 whose inbound slots are exactly full: entry `i` of `inbound` is
    /// (region, latency in ms, kind) of the link from N(i+1), opened i-th, so its id is i.
    fn hub(inbound: &[(u16, u64, LinkKind)]) -> Network {
        let n = inbound.len() as u32;
        hub_with(inbound, limits(n, n + 11))
    }

    fn hub_with(inbound: &[(u16, u64, LinkKind)], limits: Limits) -> Network {
        let mut net = Network::new(limits);
        let hub = net.add_peer(Role::Full, true).unwrap();
        for (i, &(region, ms, kind)) in inbound.iter().enumerate() {
            let p = net.add_peer(Role::Full, true).unwrap();
            net.set_region(p, region).unwrap();
            let link = net.add_link(p, hub, Time::from_ms(ms), kind).unwrap();
            assert_eq!(link, LinkId(i as u32), "link ids follow creation order");
        }
        net.check_invariants().unwrap();
        net
    }

    /// The link opened i-th into the hub, and the peer that opened it.
    fn ev(i: u32) -> Eviction {
        Eviction {
            link: LinkId(i),
            peer: PeerId(i + 1),
        }
    }

    fn links(e: &[Eviction]) -> Vec<u32> {
        e.iter().map(|e| e.link.0).collect()
    }

    /// Thirty inbound peers in three regions. By Core's rules, in order:
    /// - netgroup: the last 4 by (region, age) are region 2's youngest, links 26-29;
    /// - ping: links 18-25 at 10 ms are the 8 fastest left (link 28, at 1 ms, is taken);
    /// - transactions (nobody sent any; ties go to the oldest relaying peers): 0-3;
    /// - blocks (likewise, oldest first): 4-7; block-relay-only: nobody is one;
    /// - ratio: 8-17 remain, the older half 8-12 is protected;
    /// - 13-17 remain; `regions_13_to_17` decides the group and so the victim.
    fn thirty(regions_13_to_17: [u16; 5]) -> Network {
        let spec: Vec<(u16, u64, LinkKind)> = (0..30u32)
            .map(|i| {
                let region = match i {
                    0..=12 => (i % 2) as u16,
                    13..=17 => regions_13_to_17[(i - 13) as usize],
                    18 | 19 => 1,
                    _ => 2,
                };
                let ms = match i {
                    18..=25 => 10,
                    28 => 1,
                    _ => 100,
                };
                (region, ms, FULL)
            })
            .collect();
        hub(&spec)
    }

    #[test]
    fn three_inbound_peers_are_all_protected_and_a_newcomer_is_refused() {
        let mut net = hub(&[(0, 10, FULL), (1, 20, FULL), (2, 30, FULL)]);
        assert_eq!(eviction_candidate(&net, PeerId(0)), None);
        assert!(unprotected_inbound(&net, PeerId(0)).is_empty());
        let newcomer = net.add_peer(Role::Full, true).unwrap();
        let err = net
            .connect(newcomer, PeerId(0), Time::from_ms(5), FULL)
            .unwrap_err();
        assert_eq!(
            err,
            EditError::InboundFull {
                peer: PeerId(0),
                limit: 3
            }
        );
        assert_eq!(net.n_links(), 3);
    }

    #[test]
    fn the_youngest_of_the_largest_unprotected_group_goes() {
        // 13-17 in regions 0, 1, 0, 0, 1: region 0 has three (13, 15, 16), region 1 two.
        // The youngest unprotected peer overall (17) is in the smaller group and stays.
        let net = thirty([0, 1, 0, 0, 1]);
        assert_eq!(
            links(&unprotected_inbound(&net, PeerId(0))),
            [17, 16, 15, 14, 13]
        );
        assert_eq!(eviction_candidate(&net, PeerId(0)), Some(ev(16)));
    }

    #[test]
    fn a_tie_in_group_size_goes_to_the_group_with_the_youngest_member() {
        // 13-17 in regions 1, 0, 0, 1, 2: regions 0 (14, 15) and 1 (13, 16) have two each;
        // region 1's youngest, 16, is younger than region 0's, 15. Neither the lowest
        // region (0, which would give 15) nor the youngest overall (17) decides.
        let net = thirty([1, 0, 0, 1, 2]);
        assert_eq!(eviction_candidate(&net, PeerId(0)), Some(ev(16)));
    }

    #[test]
    fn recent_transactions_protect_their_senders() {
        // As in the first thirty, but 13, 14, 16 and 17 sent transactions lately, so they
        // take step 4's places. Then blocks protect 0-3, the ratio 4-8 of the ten left
        // (4-12, 15), and of 9-12 and 15 region 0 has three (10, 12, 15): 15 goes.
        let net = thirty([0, 1, 0, 0, 1]);
        let activity = |link: LinkId| RecentActivity {
            last_transaction: match link.0 {
                13 | 14 | 16 | 17 => Time::from_ms(1000 + u64::from(link.0)),
                _ => Time::ZERO,
            },
            last_block: Time::ZERO,
        };
        assert_eq!(
            eviction_candidate_with(&net, PeerId(0), activity),
            Some(ev(15))
        );
    }

    #[test]
    fn light_peers_never_win_the_transaction_and_block_tie_breaks() {
        // As in the first thirty, but 13 and 16 are light (a bloom filter, no block
        // services): Core sorts them first, so they stay exposed, the same five remain
        // and 16 goes. Were they sorted last instead, they would take the places of 0 and
        // 1 in step 4, and 17 would go.
        let mut net = thirty([0, 1, 0, 0, 1]);
        for i in [13, 16] {
            net.set_role(ev(i).peer, Role::Light).unwrap();
        }
        assert_eq!(
            links(&unprotected_inbound(&net, PeerId(0))),
            [17, 16, 15, 14, 13]
        );
        assert_eq!(eviction_candidate(&net, PeerId(0)), Some(ev(16)));
    }

    #[test]
    fn the_eight_fastest_are_never_evicted() {
        // Forty peers in one region: netgroup protection takes the youngest four (36-39),
        // links 28-35 are the fastest (1-8 ms, the rest 50 ms). Without the ping rule
        // 35 would go first; with it, evicting again and again takes 27, 26, ... down to
        // 8, and stops with 20 left: 4 + 8 + 4 + 4 protected, nothing left for the ratio.
        let spec: Vec<(u16, u64, LinkKind)> = (0..40u64)
            .map(|i| (0, if (28..36).contains(&i) { i - 27 } else { 50 }, FULL))
            .collect();
        let mut net = hub(&spec);
        let mut evicted = Vec::new();
        while let Some(e) = eviction_candidate(&net, PeerId(0)) {
            net.remove_link(e.link).unwrap();
            evicted.push(e);
        }
        assert_eq!(evicted, (8..=27).rev().map(ev).collect::<Vec<_>>());
        assert_eq!(net.link_counts(PeerId(0)).inbound, 20);
    }

    #[test]
    fn up_to_eight_block_relay_only_peers_are_protected_as_well() {
        // Links 0-7 are block-relay-only and slow (200 ms), the rest full-relay at 100 ms.
        // With 28: netgroup 24-27, ping 8-15 (the oldest of the fast), transactions 16-19
        // (relaying peers first), block-relay-only 0-7, blocks 20-23: nobody is left.
        let spec = |n: u32| -> Vec<(u16, u64, LinkKind)> {
            (0..n)
                .map(|i| {
                    if i < 8 {
                        (0, 200, BLOCKS)
                    } else {
                        (0, 100, FULL)
                    }
                })
                .collect()
        };
        assert_eq!(eviction_candidate(&hub(&spec(28)), PeerId(0)), None);
        // With a 29th, netgroup takes 25-28 and 24 is the only one left.
        assert_eq!(eviction_candidate(&hub(&spec(29)), PeerId(0)), Some(ev(24)));
        // Twenty-eight full-relay peers leave eight after 20 protections, four after the ratio.
        let all_full: Vec<_> = (0..28).map(|_| (0, 100, FULL)).collect();
        assert!(eviction_candidate(&hub(&all_full), PeerId(0)).is_some());
    }

    #[test]
    fn connect_evicts_the_candidate_and_links() {
        let mut net = thirty([0, 1, 0, 0, 1]);
        let newcomer = net.add_peer(Role::Full, true).unwrap();
        let done = net
            .connect(newcomer, PeerId(0), Time::from_ms(30), FULL)
            .unwrap();
        assert_eq!(
            done,
            Connected {
                link: LinkId(30),
                evicted: Some(ev(16)),
            }
        );
        assert!(net.link(LinkId(16)).is_none());
        assert_eq!(net.link_counts(PeerId(17)).outbound, 0);
        assert_eq!(net.link_counts(PeerId(0)).inbound, 30);
        assert_eq!(net.link_between(newcomer, PeerId(0)), Some(LinkId(30)));
        net.check_invariants().unwrap();
        // Where there is room, connect is add_link.
        let other = net.add_peer(Role::Full, true).unwrap();
        let done = net.connect(newcomer, other, Time::ZERO, FULL).unwrap();
        assert_eq!(done.evicted, None);
    }

    #[test]
    fn connect_refuses_for_every_other_reason_as_add_link_does() {
        let mut net = thirty([0, 1, 0, 0, 1]);
        let hub = PeerId(0);
        let before = net.n_links();
        // Already linked: N1 is an inbound peer of the hub.
        assert_eq!(
            net.connect(PeerId(1), hub, Time::ZERO, FULL),
            Err(EditError::AlreadyLinked(PeerId(1), hub))
        );
        // Unreachable, light acceptors, bad latency.
        let nat = net.add_peer(Role::Full, false).unwrap();
        let light = net.add_peer(Role::Light, true).unwrap();
        let opener = net.add_peer(Role::Full, true).unwrap();
        for (to, latency) in [(nat, Time::ZERO), (light, Time::ZERO), (hub, Time::MAX)] {
            let expected = net.clone().add_link(opener, to, latency, FULL).unwrap_err();
            assert_eq!(net.connect(opener, to, latency, FULL), Err(expected));
        }
        // An opener whose outbound links are used up.
        for _ in 0..8 {
            let p = net.add_peer(Role::Full, true).unwrap();
            net.add_link(opener, p, Time::ZERO, FULL).unwrap();
        }
        assert!(matches!(
            net.connect(opener, hub, Time::ZERO, FULL),
            Err(EditError::OutboundFull { .. })
        ));
        assert_eq!(net.n_links(), before + 8);
        assert_eq!(eviction_candidate(&net, hub), Some(ev(16)));
    }

    #[test]
    fn an_opener_with_no_link_left_in_all_evicts_nobody() {
        // Usable total 37: the opener holds 30 inbound and 7 outbound, so add_link would
        // stop at the hub's full inbound, while the opener itself has no room.
        let spec: Vec<_> = (0..30).map(|i| ((i % 3) as u16, 50 + i, FULL)).collect();
        let mut net = hub_with(&spec, limits(30, 38));
        let opener = net.add_peer(Role::Full, true).unwrap();
        for _ in 0..30 {
            let p = net.add_peer(Role::Full, true).unwrap();
            net.add_link(p, opener, Time::ZERO, FULL).unwrap();
        }
        for _ in 0..7 {
            let p = net.add_peer(Role::Full, true).unwrap();
            net.add_link(opener, p, Time::ZERO, FULL).unwrap();
        }
        assert!(eviction_candidate(&net, PeerId(0)).is_some());
        assert!(matches!(
            net.clone().add_link(opener, PeerId(0), Time::ZERO, FULL),
            Err(EditError::InboundFull { .. })
        ));
        assert_eq!(
            net.connect(opener, PeerId(0), Time::ZERO, FULL),
            Err(EditError::TotalFull {
                peer: opener,
                limit: 37
            })
        );
        assert_eq!(net.link_counts(PeerId(0)).inbound, 30);
    }

    #[test]
    fn random_hubs_obey_the_protections() {
        let mut rng = SimRng::new(2024);
        let (mut evictions, mut refusals) = (0, 0);
        for _ in 0..400 {
            let n = 1 + rng.below(60);
            // Distinct latencies, so "the 8 fastest" is unambiguous.
            let mut ms: Vec<u64> = (1..=n as u64).map(|x| x * 3).collect();
            rng.shuffle(&mut ms);
            let spec: Vec<(u16, u64, LinkKind)> = ms
                .iter()
                .map(|&ms| {
                    let kind = if rng.chance(0.2) { BLOCKS } else { FULL };
                    (rng.below(5) as u16, ms, kind)
                })
                .collect();
            let mut net = hub(&spec);
            for i in 0..n {
                if rng.chance(0.1) {
                    let p = PeerId(i as u32 + 1);
                    net.set_role(p, Role::Light).unwrap();
                }
                if rng.chance(0.1) {
                    net.set_state(PeerId(i as u32 + 1), PeerState::Offline)
                        .unwrap();
                }
            }
            let hub = PeerId(0);
            let pool = unprotected_inbound(&net, hub);
            let Some(victim) = eviction_candidate(&net, hub) else {
                assert!(pool.is_empty());
                // Steps 2, 3, 4 and 6 protect 20 whoever they are, step 5 up to 8 more.
                assert!(n <= 28, "at most 28 are protected before the ratio, {n}");
                refusals += 1;
                continue;
            };
            evictions += 1;
            assert!(n > 20, "with {n} inbound peers all are protected");
            let link = net.link(victim.link).unwrap();
            assert_eq!((link.from, link.to), (victim.peer, hub));
            let mut by_latency: Vec<usize> = (0..n).collect();
            by_latency.sort_by_key(|&i| spec[i].1);
            assert!(!by_latency[..8].contains(&(victim.link.index())));
            let mut by_key: Vec<usize> = (0..n).collect();
            by_key.sort_by_key(|&i| (spec[i].0, i));
            assert!(!by_key[n - 4..].contains(&victim.link.index()));
            let region = |e: &Eviction| spec[e.link.index()].0;
            let size = |r: u16| pool.iter().filter(|e| region(e) == r).count();
            assert!(pool.contains(&victim));
            assert!(pool
                .iter()
                .all(|e| size(region(e)) <= size(region(&victim))));
            assert!(pool
                .iter()
                .filter(|e| region(e) == region(&victim))
                .all(|e| e.link <= victim.link));
        }
        assert!(evictions > 50 && refusals > 50, "{evictions} {refusals}");
    }
}
