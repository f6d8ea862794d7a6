//! The peer-to-peer network: peers, links, and the connection limits every edit enforces.
//!
//! Peers have stable ids that are never reused; links remember which side
//! opened them (outbound for the opener, inbound for the other side) because
//! limits and relay timing depend on it. Every mutating method checks the
//! limits first and changes nothing when it refuses.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::sim::caps;
use crate::sim::chunked::Chunked;
use crate::sim::time::Time;

pub use crate::sim::id::{LinkId, PeerId};

/// What a peer does for the network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Validates and relays transactions and blocks.
    #[default]
    Full,
    /// SPV client: outbound links only; receives transactions, never relays them.
    Light,
    /// A full peer that also produces blocks.
    Mining,
    /// A full peer that keeps all history and serves old blocks.
    Archival,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 4] = [Role::Full, Role::Light, Role::Mining, Role::Archival];

    /// Whether peers of this role pass transactions on.
    pub fn relays_transactions(self) -> bool {
        self != Role::Light
    }

    /// Whether peers of this role accept inbound links at all.
    pub fn accepts_inbound(self) -> bool {
        self != Role::Light
    }

    /// The lowercase name used in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            Role::Full => "full",
            Role::Light => "light",
            Role::Mining => "mining",
            Role::Archival => "archival",
        }
    }
}

/// Whether a peer takes part, and how.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeerState {
    /// Sends and receives.
    #[default]
    Online,
    /// Sends and receives nothing.
    Offline,
    /// Receives but never relays: the "blocked node" of the classroom.
    Censoring,
}

impl PeerState {
    /// The lowercase name used in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            PeerState::Online => "online",
            PeerState::Offline => "offline",
            PeerState::Censoring => "censoring",
        }
    }
}

/// One peer of the network.
#[derive(Clone, Debug, PartialEq)]
pub struct Peer {
    /// Its stable id.
    pub id: PeerId,
    /// What it does.
    pub role: Role,
    /// Whether it accepts inbound links (false: behind NAT, outbound only).
    pub reachable: bool,
    /// Online, offline or censoring.
    pub state: PeerState,
    /// Time between receiving a transaction and being ready to relay it.
    pub validation_delay: Time,
    /// The region (cluster) it sits in; 0 where regions are not modelled.
    pub region: u16,
}

impl Peer {
    /// An online, reachable full peer with no validation delay.
    pub fn new(id: PeerId) -> Peer {
        Peer {
            id,
            role: Role::Full,
            reachable: true,
            state: PeerState::Online,
            validation_delay: Time::ZERO,
            region: 0,
        }
    }

    /// Whether it passes other peers' transactions on.
    pub fn relays(&self) -> bool {
        self.state == PeerState::Online && self.role.relays_transactions()
    }

    /// Whether others can open links to it.
    pub fn accepts_inbound(&self) -> bool {
        self.reachable && self.role.accepts_inbound()
    }
}

/// What a link carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// Transactions and blocks.
    #[default]
    FullRelay,
    /// Blocks only (Bitcoin Core's anti-eclipse links): no transactions.
    BlockRelayOnly,
}

impl LinkKind {
    /// Whether transactions travel over links of this kind.
    pub fn carries_transactions(self) -> bool {
        self == LinkKind::FullRelay
    }
}

/// A link between two peers, opened by `from`.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Its stable id.
    pub id: LinkId,
    /// The peer that opened it (for `from` it is outbound).
    pub from: PeerId,
    /// The peer that accepted it (for `to` it is inbound).
    pub to: PeerId,
    /// One-way latency, the same both ways.
    pub latency: Time,
    /// What it carries.
    pub kind: LinkKind,
    /// Probability that a message sent over it is lost, in `[0, 1]`.
    pub loss: f64,
}

impl Link {
    /// The end of the link that is not `peer`.
    pub fn other(&self, peer: PeerId) -> PeerId {
        if self.from == peer {
            self.to
        } else {
            self.from
        }
    }
}

/// The longest one-way latency a link may have: one hour.
pub const MAX_LATENCY: Time = caps::MAX_DELAY;

/// One entry of a peer's adjacency list: a neighbour and the link to it.
///
/// Sixteen bytes, so relaying over a large network reads as little memory as
/// it can: the latency is kept in whole microseconds as a `u32` (links are
/// capped at [`MAX_LATENCY`]) and the two flags share a byte.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adjacent {
    /// The neighbour.
    pub peer: PeerId,
    /// The link between them.
    pub link: LinkId,
    latency_us: u32,
    flags: u8,
}

const OUTBOUND: u8 = 1;
const CARRIES_TRANSACTIONS: u8 = 2;

impl Adjacent {
    fn new(peer: PeerId, link: &Link, outbound: bool) -> Adjacent {
        let carries = link.kind.carries_transactions();
        Adjacent {
            peer,
            link: link.id,
            latency_us: link.latency.min(MAX_LATENCY).0 as u32,
            flags: if outbound { OUTBOUND } else { 0 }
                | if carries { CARRIES_TRANSACTIONS } else { 0 },
        }
    }

