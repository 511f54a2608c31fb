//! Quality charts: pass rate per suite per candidate with its confidence interval, the
//! confusion matrix of a classification run, and quality against latency against cost across
//! candidates with the Pareto front marked. Inputs are plain figures so the charts do not
//! depend on how runs are stored.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One bar: a candidate's pass rate on a suite, with its 95 % interval.
#[derive(Debug, Clone, PartialEq)]
pub struct PassBar {
    pub suite: String,
    pub candidate: String,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

/// One candidate in the trade-off chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeOff {
    pub candidate: String,
    /// Pass rate, 0 to 1 (higher is better).
    pub quality: f64,
    /// Median end-to-end latency in ms (lower is better).
    pub latency_ms: f64,
    /// Price per million output tokens (lower is better); unknown prices do not dominate.
    pub cost: Option<f64>,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn text(size: f64, h: HPos) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&BLACK).pos(Pos::new(h, VPos::Center))
}

fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for i in items {
        if !v.contains(&i) {
            v.push(i);
        }
    }
    v
}

/// Grouped bars: one group per suite, one bar per candidate, whiskers for the interval.
pub fn pass_rate_svg(bars: &[PassBar], title: &str) -> String {
    let suites = unique(bars.iter().map(|b| b.suite.clone()));
    let candidates = unique(bars.iter().map(|b| b.candidate.clone()));
    let (left, top, plot_h, bar_w) = (60, 50, 240, 26);
    let group_w = (candidates.len().max(1) as i32) * bar_w + 30;
    let width = (left + suites.len().max(1) as i32 * group_w + 180) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, (top + plot_h + 60) as u32))
            .into_drawing_area();
        // Drawing into a String fails only on a plotters defect; ignore as the heat map does.
        let _ = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
            root.fill(&WHITE)?;
            root.draw(&Text::new(title.to_owned(), (10, 18), text(16.0, HPos::Left)))?;
            let y_of = |r: f64| top + plot_h - (r.clamp(0.0, 1.0) * f64::from(plot_h)) as i32;
            for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
                let y = y_of(tick);
                root.draw(&PathElement::new(
                    vec![(left, y), (width as i32 - 170, y)],
                    RGBColor(225, 225, 225),
                ))?;
                root.draw(&Text::new(
                    format!("{:.0} %", tick * 100.0),
                    (left - 8, y),
                    text(11.0, HPos::Right),
                ))?;
            }
            for (g, suite) in suites.iter().enumerate() {
                let x0 = left + 10 + g as i32 * group_w;
                root.draw(&Text::new(
                    suite.clone(),
                    (x0 + group_w / 2 - 15, top + plot_h + 18),
                    text(12.0, HPos::Center),
                ))?;
                for (c, cand) in candidates.iter().enumerate() {
                    let Some(b) = bars.iter().find(|b| &b.suite == suite && &b.candidate == cand)
                    else {
                        continue;
                    };
                    let x = x0 + c as i32 * bar_w;
                    let color = PALETTE[c % PALETTE.len()];
                    root.draw(&Rectangle::new(
                        [(x, y_of(b.rate)), (x + bar_w - 4, y_of(0.0))],
                        color.filled(),
                    ))?;
                    let mid = x + (bar_w - 4) / 2;
                    root.draw(&PathElement::new(
                        vec![(mid, y_of(b.low)), (mid, y_of(b.high))],
                        BLACK,
                    ))?;
                    for y in [y_of(b.low), y_of(b.high)] {
                        root.draw(&PathElement::new(vec![(mid - 4, y), (mid + 4, y)], BLACK))?;
                    }
                }
            }
            for (c, cand) in candidates.iter().enumerate() {
                let (x, y) = (width as i32 - 160, top + c as i32 * 18);
                root.draw(&Rectangle::new(
                    [(x, y - 5), (x + 10, y + 5)],
                    PALETTE[c % PALETTE.len()].filled(),
                ))?;
                root.draw(&Text::new(cand.clone(), (x + 16, y), text(12.0, HPos::Left)))?;
            }
            root.present()
        })();
    }
    svg
}

