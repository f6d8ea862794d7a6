//! A teacher's guide for each lesson: goals, timing, level, misconceptions, simplifications,
//! background and references, as plain data for the app and the printout alike.
//!
//! The guides are general to each lesson. Questions and answers about a lesson's steps name
//! concrete peers, so they are computed elsewhere from the lesson's network; nothing here
//! names a peer. Every fact about Bitcoin states the version it comes from, and every
//! reference is a public address.

/// The teacher's guide to one lesson of [`crate::view::lessons::CATALOGUE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guide {
    /// The lesson's id, as in [`crate::view::lessons::LessonInfo::id`].
    pub lesson: &'static str,
    /// What students can do afterwards, 2 to 4 sentences starting "Students can".
    pub goals: &'static [&'static str],
    /// Class time in minutes, steps and things to try included.
    pub minutes: u32,
    /// Who the lesson suits, e.g. "Secondary school (age 14+)".
    pub level: &'static str,
    /// Wrong ideas to listen for, the lesson's own overclaims among them.
    pub misconceptions: &'static [Misconception],
    /// Where the model is simpler than the real Bitcoin network.
    pub simplifications: &'static [&'static str],
    /// Further reading, each a public address.
    pub references: &'static [Reference],
    /// One to three short paragraphs of facts the teacher may need.
    pub background: &'static [&'static str],
}

/// A wrong idea and the correction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Misconception {
    /// What a student (or the lesson's own wording) may say.
    pub claim: &'static str,
    /// What is true instead.
    pub truth: &'static str,
}

/// A source to read further.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Author, title and year, as a reader cites it.
    pub title: &'static str,
    /// A public https address.
    pub url: &'static str,
}

/// The guide to the lesson with this id, if there is one.
pub fn guide(lesson_id: &str) -> Option<&'static Guide> {
    let all: &'static [Guide; 9] = &GUIDES;
    all.iter().find(|g| g.lesson == lesson_id)
}

// ---- References used by several guides ---------------------------------------------------------

const NAKAMOTO: Reference = Reference {
    title: "Satoshi Nakamoto, \"Bitcoin: A Peer-to-Peer Electronic Cash System\" (2008)",
    url: "https://bitcoin.org/bitcoin.pdf",
};

const DEMERS: Reference = Reference {
    title: "Alan Demers et al., \"Epidemic Algorithms for Replicated Database Maintenance\", \
            ACM PODC (1987)",
    url: "https://dl.acm.org/doi/10.1145/41840.41841",
};

const HEILMAN: Reference = Reference {
    title: "Ethan Heilman, Alison Kendler, Aviv Zohar and Sharon Goldberg, \"Eclipse Attacks on \
            Bitcoin's Peer-to-Peer Network\", USENIX Security (2015)",
    url:
        "https://www.usenix.org/conference/usenixsecurity15/technical-sessions/presentation/heilman",
};

const HEILMAN_EPRINT: Reference = Reference {
    title: "The same paper, full text: Cryptology ePrint Archive 2015/263",
    url: "https://eprint.iacr.org/2015/263",
};

const BIP37: Reference = Reference {
    title: "BIP 37: Connection Bloom filtering (2012)",
    url: "https://github.com/bitcoin/bips/blob/master/bip-0037.mediawiki",
};

const BIP157: Reference = Reference {
    title: "BIP 157: Client Side Block Filtering",
    url: "https://github.com/bitcoin/bips/blob/master/bip-0157.mediawiki",
};

const BIP158: Reference = Reference {
    title: "BIP 158: Compact Block Filters for Light Clients",
    url: "https://github.com/bitcoin/bips/blob/master/bip-0158.mediawiki",
};

const BIP50: Reference = Reference {
    title: "BIP 50: March 2013 Chain Fork Post-Mortem",
    url: "https://github.com/bitcoin/bips/blob/master/bip-0050.mediawiki",
};

const CORE_NET_H: Reference = Reference {
    title:
        "Bitcoin Core source, src/net.h: connection limits (8 full-relay and 2 block-relay-only \
            outbound, 1 feeler, 125 in all)",
    url: "https://github.com/bitcoin/bitcoin/blob/master/src/net.h",
};

