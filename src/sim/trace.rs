//! The hop-by-hop trace: every send and delivery, for the animation and for tests.

use serde::Serialize;

use crate::sim::action::Action;
use crate::sim::id::{PeerId, TxId};
use crate::sim::time::Time;

/// What a message carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    /// The transaction itself.
    Tx,
    /// An announcement: "I have this transaction".
    Inv,
    /// A request: "send me this transaction".
    GetData,
}

impl MessageKind {
    /// Every kind, in report order.
    pub const ALL: [MessageKind; 3] = [MessageKind::Tx, MessageKind::Inv, MessageKind::GetData];

    /// Index into per-kind counters.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Tx => "tx",
            MessageKind::Inv => "inv",
            MessageKind::GetData => "getdata",
        }
    }
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LostReason {
    /// The link's loss probability struck.
    LinkLoss,
    /// The link was removed while the message was on it.
    LinkRemoved,
    /// The recipient was offline when it arrived.
    RecipientOffline,
    /// The recipient had left the network.
    RecipientRemoved,
}

/// What a delivery did at the recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// The recipient learned something new (for a TX: its first copy).
    New,
    /// The recipient knew it already: a redundant delivery, dropped.
    Redundant,
    /// The message never arrived.
    Lost { reason: LostReason },
}

/// One step of a run, in the order the engine took it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum TraceEvent {
    /// A transaction was created at `peer`.
    Broadcast { at: Time, tx: TxId, peer: PeerId },
    /// A message left `from` and will reach `to` at `arrives`.
    Sent {
        at: Time,
        arrives: Time,
        tx: TxId,
        from: PeerId,
        to: PeerId,
        kind: MessageKind,
    },
    /// A message reached (or failed to reach) `to`.
    Delivered {
        at: Time,
        tx: TxId,
        from: PeerId,
        to: PeerId,
        kind: MessageKind,
        #[serde(flatten)]
        outcome: Outcome,
    },
    /// A peer received the transaction for the first time.
    Reached {
        at: Time,
        tx: TxId,
        peer: PeerId,
        hops: u32,
        parent: Option<PeerId>,
    },
    /// An action was applied.
    Applied { at: Time, action: Action },
}

impl TraceEvent {
    /// When it happened.
    pub fn at(&self) -> Time {
        match self {
            TraceEvent::Broadcast { at, .. }
            | TraceEvent::Sent { at, .. }
            | TraceEvent::Delivered { at, .. }
            | TraceEvent::Reached { at, .. }
            | TraceEvent::Applied { at, .. } => *at,
        }
    }
}