/// The confusion matrix: expected labels down, answered labels across (the last column holds
/// answers naming no label), each cell shaded by its share of its row.
pub fn confusion_svg(
    labels: &[String],
    counts: &[Vec<u32>],
    off_label: &str,
    title: &str,
) -> String {
    let (cell_w, cell_h, left, top) = (84, 30, 120, 70);
    let cols = labels.len() as i32 + 1;
    let size =
        ((left + cols * cell_w + 20) as u32, (top + labels.len() as i32 * cell_h + 30) as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let _ = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
            root.fill(&WHITE)?;
            root.draw(&Text::new(title.to_owned(), (10, 18), text(16.0, HPos::Left)))?;
            root.draw(&Text::new("answered →".to_owned(), (left, 40), text(11.0, HPos::Left)))?;
            for (j, l) in labels.iter().map(String::as_str).chain([off_label]).enumerate() {
                let x = left + j as i32 * cell_w + cell_w / 2;
                root.draw(&Text::new(l.to_owned(), (x, top - 12), text(12.0, HPos::Center)))?;
            }
            for (i, (label, row)) in labels.iter().zip(counts).enumerate() {
                let y = top + i as i32 * cell_h;
                root.draw(&Text::new(label.clone(), (10, y + cell_h / 2), text(12.0, HPos::Left)))?;
                let total: u32 = row.iter().sum::<u32>().max(1);
                for (j, n) in row.iter().enumerate() {
                    let x = left + j as i32 * cell_w;
                    let t = f64::from(*n) / f64::from(total);
                    // Green on the diagonal (right answers), red elsewhere (errors).
                    let fill = match (n, i == j) {
                        (0, _) => WHITE,
                        (_, true) => RGBColor(
                            (255.0 - 200.0 * t) as u8,
                            (255.0 - 80.0 * t) as u8,
                            (255.0 - 200.0 * t) as u8,
                        ),
                        (_, false) => {
                            RGBColor(255, (255.0 - 190.0 * t) as u8, (255.0 - 190.0 * t) as u8)
                        }
                    };
                    root.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], fill.filled()))?;
                    root.draw(&Rectangle::new(
                        [(x, y), (x + cell_w, y + cell_h)],
                        RGBColor(200, 200, 200),
                    ))?;
                    root.draw(&Text::new(
                        n.to_string(),
                        (x + cell_w / 2, y + cell_h / 2),
                        text(12.0, HPos::Center),
                    ))?;
                }
            }
            root.present()
        })();
    }
    svg
}

/// Whether each point is Pareto-optimal: no other point is at least as good on quality,
/// latency and cost and strictly better on one. An unknown cost never beats a known one.
pub fn pareto_front(points: &[TradeOff]) -> Vec<bool> {
    let cost = |p: &TradeOff| p.cost.unwrap_or(f64::INFINITY);
    points
        .iter()
        .map(|p| {
            !points.iter().any(|q| {
                let no_worse =
                    q.quality >= p.quality && q.latency_ms <= p.latency_ms && cost(q) <= cost(p);
                let better =
                    q.quality > p.quality || q.latency_ms < p.latency_ms || cost(q) < cost(p);
                no_worse && better
            })
        })
        .collect()
}