const CORE_NET_PROCESSING: Reference = Reference {
    title: "Bitcoin Core source, src/net_processing.cpp: INBOUND_INVENTORY_BROADCAST_INTERVAL \
            (5 s) and OUTBOUND_INVENTORY_BROADCAST_INTERVAL (2 s)",
    url: "https://github.com/bitcoin/bitcoin/blob/master/src/net_processing.cpp",
};

const CORE_EVICTION: Reference = Reference {
    title:
        "Bitcoin Core source, src/node/eviction.cpp: which inbound peer goes when slots are full",
    url: "https://github.com/bitcoin/bitcoin/blob/master/src/node/eviction.cpp",
};

const CORE_0_19: Reference = Reference {
    title:
        "Bitcoin Core 0.19.0.1 release notes: Bloom filters off by default, two block-relay-only \
            connections",
    url:
        "https://github.com/bitcoin/bitcoin/blob/master/doc/release-notes/release-notes-0.19.0.1.md",
};

const CORE_0_21: Reference = Reference {
    title: "Bitcoin Core 0.21.0 release notes: anchors, BIP 157 filters, wallet rebroadcast",
    url: "https://github.com/bitcoin/bitcoin/blob/master/doc/release-notes/release-notes-0.21.0.md",
};

const CORE_29: Reference = Reference {
    title: "Bitcoin Core 29.0 release notes: UPnP dropped, built-in PCP and NAT-PMP",
    url: "https://github.com/bitcoin/bitcoin/blob/master/doc/release-notes/release-notes-29.0.md",
};

const CORE_30: Reference = Reference {
    title: "Bitcoin Core 30.0 release notes: -natpmp on by default, -upnp removed",
    url: "https://github.com/bitcoin/bitcoin/blob/master/doc/release-notes/release-notes-30.0.md",
};

const CORE_TOR: Reference = Reference {
    title: "Bitcoin Core documentation: Tor support (onion services)",
    url: "https://github.com/bitcoin/bitcoin/blob/master/doc/tor.md",
};

// ---- Misconceptions used by several guides -----------------------------------------------------

const KNOWS_VS_LINKED: Misconception = Misconception {
    claim: "Every node knows every other node, or knows only the few it is linked to.",
    truth: "Knowing an address and being linked to a peer are different things. A Bitcoin Core \
            node's address manager has room for 81,920 addresses (1,024 \"new\" and 256 \"tried\" \
            buckets of 64), but the node is linked to at most 125 peers: 8 full-relay and 2 \
            block-relay-only outbound, 1 short-lived feeler, and up to 114 inbound.",
};

const ONE_COPY_EACH: Misconception = Misconception {
    claim: "Every peer holds a copy of everything.",
    truth: "Holding a copy of one unconfirmed transaction (in the mempool) is not holding the \
            chain. Full nodes hold both; pruned full nodes delete old blocks; light wallets hold \
            block headers and their own transactions. A BIP 37 light client gets only the \
            transactions that match its filter.",
};

