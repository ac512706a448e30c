//! The mention graph drawn on a `<canvas>`: node size by PageRank, colour by community or by
//! tone, zoom (wheel, buttons, keys) and pan (drag, arrow keys), hover and click to pick a node.
//!
//! Canvas rather than SVG: two thousand nodes and twenty thousand edges redrawn twenty times a
//! second while the layout settles would be a DOM of tens of thousands of elements. The drawing
//! is plain `CanvasRenderingContext2d` calls from Rust, no JavaScript library. Positions come from
//! the worker's layout; this component only scales them to the canvas (fitting their bounding box)
//! and finds the node under the pointer. Everything a keyboard user needs is a button or a key on
//! the focused canvas, and the picked node's details are HTML beside it.

use std::rc::Rc;

use converge_wasm::protocol::NetworkReport;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// The canvas's own pixels; CSS scales it to the card's width.
pub const CANVAS_WIDTH: f64 = 960.0;
pub const CANVAS_HEIGHT: f64 = 560.0;
const MARGIN: f64 = 28.0;
/// Nodes labelled with their handle, by PageRank.
const LABELLED: usize = 12;
const MIN_ZOOM: f64 = 0.25;
const MAX_ZOOM: f64 = 40.0;
/// Pixels the arrow keys pan by.
const PAN_STEP: f64 = 60.0;

/// Community colours (the largest communities, in the report's order); the rest are grey.
/// The same colours are in `www/style.css` as `.swatch.c0` … `.swatch.c7`.
pub const COMMUNITY_COLOURS: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#d4a017", "#b07aa1", "#ff9da7",
];
const OTHER_COLOUR: &str = "#9aa3ad";
const NO_TONE_COLOUR: &str = "#c9d0da";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourBy {
    Community,
    Tone,
}

#[derive(Properties, PartialEq)]
pub struct NetworkCanvasProps {
    pub report: Rc<NetworkReport>,
    /// `[x0, y0, …]` for every drawn node, or empty before the first layout step.
    pub positions: Rc<Vec<f32>>,
    pub colour_by: ColourBy,
    /// The handle picked, if any.
    pub selected: Option<String>,
    pub on_select: Callback<Option<String>>,
    /// Changes whenever the page asks to centre on the selected node (a search, a list click).
    pub centre_request: u32,
    pub label: AttrValue,
}

/// Zoom and pan, in canvas pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Camera {
    zoom: f64,
    pan: [f64; 2],
}

impl Default for Camera {
    fn default() -> Camera {
        Camera {
            zoom: 1.0,
            pan: [0.0, 0.0],
        }
    }
}

/// Where a layout's positions go on the canvas: its bounding box fitted inside the margins,
/// then the camera's zoom about the centre and its pan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    centre: [f64; 2],
    scale: f64,
}

impl Fit {
    /// Fits `positions` (`[x0, y0, …]`, non-finite values ignored) into the canvas: the middle
    /// 96 % of the nodes on each axis, so that a few small components flung far out by the
    /// layout do not shrink the graph to a dot (they are a drag away).
    pub fn of(positions: &[f32]) -> Fit {
        let mut axes: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        for point in positions.chunks_exact(2) {
            if point.iter().all(|value| value.is_finite()) {
                axes[0].push(f64::from(point[0]));
                axes[1].push(f64::from(point[1]));
            }
        }
        if axes[0].is_empty() {
            return Fit {
                centre: [0.0, 0.0],
                scale: 1.0,
            };
        }
        let (mut min, mut max) = ([0.0; 2], [0.0; 2]);
        for (axis, values) in axes.iter_mut().enumerate() {
            values.sort_by(f64::total_cmp);
            let n = values.len();
            let cut = if n >= 50 { n / 50 } else { 0 };
            min[axis] = values[cut];
            max[axis] = values[n - 1 - cut];
        }
        let width = (max[0] - min[0]).max(1e-9);
        let height = (max[1] - min[1]).max(1e-9);
        let scale = ((CANVAS_WIDTH - 2.0 * MARGIN) / width)
            .min((CANVAS_HEIGHT - 2.0 * MARGIN) / height)
            .min(1e6);
        Fit {
            centre: [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0],
            scale,
        }
    }

