//! A peer joining the network, as data: the DNS seeds' answer, then each outbound connection attempt.
//!
//! A Bitcoin Core node that starts with an empty address table asks the DNS seeds for
//! addresses, then opens its outbound connections one at a time: full-relay links until
//! it has `max_outbound`, then block-relay-only links until it has
//! `max_block_relay_outbound`. Each attempt either links, links after the target evicts
//! one of its inbound peers ([`Network::connect`]), or is refused, and the node moves on
//! to the next address.
//!
//! [`plan_join`] works the whole sequence out on a copy of the network and returns it
//! as a [`JoinPlan`]; [`apply_attempt`] replays one attempt on the real network, so a
//! view can animate the join attempt by attempt and end with the network that applying
//! them all gives.
//!
//! Simplifications against Core:
//!
//! - **The seeds.** With an empty address table Core queries every DNS seed at once;
//!   mainnet lists [`DNS_SEEDS`] (8). Each answers with [`ADDRESSES_PER_SEED`] (25)
//!   addresses drawn uniformly from the reachable peers: an approximation of a seed's
//!   reply, which is as many records as fit one DNS reply, picked from the nodes its
//!   crawler found good. A seed lists peers that accept inbound links (reachable, not
//!   light) and are not offline; a censoring peer answers crawlers like any other, so it
//!   is listed. Answers overlap; the address list keeps each peer once, in the order
//!   the answers name them.
//! - **Choosing whom to try.** Core picks each outbound target from its address manager
//!   at random and never opens two outbound links into one network group. Here the
//!   attempts go down the (already random) address list in order, with no netgroup
//!   rule, so the newcomer gets its full complement whenever enough targets accept.
//! - **No feelers, anchors or retries**: each address is tried at most once, and the
//!   plan stops when the outbound slots are full or the addresses run out.

use crate::sim::eviction::{Connected, Eviction};
use crate::sim::latency::LatencyModel;
use crate::sim::network::{EditError, LinkId, LinkKind, Network, PeerId, PeerState};
use crate::sim::rng::SimRng;
use crate::sim::time::Time;

/// DNS seeds a node with an empty address table queries: all of mainnet's (Bitcoin Core's
/// chainparams list 8).
pub const DNS_SEEDS: usize = 8;
/// Addresses each DNS seed answers with.
pub const ADDRESSES_PER_SEED: usize = 25;

/// The rng stream the seeds' answers are drawn from (other streams serve the
/// generator, relaying, trials and validation delays).
const SEED_STREAM: u64 = 4;
/// The rng stream the new links' latencies are drawn from.
const LATENCY_STREAM: u64 = 5;

/// How one connection attempt ended.
#[derive(Clone, Debug, PartialEq)]
pub enum JoinOutcome {
    /// The target had room: a new link.
    Linked { link: LinkId },
    /// The target's inbound slots were full; it evicted one inbound peer and accepted.
    LinkedEvicting { link: LinkId, evicted: Eviction },
    /// The target refused, for the reason given (for a full target: every inbound peer
    /// was protected).
    Refused(EditError),
}

impl JoinOutcome {
    /// The outcome [`Network::connect`]'s result stands for.
    pub fn of(result: Result<Connected, EditError>) -> JoinOutcome {
        match result {
            Ok(Connected {
                link,
                evicted: None,
            }) => JoinOutcome::Linked { link },
            Ok(Connected {
                link,
                evicted: Some(evicted),
            }) => JoinOutcome::LinkedEvicting { link, evicted },
            Err(e) => JoinOutcome::Refused(e),
        }
    }

    /// The new link, unless the attempt was refused.
    pub fn link(&self) -> Option<LinkId> {
        match *self {
            JoinOutcome::Linked { link } | JoinOutcome::LinkedEvicting { link, .. } => Some(link),
            JoinOutcome::Refused(_) => None,
        }
    }
}

