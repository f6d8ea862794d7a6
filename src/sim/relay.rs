//! Relay policies: the protocol under test, and its parameters.

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Error;

use crate::sim::caps;
use crate::sim::error::{Conflict, Named, ParamError};
use crate::sim::network::PeerId;
use crate::sim::read::Fields;
use crate::sim::time::Time;

/// How peers pass a transaction on.
///
/// Written by serde's derive; read by [`RelayPolicy::from_fields`] (see [`crate::sim::read`]):
/// a parameter left out takes its default.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(tag = "policy", rename_all = "kebab-case")]
pub enum RelayPolicy {
    /// On first receipt, send the transaction to every neighbour but the sender.
    #[default]
    Flood,
    /// Bitcoin Core's announce-request: INV on Poisson timers, then GETDATA, then TX.
    Bitcoin(BitcoinParams),
    /// Synchronous push gossip: each informed peer pushes to `fanout` random neighbours a round.
    Push(PushParams),
    /// Rumor mongering with loss of interest (Demers et al. 1987).
    Rumor(RumorParams),
    /// Clients send to the server; the server sends to every client.
    ClientServer(ClientServerParams),
}

/// The policies' names in JSON, in the order of [`RelayPolicy`]'s variants.
const POLICIES: &[&str] = &["flood", "bitcoin", "push", "rumor", "client-server"];

impl<'de> Deserialize<'de> for RelayPolicy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RelayPolicy, D::Error> {
        Fields::read(deserializer, RelayPolicy::from_fields)
    }
}

impl RelayPolicy {
    /// The policy named by the field `policy`, from its parameters (as its `Serialize` writes
    /// them; each left out takes its default).
    pub fn from_fields(mut f: Fields) -> Result<RelayPolicy, Error> {
        let policy = match f.tag("policy")?.as_str() {
            "flood" => RelayPolicy::Flood,
            "bitcoin" => {
                let d = BitcoinParams::default();
                RelayPolicy::Bitcoin(BitcoinParams {
                    inbound_inv_mean_ms: f.or("inbound_inv_mean_ms", d.inbound_inv_mean_ms)?,
                    outbound_inv_mean_ms: f.or("outbound_inv_mean_ms", d.outbound_inv_mean_ms)?,
                    inbound_request_delay_ms: f
                        .or("inbound_request_delay_ms", d.inbound_request_delay_ms)?,
                    request_timeout_ms: f.or("request_timeout_ms", d.request_timeout_ms)?,
                    inv_broadcast_target: f.or("inv_broadcast_target", d.inv_broadcast_target)?,
                    inv_broadcast_max: f.or("inv_broadcast_max", d.inv_broadcast_max)?,
                })
            }
            "push" => {
                let d = PushParams::default();
                RelayPolicy::Push(PushParams {
                    fanout: f.or("fanout", d.fanout)?,
                    rounds: f.or("rounds", d.rounds)?,
                    hop_limit: f.or("hop_limit", d.hop_limit)?,
                    round_ms: f.or("round_ms", d.round_ms)?,
                })
            }
            "rumor" => {
                let d = RumorParams::default();
                RelayPolicy::Rumor(RumorParams {
                    mode: f.or("mode", d.mode)?,
                    k: f.or("k", d.k)?,
                    round_ms: f.or("round_ms", d.round_ms)?,
                })
            }
            "client-server" => RelayPolicy::ClientServer(ClientServerParams {
                server: f.or("server", None)?,
            }),
            other => return Err(Error::unknown_variant(other, POLICIES)),
        };
        f.end(policy)
    }

    /// The short name used by the CLI and scenarios.
    pub fn name(&self) -> &'static str {
        match self {
            RelayPolicy::Flood => "flood",
            RelayPolicy::Bitcoin(_) => "bitcoin",
            RelayPolicy::Push(_) => "push",
            RelayPolicy::Rumor(_) => "rumor",
            RelayPolicy::ClientServer(_) => "client-server",
        }
    }

    /// The policy of this name with default parameters.
    pub fn from_name(name: &str) -> Result<RelayPolicy, ParamError> {
        Ok(match name {
            "flood" => RelayPolicy::Flood,
            "bitcoin" => RelayPolicy::Bitcoin(BitcoinParams::default()),
            "push" => RelayPolicy::Push(PushParams::default()),
            "rumor" => RelayPolicy::Rumor(RumorParams::default()),
            "client-server" => RelayPolicy::ClientServer(ClientServerParams::default()),
            other => {
                return Err(ParamError::Unknown {
                    kind: Named::RelayPolicy,
                    name: other.to_string(),
                })
            }
        })
    }

    /// Whether the policy runs in synchronous rounds.
    pub fn is_round_based(&self) -> bool {
        matches!(self, RelayPolicy::Push(_) | RelayPolicy::Rumor(_))
    }

    /// Checks the parameters; the message names the bad one.
    pub fn validate(&self) -> Result<(), ParamError> {
        let positive_ms = |name: &str, v: f64| match caps::delay_ms(name, v) {
            Ok(t) if t > Time::ZERO => Ok(()),
            Ok(_) => Err(ParamError::too_small(name, v, Time(1).as_ms_f64())),
            Err(e) => Err(e),
        };
        let count = |name: &str, v: u32, cap: u32| caps::at_most(name, v.into(), cap.into());
        match self {
            RelayPolicy::Flood | RelayPolicy::ClientServer(_) => Ok(()),
            RelayPolicy::Bitcoin(p) => {
                positive_ms("inbound_inv_mean_ms", p.inbound_inv_mean_ms)?;
                positive_ms("outbound_inv_mean_ms", p.outbound_inv_mean_ms)?;
                positive_ms("request_timeout_ms", p.request_timeout_ms)?;
                caps::delay_ms("inbound_request_delay_ms", p.inbound_request_delay_ms)?;
                for (name, v) in [
                    ("inv_broadcast_target", p.inv_broadcast_target),
                    ("inv_broadcast_max", p.inv_broadcast_max),
                ] {
                    if v == 0 {
                        return Err(ParamError::too_small(name, v, 1));
                    }
                    count(name, v, caps::MAX_INV_PER_TRICKLE)?;
                }
                Ok(())
            }
            RelayPolicy::Push(p) => {
                positive_ms("round_ms", p.round_ms)?;
                if p.fanout == 0 {
                    return Err(ParamError::too_small("fanout", p.fanout, 1));
                }
                count("fanout", p.fanout, caps::MAX_FANOUT)?;
                if let Some(rounds) = p.rounds {
                    count("rounds", rounds, caps::MAX_ROUNDS)?;
                }
                if let Some(hops) = p.hop_limit {
                    count("hop_limit", hops, caps::MAX_ROUNDS)?;
                }
                if p.rounds.is_none() && p.hop_limit.is_none() {
                    return Err(Conflict::PushNeverStops.into());
                }
                Ok(())
            }
            RelayPolicy::Rumor(p) => {
                positive_ms("round_ms", p.round_ms)?;
                if p.k == 0 {
                    return Err(ParamError::too_small("k", p.k, 1));
                }
                count("k", p.k, caps::MAX_RUMOR_K)?;
                Ok(())
            }
        }
    }
}