    fn screen_point(&self, camera: &Camera, x: f32, y: f32) -> [f64; 2] {
        let zoomed = self.scale * camera.zoom;
        [
            (f64::from(x) - self.centre[0]) * zoomed + CANVAS_WIDTH / 2.0 + camera.pan[0],
            (f64::from(y) - self.centre[1]) * zoomed + CANVAS_HEIGHT / 2.0 + camera.pan[1],
        ]
    }
}

/// A node's radius in canvas pixels: area grows with PageRank, relative to the largest.
pub fn radius(pagerank: f64, max_pagerank: f64, zoom: f64) -> f64 {
    let share = if max_pagerank > 0.0 {
        (pagerank / max_pagerank).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (2.5 + 14.0 * share.sqrt()) * zoom.sqrt().clamp(0.6, 3.0)
}

/// A tone as a colour: grey near zero, deepening to green (positive) or red (negative).
pub fn tone_colour(tone: Option<f64>) -> String {
    let Some(tone) = tone.filter(|t| t.is_finite()) else {
        return NO_TONE_COLOUR.to_owned();
    };
    let grey = [184.0, 192.0, 204.0];
    let (end, strength) = if tone >= 0.05 {
        ([46.0, 139.0, 87.0], tone)
    } else if tone <= -0.05 {
        ([194.0, 65.0, 58.0], -tone)
    } else {
        return "#b8c0cc".to_owned();
    };
    let mix = (0.35 + strength / 0.6 * 0.65).clamp(0.0, 1.0);
    let channel = |idx: usize| (grey[idx] + (end[idx] - grey[idx]) * mix).round() as u8;
    format!("#{:02x}{:02x}{:02x}", channel(0), channel(1), channel(2))
}

/// The palette slot of each community summarised, by id.
pub fn community_slot(report: &NetworkReport, community: u32) -> Option<usize> {
    // Only the largest have a colour of their own; the list may hold thousands.
    report
        .communities
        .iter()
        .take(COMMUNITY_COLOURS.len())
        .position(|summary| summary.id == community)
}

#[function_component(NetworkCanvas)]
pub fn network_canvas(props: &NetworkCanvasProps) -> Html {
    let canvas_ref = use_node_ref();
    let camera = use_mut_ref(Camera::default);
    let hovered = use_state_eq(|| None::<usize>);
    let drag = use_mut_ref(|| None::<Drag>);
    let redraw = use_force_update();
    let fit = Fit::of(&props.positions);
    let max_pagerank = props.report.nodes.first().map_or(0.0, |node| node.pagerank);

    // Draw after every render: new positions, colours, selection, camera.
    {
        let canvas_ref = canvas_ref.clone();
        let report = props.report.clone();
        let positions = props.positions.clone();
        let camera = *camera.borrow();
        let colour_by = props.colour_by;
        let selected = props.selected.clone();
        let hovered = *hovered;
        use_effect(move || {
            if let Some(context) = context_2d(&canvas_ref) {
                draw(
                    &context,
                    &report,
                    &positions,
                    &Scene {
                        fit,
                        camera,
                        colour_by,
                        selected: selected.as_deref(),
                        hovered,
                        max_pagerank,
                    },
                );
            }
        });
    }
    // Centre on the selected node when the page asks (a search, a list click).
    {
        let camera = camera.clone();
        let redraw = redraw.clone();
        let report = props.report.clone();
        let positions = props.positions.clone();
        let selected = props.selected.clone();
        use_effect_with(props.centre_request, move |_| {
            let position = selected
                .and_then(|handle| report.nodes.iter().position(|n| n.handle == handle))
                .and_then(|idx| Some((*positions.get(2 * idx)?, *positions.get(2 * idx + 1)?)));
            if let Some((x, y)) = position {
                let mut camera = camera.borrow_mut();
                camera.zoom = camera.zoom.max(2.0);
                let zoomed = fit.scale * camera.zoom;
                camera.pan = [
                    -(f64::from(x) - fit.centre[0]) * zoomed,
                    -(f64::from(y) - fit.centre[1]) * zoomed,
                ];
                drop(camera);
                redraw.force_update();
            }
        });
    }
    // The wheel zooms about the pointer. A native listener, so the page does not scroll too.
    {
        let canvas_ref = canvas_ref.clone();
        let camera = camera.clone();
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            let listener = canvas_ref.cast::<HtmlCanvasElement>().map(|canvas| {
                let target = canvas.clone();
                gloo_events::EventListener::new_with_options(
                    &target,
                    "wheel",
                    gloo_events::EventListenerOptions::enable_prevent_default(),
                    move |event| {
                        let Some(event) = event.dyn_ref::<web_sys::WheelEvent>() else {
                            return;
                        };
                        event.prevent_default();
                        let at = canvas_point(&canvas, event.offset_x(), event.offset_y());
                        zoom_about(
                            &mut camera.borrow_mut(),
                            (-event.delta_y() * 0.0015).exp(),
                            at,
                        );
                        redraw.force_update();
                    },
                )
            });
            move || drop(listener)
        });
    }

    let node_at = {
        let report = props.report.clone();
        let positions = props.positions.clone();
        let camera = camera.clone();
        move |point: [f64; 2]| -> Option<usize> {
            let camera = *camera.borrow();
            let mut best: Option<(usize, f64)> = None;
            for (idx, node) in report.nodes.iter().enumerate() {
                let (Some(x), Some(y)) = (positions.get(2 * idx), positions.get(2 * idx + 1))
                else {
                    break;
                };
                let [sx, sy] = fit.screen_point(&camera, *x, *y);
                let d = ((sx - point[0]).powi(2) + (sy - point[1]).powi(2)).sqrt();
                let reach = radius(node.pagerank, max_pagerank, camera.zoom) + 3.0;
                if d <= reach && best.is_none_or(|(_, best_d)| d < best_d) {
                    best = Some((idx, d));
                }
            }
            best.map(|(idx, _)| idx)
        }
    };
    let on_mouse_down = {
        let drag = drag.clone();
        let camera = camera.clone();
        let canvas_ref = canvas_ref.clone();
        Callback::from(move |event: MouseEvent| {
            let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let at = canvas_point(
                &canvas,
                f64::from(event.offset_x()),
                f64::from(event.offset_y()),
            );
            *drag.borrow_mut() = Some(Drag {
                from: at,
                pan: camera.borrow().pan,
                moved: false,
            });
        })
    };
    let on_mouse_move = {
        let drag = drag.clone();
        let camera = camera.clone();
        let canvas_ref = canvas_ref.clone();
        let redraw = redraw.clone();
        let hovered = hovered.clone();
        let node_at = node_at.clone();
        Callback::from(move |event: MouseEvent| {
            let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let at = canvas_point(
                &canvas,
                f64::from(event.offset_x()),
                f64::from(event.offset_y()),
            );
            let mut drag = drag.borrow_mut();
            match drag.as_mut() {
                Some(drag) if event.buttons() & 1 == 1 => {
                    let dx = at[0] - drag.from[0];
                    let dy = at[1] - drag.from[1];
                    if dx.abs() + dy.abs() > 4.0 {
                        drag.moved = true;
                    }
                    if drag.moved {
                        camera.borrow_mut().pan = [drag.pan[0] + dx, drag.pan[1] + dy];
                        redraw.force_update();
                    }
                }
                _ => hovered.set(node_at(at)),
            }
        })
    };
    let on_mouse_up = {
        let drag = drag.clone();
        let canvas_ref = canvas_ref.clone();
        let report = props.report.clone();
        let on_select = props.on_select.clone();
        let node_at = node_at.clone();
        Callback::from(move |event: MouseEvent| {
            let Some(drag) = drag.borrow_mut().take() else {
                return;
            };
            if drag.moved {
                return;
            }
            let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let at = canvas_point(
                &canvas,
                f64::from(event.offset_x()),
                f64::from(event.offset_y()),
            );
            on_select.emit(
                node_at(at)
                    .and_then(|idx| report.nodes.get(idx))
                    .map(|node| node.handle.clone()),
            );
        })
    };
    let on_mouse_leave = {
        let drag = drag.clone();
        let hovered = hovered.clone();
        Callback::from(move |_: MouseEvent| {
            drag.borrow_mut().take();
            hovered.set(None);
        })
    };
    let zoom_by = |factor: f64| {
        let camera = camera.clone();
        let redraw = redraw.clone();
        Callback::from(move |_: MouseEvent| {
            zoom_about(
                &mut camera.borrow_mut(),
                factor,
                [CANVAS_WIDTH / 2.0, CANVAS_HEIGHT / 2.0],
            );
            redraw.force_update();
        })
    };
    let reset = {
        let camera = camera.clone();
        let redraw = redraw.clone();
        Callback::from(move |_: MouseEvent| {
            *camera.borrow_mut() = Camera::default();
            redraw.force_update();
        })
    };
    let on_key = {
        let camera = camera.clone();
        let redraw = redraw.clone();
        Callback::from(move |event: KeyboardEvent| {
            let centre = [CANVAS_WIDTH / 2.0, CANVAS_HEIGHT / 2.0];
            let mut camera = camera.borrow_mut();
            match event.key().as_str() {
                "+" | "=" => zoom_about(&mut camera, 1.25, centre),
                "-" | "_" => zoom_about(&mut camera, 0.8, centre),
                "0" => *camera = Camera::default(),
                "ArrowLeft" => camera.pan[0] += PAN_STEP,
                "ArrowRight" => camera.pan[0] -= PAN_STEP,
                "ArrowUp" => camera.pan[1] += PAN_STEP,
                "ArrowDown" => camera.pan[1] -= PAN_STEP,
                _ => return,
            }
            event.prevent_default();
            drop(camera);
            redraw.force_update();
        })
    };
    let hovered_node = hovered.and_then(|idx| props.report.nodes.get(idx));
    html! {
        <div class="network-stage">
            <canvas ref={canvas_ref} class="network-canvas" width={CANVAS_WIDTH.to_string()} height={CANVAS_HEIGHT.to_string()}
                    tabindex="0" role="img" aria-label={props.label.clone()}
                    data-testid="network-canvas" data-nodes={props.report.nodes.len().to_string()}
                    data-laid-out={(!props.positions.is_empty()).to_string()}
                    onmousedown={on_mouse_down} onmousemove={on_mouse_move} onmouseup={on_mouse_up}
                    onmouseleave={on_mouse_leave} onkeydown={on_key} />
            <div class="network-zoom" role="group" aria-label="Zoom">
                <button class="button subtle small" onclick={zoom_by(1.25)} aria-label="Zoom in" data-testid="zoom-in">{ "+" }</button>
                <button class="button subtle small" onclick={zoom_by(0.8)} aria-label="Zoom out" data-testid="zoom-out">{ "−" }</button>
                <button class="button subtle small" onclick={reset} data-testid="zoom-fit">{ "Fit" }</button>
            </div>
            if let Some(node) = hovered_node {
                <p class="network-hover muted small" aria-live="polite">
                    { format!("@{} · #{} by influence · {} mentions received · click for details", node.handle, node.rank, node.in_degree) }
                </p>
            }
        </div>
    }
}