/// One outbound connection attempt of the newcomer.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinAttempt {
    /// The peer it tries to connect to.
    pub target: PeerId,
    /// Full-relay while the newcomer's full-relay slots last, then block-relay-only.
    pub kind: LinkKind,
    /// The one-way latency the link gets.
    pub latency: Time,
    /// What happened, given every earlier attempt of the plan.
    pub outcome: JoinOutcome,
}

/// A newcomer's join: what the DNS seeds answered, then its attempts in order.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinPlan {
    /// The joining peer.
    pub newcomer: PeerId,
    /// The addresses the seeds returned, each peer once.
    pub addresses: Vec<PeerId>,
    /// The connection attempts, in the order they are made.
    pub attempts: Vec<JoinAttempt>,
}

/// Peers a DNS seed lists: they accept inbound links and are not offline.
fn listed(net: &Network, newcomer: PeerId) -> Vec<PeerId> {
    net.peers()
        .filter(|p| p.id != newcomer && p.accepts_inbound() && p.state != PeerState::Offline)
        .map(|p| p.id)
        .collect()
}

/// What the DNS seeds answer: [`DNS_SEEDS`] independent samples of up to
/// [`ADDRESSES_PER_SEED`] listed peers, merged without repeats.
fn ask_seeds(net: &Network, newcomer: PeerId, rng: &mut SimRng) -> Vec<PeerId> {
    let mut pool = listed(net, newcomer);
    let mut seen = vec![false; net.peer_slots()];
    let mut addresses = Vec::new();
    for _ in 0..DNS_SEEDS {
        // A partial Fisher-Yates shuffle: the first `take` entries are the sample.
        let take = ADDRESSES_PER_SEED.min(pool.len());
        for i in 0..take {
            let j = i + rng.below(pool.len() - i);
            pool.swap(i, j);
            let peer = pool[i];
            if !std::mem::replace(&mut seen[peer.index()], true) {
                addresses.push(peer);
            }
        }
    }
    addresses
}

/// The kind of the newcomer's next outbound link, or `None` once all its outbound slots
/// are used.
fn next_kind(net: &Network, newcomer: PeerId) -> Option<LinkKind> {
    let (limits, counts) = (net.limits(), net.link_counts(newcomer));
    if counts.outbound < limits.max_outbound {
        Some(LinkKind::FullRelay)
    } else if counts.block_relay_outbound < limits.max_block_relay_outbound {
        Some(LinkKind::BlockRelayOnly)
    } else {
        None
    }
}

/// Works out how `newcomer` joins `net`: the seeds' answer and every connection attempt
/// until its full-relay and block-relay-only outbound slots are full or the addresses
/// run out. New links' latencies are drawn from `latency` by the two peers' regions.
///
/// Deterministic: the same network, newcomer, seed and model give the same plan. `net`
/// is not changed; replay the attempts with [`apply_attempt`]. A newcomer that is not
/// in the network gets an empty plan.
pub fn plan_join(net: &Network, newcomer: PeerId, seed: u64, latency: &LatencyModel) -> JoinPlan {
    let mut plan = JoinPlan {
        newcomer,
        addresses: Vec::new(),
        attempts: Vec::new(),
    };
    let Some(joining) = net.peer(newcomer) else {
        return plan;
    };
    let region = joining.region;
    plan.addresses = ask_seeds(net, newcomer, &mut SimRng::for_stream(seed, SEED_STREAM));
    let mut rng = SimRng::for_stream(seed, LATENCY_STREAM);
    let mut sim = net.clone();
    for &target in &plan.addresses {
        let Some(kind) = next_kind(&sim, newcomer) else {
            break;
        };
        let target_region = sim.peer(target).map_or(0, |p| p.region);
        let latency = latency.draw(&mut rng, region, target_region);
        let outcome = JoinOutcome::of(sim.connect(newcomer, target, latency, kind));
        plan.attempts.push(JoinAttempt {
            target,
            kind,
            latency,
            outcome,
        });
    }
    plan
}

