//! Reading the tagged and flattened parts of a scenario: the object buffered, then read field by field.
//!
//! serde's derive reads a type tagged by a field (`{"action": "add-link", ...}`) or flattened
//! into another (a timeline entry's `at_ms` beside its action) through a buffer of its own,
//! and instantiates every nested type's reader again for it: 54 KB of the browser build.
//! Here such an object is buffered once as a `serde_json::Value` (refusing a key given twice,
//! as the derive does), and each type takes its fields from [`Fields`] by name; every leaf
//! (a number, an id, a role) is still read by serde. Whatever is left at the end is an
//! unknown field. The plain structs around them (the scenario, peers, links, limits) keep
//! serde's derived readers.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess};
use serde::de::{Error as _, Visitor};
use serde_json::{Error, Map, Value};

/// The fields of one JSON object, taken one by one.
#[derive(Debug)]
pub struct Fields {
    /// The fields not taken yet.
    map: Map<String, Value>,
    /// The names asked for so far (but the tag's): what an unknown field could have been.
    known: Vec<&'static str>,
}

impl Fields {
    /// The object `value`, or an error naming what it is instead.
    pub fn of(value: Value) -> Result<Fields, Error> {
        match value {
            Value::Object(map) => Ok(Fields::new(map)),
            other => Err(Error::custom(format_args!(
                "invalid type: {}, expected an object",
                kind(&other)
            ))),
        }
    }

    /// Reads an object from `deserializer` and makes a `T` of its fields with `read`.
    pub fn read<'de, D, T>(
        deserializer: D,
        read: fn(Fields) -> Result<T, Error>,
    ) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
    {
        let map = deserializer.deserialize_map(Object)?;
        read(Fields::new(map)).map_err(D::Error::custom)
    }

    /// The fields not taken, as an object of their own: a flattened type's, whose unknown
    /// field's message lists only that type's fields.
    pub fn rest(self) -> Fields {
        Fields::new(self.map)
    }

    /// Takes the field `name` out, if the object has it (one copy of this for every type read).
    #[inline(never)]
    fn remove(&mut self, name: &'static str) -> Option<Value> {
        self.known.push(name);
        self.map.remove(name)
    }

    fn new(map: Map<String, Value>) -> Fields {
        Fields {
            map,
            known: Vec::new(),
        }
    }

    /// The field `name` read by `read`, if the object has it.
    pub fn take_with<T>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(Value) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match self.remove(name) {
            None => Ok(None),
            Some(value) => read(value)
                .map(Some)
                .map_err(|e| Error::custom(format_args!("{name}: {e}"))),
        }
    }

    /// The field `name` read by `read`, if the object has it and it is not `null`.
    pub fn opt_with<T>(
        &mut self,
        name: &'static str,
        read: fn(Value) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        let value = self.take_with(name, |v| match v {
            Value::Null => Ok(None),
            v => read(v).map(Some),
        })?;
        Ok(value.flatten())
    }

    /// The field `name`, if the object has it.
    pub fn take<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Option<T>, Error> {
        self.take_with(name, T::deserialize)
    }

    /// The field `name`, which the object must have.
    pub fn need<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, Error> {
        self.take(name)?.ok_or_else(|| Error::missing_field(name))
    }

    /// The field `name`, or `default` without it.
    pub fn or<T: DeserializeOwned>(&mut self, name: &'static str, default: T) -> Result<T, Error> {
        Ok(self.take(name)?.unwrap_or(default))
    }

    /// The tag `name` (such as `"action"`) that names the variant; an unknown field's message
    /// does not offer it (as serde's derive does not).
    pub fn tag(&mut self, name: &'static str) -> Result<String, Error> {
        let tag = self.need(name);
        self.known.pop();
        tag
    }

    /// Done: a field not taken is unknown, and the message lists the fields asked for (in
    /// serde's words).
    pub fn end<T>(self, value: T) -> Result<T, Error> {
        let Some(key) = self.map.keys().next() else {
            return Ok(value);
        };
        let n = self.known.len();
        let mut message = format!("unknown field `{key}`, ");
        message.push_str(match n {
            0 => "there are no fields",
            1 | 2 => "expected ",
            _ => "expected one of ",
        });
        for (i, name) in self.known.iter().enumerate() {
            if i > 0 {
                message.push_str(if n == 2 { " or " } else { ", " });
            }
            message.push('`');
            message.push_str(name);
            message.push('`');
        }
        Err(Error::custom(message))
    }
}

