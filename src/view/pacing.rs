//! The animation frame's timing decisions: when to tick, how long the layout may take, when
//! the canvas and the panels are drawn again, and how much long work a frame takes.

use crate::view::rings::Arrangement;
use crate::view::state::AppState;

/// Milliseconds of each frame the layout may use while it settles.
pub const LAYOUT_BUDGET_MS: f64 = 9.0;

/// How often the panels refresh while the clock runs: often for classroom networks, less for
/// large ones whose statistics cost more.
pub fn panel_refresh_ms(n_peers: usize) -> f64 {
    if n_peers > 2000 {
        600.0
    } else {
        150.0
    }
}

/// Whether the state wants a tick this frame: the clock or long work runs, the layout moves,
/// or a flash fades.
pub fn wants_tick(state: &AppState) -> bool {
    running(state) || !state.layout().is_settled() || !state.flashes().is_empty()
}

/// Whether this frame ticks: when the state wants it, except that long work in event slices
/// skips the frames that redraw the panels, so that no frame both works and redraws them (at
/// Bitcoin's size that took the page over 100 ms at a stretch).
pub fn ticks_this_frame(wants_tick: bool, working_in_slices: bool, panels_due: bool) -> bool {
    wants_tick && !(working_in_slices && panels_due)
}

/// Wall-clock milliseconds a frame's slice of long work should take: the rest of the frame
/// draws, and the page answers between slices.
pub const WORK_SLICE_MS: f64 = 25.0;

/// The fewest and the most events a slice of long work may take.
pub const WORK_SLICE_EVENTS: (u64, u64) = (2_000, 1_000_000);

/// The events the next slice of long work takes, after a slice of `events` took `took_ms`:
/// scaled so the next takes about [`WORK_SLICE_MS`], at most doubling from one slice to the
/// next (a fast slice may be a lucky one), within [`WORK_SLICE_EVENTS`]. The work's result
/// does not depend on its slices, only how smoothly the page runs meanwhile.
pub fn next_work_slice(events: u64, took_ms: f64) -> u64 {
    let (least, most) = WORK_SLICE_EVENTS;
    let scaled = if took_ms > 0.0 && took_ms.is_finite() {
        (events as f64 * WORK_SLICE_MS / took_ms).min(2.0 * events as f64)
    } else {
        2.0 * events as f64
    };
    (scaled as u64).clamp(least, most)
}

/// The events the next frame of a playing run may take, after a frame that ran `done` of its
/// `budget` events in `took_ms`: sized like a slice of long work ([`next_work_slice`]) when the
/// frame used its whole budget or ran long, kept otherwise. A quiet frame says nothing about
/// a busy one: grown on quiet frames, the budget let one busy frame of a replay at Bitcoin's
/// size run for seconds.
pub fn next_play_slice(budget: u64, done: u64, took_ms: f64) -> u64 {
    if done >= budget || took_ms > WORK_SLICE_MS {
        next_work_slice(budget, took_ms)
    } else {
        budget
    }
}

/// Whether the clock or long work runs (then the panels follow it).
pub fn running(state: &AppState) -> bool {
    state.is_playing() || state.work().is_some()
}

/// While long work runs in slices, the canvas is drawn at most this often (in wall-clock
/// milliseconds): the frames between go to the work. At Bitcoin's size a drawing took 5-14 ms
/// in the page, a fifth to a third of each frame's time taken from finishing a run.
pub const DRAW_WHILE_WORKING_MS: f64 = 100.0;

/// Above this many peers the peers are drawn without their links while they move, and
/// sparingly while the forces settle ([`draws_links`], [`draws_sparingly`]).
pub const SPARING_LAYOUT_PEERS: usize = 5_000;

/// Whether the peers of a network of more than [`SPARING_LAYOUT_PEERS`] peers are moving
/// (the forces settling, or a glide to new rings) with the clock stopped and no gesture under
/// way (`gesturing`): then the canvas is drawn without its links ([`draws_links`]), and in the
/// forces sparingly ([`draws_sparingly`]).
fn moves_untouched(state: &AppState, gesturing: bool) -> bool {
    !state.layout().is_settled()
        && state.network().n_peers() > SPARING_LAYOUT_PEERS
        && !gesturing
        && !running(state)
}

/// Whether the canvas is drawn sparingly this frame (at most every
/// [`DRAW_WHILE_WORKING_MS`]): while long work runs that the state draws sparingly
/// ([`AppState::draws_sparingly`]), and while the forces settle a large network untouched.
/// At 10,000 peers a drawing took about 33 ms in the page and a tick of the forces 26 ms:
/// drawn every frame, the forces took 10 s to settle. A glide to the rings is drawn every
/// frame.
pub fn draws_sparingly(state: &AppState, gesturing: bool) -> bool {
    state.draws_sparingly()
        || (state.arrangement() == Arrangement::Force && moves_untouched(state, gesturing))
}

