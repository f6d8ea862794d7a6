//! Many links as a density picture: each pixel coloured by how many links pass through it, painted into an RGBA buffer instead of stroked one by one.
//!
//! At 10,000 peers (80,000 links) stroking every link cost 160,000 calls from
//! wasm into the browser and then, as the canvas composited the layer, an
//! antialiased line each: a drawing of 40-145 ms in headless Chromium, of what
//! was a grey fog anyway (BENCHMARKS.md). Here each link is stepped through
//! once, a pixel per step along its longer axis, counting the links on every
//! pixel; a pixel crossed by `n` links is then the link colour at the opacity
//! `n` overlapping translucent lines would give it. The page copies the buffer
//! with one `putImageData`.

use crate::view::raster::Rgba;

/// Networks with more links than this draw them as density (up to
/// [`crate::view::raster::ALL_LINKS_MAX`], above which only the selected peers' links are drawn).
pub const DENSITY_LINKS: usize = 20_000;

/// The opacity of one link on its pixels, out of 1: a thin, pale line.
pub const ONE_LINK_ALPHA: f64 = 0.35;

/// [`ONE_LINK_ALPHA`] in projector mode, where lines are drawn twice as thick.
pub const PROJECTOR_LINK_ALPHA: f64 = 0.6;

/// A link on screen: its two ends, in pixels.
pub type Segment = ((f64, f64), (f64, f64));

/// Per-pixel link counts and the picture they make, kept between frames to reuse their memory.
#[derive(Clone, Debug, Default)]
pub struct LinkDensity {
    width: u32,
    height: u32,
    counts: Vec<u16>,
    pixels: Vec<u8>,
}

impl LinkDensity {
    /// An empty picture; [`LinkDensity::paint`] sizes it.
    pub fn new() -> LinkDensity {
        LinkDensity::default()
    }

    /// Paints the links from `segments` (screen coordinates, ends may lie off the picture)
    /// into a `width` x `height` picture in `colour`, one link at `alpha` opacity and
    /// overlapping links more opaque, as translucent lines over each other are.
    pub fn paint(
        &mut self,
        (width, height): (u32, u32),
        segments: impl IntoIterator<Item = Segment>,
        colour: Rgba,
        alpha: f64,
    ) {
        self.width = width;
        self.height = height;
        let len = width as usize * height as usize;
        self.counts.clear();
        self.counts.resize(len, 0);
        for (a, b) in segments {
            self.count(a, b);
        }
        // The opacity of n overlapping lines: 1 - (1 - alpha)^n, to the nearest of 255.
        let clear = (1.0 - alpha.clamp(0.0, 1.0)).max(0.0);
        let mut table = [0u8; 64];
        let mut left = 1.0;
        for opacity in table.iter_mut().skip(1) {
            left *= clear;
            *opacity = (255.0 * (1.0 - left)).round() as u8;
        }
        self.pixels.clear();
        self.pixels.resize(len * 4, 0);
        for (pixel, &n) in self.pixels.chunks_exact_mut(4).zip(&self.counts) {
            if n > 0 {
                let opacity = table[usize::from(n).min(table.len() - 1)];
                pixel.copy_from_slice(&[colour[0], colour[1], colour[2], opacity]);
            }
        }
    }

    /// Counts one link on the pixels it crosses: the part of the segment inside the
    /// picture, a pixel per step along its longer axis, stepped in fixed point (16 bits of
    /// fraction; natively four times faster than stepping in floating point).
    fn count(&mut self, a: (f64, f64), b: (f64, f64)) {
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let Some((a, b)) = clip(a, b, w, h) else {
            return;
        };
        const ONE: f64 = 65_536.0;
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let steps = dx.abs().max(dy.abs()).round() as i64;
        let (sx, sy) = if steps == 0 {
            (0, 0)
        } else {
            let n = steps as f64;
            ((dx / n * ONE) as i64, (dy / n * ONE) as i64)
        };
        let (mut x, mut y) = ((a.0 * ONE) as i64, (a.1 * ONE) as i64);
        let (width, height) = (i64::from(self.width), i64::from(self.height));
        for _ in 0..=steps {
            // A clipped end may lie on the picture's far edge, just past its last pixel.
            let (px, py) = (x >> 16, y >> 16);
            if (0..width).contains(&px) && (0..height).contains(&py) {
                let count = &mut self.counts[(py * width + px) as usize];
                *count = count.saturating_add(1);
            }
            x += sx;
            y += sy;
        }
    }

