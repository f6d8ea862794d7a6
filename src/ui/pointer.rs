//! The canvas's mouse, wheel and touch events, handed to the gesture machine
//! ([`crate::view::gesture`]), whose effects are carried out here.

use std::rc::Rc;

use web_sys::{MouseEvent, TouchEvent, WheelEvent};
use yew::prelude::*;

use crate::ui::shared::Shared;
use crate::view::gesture::{Effect, Modifiers, Point, Pointer};

/// The canvas's pointer event handlers.
pub struct PointerHandlers {
    pub onmousedown: Callback<MouseEvent>,
    pub onmousemove: Callback<MouseEvent>,
    pub onmouseup: Callback<MouseEvent>,
    pub onmouseleave: Callback<MouseEvent>,
    pub ondblclick: Callback<MouseEvent>,
    pub onwheel: Callback<WheelEvent>,
    pub ontouchstart: Callback<TouchEvent>,
    pub ontouchmove: Callback<TouchEvent>,
    pub ontouchend: Callback<TouchEvent>,
}

impl Shared {
    /// The pointer's position on the canvas, in canvas pixels.
    fn point(&self, client_x: i32, client_y: i32) -> Option<Point> {
        let canvas = self.canvas()?;
        let rect = canvas.get_bounding_client_rect();
        Some((client_x as f64 - rect.left(), client_y as f64 - rect.top()))
    }

    /// Where a mouse event happened on the canvas.
    fn mouse_point(&self, e: &MouseEvent) -> Option<Point> {
        self.point(e.client_x(), e.client_y())
    }

    /// Where every finger touching is on the canvas.
    fn touch_points(&self, e: &TouchEvent) -> Vec<Point> {
        let touches = e.touches();
        (0..touches.length())
            .filter_map(|i| touches.get(i))
            .filter_map(|t| self.point(t.client_x(), t.client_y()))
            .collect()
    }

    /// Hands one pointer event to the gesture machine and carries out what it says.
    fn pointer(&self, event: Pointer) {
        let effects = {
            let state = self.state.borrow();
            let mut view = self.viewport.borrow_mut();
            let mut gestures = self.gesture.get();
            let effects = gestures.handle(event, &state, &mut view);
            self.gesture.set(gestures);
            effects
        };
        for effect in effects {
            match effect {
                Effect::Dispatch(command) => self.dispatch(command),
                Effect::Quiet(command) => self.state.borrow_mut().dispatch(command),
                Effect::Refresh => self.refresh.emit(()),
            }
        }
    }
}

/// The modifier keys held during a mouse event (the Mac's Command key counts as Ctrl).
fn modifiers(e: &MouseEvent) -> Modifiers {
    Modifiers {
        shift: e.shift_key(),
        ctrl: e.ctrl_key() || e.meta_key(),
        alt: e.alt_key(),
    }
}

/// A handler that turns a browser event into a pointer event, if there is one to give.
fn on<E: 'static>(
    shared: &Rc<Shared>,
    to_pointer: impl Fn(&Shared, &E) -> Option<Pointer> + 'static,
) -> Callback<E> {
    let shared = shared.clone();
    Callback::from(move |e: E| {
        if let Some(event) = to_pointer(&shared, &e) {
            shared.pointer(event);
        }
    })
}

/// The canvas's handlers: every one feeds the gesture machine.
pub fn handlers(shared: &Rc<Shared>) -> PointerHandlers {
    PointerHandlers {
        onmousedown: on(shared, |s, e: &MouseEvent| {
            let at = s.mouse_point(e)?;
            Some(Pointer::Down {
                at,
                modifiers: modifiers(e),
            })
        }),
        onmousemove: on(shared, |s, e: &MouseEvent| {
            Some(Pointer::Move {
                at: s.mouse_point(e)?,
            })
        }),
        onmouseup: on(shared, |s, e: &MouseEvent| {
            Some(Pointer::Up {
                at: s.mouse_point(e),
                modifiers: modifiers(e),
            })
        }),
        onmouseleave: on(shared, |_, _: &MouseEvent| Some(Pointer::Leave)),
        ondblclick: on(shared, |s, e: &MouseEvent| {
            Some(Pointer::DoubleClick {
                at: s.mouse_point(e)?,
            })
        }),
        onwheel: on(shared, |s, e: &WheelEvent| {
            e.prevent_default();
            Some(Pointer::Wheel {
                at: s.point(e.client_x(), e.client_y())?,
                delta_y: e.delta_y(),
            })
        }),
        ontouchstart: on(shared, |s, e: &TouchEvent| {
            Some(Pointer::TouchStart(s.touch_points(e)))
        }),
        ontouchmove: on(shared, |s, e: &TouchEvent| {
            e.prevent_default();
            Some(Pointer::TouchMove(s.touch_points(e)))
        }),
        // Handled here, a tap must not come again as the mouse events a browser makes of it.
        ontouchend: on(shared, |_, e: &TouchEvent| {
            e.prevent_default();
            Some(Pointer::TouchEnd)
        }),
    }
}
