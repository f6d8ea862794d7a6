//! Pan and zoom: where layout coordinates land on the screen, and how big a peer is drawn.

/// Pan and zoom: screen = layout * scale + offset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// Pixels per layout unit.
    pub scale: f64,
    /// Screen position of the layout origin.
    pub offset: (f64, f64),
    /// Whether the user moved the view (then it no longer follows the layout).
    pub user_moved: bool,
    /// Projector mode: thicker links and larger peers, for the back of the room.
    pub projector: bool,
}

impl Default for Viewport {
    fn default() -> Viewport {
        Viewport {
            scale: 1.0,
            offset: (0.0, 0.0),
            user_moved: false,
            projector: false,
        }
    }
}

impl Viewport {
    /// Peer radius in pixels at this zoom, for a network of `n_peers`.
    pub fn peer_radius(&self, n_peers: usize) -> f64 {
        let r = peer_radius(self.scale, n_peers);
        if self.projector {
            r * 1.3
        } else {
            r
        }
    }

    /// Layout coordinates to screen pixels.
    pub fn to_screen(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            x * self.scale + self.offset.0,
            y * self.scale + self.offset.1,
        )
    }

    /// Screen pixels to layout coordinates.
    pub fn to_layout(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            (x - self.offset.0) / self.scale,
            (y - self.offset.1) / self.scale,
        )
    }

    /// Fits the layout's bounds into a `width` x `height` canvas with a margin.
    pub fn fit(&mut self, bounds: (f64, f64, f64, f64), width: f64, height: f64) {
        let (min_x, min_y, max_x, max_y) = bounds;
        let margin = 40.0;
        let w = (max_x - min_x).max(1.0);
        let h = (max_y - min_y).max(1.0);
        let scale = ((width - 2.0 * margin) / w)
            .min((height - 2.0 * margin) / h)
            .clamp(0.02, 5.0);
        self.scale = scale;
        self.offset = (
            width / 2.0 - (min_x + max_x) / 2.0 * scale,
            height / 2.0 - (min_y + max_y) / 2.0 * scale,
        );
    }

    /// Zooms by `factor` keeping the screen point `at` still.
    pub fn zoom_at(&mut self, factor: f64, at: (f64, f64)) {
        let before = self.to_layout(at);
        self.scale = (self.scale * factor).clamp(0.01, 20.0);
        let after = self.to_screen(before);
        self.offset.0 += at.0 - after.0;
        self.offset.1 += at.1 - after.1;
        self.user_moved = true;
    }

    /// Moves the view by a screen distance: the user has taken over from the fit.
    pub fn pan_by(&mut self, (dx, dy): (f64, f64)) {
        self.offset.0 += dx;
        self.offset.1 += dy;
        self.user_moved = true;
    }
}

/// Peer radius in pixels at this zoom and network size.
pub fn peer_radius(scale: f64, n_peers: usize) -> f64 {
    let base = if n_peers > 2000 {
        3.0
    } else if n_peers > 300 {
        5.0
    } else {
        13.0
    };
    (base * scale.sqrt()).clamp(1.5, 24.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn to_screen_scales_then_offsets() {
        let view = Viewport {
            scale: 2.0,
            offset: (10.0, -5.0),
            ..Viewport::default()
        };
        // 3 * 2 + 10 = 16; 4 * 2 - 5 = 3.
        assert_eq!(view.to_screen((3.0, 4.0)), (16.0, 3.0));
        assert_eq!(view.to_layout((16.0, 3.0)), (3.0, 4.0));
    }

    #[test]
    fn fit_centres_the_bounds_and_keeps_a_40_pixel_margin_on_the_tighter_side() {
        let mut view = Viewport::default();
        // 100 x 50 layout units into 280 x 400 pixels: width binds, (280 - 80) / 100 = 2.
        view.fit((0.0, 0.0, 100.0, 50.0), 280.0, 400.0);
        assert_eq!(view.scale, 2.0);
        assert!(close(view.to_screen((0.0, 0.0)), (40.0, 150.0)));
        assert!(close(view.to_screen((100.0, 50.0)), (240.0, 250.0)));
        // A single point: the box counts as one unit wide, and the scale stops at 5.
        view.fit((7.0, 7.0, 7.0, 7.0), 280.0, 400.0);
        assert_eq!(view.scale, 5.0);
        assert!(close(view.to_screen((7.0, 7.0)), (140.0, 200.0)));
    }

    #[test]
    fn peer_radius_by_size_zoom_and_projector() {
        assert_eq!(peer_radius(1.0, 10), 13.0);
        assert_eq!(peer_radius(1.0, 301), 5.0);
        assert_eq!(peer_radius(1.0, 2001), 3.0);
        assert_eq!(peer_radius(4.0, 10), 24.0, "26 is capped at 24");
        assert_eq!(peer_radius(0.01, 2001), 1.5, "0.3 is raised to 1.5");
        let view = Viewport {
            scale: 4.0,
            projector: true,
            ..Viewport::default()
        };
        // 5 * sqrt(4) = 10, and a projector draws 30 % larger.
        assert!((view.peer_radius(301) - 13.0).abs() < 1e-12);
    }

    #[test]
    fn panning_moves_the_origin_and_stops_following_the_layout() {
        let mut view = Viewport::default();
        view.pan_by((5.0, -3.0));
        view.pan_by((1.0, 1.0));
        assert_eq!(view.offset, (6.0, -2.0));
        assert!(view.user_moved);
    }

    proptest! {
        #[test]
        fn zooming_keeps_the_point_under_the_cursor_still(
            scale in 0.05f64..10.0,
            ox in -500.0f64..500.0,
            oy in -500.0f64..500.0,
            factor in 0.2f64..5.0,
            ax in 0.0f64..1000.0,
            ay in 0.0f64..1000.0,
        ) {
            let mut view = Viewport { scale, offset: (ox, oy), ..Viewport::default() };
            let under = ((ax - ox) / scale, (ay - oy) / scale);
            view.zoom_at(factor, (ax, ay));
            let expected = (scale * factor).clamp(0.01, 20.0);
            prop_assert!((view.scale - expected).abs() < 1e-12);
            let now = view.to_screen(under);
            prop_assert!((now.0 - ax).abs() < 1e-6 && (now.1 - ay).abs() < 1e-6);
            prop_assert!(view.user_moved);
        }

        #[test]
        fn to_layout_undoes_to_screen(
            scale in 0.01f64..20.0,
            ox in -500.0f64..500.0,
            oy in -500.0f64..500.0,
            x in -1000.0f64..1000.0,
            y in -1000.0f64..1000.0,
        ) {
            let view = Viewport { scale, offset: (ox, oy), ..Viewport::default() };
            let back = view.to_layout(view.to_screen((x, y)));
            prop_assert!((back.0 - x).abs() < 1e-6 && (back.1 - y).abs() < 1e-6);
        }
    }
}