/// Quality (up) against latency (across), each point labelled with its candidate and cost;
/// Pareto-optimal candidates are filled and joined, the others hollow.
pub fn tradeoff_svg(points: &[TradeOff], title: &str) -> String {
    let front = pareto_front(points);
    let (left, top, w, h) = (70, 50, 460, 280);
    let max_lat = points.iter().map(|p| p.latency_ms).fold(0.0, f64::max).max(1.0) * 1.1;
    let mut svg = String::new();
    {
        // The right margin holds the label of a point at the far right (`name (price)`).
        let root =
            SVGBackend::with_string(&mut svg, ((left + w + 150) as u32, (top + h + 60) as u32))
                .into_drawing_area();
        let _ = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
            root.fill(&WHITE)?;
            root.draw(&Text::new(title.to_owned(), (10, 18), text(16.0, HPos::Left)))?;
            let at = |p: &TradeOff| {
                (
                    left + (p.latency_ms / max_lat * f64::from(w)) as i32,
                    top + h - (p.quality.clamp(0.0, 1.0) * f64::from(h)) as i32,
                )
            };
            root.draw(&PathElement::new(
                vec![(left, top), (left, top + h), (left + w, top + h)],
                BLACK,
            ))?;
            root.draw(&Text::new(
                "pass rate".to_owned(),
                (left - 8, top - 14),
                text(11.0, HPos::Center),
            ))?;
            root.draw(&Text::new(
                format!("median latency, ms (max {max_lat:.0})"),
                (left + w / 2, top + h + 24),
                text(11.0, HPos::Center),
            ))?;
            for tick in [0.0, 0.5, 1.0] {
                let y = top + h - (tick * f64::from(h)) as i32;
                root.draw(&Text::new(
                    format!("{:.0} %", tick * 100.0),
                    (left - 8, y),
                    text(11.0, HPos::Right),
                ))?;
            }
            let mut on_front: Vec<&TradeOff> =
                points.iter().zip(&front).filter(|(_, f)| **f).map(|(p, _)| p).collect();
            on_front.sort_by(|a, b| a.latency_ms.total_cmp(&b.latency_ms));
            root.draw(&PathElement::new(
                on_front.iter().map(|p| at(p)).collect::<Vec<_>>(),
                RGBColor(44, 160, 44).stroke_width(2),
            ))?;
            for (p, f) in points.iter().zip(&front) {
                let style = if *f {
                    RGBColor(44, 160, 44).filled()
                } else {
                    RGBColor(120, 120, 120).stroke_width(2)
                };
                root.draw(&Circle::new(at(p), 6, style))?;
                let cost = p.cost.map_or("price unknown".to_owned(), |c| format!("{c:.2}/Mtok"));
                let (x, y) = at(p);
                root.draw(&Text::new(
                    format!("{} ({cost})", p.candidate),
                    (x + 10, y - 10),
                    text(11.0, HPos::Left),
                ))?;
            }
            root.draw(&Text::new(
                "filled: Pareto front (quality, latency, cost)".to_owned(),
                (left + w, top - 14),
                text(11.0, HPos::Right),
            ))?;
            root.present()
        })();
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(c: &str, q: f64, l: f64, cost: Option<f64>) -> TradeOff {
        TradeOff { candidate: c.into(), quality: q, latency_ms: l, cost }
    }

    #[test]
    fn the_pareto_front_keeps_only_undominated_candidates() {
        let pts = [
            p("fast-cheap", 0.6, 100.0, Some(1.0)),
            p("good-slow", 0.9, 900.0, Some(1.0)),
            p("dominated", 0.5, 200.0, Some(2.0)),
            p("unknown-price", 0.6, 100.0, None),
        ];
        assert_eq!(
            pareto_front(&pts),
            vec![true, true, false, false],
            "same figures but no price loses"
        );
    }

    #[test]
    fn charts_are_svg_with_their_labels() {
        let bars = [PassBar {
            suite: "classification".into(),
            candidate: "smollm2".into(),
            rate: 0.2,
            low: 0.1,
            high: 0.3,
        }];
        let svg = pass_rate_svg(&bars, "Pass rate");
        assert!(
            svg.starts_with("<svg") && svg.contains("classification") && svg.contains("smollm2")
        );
        let labels = vec!["public".to_owned(), "personal".to_owned()];
        let svg = confusion_svg(&labels, &[vec![3, 1, 0], vec![0, 2, 2]], "(none)", "Confusion");
        assert!(
            svg.contains("(none)") && svg.contains("\n3\n</text>"),
            "counts are written in the cells"
        );
        let svg = tradeoff_svg(&[p("a", 0.5, 10.0, Some(1.0))], "Trade-off");
        assert!(svg.contains("a (1.00/Mtok)"));
    }
}