/// Whether the canvas shows the links this frame: not while the peers of a large network
/// move untouched, which draws them alone and the links once they hold still. At 10,000
/// peers drawing the 80,000 links took 42-100 ms in the page, and the frames that did it on
/// top of a tick and the peers held the page for over 100 ms.
pub fn draws_links(state: &AppState, gesturing: bool) -> bool {
    !moves_untouched(state, gesturing)
}

/// The frame loop's memory of earlier frames.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pacing {
    last_frame: Option<f64>,
    last_panels: f64,
    was_running: bool,
    last_draw: Option<f64>,
}

impl Pacing {
    /// Wall-clock milliseconds since the last frame (0 on the first).
    pub fn frame_at(&mut self, now_ms: f64) -> f64 {
        self.last_frame
            .replace(now_ms)
            .map_or(0.0, |last| now_ms - last)
    }

    /// Whether the canvas is drawn at `now_ms`: on every frame, except when it is drawn
    /// sparingly ([`draws_sparingly`]), then at most every [`DRAW_WHILE_WORKING_MS`].
    pub fn draw_due(&mut self, now_ms: f64, sparingly: bool) -> bool {
        let due = !sparingly
            || self
                .last_draw
                .is_none_or(|last| now_ms - last >= DRAW_WHILE_WORKING_MS);
        if due {
            self.last_draw = Some(now_ms);
        }
        due
    }

