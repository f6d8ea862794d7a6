//! A class's work across page loads: which network the page opens, what happens to the one it
//! replaces, and an autosave that cannot be read. Decided here; `ui::storage` carries it out.
//!
//! The rules:
//! - A link opens its network; the network it replaces (the autosave) is kept as the
//!   *previous* one, which one click brings back. A link that cannot be opened is said so,
//!   leaves the address bar (a reload is then safe) and the autosave opens instead.
//! - An autosave that cannot be read (damaged, or from another version) is set aside under
//!   its own key, never overwritten, and the user is told.
//! - A link pasted into an open tab replaces the network at once only if nothing has been
//!   done to it; otherwise the page asks first.

use crate::view::share;
use crate::view::state::AppState;

/// The localStorage key of the autosaved scenario (its JSON; a share link's fragment before).
pub const AUTOSAVE_KEY: &str = "gossipscope/autosave";

/// The key of the network a link replaced.
pub const PREVIOUS_KEY: &str = "gossipscope/previous";

/// The key an unreadable autosave is moved to.
pub const SET_ASIDE_KEY: &str = "gossipscope/autosave-set-aside";

/// A fragment that makes the app panic on purpose: the crash handler's own test.
pub const CRASH_TEST_FRAGMENT: &str = "crash-test";

/// A text the page found (a link's fragment, an autosave) and the scenario JSON in it, or why
/// there is none (see [`share::unpack`] and [`share::inflated_text`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Found<'a> {
    /// The text as found.
    pub text: &'a str,
    /// Its scenario JSON, inflated if it was deflated.
    pub json: Result<String, String>,
}

/// What the page must do besides showing the state it opened with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effects {
    /// Messages for the user, in order.
    pub notices: Vec<String>,
    /// The scenario JSON to keep under [`PREVIOUS_KEY`]: the network a link replaced.
    pub previous: Option<String>,
    /// Text to move to [`SET_ASIDE_KEY`] (and out of [`AUTOSAVE_KEY`]).
    pub set_aside: Option<String>,
    /// Whether to take the link out of the address bar.
    pub clear_fragment: bool,
}

/// Opens scenario JSON the way every page load does: validated, within the app's limits, built
/// (a large network a slice per frame, see [`AppState::opening`]).
fn open(json: &Result<String, String>) -> Result<AppState, String> {
    AppState::opening(share::read_scenario(json.as_deref()?)?)
}

/// Why an autosave could not be read, for the user.
fn unreadable(error: &str) -> String {
    let why = if error.contains("format: expected") {
        "it was saved by another version of gossipscope"
    } else {
        "it is damaged"
    };
    format!(
        "The network saved in this browser could not be opened ({why}: {error}). It was set aside, not deleted."
    )
}

/// The state a page opens with, given what its URL fragment and its autosave hold.
pub fn open_page(link: Option<Found>, autosave: Option<Found>) -> (AppState, Effects) {
    let mut effects = Effects::default();
    let saved = autosave.map(|found| (found.text, open(&found.json).map(|s| (s, found.json))));
    if let Some(link) = link {
        match open(&link.json) {
            Ok(state) => {
                match saved {
                    Some((_, Ok((_, json)))) => effects.previous = json.ok(),
                    Some((text, Err(e))) => {
                        effects.set_aside = Some(text.to_string());
                        effects.notices.push(unreadable(&e));
                    }
                    None => {}
                }
                return (state, effects);
            }
            Err(e) => {
                effects
                    .notices
                    .push(format!("The link could not be opened: {e}"));
                effects.clear_fragment = true;
            }
        }
    }
    let state = match saved {
        Some((_, Ok((state, _)))) => state,
        Some((text, Err(e))) => {
            effects.set_aside = Some(text.to_string());
            effects.notices.push(unreadable(&e));
            AppState::new()
        }
        None => AppState::new(),
    };
    (state, effects)
}

/// What to do with a link that arrives while the page is open; the link's network comes
/// already opened, so it is built once, and a link that cannot open is refused before anything
/// is replaced.
#[derive(Clone, Debug)]
pub enum Arrival {
    /// It cannot be opened: say why (and take it out of the address bar).
    Refused(String),
    /// Something has been done to the network on screen: ask before replacing it.
    Ask(Box<AppState>),
    /// Open it at once (the network on screen becomes the previous one).
    Open(Box<AppState>),
}

