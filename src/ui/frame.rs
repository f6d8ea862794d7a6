//! The animation frame loop: one tick per frame, the layout within a budget, the canvas drawn,
//! and the panels refreshed when [`crate::view::pacing`] says so.

use std::rc::Rc;

use gloo_render::request_animation_frame;

use crate::ui::canvas::Renderer;
use crate::ui::shared::Shared;
use crate::view::autosave;
use crate::view::gesture::Hint;
use crate::view::pacing::{self, LAYOUT_BUDGET_MS};
use crate::view::state::Command;

/// The browser's clock, for frame budgets only (the simulation never reads it).
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs [`Shared::frame`] on every animation frame until the handle in `shared.frame` drops.
pub fn schedule_frame(shared: Rc<Shared>) {
    let next = shared.clone();
    let handle = request_animation_frame(move |now_ms| {
        next.frame(now_ms);
        schedule_frame(next);
    });
    *shared.frame.borrow_mut() = Some(handle);
}

impl Shared {
    /// One animation frame: advance the clock, settle the layout, draw, refresh panels now and then.
    fn frame(&self, now_ms: f64) {
        let mut pacing = self.pacing.get();
        let dt = pacing.frame_at(now_ms);
        let (running, settled_changed, n_peers, wants_tick, working) = {
            let state = self.state.borrow();
            (
                pacing::running(&state),
                // The page says whether the layout has settled: re-render when that changes.
                state.layout().is_settled() != self.shown_settled.get(),
                state.network().n_peers(),
                pacing::wants_tick(&state),
                state.works_in_event_slices(),
            )
        };
        let panels_due = pacing.panels_due(now_ms, running, settled_changed, n_peers);
        self.pacing.set(pacing);
        if pacing::ticks_this_frame(wants_tick, working, panels_due) {
            let was_working = self.state.borrow().is_busy();
            let events_before = self.state.borrow().simulation().events_processed();
            let started = now();
            self.state.borrow_mut().dispatch(Command::Tick { ms: dt });
            // Long work's slices, and a playing run's frames, are sized to take their share
            // of a frame on this machine.
            if running {
                let mut state = self.state.borrow_mut();
                let (budget, took) = (state.events_per_slice(), now() - started);
                let next = if working {
                    pacing::next_work_slice(budget, took)
                } else {
                    let done = state
                        .simulation()
                        .events_processed()
                        .saturating_sub(events_before);
                    pacing::next_play_slice(budget, done, took)
                };
                state.set_events_per_slice(next);
            }
            if autosave::after_tick(was_working, self.state.borrow().is_busy()) {
                self.autosave();
                self.refresh.emit(());
            }
        }
        // Let the layout settle within a slice of the frame.
        let start = now();
        while now() - start < LAYOUT_BUDGET_MS && self.state.borrow_mut().relax_layout() {}
        let sparingly =
            pacing::draws_sparingly(&self.state.borrow(), self.gesture.get().is_active());
        let mut pacing = self.pacing.get();
        let draw = pacing.draw_due(now_ms, sparingly);
        self.pacing.set(pacing);
        if draw {
            self.draw(now_ms);
        }
        if panels_due {
            self.refresh.emit(());
        }
    }

    /// Draws the canvas at its size, fitted to the layout unless the user moved the view.
    fn draw(&self, now_ms: f64) {
        let Some(canvas) = self.canvas() else { return };
        let (w, h) = (
            canvas.client_width().max(1) as u32,
            canvas.client_height().max(1) as u32,
        );
        if canvas.width() != w || canvas.height() != h {
            canvas.set_width(w);
            canvas.set_height(h);
        }
        {
            let state = self.state.borrow();
            let mut view = self.viewport.borrow_mut();
            if !view.user_moved {
                if let Some(bounds) = state.layout().bounds() {
                    view.fit(bounds, w as f64, h as f64);
                }
            }
            let mut renderer = self.renderer.borrow_mut();
            if renderer.is_none() {
                *renderer = Renderer::new();
            }
            if let Some(renderer) = renderer.as_mut() {
                let links = pacing::draws_links(&state, self.gesture.get().is_active());
                let highlight = state.shows_cut_vertices();
                renderer.draw(&canvas, &state, &view, (highlight, links), now_ms);
                match self.gesture.get().hint(&state, &view) {
                    Some(Hint::RubberBand { from, to }) => {
                        renderer.draw_rubber_band(&canvas, from, to)
                    }
                    Some(Hint::Region { a, b }) => renderer.draw_region(&canvas, a, b),
                    Some(Hint::CutLine { a, b }) => renderer.draw_cut_line(&canvas, a, b),
                    None => {}
                }
            }
        }
    }
}