    /// The link's one-way latency.
    pub fn latency(&self) -> Time {
        Time(u64::from(self.latency_us))
    }

    /// True where this side opened the link (the neighbour is an outbound peer).
    pub fn outbound(&self) -> bool {
        self.flags & OUTBOUND != 0
    }

    /// Whether transactions travel over the link.
    pub fn carries_transactions(&self) -> bool {
        self.flags & CARRIES_TRANSACTIONS != 0
    }
}

/// Connection limits, checked by every edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Full-relay outbound links a peer may open.
    pub max_outbound: u32,
    /// Block-relay-only outbound links a peer may open.
    #[serde(default)]
    pub max_block_relay_outbound: u32,
    /// Slots kept free for short-lived feeler links (they count against the total).
    #[serde(default)]
    pub feeler_slots: u32,
    /// Inbound links a reachable peer may accept.
    pub max_inbound: u32,
    /// All links of a peer together, feeler slots included.
    pub max_total: u32,
}

impl Limits {
    /// The tutorial's numbers: 8 outbound, up to 117 inbound, 125 in all.
    pub const TUTORIAL: Limits = Limits {
        max_outbound: 8,
        max_block_relay_outbound: 0,
        feeler_slots: 0,
        max_inbound: 117,
        max_total: 125,
    };

    /// Bitcoin Core today: 8 full-relay and 2 block-relay-only outbound
    /// links, 1 feeler slot, so 114 inbound of 125.
    pub const BITCOIN_CORE: Limits = Limits {
        max_outbound: 8,
        max_block_relay_outbound: 2,
        feeler_slots: 1,
        max_inbound: 114,
        max_total: 125,
    };

    /// Links a peer may hold before feeler slots are taken out.
    fn usable_total(&self) -> u32 {
        self.max_total.saturating_sub(self.feeler_slots)
    }

    /// The limit an outbound link of `kind` counts against.
    fn max_outbound_of(&self, kind: LinkKind) -> u32 {
        match kind {
            LinkKind::FullRelay => self.max_outbound,
            LinkKind::BlockRelayOnly => self.max_block_relay_outbound,
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::TUTORIAL
    }
}

/// An invariant [`Network::check_invariants`] found broken (a bug, never an input's fault).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broken {
    /// The peer's adjacency lists a link that is gone.
    RemovedLinkListed(PeerId),
    /// The peer's adjacency entry disagrees with the link's ends or direction.
    AdjacencyDisagrees(PeerId, LinkId),
    /// The peer's kept link counts differ from its adjacency.
    StaleCounts(PeerId),
    /// The peer has more links than a limit allows.
    OverLimit(PeerId),
    /// A peer that accepts no inbound links has some.
    InboundRefuserHasInbound(PeerId),
    /// A link joins a peer that is gone.
    LinkToRemovedPeer(LinkId),
    /// The network's totals (peers, links, offline, delayed, lossy) are stale.
    StaleTotals,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Broken::RemovedLinkListed(p) => write!(f, "{p} lists a removed link"),
            Broken::AdjacencyDisagrees(p, l) => {
                write!(f, "{p}'s adjacency disagrees with link {}", l.0)
            }
            Broken::StaleCounts(p) => write!(f, "{p}'s link counts are stale"),
            Broken::OverLimit(p) => write!(f, "{p} is over a limit"),
            Broken::InboundRefuserHasInbound(p) => {
                write!(f, "{p} accepts no inbound links but has some")
            }
            Broken::LinkToRemovedPeer(l) => write!(f, "link {} joins a removed peer", l.0),
            Broken::StaleTotals => f.write_str("peer or link totals are stale"),
        }
    }
}

