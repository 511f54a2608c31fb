//! Benchmark charts as SVG strings, drawn by plotters so the app and the report show the
//! same picture: the latency CDF, percentiles against load, and throughput against load.
//! Inputs are plain numbers (already in milliseconds or per second); this module computes
//! no metric of its own.

use plotters::prelude::*;

use crate::metrics::Distribution;

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the chart `{0}` has no data to draw")]
    Empty(&'static str),
    #[error("drawing the chart `{chart}` failed: {message}")]
    Draw { chart: &'static str, message: String },
}

const WIDTH: u32 = 720;
const HEIGHT: u32 = 420;
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn draw_err(chart: &'static str) -> impl Fn(Box<dyn std::error::Error + '_>) -> ChartError {
    move |e| ChartError::Draw { chart, message: e.to_string() }
}

/// One labelled sample set, e.g. the end-to-end latencies of one candidate.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub values: Vec<f64>,
}

/// The empirical CDF of each series: x = latency (ms), y = share of requests at or below.
pub fn latency_cdf(title: &str, x_label: &str, series: &[Series]) -> Result<String, ChartError> {
    const NAME: &str = "latency-cdf";
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(f64::NAN, f64::max);
    if !max.is_finite() {
        return Err(ChartError::Empty(NAME));
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_err(NAME)(Box::new(e)))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(0.0..max * 1.05, 0.0..1.0)
            .map_err(|e| draw_err(NAME)(Box::new(e)))?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc("share of requests")
            .draw()
            .map_err(|e| draw_err(NAME)(Box::new(e)))?;
        for (i, s) in series.iter().enumerate() {
            let mut v: Vec<f64> = s.values.iter().copied().filter(|x| x.is_finite()).collect();
            v.sort_by(f64::total_cmp);
            let n = v.len() as f64;
            let color = PALETTE[i % PALETTE.len()];
            let points: Vec<(f64, f64)> =
                v.iter().enumerate().map(|(k, &x)| (x, (k + 1) as f64 / n)).collect();
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))
                .map_err(|e| draw_err(NAME)(Box::new(e)))?
                .label(s.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| draw_err(NAME)(Box::new(e)))?;
        root.present().map_err(|e| draw_err(NAME)(Box::new(e)))?;
    }
    Ok(svg)
}

type Pick = fn(&Distribution) -> Option<f64>;

/// p50, p95 and p99 of one figure (TTFT, ITL…) at each load level (concurrency or rate).
pub fn percentiles_vs_load(
    title: &str,
    x_label: &str,
    y_label: &str,
    points: &[(f64, Distribution)],
) -> Result<String, ChartError> {
    let pick: [(&str, Pick); 3] = [("p50", |d| d.p50), ("p95", |d| d.p95), ("p99", |d| d.p99)];
    let lines: Vec<(String, Vec<(f64, f64)>)> = pick
        .iter()
        .map(|(name, f)| {
            let pts = points.iter().filter_map(|(x, d)| f(d).map(|y| (*x, y))).collect();
            ((*name).to_owned(), pts)
        })
        .collect();
    line_chart("percentiles-vs-load", title, x_label, y_label, &lines)
}

/// Output tokens per second (or requests per second) at each load level.
pub fn throughput_vs_load(
    title: &str,
    x_label: &str,
    y_label: &str,
    points: &[(f64, f64)],
) -> Result<String, ChartError> {
    line_chart(
        "throughput-vs-load",
        title,
        x_label,
        y_label,
        &[(y_label.to_owned(), points.to_vec())],
    )
}

fn line_chart(
    name: &'static str,
    title: &str,
    x_label: &str,
    y_label: &str,
    lines: &[(String, Vec<(f64, f64)>)],
) -> Result<String, ChartError> {
    let all = || lines.iter().flat_map(|(_, p)| p.iter().copied());
    let x_max = all().map(|p| p.0).fold(f64::NAN, f64::max);
    let y_max = all().map(|p| p.1).fold(f64::NAN, f64::max);
    if !x_max.is_finite() || !y_max.is_finite() {
        return Err(ChartError::Empty(name));
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_err(name)(Box::new(e)))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..x_max * 1.05, 0.0..y_max.max(1e-9) * 1.1)
            .map_err(|e| draw_err(name)(Box::new(e)))?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .draw()
            .map_err(|e| draw_err(name)(Box::new(e)))?;
        for (i, (label, pts)) in lines.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(|e| draw_err(name)(Box::new(e)))?
                .label(label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(|e| draw_err(name)(Box::new(e)))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| draw_err(name)(Box::new(e)))?;
        root.present().map_err(|e| draw_err(name)(Box::new(e)))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// plotters writes each `<text>` body on a line of its own.
    fn has_text(svg: &str, text: &str) -> bool {
        svg.lines().any(|l| l.trim() == text)
    }

    fn strokes(svg: &str, color: RGBColor) -> usize {
        let hex = format!("#{:02X}{:02X}{:02X}", color.0, color.1, color.2);
        svg.lines().filter(|l| l.contains("<polyline") && l.contains(&hex)).count()
    }

    #[test]
    fn cdf_draws_one_path_per_series_with_labels() {
        let svg = latency_cdf(
            "TTFT",
            "ms",
            &[
                Series { label: "local".into(), values: vec![10.0, 20.0, 30.0] },
                Series { label: "cloud".into(), values: vec![50.0, 70.0] },
            ],
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(has_text(&svg, "local") && has_text(&svg, "cloud"), "legend labels");
        assert!(strokes(&svg, PALETTE[0]) >= 1 && strokes(&svg, PALETTE[1]) >= 1, "a line each");
    }

    #[test]
    fn empty_inputs_are_an_error_not_a_blank_chart() {
        assert!(matches!(latency_cdf("t", "ms", &[]), Err(ChartError::Empty(_))));
        assert!(matches!(throughput_vs_load("t", "c", "tok/s", &[]), Err(ChartError::Empty(_))));
    }

    #[test]
    fn percentile_chart_has_three_lines() {
        let d = Distribution::of(&[1.0, 2.0, 3.0, 10.0]);
        let svg = percentiles_vs_load("TTFT", "concurrency", "ms", &[(1.0, d.clone()), (2.0, d)])
            .unwrap();
        for p in ["p50", "p95", "p99"] {
            assert!(has_text(&svg, p), "legend has {p}");
        }
    }
}
