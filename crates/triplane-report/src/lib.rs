//! Charts as SVG text, drawn with plotters' SVG backend, for the app's views and the report.
//!
//! Fonts: no font feature of plotters is enabled. Its fallback font code only estimates text
//! sizes, and the SVG backend writes `<text>` elements that the viewer renders with its own
//! fonts, so charts need no font file and no system font, offline or not. Layout therefore
//! avoids depending on measured text widths: labels are placed at fixed anchors.

pub mod quality;
pub mod session;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use triplane_sim::ExposureMatrix;

/// Which figure of a cell the heat map shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeatmapValue {
    Tokens,
    Flows,
    Sessions,
}

const CELL_W: i32 = 110;
const CELL_H: i32 = 34;
const LEFT: i32 = 130;
const TOP: i32 = 56;

/// The exposure matrix as a heat map: data classes down, jurisdictions across, each cell
/// shaded by its share of the largest cell (white for none) and labelled with its value.
pub fn exposure_heatmap_svg(matrix: &ExposureMatrix, value: HeatmapValue, title: &str) -> String {
    let rows = matrix.classes.len().max(1) as i32;
    let cols = matrix.jurisdictions.len().max(1) as i32;
    let size = ((LEFT + cols * CELL_W + 20) as u32, (TOP + rows * CELL_H + 20) as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        // Drawing into a String cannot fail except on a plotters defect; a chart with a
        // missing element is still better than no chart, so errors are ignored.
        let _ = draw(&root, matrix, value, title);
        let _ = root.present();
    }
    svg
}

fn figure(c: &triplane_sim::report::MatrixCell, value: HeatmapValue) -> u64 {
    match value {
        HeatmapValue::Tokens => c.tokens,
        HeatmapValue::Flows => c.flows,
        HeatmapValue::Sessions => c.sessions,
    }
}

fn short(v: u64) -> String {
    match v {
        0 => "–".into(),
        v if v >= 1_000_000_000 => format!("{:.1} G", v as f64 / 1e9),
        v if v >= 1_000_000 => format!("{:.1} M", v as f64 / 1e6),
        v if v >= 10_000 => format!("{:.0} k", v as f64 / 1e3),
        v => v.to_string(),
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    matrix: &ExposureMatrix,
    value: HeatmapValue,
    title: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let text = |size: f64, h: HPos| {
        ("sans-serif", size).into_font().color(&BLACK).pos(Pos::new(h, VPos::Center))
    };
    root.draw(&Text::new(title.to_string(), (10, 18), text(16.0, HPos::Left)))?;
    let max = matrix.cells.iter().map(|c| figure(c, value)).max().unwrap_or(0).max(1);

    for (j, jur) in matrix.jurisdictions.iter().enumerate() {
        let x = LEFT + j as i32 * CELL_W + CELL_W / 2;
        root.draw(&Text::new(jur.clone(), (x, TOP - 12), text(13.0, HPos::Center)))?;
    }
    for (i, class) in matrix.classes.iter().enumerate() {
        let y = TOP + i as i32 * CELL_H;
        root.draw(&Text::new(class.clone(), (10, y + CELL_H / 2), text(13.0, HPos::Left)))?;
        for (j, jur) in matrix.jurisdictions.iter().enumerate() {
            let x = LEFT + j as i32 * CELL_W;
            let v = matrix.cell(class, jur).map_or(0, |c| figure(c, value));
            // Square root keeps small but non-zero exposure visible next to large cells.
            let t = (v as f64 / max as f64).sqrt();
            let shade = RGBColor(255, (255.0 - 185.0 * t) as u8, (255.0 - 215.0 * t) as u8);
            let fill = if v == 0 { WHITE } else { shade };
            root.draw(&Rectangle::new([(x, y), (x + CELL_W, y + CELL_H)], fill.filled()))?;
            root.draw(&Rectangle::new(
                [(x, y), (x + CELL_W, y + CELL_H)],
                RGBColor(200, 200, 200),
            ))?;
            root.draw(&Text::new(
                short(v),
                (x + CELL_W / 2, y + CELL_H / 2),
                text(12.0, HPos::Center),
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use triplane_sim::report::{MatrixCell, Percentiles};

    fn cell(class: &str, j: &str, tokens: u64) -> MatrixCell {
        let p = Percentiles { p5: 0, p50: 0, p95: 0 };
        MatrixCell {
            class: class.into(),
            jurisdiction: j.into(),
            flows: tokens / 10,
            tokens,
            bytes: tokens * 4,
            sessions: 1,
            tokens_per_session: p,
            flows_per_session: p,
        }
    }

    #[test]
    fn heatmap_is_svg_with_text_labels_and_shaded_cells() {
        let m = ExposureMatrix {
            classes: vec!["internal".into(), "personal".into()],
            jurisdictions: vec!["EU".into(), "US".into()],
            cells: vec![
                cell("internal", "EU", 1000),
                cell("internal", "US", 0),
                cell("personal", "EU", 250),
                cell("personal", "US", 2_500_000),
            ],
        };
        let svg = exposure_heatmap_svg(&m, HeatmapValue::Tokens, "Exposure");
        assert!(svg.starts_with("<svg"), "an SVG document");
        for label in ["Exposure", "internal", "personal", "EU", "US", "2.5 M", "1000", "250"] {
            assert!(
                svg.contains(&format!("\n{label}\n</text>")),
                "label `{label}` is a text element"
            );
        }
        // Largest cell fully shaded, empty cell white.
        assert!(
            svg.contains("#FF4628") || svg.contains("#ff4628"),
            "largest cell at full shade:\n{svg}"
        );
    }
}
