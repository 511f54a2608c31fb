//! The flows of one session as a sequence diagram: the components as columns grouped in
//! their plane's lane (users, orchestration, inference, connectivity, execution, each lane a
//! colour band), one row per hop in the order the engine sent it, an arrow from sender to
//! receiver labelled with the data classes it carries, the jurisdictions it enters and its
//! tokens. Rows are shaded by cycle and the left gutter gives the cycle number.
//!
//! The diagram holds data words only (component ids, class ids, jurisdiction codes, numbers):
//! the lane names and the caption are the viewer's to translate, with [`lane_colour`] for a
//! legend.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use triplane_model::Plane;
use triplane_sim::session::{SessionHop, SessionTrace};

const GUTTER: i32 = 48;
const COL_W: i32 = 150;
const HEAD_H: i32 = 64;
const ROW_H: i32 = 30;
const MARGIN: i32 = 12;

/// The band colour of a plane's lane, as `#rrggbb`, for a legend beside the diagram.
pub fn lane_colour(plane: Plane) -> &'static str {
    match plane {
        Plane::Users => "#e8e8e8",
        Plane::Orchestration => "#dbe8f6",
        Plane::Inference => "#f6e2d3",
        Plane::Connectivity => "#e6dcf2",
        Plane::Execution => "#dcefdc",
    }
}

fn rgb(hex: &str) -> RGBColor {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0xdddddd);
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// The arrow's label: classes, the jurisdictions entered and the tokens carried.
pub fn hop_label(h: &SessionHop) -> String {
    let classes = if h.classes.is_empty() { "–".to_string() } else { h.classes.join(", ") };
    let jurisdictions =
        if h.jurisdictions.is_empty() { "?".to_string() } else { h.jurisdictions.join(", ") };
    format!("{classes} → {jurisdictions} · {} tok", h.tokens)
}

/// The session as an SVG sequence diagram.
pub fn session_diagram_svg(trace: &SessionTrace) -> String {
    let cols = trace.components.len().max(1) as i32;
    let rows = trace.hops.len() as i32;
    let size =
        ((GUTTER + cols * COL_W + MARGIN) as u32, (HEAD_H + rows * ROW_H + 2 * MARGIN) as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        // As for the heat map: drawing into a String fails only on a plotters defect, and a
        // diagram missing an element is better than none.
        let _ = draw(&root, trace, size);
        let _ = root.present();
    }
    svg
}