/// What kind of JSON value it is, for a message.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

/// Reads any JSON value as serde_json's own `Value` does, but refuses an object that names a
/// key twice (serde_json's `Value` keeps the last; the derived readers refuse it).
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(Strict)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        Object.visit_map(map).map(Value::Object)
    }
}

/// Reads a JSON object, refusing a key given twice.
struct Object;

impl<'de> Visitor<'de> for Object {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let value = map.next_value_seed(Strict)?;
            fields.insert(key, value);
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(json: &str) -> Fields {
        let mut de = serde_json::Deserializer::from_str(json);
        Fields::read(&mut de, Ok).unwrap()
    }

    #[test]
    fn fields_are_taken_by_name_and_the_rest_are_unknown() {
        let mut f = fields(r#"{"a": 1, "b": [true], "c": null}"#);
        assert_eq!(f.need::<u32>("a").unwrap(), 1);
        assert_eq!(f.or("z", 7u32).unwrap(), 7);
        assert_eq!(f.or::<Option<u32>>("c", Some(3)).unwrap(), None);
        let e = f.end(()).unwrap_err().to_string();
        assert_eq!(e, "unknown field `b`, expected one of `a`, `z`, `c`");
    }

    #[test]
    fn a_wrong_or_missing_field_is_named() {
        let mut f = fields(r#"{"a": "x"}"#);
        let e = f.need::<u32>("a").unwrap_err().to_string();
        assert_eq!(e, "a: invalid type: string \"x\", expected u32");
        let e = f.need::<u32>("b").unwrap_err().to_string();
        assert_eq!(e, "missing field `b`");
        let e = fields(r#"{"t": 1}"#).tag("t").unwrap_err().to_string();
        assert_eq!(e, "t: invalid type: integer `1`, expected a string");
        assert_eq!(
            Fields::of(Value::from(3)).unwrap_err().to_string(),
            "invalid type: number, expected an object"
        );
    }

    #[test]
    fn a_key_given_twice_is_refused_at_any_depth() {
        for json in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": {"b": 1, "b": 1}}"#,
            r#"{"a": [[{"b": 1, "b": 2}]]}"#,
        ] {
            let mut de = serde_json::Deserializer::from_str(json);
            let e = Fields::read(&mut de, Ok).unwrap_err().to_string();
            assert!(e.contains("duplicate field"), "{json}: {e}");
        }
    }

    #[test]
    fn a_non_object_is_refused() {
        for json in ["[1]", "3", "\"a\"", "null"] {
            let mut de = serde_json::Deserializer::from_str(json);
            let e = Fields::read(&mut de, Ok).unwrap_err().to_string();
            assert!(e.contains("expected an object"), "{json}: {e}");
        }
    }
}

/// Round trips through serde's derived `Serialize` and the hand-written readers, and bad input
/// read through the one scenario reader (`Scenario::from_json`).
#[cfg(test)]
mod round_trips {
    use proptest::prelude::*;

    use crate::sim::action::Action;
    use crate::sim::latency::LatencyModel;
    use crate::sim::network::{LinkKind, PeerId, PeerState, Role};
    use crate::sim::relay::{
        BitcoinParams, ClientServerParams, PushParams, RelayPolicy, RumorMode, RumorParams,
    };
    use crate::sim::scenario::{Scenario, TimedAction};

    fn peer() -> impl Strategy<Value = PeerId> {
        any::<u32>().prop_map(PeerId)
    }

    /// A number, one that serde_json's own number reader gives back (without its
    /// `float_roundtrip` feature it may be off in the last bit, however it is read).
    fn ms() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), -1e6..1e9f64, any::<u32>().prop_map(f64::from)]
            .prop_filter("serde_json reads the number back", |x| {
                serde_json::from_str::<f64>(&serde_json::to_string(x).unwrap()).ok() == Some(*x)
            })
    }

    fn role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    fn any_action() -> impl Strategy<Value = Action> {
        let state = proptest::sample::select(vec![
            PeerState::Online,
            PeerState::Offline,
            PeerState::Censoring,
        ]);
        let kind = proptest::sample::select(vec![LinkKind::FullRelay, LinkKind::BlockRelayOnly]);
        prop_oneof![
            peer().prop_map(|peer| Action::Broadcast { peer }),
            (role(), any::<bool>())
                .prop_map(|(role, reachable)| Action::AddPeer { role, reachable }),
            peer().prop_map(|peer| Action::RemovePeer { peer }),
            (peer(), peer(), proptest::option::of(ms()), kind).prop_map(
                |(from, to, latency_ms, kind)| Action::AddLink {
                    from,
                    to,
                    latency_ms,
                    kind
                }
            ),
            (peer(), peer()).prop_map(|(a, b)| Action::RemoveLink { a, b }),
            (peer(), state).prop_map(|(peer, state)| Action::SetState { peer, state }),
            (peer(), role()).prop_map(|(peer, role)| Action::SetRole { peer, role }),
            (peer(), any::<bool>())
                .prop_map(|(peer, reachable)| Action::SetReachable { peer, reachable }),
            (peer(), peer(), ms()).prop_map(|(a, b, latency_ms)| Action::SetLatency {
                a,
                b,
                latency_ms
            }),
            (peer(), peer(), ms()).prop_map(|(a, b, loss)| Action::SetLoss { a, b, loss }),
            (peer(), ms()).prop_map(|(peer, ms)| Action::SetValidationDelay { peer, ms }),
        ]
    }

    fn any_latency() -> impl Strategy<Value = LatencyModel> {
        let matrix = proptest::collection::vec(proptest::collection::vec(ms(), 0..4), 0..4);
        prop_oneof![
            ms().prop_map(|ms| LatencyModel::Constant { ms }),
            (ms(), ms()).prop_map(|(lo_ms, hi_ms)| LatencyModel::Uniform { lo_ms, hi_ms }),
            (ms(), ms()).prop_map(|(mean_ms, sd_ms)| LatencyModel::LogNormal { mean_ms, sd_ms }),
            (ms(), ms(), ms()).prop_map(|(intra_ms, inter_ms, jitter_ms)| {
                LatencyModel::ByRegion {
                    intra_ms,
                    inter_ms,
                    jitter_ms,
                }
            }),
            (matrix, any::<bool>())
                .prop_map(|(one_way_ms, jitter)| LatencyModel::RegionMatrix { one_way_ms, jitter }),
        ]
    }

    fn any_relay() -> impl Strategy<Value = RelayPolicy> {
        let count = || any::<u32>();
        let mode = proptest::sample::select(vec![
            RumorMode::FeedbackCounter,
            RumorMode::FeedbackCoin,
            RumorMode::BlindCounter,
            RumorMode::BlindCoin,
        ]);
        prop_oneof![
            Just(RelayPolicy::Flood),
            (ms(), ms(), ms(), ms(), count(), count()).prop_map(|(a, b, c, d, e, f)| {
                RelayPolicy::Bitcoin(BitcoinParams {
                    inbound_inv_mean_ms: a,
                    outbound_inv_mean_ms: b,
                    inbound_request_delay_ms: c,
                    request_timeout_ms: d,
                    inv_broadcast_target: e,
                    inv_broadcast_max: f,
                })
            }),
            (
                count(),
                proptest::option::of(count()),
                proptest::option::of(count()),
                ms()
            )
                .prop_map(|(fanout, rounds, hop_limit, round_ms)| {
                    RelayPolicy::Push(PushParams {
                        fanout,
                        rounds,
                        hop_limit,
                        round_ms,
                    })
                }),
            (mode, count(), ms()).prop_map(|(mode, k, round_ms)| RelayPolicy::Rumor(RumorParams {
                mode,
                k,
                round_ms
            })),
            proptest::option::of(peer())
                .prop_map(|server| RelayPolicy::ClientServer(ClientServerParams { server })),
        ]
    }

    fn reads_back<T>(value: &T) -> Result<(), TestCaseError>
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let text = serde_json::to_string(value).unwrap();
        let read: T =
            serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&read, value, "{}", text);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn actions_read_back(action in any_action(), at_ms in ms()) {
            reads_back(&action)?;
            reads_back(&TimedAction { at_ms, action })?;
        }

        #[test]
        fn latency_models_read_back(model in any_latency()) {
            reads_back(&model)?;
        }

        #[test]
        fn relay_policies_read_back(policy in any_relay()) {
            reads_back(&policy)?;
        }
    }

    /// Bad input in each hand-read part, and what the refusal must say.
    #[test]
    fn bad_input_is_refused_naming_the_field() {
        let top = r#"{"format": "gossipscope/1", "seed": 1, "#;
        let table: &[(&str, &str)] = &[
            // Timeline entries (an action flattened beside its time).
            (
                r#""timeline": [{"action": "broadcast", "peer": 0}]"#,
                "missing field `at_ms`",
            ),
            (
                r#""timeline": [{"at_ms": 1, "peer": 0}]"#,
                "missing field `action`",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": "explode"}]"#,
                "unknown variant `explode`, expected one of `broadcast`",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": "broadcast"}]"#,
                "missing field `peer`",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": "broadcast", "peer": "a"}]"#,
                "peer: invalid type: string \"a\", expected u32",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": "broadcast", "peer": -1}]"#,
                "peer: invalid value: integer `-1`, expected u32",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": "broadcast", "peer": 0, "peeer": 1}]"#,
                "unknown field `peeer`",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": "broadcast", "peer": 0, "peer": 1}]"#,
                "duplicate field `peer`",
            ),
            (
                r#""timeline": [{"at_ms": "1", "action": "broadcast", "peer": 0}]"#,
                "at_ms: invalid type: string \"1\", expected f64",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": "set-state", "peer": 0, "state": "asleep"}]"#,
                "state: unknown variant `asleep`",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": "add-link", "from": 0, "to": 1, "kind": "x"}]"#,
                "kind: unknown variant `x`",
            ),
            (
                r#""timeline": [[1, "broadcast", 0]]"#,
                "invalid type: sequence, expected an object",
            ),
            (
                r#""timeline": [{"at_ms": 1, "action": 7}]"#,
                "action: invalid type: integer `7`, expected a string",
            ),
            // The relay policy.
            (
                r#""relay": {"policy": "push", "fanot": 2}"#,
                "unknown field `fanot`",
            ),
            (
                r#""relay": {"policy": "gossip"}"#,
                "unknown variant `gossip`",
            ),
            (r#""relay": {"fanout": 2}"#, "missing field `policy`"),
            (
                r#""relay": {"policy": "flood", "fanout": 2}"#,
                "unknown field `fanout`",
            ),
            (
                r#""relay": {"policy": "push", "rounds": -1}"#,
                "rounds: invalid value: integer `-1`, expected u32",
            ),
            (
                r#""relay": {"policy": "rumor", "mode": "loud"}"#,
                "mode: unknown variant `loud`",
            ),
            (
                r#""relay": {"policy": "client-server", "server": true}"#,
                "server: invalid type: boolean `true`, expected u32",
            ),
            (
                r#""relay": "flood""#,
                "invalid type: string \"flood\", expected an object",
            ),
            // The latency model.
            (r#""latency": {"model": "constant"}"#, "missing field `ms`"),
            (
                r#""latency": {"model": "constant", "ms": 1, "sd_ms": 2}"#,
                "unknown field `sd_ms`",
            ),
            (
                r#""latency": {"model": "region-matrix"}"#,
                "missing field `one_way_ms`",
            ),
            (
                r#""latency": {"model": "region-matrix", "one_way_ms": [[1, "a"]]}"#,
                "one_way_ms: invalid type: string \"a\", expected f64",
            ),
            (
                r#""latency": {"model": "region-matrix", "one_way_ms": 3}"#,
                "one_way_ms: invalid type: integer `3`, expected a sequence",
            ),
            (
                r#""latency": {"model": "gaussian"}"#,
                "unknown variant `gaussian`",
            ),
            // The generator (a topology flattened beside its latency and limits).
            (
                r#""generator": {"topology": "ring", "peers": 5, "peerz": 6}"#,
                "unknown field `peerz`",
            ),
            (r#""generator": {"peers": 5}"#, "missing field `topology`"),
            (
                r#""generator": {"topology": "hexagon", "peers": 5}"#,
                "unknown variant `hexagon`",
            ),
            (
                r#""generator": {"topology": "grid", "rows": 5}"#,
                "missing field `cols`",
            ),
            (
                r#""generator": {"topology": "ring", "peers": 5.5}"#,
                "peers: invalid type: floating point `5.5`, expected u32",
            ),
            (
                r#""generator": {"topology": "ring", "peers": 5, "latency": {"model": "x"}}"#,
                "latency: unknown variant `x`",
            ),
            (
                r#""generator": {"topology": "ring", "peers": 5, "latency": []}"#,
                "latency: invalid type: sequence, expected an object",
            ),
            (
                r#""generator": {"topology": "ring", "peers": 5, "limits": {"max_outbound": 1}}"#,
                "limits: missing field `max_inbound`",
            ),
            (
                r#""generator": {"topology": "ring", "peers": 5, "limits": {"max_outbound": 1, "max_outbound": 1}}"#,
                "duplicate field `max_outbound`",
            ),
        ];
        for (fields, expected) in table {
            let text = format!("{top}{fields}}}");
            let message = Scenario::from_json(&text).unwrap_err().to_string();
            assert!(
                message.starts_with("not a valid scenario: ") && message.contains(expected),
                "{text}\n  gave {message}\n  expected {expected}"
            );
        }
    }

    /// What a file may leave out reads as its default, and `null` reads as none where a
    /// field is optional.
    #[test]
    fn defaults_and_nulls() {
        let relay: RelayPolicy =
            serde_json::from_str(r#"{"policy": "push", "rounds": null, "hop_limit": 3}"#).unwrap();
        let expected = PushParams {
            rounds: None,
            hop_limit: Some(3),
            ..PushParams::default()
        };
        assert_eq!(relay, RelayPolicy::Push(expected));
        let relay: RelayPolicy = serde_json::from_str(r#"{"policy": "bitcoin"}"#).unwrap();
        assert_eq!(relay, RelayPolicy::Bitcoin(BitcoinParams::default()));
        let model: LatencyModel =
            serde_json::from_str(r#"{"one_way_ms": [[1]], "model": "region-matrix"}"#).unwrap();
        let jitter = LatencyModel::RegionMatrix {
            one_way_ms: vec![vec![1.0]],
            jitter: true,
        };
        assert_eq!(model, jitter);
        let action: Action = serde_json::from_str(
            r#"{"action": "add-link", "from": 1, "to": 2, "latency_ms": null}"#,
        )
        .unwrap();
        let link = Action::AddLink {
            from: PeerId(1),
            to: PeerId(2),
            latency_ms: None,
            kind: LinkKind::FullRelay,
        };
        assert_eq!(action, link);
    }
}