/// Every lesson's guide, in menu order (the order of [`crate::view::lessons::CATALOGUE`]).
pub const GUIDES: [Guide; 9] = [
    // ---- 1. Gossip basics ----
    Guide {
        lesson: "gossip-basics",
        goals: &[
            "Students can describe how a transaction spreads by gossip: each peer passes it to \
             its neighbours.",
            "Students can explain how the seen set stops the flood.",
            "Students can read a hop count as the number of links the transaction crossed.",
            "Students can say why a flood sends copies that are dropped, and count them.",
        ],
        minutes: 15,
        level: "Secondary school (age 14+)",
        misconceptions: &[
            Misconception {
                claim: "The sender sends the transaction to everyone.",
                truth: "The sender only sends it to its own neighbours. Every other peer gets \
                        it from a neighbour, one hop at a time.",
            },
            KNOWS_VS_LINKED,
            Misconception {
                claim: "The dropped copies are a bug.",
                truth: "They are the price of not knowing what a neighbour has already heard. \
                        A peer cannot tell, so it sends anyway and the receiver drops the copy. \
                        Bitcoin Core sends a short announcement first to save most of that cost \
                        (lesson 9).",
            },
            Misconception {
                claim: "Hop count and time are the same thing.",
                truth: "Hops count links, not milliseconds. When links differ in latency, a \
                        path with more hops can be faster. In this lesson every link takes \
                        100 ms, so the two agree.",
            },
        ],
        simplifications: &[
            "Every link takes the same 100 ms, and a peer passes the transaction on at once: no \
             time to check it.",
            "One transaction and no blocks.",
            "Flood relay sends the whole transaction over every link. Bitcoin Core announces it \
             first and sends it only when asked (lesson 9).",
            "No message is lost, and the network has only six peers.",
        ],
        references: &[NAKAMOTO, DEMERS],
        background: &[
            "In Bitcoin a new transaction goes from a wallet to a node, then from node to node \
             until miners have it and can put it in a block. Nakamoto's paper (2008, section 5) \
             notes that a transaction need not reach every node: reaching many is enough for it \
             to get into a block.",
            "Gossip, also called epidemic spreading, was studied for keeping database copies in \
             step by Demers and colleagues at Xerox PARC (1987). Flooding with a seen set is the \
             simplest kind: in a connected network it always reaches everyone, but it sends a \
             message each way over almost every link.",
        ],
    },
    // ---- 2. Client-server vs peer-to-peer ----
    Guide {
        lesson: "client-server-vs-p2p",
        goals: &[
            "Students can explain what a single point of failure is, using the server of a \
             client-server network.",
            "Students can compare how a star and a mesh cope when one machine goes down.",
            "Students can explain why a mesh that survives any one failure may not survive \
             several.",
        ],
        minutes: 15,
        level: "Secondary school (age 14+)",
        misconceptions: &[
            Misconception {
                claim: "In a peer-to-peer network no single peer ever matters.",
                truth: "That holds in this lesson's mesh, which was chosen to have no cut vertex. \
                        In general a peer whose loss splits the network does matter (lesson 3), \
                        and losing several peers can split any mesh.",
            },
            ONE_COPY_EACH,
            Misconception {
                claim: "Client-server is always worse.",
                truth: "A server is simple, easy to update, and each message crosses at most two \
                        links. Real services often run several servers that take over from each \
                        other. The cost is control: whoever runs the servers can stop or censor \
                        everyone.",
            },
        ],
        simplifications: &[
            "One server that only forwards; it never slows down under load. Real services often \
             have several.",
            "Machines go down cleanly and at once; every link takes 100 ms.",
            "Twelve computers. The mesh is a small-world network picked so that no single peer \
             is a cut vertex.",
        ],
        references: &[NAKAMOTO, BIP37, BIP157],
        background: &[
            "A network survives the loss of any one node when it has no cut vertex: removing any \
             one node leaves the rest connected. Graph theory calls such a network 2-connected. \
             The mesh here is one; the star is not, since its centre is a cut vertex.",
            "Nakamoto's paper (2008) proposes payments sent directly from one party to another \
             without a financial institution in the middle: a network of peers takes the place \
             of the server.",
        ],
    },
    // ---- 3. Block one node ----
    Guide {
        lesson: "block-one-node",
        goals: &[
            "Students can find a cut vertex: a peer whose loss splits the network.",
            "Students can predict which peers a censoring peer cuts off, and explain why \
             censoring an ordinary peer changes nothing.",
            "Students can add links so that no single peer is a cut vertex.",
        ],
        minutes: 15,
        level: "Secondary school (age 14+)",
        misconceptions: &[
            Misconception {
                claim: "Blocking one node has zero effect on a peer-to-peer network.",
                truth: "It depends on where the node sits. Blocking an ordinary peer changes \
                        nothing here, because the gossip goes around it. Blocking a cut vertex \
                        cuts off every peer behind it.",
            },
            Misconception {
                claim: "A censoring peer is easy to spot.",
                truth: "A censoring peer still receives everything; it just never passes it on. \
                        Its neighbours cannot tell, as long as they hear the transaction from \
                        someone else.",
            },
            Misconception {
                claim: "More peers always make a network more robust.",
                truth: "What matters is how they are linked. Eight well-linked peers behind one \
                        bridge peer are all lost when that peer fails. A peer with a single link \
                        depends entirely on its one neighbour.",
            },
        ],
        simplifications: &[
            "Censoring here means receiving every transaction and relaying none. A real node \
             could also delay, or pass on only some transactions.",
            "Peers never look for new links. Real nodes replace outbound peers that disconnect.",
            "Two groups of 8 peers joined by one peer; every link takes 100 ms.",
        ],
        references: &[CORE_NET_H, NAKAMOTO],
        background: &[
            "A cut vertex (or articulation point) is a node whose removal leaves the network in \
             more than one piece; a bridge is the same for a link. Both can be found with one \
             depth-first search, as in Hopcroft and Tarjan's algorithm for cut vertices (1973).",
            "Gossip needs only one path from sender to receiver that avoids every censor. That is \
             why Bitcoin Core opens several outbound connections (8 full-relay and 2 \
             block-relay-only by default) to peers in different network groups: one honest path \
             is enough.",
        ],
    },
    // ---- 4. Partition ----
    Guide {
        lesson: "partition",
        goals: &[
            "Students can explain what a network partition is and how losing a few links can \
             cause one.",
            "Students can explain why a transaction sent during a partition reaches only one \
             side.",
            "Students can describe what must happen when a partition heals, for transactions and \
             for blocks.",
        ],
        minutes: 15,
        level: "Secondary school (age 14+)",
        misconceptions: &[
            Misconception {
                claim: "Bitcoin has never had an outage or a split.",
                truth: "It has. In August 2010 a bug let one transaction create over 184 billion \
                        bitcoins (CVE-2010-5139); a fixed version came out within hours and the \
                        corrected chain overtook the bad one. In March 2013 a block that version \
                        0.8 accepted and older versions rejected split the chain in two (BIP 50) \
                        until two large mining pools downgraded to 0.7.",
            },
            Misconception {
                claim: "When a partition heals, everyone agrees at once.",
                truth: "Transactions sent during the split must be announced again. If both \
                        sides mined blocks, nodes switch to the chain with the most \
                        proof-of-work, and the other side's blocks are dropped. A payment \
                        confirmed only there goes back to waiting, or is lost if it conflicts \
                        with one on the winning chain.",
            },
            Misconception {
                claim: "A partition needs every cable between two places to be cut.",
                truth: "It needs only the links between the two groups to fail. Here a handful \
                        of links hold the two regions together.",
            },
        ],
        simplifications: &[
            "Latencies follow SimBlock's measured 2019 figures between world regions, with \
             random jitter. Links work or are removed; none are slow or lossy.",
            "Healing is an undo, and the lesson broadcasts again. A real wallet rebroadcasts its \
             own unconfirmed transactions from time to time (Bitcoin Core 0.21.0: every 12 to 36 \
             hours).",
            "No blocks: the lesson shows where one transaction goes, not which chain wins.",
            "24 peers in 2 regions.",
        ],
        references: &[BIP50, NAKAMOTO, CORE_0_21],
        background: &[
            "A partition splits a network into groups that cannot reach each other. Inside each \
             group gossip still works; across the cut nothing passes. Bitcoin tolerates this for \
             a while: each side keeps its own chain, and when the sides reconnect, nodes adopt \
             the chain with the most work (Nakamoto's \"longest chain\").",
            "The March 2013 split (BIP 50) came from software versions, not broken links: \
             versions before 0.8 ran out of database locks on a large block that 0.8 accepted. \
             The effect was alike: two groups of nodes with two views, and at least one double \
             spend while it lasted.",
        ],
    },
    // ---- 5. Unreachable (NAT) peers ----
    Guide {
        lesson: "nat-peers",
        goals: &[
            "Students can explain what makes a peer unreachable, and why it can still send and \
             receive transactions.",
            "Students can explain why unreachable peers depend on the inbound slots of reachable \
             ones.",
            "Students can list ways to make a node reachable.",
        ],
        minutes: 20,
        level: "Secondary school (age 16+)",
        misconceptions: &[
            Misconception {
                claim: "An unreachable peer cannot take part.",
                truth: "It opens outbound links and sends and receives over them like anyone \
                        else. Only others cannot open links to it.",
            },
            Misconception {
                claim: "Unreachable always means behind NAT.",
                truth: "NAT (a home router sharing one public address) is one reason. Firewalls, \
                        listening turned off (-listen=0) and nodes reachable only over Tor, as \
                        an onion service, are others. Bitcoin Core also listens by default only \
                        if it is not told to connect to given peers alone (-connect).",
            },
            Misconception {
                claim: "The router opens the port by itself.",
                truth: "Only if asked, and only if it supports being asked. Bitcoin Core 29.0 \
                        dropped UPnP; since 30.0 it asks the router with PCP or NAT-PMP by \
                        default (-natpmp=1). Otherwise the owner forwards the port (8333) by \
                        hand, runs the node on a hosted server, or offers an onion service.",
            },
        ],
        simplifications: &[
            "A peer is reachable or not for the whole lesson.",
            "With only 6 inbound slots, Bitcoin Core's eviction rules protect every inbound peer, \
             so a full peer refuses a newcomer. Core first protects up to 20 inbound peers (more \
             with block-relay-only ones), then half of the rest; a full node with more than \
             that evicts one to make room, and so does the app when a link is made to such a \
             peer.",
            "The generated networks are built in one go, each peer trying random reachable \
             peers; only the newcomer of step 5 joins as Core does, address by address.",
            "The second network has tiny limits (2 outbound, 6 inbound) so that slots run out. \
             Bitcoin Core allows 8 full-relay and 2 block-relay-only outbound and up to 114 \
             inbound.",
        ],
        references: &[CORE_29, CORE_30, CORE_TOR, CORE_EVICTION],
        background: &[
            "A reachable node accepts connections that others start: it has a public address and \
             an open port. An unreachable node can only start connections. Every link needs one \
             end that accepts, so all unreachable nodes together depend on the inbound slots of \
             the reachable ones.",
            "Bitcoin Core 29.0 removed UPnP support and replaced the libnatpmp library with its \
             own PCP and NAT-PMP code, still behind -natpmp. Bitcoin Core 30.0 turned -natpmp on \
             by default and removed the -upnp setting. A node behind a router that supports \
             neither protocol stays unreachable unless its owner forwards the port.",
        ],
    },
    // ---- 6. Node roles ----
    Guide {
        lesson: "node-roles",
        goals: &[
            "Students can describe what full, mining, archival and light nodes do.",
            "Students can explain why a peer that receives but does not relay can cut a network, \
             just like a censor.",
            "Students can say what a light wallet checks and what it leaves to full nodes.",
        ],
        minutes: 20,
        level: "Secondary school (age 16+)",
        misconceptions: &[
            Misconception {
                claim: "Only archival nodes keep the whole history; full nodes keep less.",
                truth: "Bitcoin Core keeps every block by default (-prune=0). The real contrast \
                        is pruned against unpruned: a pruned node checks every block like any \
                        full node, then deletes old block files (-prune=550 or more, in MiB). \
                        \"Archival\" is a name for an unpruned node that serves old blocks.",
            },
            Misconception {
                claim: "Light wallets receive every transaction, like the light peer here.",
                truth: "A BIP 37 (Bloom filter) client asks its peers for only the transactions \
                        that match its filter, and Bitcoin Core stopped serving Bloom filters by \
                        default in 0.19 (peerbloomfilters=0). A BIP 157/158 client downloads a \
                        filter for each block, so those filters tell it of a payment only once \
                        the payment is in a block.",
            },
            ONE_COPY_EACH,
            Misconception {
                claim: "Miners are special relays.",
                truth: "Mining nodes relay like any full node; what sets them apart is building \
                        blocks. A miner that censors matters only as much as its place in the \
                        network does.",
            },
        ],
        simplifications: &[
            "The light peer receives every transaction. Real light wallets get only matching \
             ones (BIP 37) or learn of payments from block filters (BIP 157/158).",
            "Roles are labels: mining and archival peers relay like full peers, and no blocks \
             are made.",
            "The light peer opens two links and accepts none; every link takes 100 ms.",
        ],
        references: &[BIP37, BIP157, BIP158, CORE_0_19, NAKAMOTO],
        background: &[
            "Full nodes check every transaction and block against the rules and relay them. \
             Bitcoin Core keeps the whole chain unless told to prune; with -prune=N (N at least \
             550, in MiB) it deletes old block files but still checks and relays new \
             transactions and blocks.",
            "Light (SPV) clients, described in section 8 of Nakamoto's paper, keep block headers \
             and check that a payment is in a block, without checking every rule. BIP 37 let them \
             load a Bloom filter onto a full node's connection; it leaked privacy and cost nodes \
             disk and CPU, so Bitcoin Core 0.19 stopped serving it by default. BIP 157/158 turn \
             this round: full nodes publish a filter per block and clients download the blocks \
             that match. Bitcoin Core serves these filters from 0.21.0 when run with \
             -blockfilterindex=1 -peerblockfilters=1.",
        ],
    },
    // ---- 7. Bitcoin scale ----
    Guide {
        lesson: "bitcoin-scale",
        goals: &[
            "Students can explain why gossip reaches thousands of peers in a few hops, though \
             each peer has only a few links.",
            "Students can read a hop histogram and name the typical and the largest hop count.",
            "Students can explain why Bitcoin's relay takes seconds where a flood would take a \
             fraction of one, and what the waiting buys.",
        ],
        minutes: 15,
        level: "Secondary school (age 16+)",
        misconceptions: &[
            KNOWS_VS_LINKED,
            Misconception {
                claim: "Reaching 10,000 peers takes thousands of steps.",
                truth: "Each hop multiplies the number of peers that have it, so the number of \
                        hops grows with the logarithm of the network's size, not with the size.",
            },
            Misconception {
                claim: "A transaction crosses the real network in well under a second.",
                truth: "A flood would be that fast. Bitcoin Core waits before each \
                        announcement (on average 2 s to outbound peers, 5 s to inbound) and \
                        sends the transaction only when asked, so the spread takes seconds, as \
                        this lesson's run shows.",
            },
        ],
        simplifications: &[
            "Bitcoin's announce-request relay with Core's timers and per-announcement limits, \
             but one transaction at a time: no queues of other traffic.",
            "Latencies are log-normal around 100 ms whatever the distance, with no bandwidth \
             limit and no time to check a transaction.",
            "Each of the 10,000 peers opens 8 outbound links to reachable peers. The size and \
             shape of the real network are not known exactly.",
            "One transaction and no blocks.",
        ],
        references: &[CORE_NET_H, CORE_NET_PROCESSING, DEMERS],
        background: &[
            "If each peer has d links, the number of peers within h hops grows roughly by a \
             factor of d - 1 per hop, until the network runs out. So the hops needed grow like \
             the logarithm of the number of peers: a few more hops cover ten times as many \
             peers.",
            "A Bitcoin Core node keeps addresses it has heard of in an address manager with \
             room for 81,920 entries, and holds at most 125 connections: 8 full-relay and 2 \
             block-relay-only outbound, 1 short-lived feeler, and up to 114 inbound \
             (src/net.h, src/addrman.h).",
        ],
    },
    // ---- 8. Eclipse attack ----
    Guide {
        lesson: "eclipse-attack",
        goals: &[
            "Students can describe an eclipse attack: the attacker holds every link of the \
             victim.",
            "Students can explain why one honest link is enough to end an eclipse.",
            "Students can list what an attacker gains from an eclipse besides hiding \
             transactions.",
            "Students can name defences Bitcoin Core uses and what each makes harder.",
        ],
        minutes: 25,
        level: "Secondary school (age 16+) or undergraduate",
        misconceptions: &[
            Misconception {
                claim: "The attacker just connects to the victim until its slots are full.",
                truth: "The victim picks its own outbound peers. Heilman et al. (2015) filled \
                        the victim's address tables (\"new\" and \"tried\") with attacker \
                        addresses and waited for the victim to restart; then its outbound \
                        connections went to the attacker. Inbound slots were filled with \
                        connections from attacker addresses.",
            },
            Misconception {
                claim: "An eclipse only lets the attacker hide transactions.",
                truth: "It gives the attacker the victim's whole view of the network. The paper \
                        names double spends with 0 or N confirmations, engineering block races, \
                        splitting mining power, selfish mining and adversarial forks.",
            },
            Misconception {
                claim: "A node with many peers cannot be eclipsed.",
                truth: "Numbers help only if the peers are independent. Bitcoin Core makes at \
                        most one outbound connection per network group (/16 for IPv4), \
                        reconnects to two anchor peers after a restart, and tests addresses \
                        with feeler connections and test-before-evict.",
            },
            Misconception {
                claim: "When inbound slots are full, a newcomer takes the slot of whoever \
                        arrived last.",
                truth: "Bitcoin Core first protects peers: 4 by network group, 8 with the lowest \
                        ping, 4 that recently sent new transactions, up to 8 block-relay-only \
                        peers and 4 that recently sent new blocks, then half of the rest, mostly \
                        those connected longest. Of those left, it evicts the youngest peer of \
                        the network group with the most connections.",
            },
        ],
        simplifications: &[
            "The attackers already hold every slot. The real attack must first fill the \
             victim's address tables and wait for a restart.",
            "Tiny limits (3 outbound, 3 inbound) so that six attackers are enough. Bitcoin Core \
             allows 8 full-relay and 2 block-relay-only outbound and up to 114 inbound.",
            "The attackers only censor; they do not feed the victim false blocks or double \
             spends.",
            "No address tables, anchors or feelers are modelled. Inbound eviction is, by Core's \
             rules with the region standing in for the network group and no record of recent \
             transactions or blocks: with 3 inbound peers all are protected, so the honest \
             peer is refused.",
        ],
        references: &[HEILMAN, HEILMAN_EPRINT, CORE_0_21, CORE_EVICTION],
        background: &[
            "Heilman, Kendler, Zohar and Goldberg (USENIX Security 2015) showed that an attacker \
             with enough IP addresses could take every connection to and from a Bitcoin node, \
             and then use it against mining and consensus. They proposed countermeasures, \
             several of which Bitcoin Core adopted, among them feeler connections and \
             test-before-evict for the \"tried\" table.",
            "Later changes made eclipses harder still. Bitcoin Core 0.19 added two \
             block-relay-only outbound connections, which carry no transactions or addresses. \
             From 0.21.0 a node saves these two peers in anchors.dat at shutdown and reconnects \
             to them on start, so a restart no longer replaces every peer.",
        ],
    },
    // ---- 9. Relay policies compared ----
    Guide {
        lesson: "relay-policies",
        goals: &[
            "Students can describe flood relay, announce-request (INV, GETDATA, TX) and push \
             gossip.",
            "Students can use the coverage plot to explain the trade-off between speed and \
             messages.",
            "Students can explain why Bitcoin Core waits random times before announcing.",
            "Students can explain why push gossip with a fixed fanout may miss peers.",
        ],
        minutes: 25,
        level: "Undergraduate",
        misconceptions: &[
            Misconception {
                claim: "Bitcoin floods each transaction to every neighbour at once.",
                truth: "Bitcoin Core announces it with a short INV message, sends it only to \
                        peers that ask with GETDATA, and waits before each announcement: random \
                        (Poisson) timers averaging 2 s to outbound peers and 5 s to inbound \
                        (OUTBOUND_INVENTORY_BROADCAST_INTERVAL and \
                        INBOUND_INVENTORY_BROADCAST_INTERVAL in net_processing.cpp).",
            },
            Misconception {
                claim: "The waiting is wasted time.",
                truth: "It groups announcements into batches and hides when a node first heard \
                        of a transaction. All inbound peers share one timer, so a spy that opens \
                        many connections to a node learns no more than with one.",
            },
            Misconception {
                claim: "Gossip always reaches everyone in the end.",
                truth: "Flooding does, in a connected network. Push gossip with a fixed fanout \
                        and a fixed number of rounds can stop before some peers hear. Demers et \
                        al. (1987) found the same for rumor mongering: once every site has lost \
                        interest, a site that has not heard never will.",
            },
        ],
        simplifications: &[
            "Announce-request keeps Core's timers, announcement caps and request timeout, but \
             simplifies its request tracker and leaves out fee filters, orphans and bandwidth.",
            "Push gossip: each peer that has the transaction pushes it to 3 random neighbours a \
             round (500 ms), for 4 rounds.",
            "60 peers with log-normal latencies around 100 ms, and no time to check a \
             transaction.",
            "One transaction; real announcements carry many transactions at once.",
        ],
        references: &[CORE_NET_PROCESSING, DEMERS, NAKAMOTO],
        background: &[
            "In Bitcoin Core a node that accepts a new transaction queues an announcement for \
             each peer. A peer's queue is sent as one INV message when its timer fires: each \
             outbound peer has its own timer (mean 2 s), and all inbound peers share one (mean \
             5 s). A peer that lacks the transaction replies with GETDATA and gets a TX \
             message.",
            "Demers et al. (1987) compared anti-entropy, in which sites regularly compare whole \
             databases and always converge, with rumor mongering, which is cheaper but stops \
             once sites lose interest and may leave some sites without the update. Push gossip \
             in the app behaves like rumor mongering with a fixed number of rounds.",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::lessons::CATALOGUE;

    /// Every sentence of a guide, misconception claims apart (they may quote a wrong idea).
    fn sentences(g: &Guide) -> Vec<&'static str> {
        let mut all = vec![g.level];
        all.extend(g.goals);
        all.extend(g.simplifications);
        all.extend(g.background);
        all.extend(g.misconceptions.iter().map(|m| m.truth));
        all.extend(g.references.iter().map(|r| r.title));
        all
    }

    #[test]
    fn every_lesson_has_exactly_one_guide_and_every_guide_a_lesson() {
        for info in CATALOGUE {
            let n = GUIDES.iter().filter(|g| g.lesson == info.id).count();
            assert_eq!(n, 1, "{}", info.id);
            assert_eq!(guide(info.id).map(|g| g.lesson), Some(info.id));
        }
        for g in &GUIDES {
            assert!(CATALOGUE.iter().any(|i| i.id == g.lesson), "{}", g.lesson);
        }
        let order: Vec<&str> = GUIDES.iter().map(|g| g.lesson).collect();
        let menu: Vec<&str> = CATALOGUE.iter().map(|i| i.id).collect();
        assert_eq!(order, menu, "guides follow the menu");
        assert!(guide("no-such-lesson").is_none());
    }

    #[test]
    fn every_guide_is_complete() {
        for g in &GUIDES {
            let id = g.lesson;
            assert!((2..=4).contains(&g.goals.len()), "{id}: goals");
            assert!(
                g.goals.iter().all(|s| s.starts_with("Students can ")),
                "{id}"
            );
            assert!((5..=45).contains(&g.minutes), "{id}: minutes");
            assert!(!g.level.is_empty(), "{id}: level");
            assert!(g.misconceptions.len() >= 2, "{id}: misconceptions");
            assert!(!g.simplifications.is_empty(), "{id}: simplifications");
            assert!((1..=3).contains(&g.background.len()), "{id}: background");
            assert!(!g.references.is_empty(), "{id}: references");
            for r in g.references {
                assert!(r.url.starts_with("https://"), "{id}: {}", r.url);
                assert!(!r.url.contains(char::is_whitespace), "{id}: {}", r.url);
                assert!(!r.title.is_empty(), "{id}");
            }
            let mut urls: Vec<&str> = g.references.iter().map(|r| r.url).collect();
            urls.sort();
            urls.dedup();
            assert_eq!(urls.len(), g.references.len(), "{id}: a reference twice");
        }
    }

    #[test]
    fn texts_are_plain_british_and_keep_knowing_apart_from_linking() {
        for g in &GUIDES {
            let mut texts = sentences(g);
            texts.extend(g.misconceptions.iter().map(|m| m.claim));
            for t in texts {
                assert!(!t.trim().is_empty() && t.trim() == t, "{}: {t:?}", g.lesson);
                assert!(
                    !t.contains("  "),
                    "{}: a line break left a gap: {t:?}",
                    g.lesson
                );
                for american in ["neighbor", "behavior", "modeled", " center"] {
                    assert!(!t.contains(american), "{}: {american} in {t:?}", g.lesson);
                }
            }
            // "Knows" stands for "is linked to" in some lessons' wording; the guides say
            // "linked" for links and use "know" only in the claims they correct and where
            // knowing an address is meant.
            for t in sentences(g) {
                assert!(!t.contains("knows"), "{}: {t:?}", g.lesson);
            }
        }
    }
}