/// Why an edit was refused. Its message names the peer and the limit.
///
/// `Debug` shows the message (see [`ParamError`]'s).
#[derive(Clone, PartialEq)]
pub enum EditError {
    /// The peer does not exist (never did, or was removed).
    NoSuchPeer(PeerId),
    /// The link does not exist.
    NoSuchLink(LinkId),
    /// No link joins the two peers.
    NotLinked(PeerId, PeerId),
    /// A peer cannot link to itself.
    SelfLink(PeerId),
    /// The two peers are linked already.
    AlreadyLinked(PeerId, PeerId),
    /// The opener has used all its outbound links of this kind.
    OutboundFull {
        peer: PeerId,
        limit: u32,
        kind: LinkKind,
    },
    /// The acceptor has used all its inbound slots.
    InboundFull { peer: PeerId, limit: u32 },
    /// The peer has used all its links.
    TotalFull { peer: PeerId, limit: u32 },
    /// The acceptor is unreachable (behind NAT) and takes no inbound links.
    Unreachable(PeerId),
    /// The acceptor is a light peer and takes no inbound links.
    LightTakesNoInbound(PeerId),
    /// The change would leave a peer over a limit; nothing was changed.
    WouldExceed { peer: PeerId, what: String },
    /// A latency that is negative or not a number.
    BadLatency(f64),
    /// A loss probability outside `[0, 1]`.
    BadLoss(f64),
    /// Limits that contradict themselves.
    BadLimits(String),
    /// The network has as many peers, or has used as many ids, as [`caps`] allows.
    TooManyPeers,
    /// The network has as many links as [`caps::MAX_LINKS`] allows.
    TooManyLinks,
    /// A run has as many transactions as [`caps`] allows for its size.
    TooManyTransactions,
    /// An offline peer cannot send anything.
    PeerOffline(PeerId),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::NoSuchPeer(p) => write!(f, "there is no peer {p}"),
            EditError::NoSuchLink(l) => write!(f, "there is no link {}", l.0),
            EditError::NotLinked(a, b) => write!(f, "{a} and {b} are not linked"),
            EditError::SelfLink(p) => write!(f, "{p} cannot link to itself"),
            EditError::AlreadyLinked(a, b) => write!(f, "{a} and {b} are already linked"),
            EditError::OutboundFull { peer, limit, kind } => match kind {
                LinkKind::FullRelay => write!(f, "{peer} already has {limit} outbound links"),
                LinkKind::BlockRelayOnly => {
                    write!(
                        f,
                        "{peer} already has {limit} block-relay-only outbound links"
                    )
                }
            },
            EditError::InboundFull { peer, limit } => {
                write!(f, "{peer} already has {limit} inbound links")
            }
            EditError::TotalFull { peer, limit } => {
                write!(f, "{peer} already has {limit} links in all")
            }
            EditError::Unreachable(p) => {
                write!(
                    f,
                    "{p} is unreachable (behind NAT) and accepts no inbound links"
                )
            }
            EditError::LightTakesNoInbound(p) => {
                write!(f, "{p} is a light peer and accepts no inbound links")
            }
            EditError::WouldExceed { peer, what } => write!(f, "{peer} {what}"),
            EditError::BadLatency(ms) => {
                write!(
                    f,
                    "latency {ms} ms is not a non-negative number of milliseconds up to 3600000 (an hour)"
                )
            }
            EditError::BadLoss(p) => write!(f, "loss {p} is not a probability between 0 and 1"),
            EditError::BadLimits(why) => write!(f, "invalid limits: {why}"),
            EditError::TooManyPeers => write!(
                f,
                "the network is full: at most {} peers, with ids below {}",
                caps::MAX_PEERS,
                caps::MAX_PEER_ID
            ),
            EditError::TooManyLinks => {
                write!(f, "the network is full: at most {} links", caps::MAX_LINKS)
            }
            EditError::TooManyTransactions => write!(
                f,
                "too many transactions for the network's size: at most {} in a run, {} transactions times peer ids and {} transactions times links",
                caps::MAX_TRANSACTIONS,
                caps::MAX_TRANSACTION_CELLS,
                caps::MAX_TRANSACTION_LINKS
            ),
            EditError::PeerOffline(p) => write!(f, "{p} is offline and cannot send"),
        }
    }
}

impl fmt::Debug for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for EditError {}

/// Per-peer link counts, kept in step with the adjacency lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkCounts {
    /// Full-relay links this peer opened.
    pub outbound: u32,
    /// Block-relay-only links this peer opened.
    pub block_relay_outbound: u32,
    /// Links other peers opened to this one.
    pub inbound: u32,
}

impl LinkCounts {
    /// All links of the peer.
    pub fn total(&self) -> u32 {
        self.outbound + self.block_relay_outbound + self.inbound
    }

    fn outbound_of(&self, kind: LinkKind) -> u32 {
        match kind {
            LinkKind::FullRelay => self.outbound,
            LinkKind::BlockRelayOnly => self.block_relay_outbound,
        }
    }

    fn outbound_of_mut(&mut self, kind: LinkKind) -> &mut u32 {
        match kind {
            LinkKind::FullRelay => &mut self.outbound,
            LinkKind::BlockRelayOnly => &mut self.block_relay_outbound,
        }
    }
}

/// Peers and links, with limits that hold after every operation.
#[derive(Clone, Debug, Default)]
pub struct Network {
    limits: Limits,
    /// Indexed by peer id; `None` once a peer is removed.
    peers: Vec<Option<Peer>>,
    /// Indexed by link id; `None` once a link is removed. This and the adjacency are kept in
    /// shared chunks: a copy of the network shares them until it is edited.
    links: Chunked<Option<Link>>,
    /// Indexed by peer id, in the order the links were made.
    adjacency: Chunked<Vec<Adjacent>>,
    counts: Vec<LinkCounts>,
    n_peers: usize,
    n_links: usize,
    /// Live peers that are offline (lets relaying skip a lookup when there are none).
    n_offline: usize,
    /// Live peers with a validation delay.
    n_delayed: usize,
    /// Live links with a loss probability.
    n_lossy: usize,
    /// Bit per link id: set while the link is live (a compact twin of `links`).
    link_live: Vec<u64>,
}