    /// The picture, row by row, RGBA.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// How many links cross pixel (x, y); 0 outside the picture.
    pub fn count_at(&self, x: u32, y: u32) -> u16 {
        if x >= self.width || y >= self.height {
            return 0;
        }
        self.counts[y as usize * self.width as usize + x as usize]
    }
}

/// The part of segment `a`-`b` inside the box [0, w] x [0, h] (Liang-Barsky), if any.
fn clip(a: (f64, f64), b: (f64, f64), w: f64, h: f64) -> Option<Segment> {
    let finite = [a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite());
    if !finite || w <= 0.0 || h <= 0.0 {
        return None;
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0), (dx, w - a.0), (-dy, a.1), (dy, h - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    let inside = (
        (a.0 + t0 * dx, a.1 + t0 * dy),
        (a.0 + t1 * dx, a.1 + t1 * dy),
    );
    (t0 <= t1).then_some(inside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GREY: Rgba = [195, 202, 211, 255];

    fn painted(size: (u32, u32), segments: &[Segment]) -> LinkDensity {
        let mut density = LinkDensity::new();
        density.paint(size, segments.iter().copied(), GREY, ONE_LINK_ALPHA);
        density
    }

    #[test]
    fn a_horizontal_link_marks_the_pixels_between_its_ends_once() {
        let d = painted((20, 10), &[((2.5, 4.5), (12.5, 4.5))]);
        for x in 0..20 {
            let expected = u16::from((2..=12).contains(&x));
            assert_eq!(d.count_at(x, 4), expected, "x = {x}");
            assert_eq!(d.count_at(x, 3), 0);
        }
    }

    #[test]
    fn crossing_links_count_twice_where_they_cross_and_grow_more_opaque() {
        let d = painted(
            (20, 20),
            &[((0.5, 10.5), (19.5, 10.5)), ((10.5, 0.5), (10.5, 19.5))],
        );
        assert_eq!(d.count_at(10, 10), 2);
        assert_eq!(d.count_at(3, 10), 1);
        let alpha = |x: u32, y: u32| d.pixels()[(y as usize * 20 + x as usize) * 4 + 3];
        // One line at 0.35 opacity: 89 of 255; two over each other: 1 - 0.65², 147 of 255.
        assert_eq!(alpha(3, 10), 89);
        assert_eq!(alpha(10, 10), 147);
        assert_eq!(alpha(3, 3), 0);
        assert_eq!(
            d.pixels()[(10 * 20 + 3) * 4..(10 * 20 + 3) * 4 + 3],
            GREY[..3]
        );
    }

    #[test]
    fn a_link_reaching_off_the_picture_is_cut_at_its_edge() {
        // From far left to far right across row 5: every pixel of the row, once.
        let d = painted((16, 8), &[((-1e6, 5.5), (1e6, 5.5))]);
        for x in 0..16 {
            assert_eq!(d.count_at(x, 5), 1, "x = {x}");
        }
        // Wholly outside, or not a number: nothing.
        let d = painted(
            (16, 8),
            &[
                ((-50.0, -5.0), (-1.0, -30.0)),
                ((f64::NAN, 1.0), (3.0, 3.0)),
            ],
        );
        assert!(d.pixels().iter().all(|&b| b == 0));
    }

    proptest! {
        /// A link inside the picture marks as many pixels as the closed form says: one per
        /// step along its longer axis, both ends included, and each within a pixel of the
        /// line through its ends.
        #[test]
        fn a_link_inside_marks_one_pixel_per_step_near_the_line(
            x0 in 0.0f64..63.0, y0 in 0.0f64..47.0, x1 in 0.0f64..63.0, y1 in 0.0f64..47.0,
        ) {
            let d = painted((64, 48), &[((x0, y0), (x1, y1))]);
            let steps = (x1 - x0).abs().max((y1 - y0).abs()).round() as u64;
            let mut marked = 0u64;
            let mut total = 0u64;
            let length = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
            for y in 0..48 {
                for x in 0..64 {
                    let n = u64::from(d.count_at(x, y));
                    total += n;
                    if n > 0 {
                        marked += 1;
                        // The pixel's centre lies within a pixel's diagonal of the line.
                        let (cx, cy) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
                        let distance = if length < 1e-9 {
                            ((cx - x0).powi(2) + (cy - y0).powi(2)).sqrt()
                        } else {
                            ((x1 - x0) * (y0 - cy) - (x0 - cx) * (y1 - y0)).abs() / length
                        };
                        prop_assert!(distance <= 1.5, "({x}, {y}) is {distance} from the line");
                    }
                }
            }
            // Steps land on distinct pixels, except where rounding puts two on one.
            prop_assert_eq!(total, steps + 1);
            prop_assert!(marked > steps / 2);
        }
    }
}