struct Drag {
    from: [f64; 2],
    pan: [f64; 2],
    moved: bool,
}

struct Scene<'a> {
    fit: Fit,
    camera: Camera,
    colour_by: ColourBy,
    selected: Option<&'a str>,
    hovered: Option<usize>,
    max_pagerank: f64,
}

/// A pointer position (CSS pixels from the canvas's corner) in canvas pixels.
fn canvas_point(canvas: &HtmlCanvasElement, x: impl Into<f64>, y: impl Into<f64>) -> [f64; 2] {
    let width = f64::from(canvas.client_width()).max(1.0);
    let height = f64::from(canvas.client_height()).max(1.0);
    [
        x.into() * CANVAS_WIDTH / width,
        y.into() * CANVAS_HEIGHT / height,
    ]
}

/// Zooms by `factor`, keeping the canvas point `at` where it is.
fn zoom_about(camera: &mut Camera, factor: f64, at: [f64; 2]) {
    let zoom = (camera.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
    let applied = zoom / camera.zoom;
    let centre = [CANVAS_WIDTH / 2.0, CANVAS_HEIGHT / 2.0];
    for axis in 0..2 {
        let offset = at[axis] - centre[axis] - camera.pan[axis];
        camera.pan[axis] += offset - offset * applied;
    }
    camera.zoom = zoom;
}

fn context_2d(canvas_ref: &NodeRef) -> Option<CanvasRenderingContext2d> {
    canvas_ref
        .cast::<HtmlCanvasElement>()?
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}

fn draw(
    context: &CanvasRenderingContext2d,
    report: &NetworkReport,
    positions: &[f32],
    scene: &Scene<'_>,
) {
    context.clear_rect(0.0, 0.0, CANVAS_WIDTH, CANVAS_HEIGHT);
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, CANVAS_WIDTH, CANVAS_HEIGHT);
    let n_placed = (positions.len() / 2).min(report.nodes.len());
    if n_placed == 0 {
        return;
    }
    let screen: Vec<[f64; 2]> = positions
        .chunks_exact(2)
        .take(n_placed)
        .map(|p| scene.fit.screen_point(&scene.camera, p[0], p[1]))
        .collect();
    let selected = scene
        .selected
        .and_then(|handle| report.nodes.iter().position(|n| n.handle == handle));
    // Edges: one path, faint; the selected node's in accent.
    context.set_line_width(0.6);
    context.set_stroke_style_str("rgba(85, 97, 112, 0.18)");
    context.begin_path();
    for edge in &report.edges {
        let (Some(from), Some(to)) = (
            screen.get(edge.source as usize),
            screen.get(edge.target as usize),
        ) else {
            continue;
        };
        context.move_to(from[0], from[1]);
        context.line_to(to[0], to[1]);
    }
    context.stroke();
    if let Some(selected) = selected {
        context.set_line_width(1.4);
        context.set_stroke_style_str("rgba(47, 91, 211, 0.7)");
        context.begin_path();
        for edge in report
            .edges
            .iter()
            .filter(|e| e.source as usize == selected || e.target as usize == selected)
        {
            if let (Some(from), Some(to)) = (
                screen.get(edge.source as usize),
                screen.get(edge.target as usize),
            ) {
                context.move_to(from[0], from[1]);
                context.line_to(to[0], to[1]);
            }
        }
        context.stroke();
    }
    // Nodes, smallest first so the influential sit on top.
    context.set_line_width(1.0);
    context.set_stroke_style_str("#ffffff");
    for idx in (0..n_placed).rev() {
        let Some(node) = report.nodes.get(idx) else {
            continue;
        };
        let [x, y] = screen[idx];
        let r = radius(node.pagerank, scene.max_pagerank, scene.camera.zoom);
        if x < -r || y < -r || x > CANVAS_WIDTH + r || y > CANVAS_HEIGHT + r {
            continue;
        }
        let colour = match scene.colour_by {
            ColourBy::Community => community_slot(report, node.community)
                .and_then(|slot| COMMUNITY_COLOURS.get(slot))
                .copied()
                .unwrap_or(OTHER_COLOUR)
                .to_owned(),
            ColourBy::Tone => tone_colour(node.tone),
        };
        context.set_fill_style_str(&colour);
        context.begin_path();
        let _ = context.arc(x, y, r, 0.0, std::f64::consts::TAU);
        context.fill();
        context.stroke();
    }
    // Rings around the selected and hovered nodes.
    for (idx, colour, width) in [(scene.hovered, "#1b2430", 1.5), (selected, "#2f5bd3", 3.0)] {
        let Some(idx) = idx.filter(|idx| *idx < n_placed) else {
            continue;
        };
        let Some(node) = report.nodes.get(idx) else {
            continue;
        };
        let [x, y] = screen[idx];
        let r = radius(node.pagerank, scene.max_pagerank, scene.camera.zoom);
        context.set_line_width(width);
        context.set_stroke_style_str(colour);
        context.begin_path();
        let _ = context.arc(x, y, r + 3.0, 0.0, std::f64::consts::TAU);
        context.stroke();
    }
    // Labels: the most influential, and whoever is picked or pointed at. Drawn as canvas text,
    // never markup.
    context.set_font("12px system-ui, sans-serif");
    context.set_line_width(3.0);
    context.set_stroke_style_str("rgba(255, 255, 255, 0.9)");
    context.set_fill_style_str("#1b2430");
    // Picked and pointed-at first; a label that would overlap one already placed is left out.
    let labelled = selected
        .into_iter()
        .chain(scene.hovered)
        .chain(0..n_placed.min(LABELLED));
    let mut placed: Vec<[f64; 4]> = Vec::new();
    for idx in labelled {
        let (Some(node), Some([x, y])) = (report.nodes.get(idx), screen.get(idx)) else {
            continue;
        };
        let r = radius(node.pagerank, scene.max_pagerank, scene.camera.zoom);
        let text = format!("@{}", node.handle);
        // About 6.5 pixels a character at 12 px.
        let rect = [
            x + r + 3.0,
            y - 9.0,
            x + r + 3.0 + 6.5 * text.chars().count() as f64,
            y + 6.0,
        ];
        let overlaps = placed
            .iter()
            .any(|p| rect[0] < p[2] && p[0] < rect[2] && rect[1] < p[3] && p[1] < rect[3]);
        if overlaps {
            continue;
        }
        placed.push(rect);
        let _ = context.stroke_text(&text, rect[0], y + 4.0);
        let _ = context.fill_text(&text, rect[0], y + 4.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_is_fitted_inside_the_margins_and_zoom_keeps_the_pointed_spot() {
        let positions = [-10.0, -5.0, 10.0, 5.0, 0.0, 0.0];
        let fit = Fit::of(&positions);
        let camera = Camera::default();
        let [left, top] = fit.screen_point(&camera, -10.0, -5.0);
        let [right, bottom] = fit.screen_point(&camera, 10.0, 5.0);
        assert!((left - MARGIN).abs() < 1e-9, "{left}");
        assert!((right - (CANVAS_WIDTH - MARGIN)).abs() < 1e-9, "{right}");
        assert!(top >= MARGIN - 1e-9 && bottom <= CANVAS_HEIGHT - MARGIN + 1e-9);
        let centre = fit.screen_point(&camera, 0.0, 0.0);
        assert_eq!(centre, [CANVAS_WIDTH / 2.0, CANVAS_HEIGHT / 2.0]);

        let mut camera = Camera::default();
        let at = [100.0, 80.0];
        // The world point under `at` stays under it after zooming.
        let world = |camera: &Camera| {
            let zoomed = fit.scale * camera.zoom;
            [
                (at[0] - CANVAS_WIDTH / 2.0 - camera.pan[0]) / zoomed + fit.centre[0],
                (at[1] - CANVAS_HEIGHT / 2.0 - camera.pan[1]) / zoomed + fit.centre[1],
            ]
        };
        let before = world(&camera);
        zoom_about(&mut camera, 3.0, at);
        let after = world(&camera);
        assert!((before[0] - after[0]).abs() < 1e-9 && (before[1] - after[1]).abs() < 1e-9);
        zoom_about(&mut camera, 1e9, at);
        assert_eq!(camera.zoom, MAX_ZOOM);
    }

    #[test]
    fn degenerate_layouts_still_fit() {
        assert_eq!(Fit::of(&[]).scale, 1.0);
        let one = Fit::of(&[3.0, 4.0]);
        assert!(one.scale.is_finite());
        assert!(Fit::of(&[f32::NAN, 1.0, 2.0, 2.0]).scale.is_finite());
        // A far outlier among many does not set the scale.
        let mut many: Vec<f32> = (0..200)
            .flat_map(|i| [(i % 20) as f32, (i / 20) as f32])
            .collect();
        let tight = Fit::of(&many).scale;
        many.extend([1e6, 1e6]);
        assert!(Fit::of(&many).scale > tight / 2.0);
    }

    #[test]
    fn bigger_pagerank_bigger_node_and_tone_runs_red_to_green() {
        assert!(radius(0.5, 0.5, 1.0) > radius(0.1, 0.5, 1.0));
        assert!(radius(0.0, 0.0, 1.0) > 0.0);
        assert_eq!(tone_colour(None), NO_TONE_COLOUR);
        assert_eq!(tone_colour(Some(0.0)), "#b8c0cc");
        assert_eq!(tone_colour(Some(1.0)), "#2e8b57");
        assert_eq!(tone_colour(Some(-1.0)), "#c2413a");
        assert_ne!(tone_colour(Some(0.2)), tone_colour(Some(0.9)));
    }
}