/// Decides what a link pasted into an open tab does to `current`, given the scenario JSON the
/// link holds (or why it holds none).
pub fn link_arrives(current: &AppState, json: &Result<String, String>) -> Arrival {
    match open(json) {
        Err(e) => Arrival::Refused(format!("The link could not be opened: {e}")),
        Ok(opened) if current.can_undo() || current.can_redo() => Arrival::Ask(Box::new(opened)),
        Ok(opened) => Arrival::Open(Box::new(opened)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::PeerId;
    use crate::view::presets;
    use crate::view::state::Command;

    fn link(preset: &str, seed: u64) -> String {
        share::encode(&presets::scenario(preset, seed).unwrap())
    }

    /// A text as the page finds it: its JSON read natively, as the browser's streams would.
    fn found(text: &str) -> Option<Found<'_>> {
        Some(Found {
            text,
            json: share::json_in(text),
        })
    }

    /// The JSON a text holds (which is what the page keeps as the previous network).
    fn json(text: &str) -> String {
        share::json_in(text).unwrap()
    }

    fn peers(state: &AppState) -> usize {
        state.network().n_peers()
    }

    #[test]
    fn a_link_opens_and_keeps_the_autosave_as_the_previous_network() {
        let saved = link("tutorial-6", 1);
        let (state, effects) = open_page(found(&link("bitcoin-30", 1)), found(&saved));
        assert_eq!(peers(&state), 30);
        assert_eq!(effects.previous, Some(json(&saved)));
        assert_eq!(effects.set_aside, None);
        assert!(effects.notices.is_empty());
        // What is kept opens again: the previous network is the tutorial's six peers.
        let (previous, _) = open_page(found(effects.previous.as_deref().unwrap()), None);
        assert_eq!(peers(&previous), 6);
    }

    #[test]
    fn an_autosave_opens_in_this_versions_form_and_in_the_earlier_deflated_one() {
        let scenario = presets::scenario("tutorial-6", 1).unwrap();
        for saved in [share::scenario_json(&scenario), share::encode(&scenario)] {
            let (state, effects) = open_page(None, found(&saved));
            assert_eq!(peers(&state), 6, "{saved}");
            assert_eq!(effects, Effects::default());
        }
    }

    #[test]
    fn a_bad_link_leaves_the_address_and_the_autosave_opens() {
        let saved = link("tutorial-6", 1);
        let (state, effects) = open_page(found("s=not-a-scenario"), found(&saved));
        assert_eq!(peers(&state), 6);
        assert!(effects.clear_fragment);
        assert_eq!(effects.previous, None);
        assert_eq!(effects.notices.len(), 1);
        assert!(effects.notices[0].starts_with("The link could not be opened"));
    }

    #[test]
    fn a_link_over_the_apps_limits_is_refused_before_it_is_built() {
        // 150 broadcasts: more than the app traces, though the core's caps allow them.
        let mut scenario = presets::scenario("tutorial-6", 1).unwrap();
        scenario.timeline = (0..150)
            .map(|i| crate::sim::scenario::TimedAction {
                at_ms: f64::from(i),
                action: crate::sim::action::Action::Broadcast { peer: PeerId(0) },
            })
            .collect();
        assert!(scenario.validate().is_ok());
        let (state, effects) = open_page(found(&share::encode(&scenario)), None);
        assert_eq!(peers(&state), peers(&AppState::new()));
        assert!(effects.notices[0].contains("150"), "{:?}", effects.notices);
        assert!(
            effects.notices[0].contains("at most 100"),
            "{:?}",
            effects.notices
        );
    }

    #[test]
    fn an_unreadable_autosave_is_set_aside_and_said_so() {
        for (damaged, why) in [
            ("s=AAAA", "damaged"),
            (
                share::encode(&{
                    let mut s = presets::scenario("tutorial-6", 1).unwrap();
                    s.format = "gossipscope/2".into();
                    s
                })
                .leak() as &str,
                "another version",
            ),
        ] {
            let (state, effects) = open_page(None, found(damaged));
            assert_eq!(peers(&state), peers(&AppState::new()));
            assert_eq!(effects.set_aside.as_deref(), Some(damaged));
            assert!(effects.notices[0].contains(why), "{:?}", effects.notices);
            assert!(effects.notices[0].contains("set aside"));
            // Opened from a link, the unreadable autosave is set aside, not kept as "previous".
            let (_, effects) = open_page(found(&link("tutorial-6", 2)), found(damaged));
            assert_eq!(effects.set_aside.as_deref(), Some(damaged));
            assert_eq!(effects.previous, None);
        }
    }

    #[test]
    fn a_link_to_a_large_network_opens_at_once_and_builds_it_in_slices() {
        let mut scenario = presets::scenario("bitcoin-1000", 3).unwrap();
        let spec = scenario.generator.as_mut().unwrap();
        spec.topology = crate::view::state::topology_of("bitcoin", 20_001).unwrap();
        let saved = link("tutorial-6", 1);
        let (mut state, effects) = open_page(found(&share::encode(&scenario)), found(&saved));
        assert_eq!(effects.previous, Some(json(&saved)));
        // The default network is on screen while the link's is built.
        assert_eq!(peers(&state), AppState::new().network().n_peers());
        assert!(state.work().is_some());
        while state.work().is_some() {
            state.dispatch(Command::Tick { ms: 16.0 });
        }
        assert_eq!(peers(&state), 20_001);
        assert_eq!(state.seed(), 3);
        // A large link that cannot open is refused at once, before any building.
        let mut too_big = scenario.clone();
        if let Some(crate::sim::generate::Topology::Bitcoin { peers, .. }) =
            too_big.generator.as_mut().map(|spec| &mut spec.topology)
        {
            *peers = 200_000;
        }
        let (state, effects) = open_page(found(&share::encode(&too_big)), None);
        assert!(state.work().is_none());
        assert!(
            effects.notices[0].contains("200000"),
            "{:?}",
            effects.notices
        );
    }

    #[test]
    fn a_pasted_link_asks_only_when_there_is_work_to_lose() {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        let fragment = link("bitcoin-30", 1);
        assert!(matches!(
            link_arrives(&state, &share::json_in(&fragment)),
            Arrival::Open(_)
        ));
        state.dispatch(Command::SelectPeers(vec![PeerId(1)]));
        state.dispatch(Command::ToggleCensor);
        assert!(state.can_undo());
        match link_arrives(&state, &share::json_in(&fragment)) {
            Arrival::Ask(asked) => assert_eq!(peers(&asked), 30),
            other => panic!("expected to ask, got {other:?}"),
        }
        assert!(
            matches!(link_arrives(&state, &share::json_in("s=%%%")), Arrival::Refused(m) if m.contains("base64"))
        );
    }
}