impl Network {
    /// An empty network with the given limits.
    pub fn new(limits: Limits) -> Network {
        Network {
            limits,
            ..Network::default()
        }
    }

    /// The limits every edit checks.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Replaces the limits, refusing if a peer already holds more links than they allow.
    pub fn set_limits(&mut self, limits: Limits) -> Result<(), EditError> {
        let named = [
            ("max_outbound", limits.max_outbound),
            ("max_block_relay_outbound", limits.max_block_relay_outbound),
            ("feeler_slots", limits.feeler_slots),
            ("max_inbound", limits.max_inbound),
            ("max_total", limits.max_total),
        ];
        if let Some((name, value)) = named.iter().find(|(_, v)| *v > caps::MAX_LINKS_PER_PEER) {
            return Err(EditError::BadLimits(format!(
                "{name} is {value}, more than the {} a limit may be",
                caps::MAX_LINKS_PER_PEER
            )));
        }
        let outbound = u64::from(limits.max_outbound)
            + u64::from(limits.max_block_relay_outbound)
            + u64::from(limits.feeler_slots);
        if outbound > u64::from(limits.max_total) {
            return Err(EditError::BadLimits(format!(
                "{} outbound, {} block-relay-only and {} feeler slots exceed the total of {}",
                limits.max_outbound,
                limits.max_block_relay_outbound,
                limits.feeler_slots,
                limits.max_total
            )));
        }
        if limits.feeler_slots > limits.max_total {
            return Err(EditError::BadLimits(format!(
                "{} feeler slots exceed the total of {}",
                limits.feeler_slots, limits.max_total
            )));
        }
        for id in self.peer_ids() {
            let c = self.counts[id.index()];
            let checks = [
                (c.outbound, limits.max_outbound, "outbound links"),
                (
                    c.block_relay_outbound,
                    limits.max_block_relay_outbound,
                    "block-relay-only outbound links",
                ),
                (c.inbound, limits.max_inbound, "inbound links"),
                (c.total(), limits.usable_total(), "links in all"),
            ];
            for (have, limit, what) in checks {
                if have > limit {
                    return Err(EditError::WouldExceed {
                        peer: id,
                        what: format!("has {have} {what}, more than the new limit of {limit}"),
                    });
                }
            }
        }
        self.limits = limits;
        Ok(())
    }

    /// Live peers.
    pub fn n_peers(&self) -> usize {
        self.n_peers
    }

    /// Live links.
    pub fn n_links(&self) -> usize {
        self.n_links
    }

    /// One more than the highest id ever given: the length of per-peer vectors.
    pub fn peer_slots(&self) -> usize {
        self.peers.len()
    }

    /// One more than the highest link id ever given.
    pub fn link_slots(&self) -> usize {
        self.links.len()
    }

    /// The id the next added peer will get.
    pub fn next_peer_id(&self) -> PeerId {
        PeerId(self.peers.len() as u32)
    }

    /// Makes ids below `next` unavailable, so a loaded network keeps removed ids retired.
    ///
    /// Refused (and nothing changes) if `next` is above [`caps::MAX_PEER_ID`].
    pub fn reserve_peer_ids(&mut self, next: PeerId) -> Result<(), EditError> {
        if next.0 > caps::MAX_PEER_ID {
            return Err(EditError::TooManyPeers);
        }
        while self.peers.len() < next.index() {
            self.peers.push(None);
            self.adjacency.push(Vec::new());
            self.counts.push(LinkCounts::default());
        }
        Ok(())
    }

    /// The peer with this id, if it is live.
    pub fn peer(&self, id: PeerId) -> Option<&Peer> {
        self.peers.get(id.index()).and_then(Option::as_ref)
    }

    /// Whether the peer is live.
    pub fn contains(&self, id: PeerId) -> bool {
        self.peer(id).is_some()
    }

