//! The coverage plot's geometry: peers reached over time as a step line, with at most a few points per unit of width however many peers there are.

/// Width and height of the coverage plot, in SVG units.
pub const PLOT: (f64, f64) = (300.0, 110.0);

/// The plot's inner margin, in SVG units.
const MARGIN: f64 = 5.0;

/// Samples of the curve per unit of the plot's width: finer than the screen shows.
const SAMPLES_PER_UNIT: f64 = 2.0;

/// The coverage plot of `curve` (time in ms, peers reached by then, rising), drawn
/// up to `end` ms against `reachable` peers: the SVG points of its step line, and
/// the height of the line for every reachable peer.
///
/// A curve with more steps than the plot has room for (110,000 peers) is sampled
/// at evenly spaced times, each sample the count reached by then, so the line
/// costs the same at every size.
pub fn coverage_points(curve: &[(f64, usize)], end: f64, reachable: usize) -> (String, f64) {
    let end = end.max(1.0);
    let reachable = reachable.max(1) as f64;
    let x = |ms: f64| ms / end * (PLOT.0 - 2.0 * MARGIN) + MARGIN;
    let y = |count: f64| PLOT.1 - MARGIN - count / reachable * (PLOT.1 - 2.0 * MARGIN);
    let limit = (SAMPLES_PER_UNIT * PLOT.0) as usize;
    let steps: Vec<(f64, usize)> = if curve.len() <= limit {
        curve.to_vec()
    } else {
        (1..=limit)
            .map(|k| {
                let at = end * k as f64 / limit as f64;
                // The count reached by `at`: the last step at or before it.
                let i = curve.partition_point(|&(ms, _)| ms <= at);
                (at, if i == 0 { 0 } else { curve[i - 1].1 })
            })
            .collect()
    };
    let mut points = String::new();
    let mut last = 0.0;
    for (ms, count) in steps {
        points.push_str(&format!(
            "{:.1},{:.1} {:.1},{:.1} ",
            x(ms),
            y(last),
            x(ms),
            y(count as f64)
        ));
        last = count as f64;
    }
    points.push_str(&format!("{:.1},{:.1}", x(end), y(last)));
    (points, y(reachable))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(points: &str) -> Vec<(f64, f64)> {
        points
            .split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn a_small_curve_is_drawn_step_by_step() {
        // Two peers at 0 ms, a third at 50 ms, over 100 ms against 4 reachable.
        let (points, top) = coverage_points(&[(0.0, 2), (50.0, 3)], 100.0, 4);
        // x = ms / 100 * 290 + 5; y = 105 - count / 4 * 100.
        assert_eq!(
            numbers(&points),
            vec![
                (5.0, 105.0),
                (5.0, 55.0),
                (150.0, 55.0),
                (150.0, 30.0),
                (295.0, 30.0)
            ]
        );
        assert_eq!(top, 5.0);
    }

    #[test]
    fn a_large_curve_is_sampled_and_each_sample_is_the_count_reached_by_then() {
        // 110,000 peers, one a millisecond apart from 1 ms.
        let n = 110_000;
        let curve: Vec<(f64, usize)> = (1..=n).map(|i| (i as f64, i)).collect();
        let end = n as f64;
        let (points, _) = coverage_points(&curve, end, n);
        let pts = numbers(&points);
        // Two points per sample plus the end.
        let samples = (SAMPLES_PER_UNIT * PLOT.0) as usize;
        assert_eq!(pts.len(), 2 * samples + 1);
        // Each sample's height is the count of arrivals at or before its time, counted here
        // straight from the arrivals: at time t, floor(t) peers.
        for k in 1..=samples {
            let at = end * k as f64 / samples as f64;
            let reached = (1..=n).filter(|&i| i as f64 <= at).count() as f64;
            let expected_y = PLOT.1 - 5.0 - reached / n as f64 * (PLOT.1 - 10.0);
            let (_, y) = pts[2 * (k - 1) + 1];
            assert!(
                (y - expected_y).abs() <= 0.05,
                "sample {k}: {y} against {expected_y}"
            );
        }
        // The line ends at the top right: every peer reached.
        assert_eq!(*pts.last().unwrap(), (295.0, 5.0));
    }
}