/// Parameters of Bitcoin Core's announce-request relay.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BitcoinParams {
    /// Mean gap of the one Poisson INV timer shared by all inbound peers.
    pub inbound_inv_mean_ms: f64,
    /// Mean gap of each outbound peer's own Poisson INV timer.
    pub outbound_inv_mean_ms: f64,
    /// How long a peer waits before asking an inbound announcer.
    pub inbound_request_delay_ms: f64,
    /// How long a peer waits for a TX before asking another announcer.
    pub request_timeout_ms: f64,
    /// Announcements one trickle sends a peer before the rest wait for the next
    /// (Core's `INVENTORY_BROADCAST_TARGET`: 70 since 30.0, 35 before), plus 5 per 1,000 queued.
    pub inv_broadcast_target: u32,
    /// The most announcements one trickle sends a peer (`INVENTORY_BROADCAST_MAX`).
    pub inv_broadcast_max: u32,
}

impl BitcoinParams {
    /// How many of `queued` announcements one trickle may send, as Core's `SendMessages`
    /// computes it: the target plus 5 per whole 1,000 queued, at most the maximum.
    pub fn trickle_cap(&self, queued: usize) -> usize {
        let target = self.inv_broadcast_target as usize;
        (target + queued / 1000 * 5).min(self.inv_broadcast_max as usize)
    }
}

impl Default for BitcoinParams {
    fn default() -> BitcoinParams {
        BitcoinParams {
            inbound_inv_mean_ms: 5000.0,
            outbound_inv_mean_ms: 2000.0,
            inbound_request_delay_ms: 2000.0,
            request_timeout_ms: 60_000.0,
            inv_broadcast_target: 70,
            inv_broadcast_max: 1000,
        }
    }
}

/// Parameters of synchronous push gossip.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PushParams {
    /// Neighbours each informed peer pushes to per round.
    pub fanout: u32,
    /// Rounds a peer keeps pushing after it is informed (`None`: one round,
    /// and the hop limit bounds the spread).
    pub rounds: Option<u32>,
    /// Peers this many hops from the source or further do not push.
    pub hop_limit: Option<u32>,
    /// Length of a round.
    pub round_ms: f64,
}

impl Default for PushParams {
    fn default() -> PushParams {
        PushParams {
            fanout: 3,
            rounds: Some(4),
            hop_limit: None,
            round_ms: 500.0,
        }
    }
}

/// How a rumor-mongering peer loses interest (Demers et al. 1987).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RumorMode {
    /// Lose interest after k pushes to peers that already knew.
    #[default]
    FeedbackCounter,
    /// After each push to a peer that already knew, lose interest with probability 1/k.
    FeedbackCoin,
    /// Lose interest after k pushes, whatever their outcome.
    BlindCounter,
    /// After each push, lose interest with probability 1/k.
    BlindCoin,
}

impl RumorMode {
    /// Parses the CLI name, e.g. `feedback-counter`.
    pub fn parse(text: &str) -> Result<RumorMode, ParamError> {
        match text {
            "feedback-counter" => Ok(RumorMode::FeedbackCounter),
            "feedback-coin" => Ok(RumorMode::FeedbackCoin),
            "blind-counter" => Ok(RumorMode::BlindCounter),
            "blind-coin" => Ok(RumorMode::BlindCoin),
            other => Err(ParamError::Unknown {
                kind: Named::RumorMode,
                name: other.to_string(),
            }),
        }
    }
}

impl fmt::Display for RumorMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RumorMode::FeedbackCounter => "feedback-counter",
            RumorMode::FeedbackCoin => "feedback-coin",
            RumorMode::BlindCounter => "blind-counter",
            RumorMode::BlindCoin => "blind-coin",
        })
    }
}

/// Parameters of rumor mongering.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RumorParams {
    /// How interest is lost.
    pub mode: RumorMode,
    /// The counter limit, or the inverse of the coin's probability.
    pub k: u32,
    /// Length of a round.
    pub round_ms: f64,
}

impl Default for RumorParams {
    fn default() -> RumorParams {
        RumorParams {
            mode: RumorMode::FeedbackCounter,
            k: 2,
            round_ms: 500.0,
        }
    }
}

/// Parameters of client-server relay.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClientServerParams {
    /// The server; `None` picks the peer with the most links (lowest id on a tie).
    pub server: Option<PeerId>,
}