    /// Whether the panels are due again at `now_ms`: when the clock or work has just stopped,
    /// when the layout settled or woke since the page last showed it, and every
    /// [`panel_refresh_ms`] while it runs.
    pub fn panels_due(
        &mut self,
        now_ms: f64,
        running: bool,
        settled_changed: bool,
        n_peers: usize,
    ) -> bool {
        let stopped = std::mem::replace(&mut self.was_running, running) && !running;
        let due = stopped
            || settled_changed
            || (running && now_ms - self.last_panels > panel_refresh_ms(n_peers));
        if due {
            self.last_panels = now_ms;
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::state::Command;

    #[test]
    fn a_playing_runs_budget_moves_only_on_frames_that_tell_something() {
        // Quiet frames (few events, quick): the budget stays.
        assert_eq!(next_play_slice(20_000, 150, 0.2), 20_000);
        // A frame that used its budget quickly: it may grow, at most doubling.
        assert_eq!(next_play_slice(20_000, 20_000, 5.0), 40_000);
        // A long frame: it shrinks to fit the slice's share of a frame.
        assert_eq!(
            next_play_slice(20_000, 900, 2.0 * WORK_SLICE_MS),
            10_000.max(WORK_SLICE_EVENTS.0)
        );
    }

    #[test]
    fn a_work_slice_is_scaled_to_take_its_share_of_a_frame() {
        // 20,000 events took 100 ms: a quarter as many take 25 ms.
        assert_eq!(next_work_slice(20_000, 100.0), 5_000);
        // 20,000 took 25 ms: the same again.
        assert_eq!(next_work_slice(20_000, 25.0), 20_000);
        // 20,000 took 5 ms: five times as many would fit, but it at most doubles.
        assert_eq!(next_work_slice(20_000, 5.0), 40_000);
        // No time measured (a coarse clock): doubles.
        assert_eq!(next_work_slice(20_000, 0.0), 40_000);
        assert_eq!(next_work_slice(20_000, f64::NAN), 40_000);
        // Within bounds: never below 2,000 nor above a million.
        assert_eq!(next_work_slice(3_000, 1000.0), 2_000);
        assert_eq!(next_work_slice(900_000, 1.0), 1_000_000);
    }

    #[test]
    fn long_work_skips_the_frames_that_redraw_the_panels_and_nothing_else_does() {
        // (wants a tick, works in slices, panels due) -> ticks
        let cases = [
            ((false, false, false), false),
            ((false, false, true), false),
            ((true, false, false), true),
            ((true, false, true), true),
            ((true, true, false), true),
            ((true, true, true), false),
        ];
        for ((wants, working, panels), ticks) in cases {
            assert_eq!(
                ticks_this_frame(wants, working, panels),
                ticks,
                "{wants} {working} {panels}"
            );
        }
    }

    #[test]
    fn frames_measure_the_time_since_the_last() {
        let mut pacing = Pacing::default();
        assert_eq!(pacing.frame_at(1000.0), 0.0);
        assert_eq!(pacing.frame_at(1016.5), 16.5);
        assert_eq!(pacing.frame_at(1050.0), 33.5);
    }

    #[test]
    fn panels_refresh_every_150_ms_while_running_and_600_for_large_networks() {
        let mut pacing = Pacing::default();
        // 0 ms since "the last" (at 0) is not more than 150.
        assert!(!pacing.panels_due(100.0, true, false, 30));
        assert!(pacing.panels_due(151.0, true, false, 30));
        assert!(
            !pacing.panels_due(301.0, true, false, 30),
            "exactly 150 later"
        );
        assert!(pacing.panels_due(302.0, true, false, 30));
        let mut large = Pacing::default();
        assert!(!large.panels_due(599.0, true, false, 2001));
        assert!(large.panels_due(601.0, true, false, 2001));
        assert_eq!(panel_refresh_ms(2000), 150.0);
    }

    #[test]
    fn the_canvas_is_drawn_every_frame_but_every_100_ms_while_work_runs_in_slices() {
        let mut pacing = Pacing::default();
        let frames = [0.0, 16.7, 33.3, 50.0, 66.7, 83.3, 100.0, 116.7, 133.3];
        // Idle or playing: every frame.
        assert!(frames.iter().all(|&t| pacing.draw_due(t, false)));
        // Working: the first frame (100 ms after the last drawing), then every sixth at 60 Hz.
        let drawn: Vec<f64> = frames
            .iter()
            .map(|t| t + 250.0)
            .filter(|&t| pacing.draw_due(t, true))
            .collect();
        assert_eq!(drawn, [250.0, 350.0]);
        // The work ends: every frame again.
        assert!(pacing.draw_due(383.4, false) && pacing.draw_due(400.0, false));
    }

    #[test]
    fn the_forces_of_a_large_network_settle_drawn_sparingly_without_links_unless_a_hand_or_the_clock_moves(
    ) {
        use crate::view::state::Command;
        let mut state = AppState::with_preset("bitcoin-10000", 1).unwrap();
        state.dispatch(Command::Arrange(Arrangement::Force));
        assert!(!state.layout().is_settled() && !state.draws_sparingly());
        assert!(draws_sparingly(&state, false));
        assert!(
            !draws_sparingly(&state, true),
            "a drag is drawn every frame"
        );
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Play);
        assert!(
            state.is_playing() && !draws_sparingly(&state, false),
            "so is a running clock"
        );
        state.dispatch(Command::Pause);
        // In rings the peers glide, drawn every frame, and their links once they are there.
        state.dispatch(Command::Arrange(Arrangement::RingsByHops));
        assert!(!state.layout().is_settled());
        assert!(!draws_sparingly(&state, false) && !draws_links(&state, false));
        while !state.layout().is_settled() {
            state.dispatch(Command::Tick { ms: 16.0 });
        }
        assert!(draws_links(&state, false));
        // A network of the size that still settles smoothly: every frame.
        let mut small = AppState::with_preset("bitcoin-1000", 1).unwrap();
        small.dispatch(Command::Arrange(Arrangement::Force));
        assert!(!small.layout().is_settled());
        assert!(1000 <= SPARING_LAYOUT_PEERS && !draws_sparingly(&small, false));
        // Settled: every frame.
        state.dispatch(Command::Arrange(Arrangement::Force));
        while state.relax_layout() {}
        assert!(!draws_sparingly(&state, false) && draws_links(&state, false));
    }

    #[test]
    fn panels_refresh_once_when_the_clock_stops_and_when_the_layout_settles() {
        let mut pacing = Pacing::default();
        assert!(!pacing.panels_due(10.0, false, false, 30), "idle: nothing");
        assert!(!pacing.panels_due(20.0, true, false, 30));
        assert!(pacing.panels_due(30.0, false, false, 30), "just stopped");
        assert!(!pacing.panels_due(40.0, false, false, 30), "once");
        assert!(pacing.panels_due(50.0, false, true, 30), "settled");
    }

    #[test]
    fn a_tick_is_wanted_while_anything_moves() {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        assert!(wants_tick(&state), "a fresh layout moves");
        for _ in 0..5000 {
            if !state.relax_layout() {
                break;
            }
        }
        assert!(state.layout().is_settled());
        assert!(!wants_tick(&state) && !running(&state));
        state.dispatch(Command::SelectPeer {
            peer: crate::sim::network::PeerId(0),
            additive: false,
        });
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Play);
        assert!(running(&state) && wants_tick(&state));
    }
}