    /// Live peers in id order.
    pub fn peers(&self) -> impl Iterator<Item = &Peer> + '_ {
        self.peers.iter().flatten()
    }

    /// Ids of live peers, ascending.
    pub fn peer_ids(&self) -> impl Iterator<Item = PeerId> + '_ {
        self.peers().map(|p| p.id)
    }

    /// The link with this id, if it is live.
    pub fn link(&self, id: LinkId) -> Option<&Link> {
        self.links.get(id.index()).and_then(Option::as_ref)
    }

    /// Live links in id order.
    pub fn links(&self) -> impl Iterator<Item = &Link> + '_ {
        self.links.iter().flatten()
    }

    /// The peer's neighbours and the links to them (empty for an unknown peer).
    pub fn adjacent(&self, id: PeerId) -> &[Adjacent] {
        self.adjacency.get(id.index()).map_or(&[], Vec::as_slice)
    }

    /// The adjacency entry of `peer` for `link`, looked up through the link
    /// table rather than by scanning the peer's list.
    pub fn adjacent_entry(&self, peer: PeerId, link: LinkId) -> Option<Adjacent> {
        let l = self.link(link)?;
        if l.from != peer && l.to != peer {
            return None;
        }
        Some(Adjacent::new(l.other(peer), l, l.from == peer))
    }

    /// The peer's link counts (zero for an unknown peer).
    pub fn link_counts(&self, id: PeerId) -> LinkCounts {
        self.counts.get(id.index()).copied().unwrap_or_default()
    }

    /// The number of links the peer has.
    pub fn degree(&self, id: PeerId) -> usize {
        self.adjacent(id).len()
    }

    /// The link joining `a` and `b`, either way round.
    pub fn link_between(&self, a: PeerId, b: PeerId) -> Option<LinkId> {
        let (small, other) = if self.degree(a) <= self.degree(b) {
            (a, b)
        } else {
            (b, a)
        };
        self.adjacent(small)
            .iter()
            .find(|adj| adj.peer == other)
            .map(|adj| adj.link)
    }

    /// Adds a peer with the next free id and returns that id.
    pub fn add_peer(&mut self, role: Role, reachable: bool) -> Result<PeerId, EditError> {
        let id = self.next_peer_id();
        let mut peer = Peer::new(id);
        peer.role = role;
        peer.reachable = reachable;
        self.insert_peer(peer)?;
        Ok(id)
    }

    /// Inserts a fully described peer whose id has never been used.
    pub fn insert_peer(&mut self, peer: Peer) -> Result<(), EditError> {
        if peer.id.index() < self.peers.len() {
            return Err(EditError::WouldExceed {
                peer: peer.id,
                what: "reuses an id that was given before".to_string(),
            });
        }
        if peer.id.0 >= caps::MAX_PEER_ID || self.n_peers >= caps::MAX_PEERS {
            return Err(EditError::TooManyPeers);
        }
        self.reserve_peer_ids(peer.id)?;
        self.n_offline += usize::from(peer.state == PeerState::Offline);
        self.n_delayed += usize::from(peer.validation_delay != Time::ZERO);
        self.peers.push(Some(peer));
        self.adjacency.push(Vec::new());
        self.counts.push(LinkCounts::default());
        self.n_peers += 1;
        Ok(())
    }

    /// Removes a peer and every link it has; returns the removed links.
    pub fn remove_peer(&mut self, id: PeerId) -> Result<Vec<Link>, EditError> {
        if !self.contains(id) {
            return Err(EditError::NoSuchPeer(id));
        }
        // Each link leaves the other end's list; the peer's own list goes at
        // once, so a hub's removal costs its degree, not the degree squared.
        let adjacency = std::mem::take(&mut self.adjacency[id.index()]);
        let mut removed = Vec::with_capacity(adjacency.len());
        for adj in adjacency {
            removed.push(self.detach_link(adj.link, Some(id))?);
        }
        if let Some(peer) = &self.peers[id.index()] {
            self.n_offline -= usize::from(peer.state == PeerState::Offline);
            self.n_delayed -= usize::from(peer.validation_delay != Time::ZERO);
        }
        self.peers[id.index()] = None;
        self.n_peers -= 1;
        Ok(removed)
    }

    /// Checks that `from` may open a link of `kind` to `to`, without changing anything.
    pub fn check_link(&self, from: PeerId, to: PeerId, kind: LinkKind) -> Result<(), EditError> {
        let opener = self.peer(from).ok_or(EditError::NoSuchPeer(from))?;
        let acceptor = self.peer(to).ok_or(EditError::NoSuchPeer(to))?;
        if from == to {
            return Err(EditError::SelfLink(from));
        }
        if !acceptor.role.accepts_inbound() {
            return Err(EditError::LightTakesNoInbound(to));
        }
        if !acceptor.reachable {
            return Err(EditError::Unreachable(to));
        }
        let limits = self.limits;
        let (c_from, c_to) = (self.counts[from.index()], self.counts[to.index()]);
        let max_out = limits.max_outbound_of(kind);
        if c_from.outbound_of(kind) >= max_out {
            return Err(EditError::OutboundFull {
                peer: opener.id,
                limit: max_out,
                kind,
            });
        }
        if c_to.inbound >= limits.max_inbound {
            return Err(EditError::InboundFull {
                peer: to,
                limit: limits.max_inbound,
            });
        }
        for (peer, counts) in [(from, c_from), (to, c_to)] {
            if counts.total() >= limits.usable_total() {
                return Err(EditError::TotalFull {
                    peer,
                    limit: limits.usable_total(),
                });
            }
        }
        if self.link_between(from, to).is_some() {
            return Err(EditError::AlreadyLinked(from, to));
        }
        Ok(())
    }

    /// Opens a link from `from` (outbound) to `to` (inbound) if the limits allow it.
    pub fn add_link(
        &mut self,
        from: PeerId,
        to: PeerId,
        latency: Time,
        kind: LinkKind,
    ) -> Result<LinkId, EditError> {
        if latency > MAX_LATENCY {
            return Err(EditError::BadLatency(latency.as_ms_f64()));
        }
        self.check_link(from, to, kind)?;
        if self.n_links >= caps::MAX_LINKS || self.links.len() >= u32::MAX as usize {
            return Err(EditError::TooManyLinks);
        }
        let id = LinkId(self.links.len() as u32);
        if self.link_live.len() <= id.index() / 64 {
            self.link_live.push(0);
        }
        self.link_live[id.index() / 64] |= 1 << (id.index() % 64);
        let link = Link {
            id,
            from,
            to,
            latency,
            kind,
            loss: 0.0,
        };
        self.adjacency[from.index()].push(Adjacent::new(to, &link, true));
        self.adjacency[to.index()].push(Adjacent::new(from, &link, false));
        self.links.push(Some(link));
        *self.counts[from.index()].outbound_of_mut(kind) += 1;
        self.counts[to.index()].inbound += 1;
        self.n_links += 1;
        Ok(id)
    }

    /// Removes a link; returns it.
    pub fn remove_link(&mut self, id: LinkId) -> Result<Link, EditError> {
        self.detach_link(id, None)
    }

    /// Removes a link, leaving alone the adjacency list of `skip` (which the caller clears).
    fn detach_link(&mut self, id: LinkId, skip: Option<PeerId>) -> Result<Link, EditError> {
        // Looked up before the write: writing copies a shared chunk, and a refusal copies none.
        if self.link(id).is_none() {
            return Err(EditError::NoSuchLink(id));
        }
        let link = self.links[id.index()]
            .take()
            .ok_or(EditError::NoSuchLink(id))?;
        self.link_live[id.index() / 64] &= !(1 << (id.index() % 64));
        self.n_lossy -= usize::from(link.loss > 0.0);
        for end in [link.from, link.to] {
            if Some(end) != skip {
                self.adjacency[end.index()].retain(|a| a.link != id);
            }
        }
        *self.counts[link.from.index()].outbound_of_mut(link.kind) -= 1;
        self.counts[link.to.index()].inbound -= 1;
        self.n_links -= 1;
        Ok(link)
    }

    /// Changes a link's one-way latency.
    pub fn set_latency(&mut self, id: LinkId, latency: Time) -> Result<(), EditError> {
        if latency > MAX_LATENCY {
            return Err(EditError::BadLatency(latency.as_ms_f64()));
        }
        let link = self.link_mut(id)?;
        link.latency = latency;
        let link = link.clone();
        for end in [link.from, link.to] {
            for adj in self.adjacency[end.index()]
                .iter_mut()
                .filter(|a| a.link == id)
            {
                *adj = Adjacent::new(adj.peer, &link, adj.outbound());
            }
        }
        Ok(())
    }

    /// Changes the probability that a message over the link is lost.
    pub fn set_loss(&mut self, id: LinkId, loss: f64) -> Result<(), EditError> {
        if !(0.0..=1.0).contains(&loss) {
            return Err(EditError::BadLoss(loss));
        }
        let link = self.link_mut(id)?;
        let was_lossy = link.loss > 0.0;
        link.loss = loss;
        self.n_lossy = self.n_lossy + usize::from(loss > 0.0) - usize::from(was_lossy);
        Ok(())
    }

    /// Whether any live link can lose messages.
    pub fn any_lossy_link(&self) -> bool {
        self.n_lossy > 0
    }

    fn link_mut(&mut self, id: LinkId) -> Result<&mut Link, EditError> {
        // Looked up before the write, as in `detach_link`.
        if self.link(id).is_none() {
            return Err(EditError::NoSuchLink(id));
        }
        self.links
            .get_mut(id.index())
            .and_then(Option::as_mut)
            .ok_or(EditError::NoSuchLink(id))
    }

    fn peer_mut(&mut self, id: PeerId) -> Result<&mut Peer, EditError> {
        self.peers
            .get_mut(id.index())
            .and_then(Option::as_mut)
            .ok_or(EditError::NoSuchPeer(id))
    }

    /// Sets the peer's state: online, offline or censoring.
    pub fn set_state(&mut self, id: PeerId, state: PeerState) -> Result<(), EditError> {
        let peer = self.peer_mut(id)?;
        let was_offline = peer.state == PeerState::Offline;
        peer.state = state;
        self.n_offline =
            self.n_offline + usize::from(state == PeerState::Offline) - usize::from(was_offline);
        Ok(())
    }

    /// Whether any live peer is offline.
    pub fn any_offline(&self) -> bool {
        self.n_offline > 0
    }

    /// Whether any live peer has a validation delay.
    pub fn any_validation_delay(&self) -> bool {
        self.n_delayed > 0
    }

    /// Whether the link is live: a cheaper test than [`Network::link`].
    pub fn is_link_live(&self, id: LinkId) -> bool {
        self.link_live
            .get(id.index() / 64)
            .is_some_and(|w| w & (1 << (id.index() % 64)) != 0)
    }

    /// Sets the peer's role; a light peer may hold no inbound links.
    pub fn set_role(&mut self, id: PeerId, role: Role) -> Result<(), EditError> {
        let inbound = self.link_counts(id).inbound;
        let peer = self.peer_mut(id)?;
        if !role.accepts_inbound() && inbound > 0 {
            return Err(EditError::WouldExceed {
                peer: id,
                what: format!(
                    "has {inbound} inbound links; a light peer accepts none, so remove them first"
                ),
            });
        }
        peer.role = role;
        Ok(())
    }

    /// Sets whether the peer accepts inbound links; an unreachable peer may hold none.
    pub fn set_reachable(&mut self, id: PeerId, reachable: bool) -> Result<(), EditError> {
        let inbound = self.link_counts(id).inbound;
        let peer = self.peer_mut(id)?;
        if !reachable && inbound > 0 {
            return Err(EditError::WouldExceed {
                peer: id,
                what: format!(
                    "has {inbound} inbound links; an unreachable peer accepts none, so remove them first"
                ),
            });
        }
        peer.reachable = reachable;
        Ok(())
    }

    /// Sets the peer's validation delay.
    pub fn set_validation_delay(&mut self, id: PeerId, delay: Time) -> Result<(), EditError> {
        if delay > caps::MAX_DELAY {
            return Err(EditError::BadLatency(delay.as_ms_f64()));
        }
        let peer = self.peer_mut(id)?;
        let was_delayed = peer.validation_delay != Time::ZERO;
        peer.validation_delay = delay;
        self.n_delayed =
            self.n_delayed + usize::from(delay != Time::ZERO) - usize::from(was_delayed);
        Ok(())
    }

    /// Sets the peer's region.
    pub fn set_region(&mut self, id: PeerId, region: u16) -> Result<(), EditError> {
        self.peer_mut(id)?.region = region;
        Ok(())
    }

    /// Checks every invariant the operations maintain; for tests and loaded files.
    pub fn check_invariants(&self) -> Result<(), Broken> {
        let limits = self.limits;
        let mut n_links = 0;
        for peer in self.peers() {
            let c = self.counts[peer.id.index()];
            let mut recount = LinkCounts::default();
            for adj in self.adjacent(peer.id) {
                let link = self
                    .link(adj.link)
                    .ok_or(Broken::RemovedLinkListed(peer.id))?;
                if link.other(peer.id) != adj.peer || (link.from == peer.id) != adj.outbound() {
                    return Err(Broken::AdjacencyDisagrees(peer.id, link.id));
                }
                if adj.outbound() {
                    *recount.outbound_of_mut(link.kind) += 1;
                } else {
                    recount.inbound += 1;
                }
            }
            if recount != c {
                return Err(Broken::StaleCounts(peer.id));
            }
            if c.outbound > limits.max_outbound
                || c.block_relay_outbound > limits.max_block_relay_outbound
                || c.inbound > limits.max_inbound
                || c.total() > limits.usable_total()
            {
                return Err(Broken::OverLimit(peer.id));
            }
            if c.inbound > 0 && !peer.accepts_inbound() {
                return Err(Broken::InboundRefuserHasInbound(peer.id));
            }
        }
        for link in self.links() {
            n_links += 1;
            if !self.contains(link.from) || !self.contains(link.to) {
                return Err(Broken::LinkToRemovedPeer(link.id));
            }
        }
        let n_delayed = self
            .peers()
            .filter(|p| p.validation_delay != Time::ZERO)
            .count();
        let live_bits = self
            .link_live
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum::<usize>();
        let n_offline = self
            .peers()
            .filter(|p| p.state == PeerState::Offline)
            .count();
        if n_links != self.n_links
            || self.peers().count() != self.n_peers
            || n_offline != self.n_offline
            || n_delayed != self.n_delayed
            || self.links().filter(|l| l.loss > 0.0).count() != self.n_lossy
            || live_bits != self.n_links
        {
            return Err(Broken::StaleTotals);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(n: u32) -> Network {
        let mut net = Network::new(Limits::TUTORIAL);
        for _ in 0..n {
            net.add_peer(Role::Full, true).unwrap();
        }
        net
    }

    #[test]
    fn a_limit_may_be_as_large_as_the_cap_and_no_larger() {
        let mut net = net(2);
        let at_cap = Limits {
            max_inbound: caps::MAX_LINKS_PER_PEER,
            max_total: caps::MAX_LINKS_PER_PEER,
            ..Limits::TUTORIAL
        };
        assert_eq!(net.set_limits(at_cap), Ok(()));
        let over = Limits {
            max_total: caps::MAX_LINKS_PER_PEER + 1,
            ..at_cap
        };
        assert!(matches!(net.set_limits(over), Err(EditError::BadLimits(_))));
    }

    #[test]
    fn the_invariant_check_finds_each_stale_total() {
        let mut healthy = net(3);
        healthy
            .add_link(PeerId(0), PeerId(1), Time::from_ms(5), LinkKind::FullRelay)
            .unwrap();
        assert_eq!(healthy.check_invariants(), Ok(()));
        let corruptions: [fn(&mut Network); 5] = [
            |n| n.n_links += 1,
            |n| n.n_peers += 1,
            |n| n.n_offline += 1,
            |n| n.n_delayed += 1,
            |n| n.n_lossy += 1,
        ];
        for corrupt in corruptions {
            let mut broken = healthy.clone();
            corrupt(&mut broken);
            assert_eq!(broken.check_invariants(), Err(Broken::StaleTotals));
        }
    }

    #[test]
    fn ids_are_never_reused() {
        let mut net = net(3);
        net.remove_peer(PeerId(2)).unwrap();
        assert_eq!(net.add_peer(Role::Full, true).unwrap(), PeerId(3));
        assert!(!net.contains(PeerId(2)));
        assert_eq!(net.n_peers(), 3);
    }

    #[test]
    fn outbound_limit_is_enforced_with_a_message() {
        let mut net = net(10);
        for to in 1..=8 {
            net.add_link(PeerId(0), PeerId(to), Time::from_ms(1), LinkKind::FullRelay)
                .unwrap();
        }
        let err = net.add_link(PeerId(0), PeerId(9), Time::from_ms(1), LinkKind::FullRelay);
        assert_eq!(
            err.unwrap_err().to_string(),
            "N0 already has 8 outbound links"
        );
        // The other direction is inbound for N0 and is allowed.
        net.add_link(PeerId(9), PeerId(0), Time::from_ms(1), LinkKind::FullRelay)
            .unwrap();
        net.check_invariants().unwrap();
    }

    #[test]
    fn unreachable_and_light_peers_accept_no_inbound() {
        let mut net = net(2);
        let nat = net.add_peer(Role::Full, false).unwrap();
        let light = net.add_peer(Role::Light, true).unwrap();
        let err = net
            .add_link(PeerId(0), nat, Time::ZERO, LinkKind::FullRelay)
            .unwrap_err();
        assert_eq!(err, EditError::Unreachable(nat));
        let err = net
            .add_link(PeerId(0), light, Time::ZERO, LinkKind::FullRelay)
            .unwrap_err();
        assert_eq!(err, EditError::LightTakesNoInbound(light));
        net.add_link(nat, PeerId(0), Time::ZERO, LinkKind::FullRelay)
            .unwrap();
        net.add_link(light, PeerId(0), Time::ZERO, LinkKind::FullRelay)
            .unwrap();
        assert!(net.set_reachable(PeerId(0), false).is_err());
        assert!(net.peer(PeerId(0)).unwrap().reachable);
    }

    #[test]
    fn bitcoin_core_limits_leave_114_inbound() {
        let limits = Limits::BITCOIN_CORE;
        assert_eq!(
            limits.max_outbound
                + limits.max_block_relay_outbound
                + limits.feeler_slots
                + limits.max_inbound,
            limits.max_total
        );
        let mut net = Network::new(limits);
        for _ in 0..4 {
            net.add_peer(Role::Full, true).unwrap();
        }
        net.add_link(PeerId(0), PeerId(1), Time::ZERO, LinkKind::BlockRelayOnly)
            .unwrap();
        net.add_link(PeerId(0), PeerId(2), Time::ZERO, LinkKind::BlockRelayOnly)
            .unwrap();
        let err = net
            .add_link(PeerId(0), PeerId(3), Time::ZERO, LinkKind::BlockRelayOnly)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "N0 already has 2 block-relay-only outbound links"
        );
        assert!(!net.adjacent(PeerId(0))[0].carries_transactions());
    }

    #[test]
    fn removing_a_peer_removes_its_links() {
        let mut net = net(3);
        net.add_link(PeerId(0), PeerId(1), Time::ZERO, LinkKind::FullRelay)
            .unwrap();
        net.add_link(PeerId(2), PeerId(1), Time::ZERO, LinkKind::FullRelay)
            .unwrap();
        let removed = net.remove_peer(PeerId(1)).unwrap();
        assert_eq!(removed.len(), 2);
        assert_eq!(net.n_links(), 0);
        assert_eq!(net.degree(PeerId(0)), 0);
        net.check_invariants().unwrap();
        assert_eq!(
            net.remove_peer(PeerId(1)).unwrap_err(),
            EditError::NoSuchPeer(PeerId(1))
        );
    }

    #[test]
    fn duplicate_and_self_links_are_refused() {
        let mut net = net(2);
        net.add_link(PeerId(0), PeerId(1), Time::ZERO, LinkKind::FullRelay)
            .unwrap();
        let err = net
            .add_link(PeerId(1), PeerId(0), Time::ZERO, LinkKind::FullRelay)
            .unwrap_err();
        assert_eq!(err, EditError::AlreadyLinked(PeerId(1), PeerId(0)));
        let err = net
            .add_link(PeerId(1), PeerId(1), Time::ZERO, LinkKind::FullRelay)
            .unwrap_err();
        assert_eq!(err, EditError::SelfLink(PeerId(1)));
    }
}