fn column(trace: &SessionTrace, id: &str) -> i32 {
    let i = trace.components.iter().position(|c| c.id == id).unwrap_or(0) as i32;
    GUTTER + i * COL_W + COL_W / 2
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    trace: &SessionTrace,
    (width, height): (u32, u32),
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, height) = (width as i32, height as i32);
    let bottom = height - MARGIN;
    let text = |size: f64, h: HPos, colour: RGBColor| {
        ("sans-serif", size).into_font().color(&colour).pos(Pos::new(h, VPos::Center))
    };
    let ink = RGBColor(40, 40, 40);
    let grey = RGBColor(110, 110, 110);
    root.fill(&WHITE)?;

    // Lanes: one band per component column, in its plane's colour.
    for (i, c) in trace.components.iter().enumerate() {
        let x = GUTTER + i as i32 * COL_W;
        let band = rgb(lane_colour(c.plane));
        root.draw(&Rectangle::new([(x, MARGIN), (x + COL_W, bottom)], band.filled()))?;
    }

    // Cycles: every other cycle's rows darkened a little, its number in the gutter.
    let mut start = 0usize;
    while start < trace.hops.len() {
        let cycle = trace.hops[start].cycle;
        let end = trace.hops[start..]
            .iter()
            .position(|h| h.cycle != cycle)
            .map_or(trace.hops.len(), |n| start + n);
        let (y0, y1) = (HEAD_H + start as i32 * ROW_H, HEAD_H + end as i32 * ROW_H);
        if cycle.is_multiple_of(2) {
            root.draw(&Rectangle::new(
                [(0, y0), (width, y1)],
                RGBColor(0, 0, 0).mix(0.05).filled(),
            ))?;
        }
        root.draw(&PathElement::new(vec![(0, y0), (width, y0)], RGBColor(170, 170, 170)))?;
        root.draw(&Text::new(
            cycle.to_string(),
            (GUTTER / 2, (y0 + y1) / 2),
            text(13.0, HPos::Center, ink),
        ))?;
        start = end;
    }

    // Heads and lifelines.
    for (i, c) in trace.components.iter().enumerate() {
        let x = GUTTER + i as i32 * COL_W;
        let mid = x + COL_W / 2;
        root.draw(&Rectangle::new(
            [(x + 8, MARGIN + 6), (x + COL_W - 8, HEAD_H - 8)],
            WHITE.filled(),
        ))?;
        root.draw(&Rectangle::new([(x + 8, MARGIN + 6), (x + COL_W - 8, HEAD_H - 8)], grey))?;
        root.draw(&Text::new(c.id.clone(), (mid, MARGIN + 20), text(12.0, HPos::Center, ink)))?;
        let under =
            if c.jurisdictions.is_empty() { "?".to_string() } else { c.jurisdictions.join(", ") };
        root.draw(&Text::new(under, (mid, MARGIN + 36), text(11.0, HPos::Center, grey)))?;
        root.draw(&PathElement::new(vec![(mid, HEAD_H - 8), (mid, bottom)], grey.mix(0.6)))?;
    }

    // Hops.
    for (i, h) in trace.hops.iter().enumerate() {
        let y = HEAD_H + i as i32 * ROW_H + ROW_H - 8;
        let (x0, x1) = (column(trace, &h.from), column(trace, &h.to));
        let colour = if h.misrouted { RGBColor(214, 96, 0) } else { ink };
        let dir = if x1 >= x0 { 1 } else { -1 };
        let tip = x1 - dir * 3;
        root.draw(&PathElement::new(vec![(x0, y), (tip - dir * 6, y)], colour.stroke_width(2)))?;
        root.draw(&Polygon::new(
            vec![(tip, y), (tip - dir * 9, y - 5), (tip - dir * 9, y + 5)],
            colour.filled(),
        ))?;
        let label = hop_label(h);
        let (x, anchor) = if dir > 0 { (x0 + 6, HPos::Left) } else { (x0 - 6, HPos::Right) };
        root.draw(&Text::new(label, (x, y - 10), text(10.5, anchor, colour)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use triplane_model::ComponentKind;
    use triplane_sim::session::SessionComponent;

    fn hop(step: u32, cycle: u32, from: &str, to: &str, tokens: u64) -> SessionHop {
        SessionHop {
            step,
            turn: 1,
            cycle,
            from: from.into(),
            to: to.into(),
            classes: vec!["personal".into()],
            jurisdictions: vec!["US".into()],
            tokens,
            bytes: tokens * 4,
            misrouted: false,
        }
    }

    fn component(id: &str, plane: Plane) -> SessionComponent {
        SessionComponent {
            id: id.into(),
            plane,
            kind: ComponentKind::Orchestrator,
            jurisdictions: vec!["US".into()],
        }
    }

    #[test]
    fn every_hop_is_an_arrow_with_its_label_and_every_cycle_is_numbered() {
        let trace = SessionTrace {
            deployment: "example:x".into(),
            seed: 1,
            scenario: None,
            day: 1,
            session: 1,
            sessions_in_day: 1,
            rule: triplane_sim::session::RULE,
            turns: 1,
            cycles: 2,
            components: vec![
                component("agents", Plane::Users),
                component("loop", Plane::Orchestration),
                component("claude", Plane::Inference),
            ],
            hops: vec![
                hop(1, 1, "agents", "loop", 100),
                hop(2, 1, "loop", "claude", 100),
                hop(3, 2, "claude", "loop", 57),
            ],
        };
        let svg = session_diagram_svg(&trace);
        assert!(svg.starts_with("<svg"), "an SVG document");
        for label in ["agents", "loop", "claude", "1", "2"] {
            assert!(svg.contains(&format!("\n{label}\n</text>")), "`{label}` is a text element");
        }
        for h in &trace.hops {
            assert!(svg.contains(&hop_label(h)), "hop {} is labelled", h.step);
        }
        assert_eq!(svg.matches("<polygon").count(), 3, "one arrowhead per hop");
        assert!(svg.contains("personal → US · 57 tok"));
    }
}