/// Makes one attempt of a plan on `net`: [`Network::connect`] with the attempt's target,
/// kind and latency. On the network the plan was made for, with the earlier attempts
/// applied, its result is the attempt's [`JoinAttempt::outcome`].
pub fn apply_attempt(
    net: &mut Network,
    newcomer: PeerId,
    attempt: &JoinAttempt,
) -> Result<Connected, EditError> {
    net.connect(newcomer, attempt.target, attempt.latency, attempt.kind)
}

/// Applies every attempt of `plan` in order; returns each one's outcome.
pub fn apply_plan(net: &mut Network, plan: &JoinPlan) -> Vec<JoinOutcome> {
    plan.attempts
        .iter()
        .map(|a| JoinOutcome::of(apply_attempt(net, plan.newcomer, a)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::eviction::eviction_candidate;
    use crate::sim::network::{Limits, Link, Role};

    const MODEL: LatencyModel = LatencyModel::Uniform {
        lo_ms: 10.0,
        hi_ms: 200.0,
    };

    /// 120 peers in 5 regions, a tenth unreachable, a tenth offline, a few light; the
    /// first 15 are hubs that everyone else links to until their 24 inbound slots are
    /// full, a fifth of those links block-relay-only (so some hubs can evict, and some,
    /// with many protected block-relay-only peers, cannot). Returns it with a newcomer.
    fn town(seed: u64) -> (Network, PeerId) {
        let limits = Limits {
            max_outbound: 8,
            max_block_relay_outbound: 2,
            feeler_slots: 1,
            max_inbound: 24,
            max_total: 35,
        };
        let mut net = Network::new(limits);
        let mut rng = SimRng::new(seed);
        for i in 0..120 {
            let hub = i < 15;
            let role = if !hub && rng.chance(0.05) {
                Role::Light
            } else {
                Role::Full
            };
            let p = net.add_peer(role, hub || !rng.chance(0.1)).unwrap();
            net.set_region(p, rng.below(5) as u16).unwrap();
            if !hub && rng.chance(0.1) {
                net.set_state(p, PeerState::Offline).unwrap();
            }
        }
        for from in 15..120 {
            for _ in 0..10 {
                let kind = if rng.chance(0.2) {
                    LinkKind::BlockRelayOnly
                } else {
                    LinkKind::FullRelay
                };
                let to = PeerId(rng.below(15) as u32);
                let latency = Time::from_ms(1 + rng.below(150) as u64);
                let _ = net.add_link(PeerId(from), to, latency, kind);
            }
        }
        let newcomer = net.add_peer(Role::Full, true).unwrap();
        net.set_region(newcomer, 2).unwrap();
        (net, newcomer)
    }

    fn links(net: &Network) -> Vec<Link> {
        net.links().cloned().collect()
    }

    #[test]
    fn plans_are_deterministic_per_seed_and_differ_across_seeds() {
        let (net, newcomer) = town(1);
        let a = plan_join(&net, newcomer, 7, &MODEL);
        assert_eq!(a, plan_join(&net, newcomer, 7, &MODEL));
        let b = plan_join(&net, newcomer, 8, &MODEL);
        assert_ne!(a.addresses, b.addresses);
        assert_ne!(a.attempts, b.attempts);
    }

    #[test]
    fn the_newcomer_fills_its_outbound_slots_full_relay_first() {
        let (mut net, newcomer) = town(2);
        let plan = plan_join(&net, newcomer, 3, &MODEL);
        apply_plan(&mut net, &plan);
        let counts = net.link_counts(newcomer);
        assert_eq!((counts.outbound, counts.block_relay_outbound), (8, 2));
        let kinds: Vec<LinkKind> = plan
            .attempts
            .iter()
            .filter(|a| a.outcome.link().is_some())
            .map(|a| a.kind)
            .collect();
        let mut expected = vec![LinkKind::FullRelay; 8];
        expected.extend([LinkKind::BlockRelayOnly; 2]);
        assert_eq!(kinds, expected);
        // The last attempt is the one that filled the slots.
        assert!(plan.attempts.last().unwrap().outcome.link().is_some());
        net.check_invariants().unwrap();
    }

    #[test]
    fn with_few_targets_the_newcomer_links_to_all_of_them() {
        // Six peers that accept, one unreachable, one offline, one light: six links of
        // the ten slots, all full-relay, and nothing else is asked for.
        let mut net = Network::new(Limits::BITCOIN_CORE);
        for _ in 0..6 {
            net.add_peer(Role::Full, true).unwrap();
        }
        let nat = net.add_peer(Role::Full, false).unwrap();
        let off = net.add_peer(Role::Full, true).unwrap();
        net.set_state(off, PeerState::Offline).unwrap();
        let light = net.add_peer(Role::Light, true).unwrap();
        let newcomer = net.add_peer(Role::Full, true).unwrap();
        let plan = plan_join(&net, newcomer, 11, &MODEL);
        let mut sorted = plan.addresses.clone();
        sorted.sort();
        assert_eq!(sorted, (0..6).map(PeerId).collect::<Vec<_>>());
        assert!(![nat, off, light, newcomer]
            .iter()
            .any(|p| plan.addresses.contains(p)));
        apply_plan(&mut net, &plan);
        let counts = net.link_counts(newcomer);
        assert_eq!((counts.outbound, counts.block_relay_outbound), (6, 0));
        assert_eq!(plan.attempts.len(), 6);
    }

    #[test]
    fn full_targets_evict_their_candidate_or_refuse_and_replay_matches_the_plan() {
        let (mut evicting, mut refused) = (0, 0);
        for seed in 0..40 {
            let (net, newcomer) = town(100 + seed);
            let plan = plan_join(&net, newcomer, seed, &MODEL);
            let mut replay = net.clone();
            for attempt in &plan.attempts {
                let full = replay.link_counts(attempt.target).inbound >= net.limits().max_inbound;
                let candidate = eviction_candidate(&replay, attempt.target);
                match &attempt.outcome {
                    JoinOutcome::LinkedEvicting { evicted, .. } => {
                        assert!(full);
                        assert_eq!(Some(*evicted), candidate);
                        evicting += 1;
                    }
                    JoinOutcome::Refused(EditError::InboundFull { .. }) => {
                        assert!(full);
                        assert_eq!(candidate, None);
                        refused += 1;
                    }
                    JoinOutcome::Linked { .. } => assert!(!full),
                    JoinOutcome::Refused(e) => panic!("refused for {e}"),
                }
                let result = apply_attempt(&mut replay, newcomer, attempt);
                assert_eq!(JoinOutcome::of(result), attempt.outcome);
            }
            replay.check_invariants().unwrap();
            let mut all_at_once = net.clone();
            let outcomes = apply_plan(&mut all_at_once, &plan);
            assert!(outcomes.iter().eq(plan.attempts.iter().map(|a| &a.outcome)));
            assert_eq!(links(&all_at_once), links(&replay));
        }
        assert!(evicting > 0 && refused > 0, "{evicting} {refused}");
    }

    #[test]
    fn the_seeds_list_only_reachable_online_peers_once_each() {
        for seed in 0..20 {
            let (net, newcomer) = town(seed);
            let plan = plan_join(&net, newcomer, seed, &MODEL);
            let mut seen = std::collections::BTreeSet::new();
            for &p in &plan.addresses {
                let peer = net.peer(p).unwrap();
                assert!(peer.reachable && peer.role != Role::Light);
                assert_ne!(peer.state, PeerState::Offline);
                assert_ne!(p, newcomer);
                assert!(seen.insert(p), "{p} listed twice");
            }
            assert!(plan.addresses.len() <= DNS_SEEDS * ADDRESSES_PER_SEED);
            assert!(plan.addresses.len() > ADDRESSES_PER_SEED);
        }
    }

    #[test]
    fn a_newcomer_not_in_the_network_gets_an_empty_plan() {
        let (net, _) = town(5);
        let plan = plan_join(&net, PeerId(999), 1, &MODEL);
        assert!(plan.addresses.is_empty() && plan.attempts.is_empty());
    }
}
