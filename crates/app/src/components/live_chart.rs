//! The live chart: records per second (columns, all channels) and net sentiment per channel
//! (lines) over the last minutes of the stream, on the records' own time. A second holds a few
//! texts per channel, so each line point is the net sentiment of the texts of the last
//! [`SMOOTHING_SECONDS`] seconds: a line that reads, not a zigzag of small samples.

use converge_wasm::protocol::{LivePoint, LiveSeries};
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct LiveChartProps {
    /// All channels first, then the busiest channels, each with the same seconds.
    pub series: Vec<LiveSeries>,
}

/// Seconds of texts behind each point of a sentiment line.
pub const SMOOTHING_SECONDS: usize = 10;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 44.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

#[function_component(LiveChart)]
pub fn live_chart(props: &LiveChartProps) -> Html {
    let Some(all) = props.series.first().filter(|all| !all.points.is_empty()) else {
        return html! {
            <p class="muted" data-testid="live-chart-empty">{ "The chart starts with the first record." }</p>
        };
    };
    // A stream that started a moment ago is drawn from its first record (at least ten seconds).
    let start = all
        .points
        .iter()
        .position(|p| p.n_records > 0)
        .unwrap_or(0)
        .min(all.points.len().saturating_sub(SMOOTHING_SECONDS));
    let points = all.points.get(start..).unwrap_or_default();
    let n = points.len();
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / n as f64;
    let bar = (slot * 0.8).max(0.5);
    let max_volume = points.iter().map(|p| p.n_records).max().unwrap_or(0).max(1) as f64;
    let y_volume = |count: f64| TOP + plot_height * (1.0 - count / max_volume);
    let y_net = |net: f64| TOP + plot_height * (1.0 - (net + 100.0) / 200.0);
    let x_mid = |idx: usize| LEFT + slot * (idx as f64 + 0.5);
    let columns = points.iter().enumerate().filter(|(_, p)| p.n_records > 0).map(|(idx, p)| {
        let top = y_volume(p.n_records as f64);
        html! {
            <rect class="volume" x={f(LEFT + slot * idx as f64 + (slot - bar) / 2.0)} y={f(top)}
                  width={f(bar)} height={f(TOP + plot_height - top)}>
                <title>{ format!("{}: {} records", clock(p.at_ms), format::count(p.n_records)) }</title>
            </rect>
        }
    });
    let lines = props.series.iter().enumerate().map(|(slot_idx, series)| {
        let mut path = String::new();
        let mut pen_down = false;
        let drawn = series.points.get(start..).unwrap_or_default();
        for (idx, net) in rolling_net(drawn).into_iter().enumerate().take(n) {
            match net {
                Some(net) => {
                    path.push_str(&format!(
                        "{}{},{} ",
                        if pen_down { "L" } else { "M" },
                        f(x_mid(idx)),
                        f(y_net(net))
                    ));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let class = if slot_idx == 0 {
            "net-all".to_owned()
        } else {
            format!("net-line ch-{}", slot_idx - 1)
        };
        html! { <path class={class} d={path} /> }
    });
    let total: u64 = points.iter().map(|p| p.n_records).sum();
    let busiest = points.iter().max_by_key(|p| p.n_records);
    let span_s = n;
    let n_texts: u32 = points.iter().map(|p| p.n_texts).sum();
    let mean_net = (n_texts > 0).then(|| {
        let positive: u32 = points.iter().map(|p| p.n_positive).sum();
        let negative: u32 = points.iter().map(|p| p.n_negative).sum();
        (f64::from(positive) - f64::from(negative)) * 100.0 / f64::from(n_texts)
    });
    let channels: Vec<&str> = props
        .series
        .iter()
        .skip(1)
        .filter_map(|s| s.channel.as_deref())
        .collect();
    let caption = format!(
        "Over the last {span_s} seconds of the stream ({} to {}): {} records, {:.0} a second on average{}; {}. \
         Columns are records per second (all channels, scale on the left); lines are net sentiment (% positive − % negative) of the texts of the previous {SMOOTHING_SECONDS} seconds (scale on the right){}.",
        clock(points[0].at_ms),
        clock(points[n - 1].at_ms),
        format::count(total),
        total as f64 / span_s.max(1) as f64,
        busiest.filter(|p| p.n_records > 0).map(|p| format!(", busiest at {} with {}", clock(p.at_ms), format::count(p.n_records))).unwrap_or_default(),
        mean_net.map_or_else(|| "no texts to read sentiment from".to_owned(), |net| format!("net sentiment {net:+.0} over {} texts", format::count(u64::from(n_texts)))),
        if channels.is_empty() { String::new() } else { format!(": all channels in black, then {}", channels.join(", ")) },
    );
    html! {
        <figure class="chart" data-testid="live-chart">
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} class="trend live-chart" role="img" aria-label={caption.clone()}>
                <line class="axis" x1={f(LEFT)} x2={f(WIDTH - RIGHT)} y1={f(y_net(0.0))} y2={f(y_net(0.0))} />
                { for columns }
                { for lines }
                <text class="tick" x={f(LEFT - 6.0)} y={f(TOP + 4.0)} text-anchor="end">{ format::count(max_volume as u64) }</text>
                <text class="tick" x={f(LEFT - 6.0)} y={f(TOP + plot_height)} text-anchor="end">{ "0/s" }</text>
                <text class="tick" x={f(WIDTH - RIGHT + 6.0)} y={f(TOP + 4.0)}>{ "+100" }</text>
                <text class="tick" x={f(WIDTH - RIGHT + 6.0)} y={f(y_net(0.0) + 4.0)}>{ "0" }</text>
                <text class="tick" x={f(WIDTH - RIGHT + 6.0)} y={f(TOP + plot_height)}>{ "−100" }</text>
                <text class="tick" x={f(LEFT)} y={f(HEIGHT - 8.0)} text-anchor="start">{ clock(points[0].at_ms) }</text>
                <text class="tick" x={f(WIDTH - RIGHT)} y={f(HEIGHT - 8.0)} text-anchor="end">{ clock(points[n - 1].at_ms) }</text>
            </svg>
            if !channels.is_empty() {
                <ul class="legend" data-testid="live-legend">
                    <li><span class="swatch net-all"></span>{ "all channels" }</li>
                    { for channels.iter().enumerate().map(|(idx, name)| html! {
                        <li><span class={classes!("swatch", format!("ch-{idx}"))}></span>{ name.to_string() }</li>
                    }) }
                </ul>
            }
            <figcaption class="muted" data-testid="live-caption">{ caption }</figcaption>
        </figure>
    }
}

/// Per point, the net sentiment of the texts of it and the [`SMOOTHING_SECONDS`] − 1 before it
/// (`None` where they hold no text).
pub fn rolling_net(points: &[LivePoint]) -> Vec<Option<f64>> {
    let (mut texts, mut positive, mut negative) = (0_i64, 0_i64, 0_i64);
    let mut nets = Vec::with_capacity(points.len());
    for (idx, point) in points.iter().enumerate() {
        texts += i64::from(point.n_texts);
        positive += i64::from(point.n_positive);
        negative += i64::from(point.n_negative);
        if let Some(old) = idx
            .checked_sub(SMOOTHING_SECONDS)
            .and_then(|old| points.get(old))
        {
            texts -= i64::from(old.n_texts);
            positive -= i64::from(old.n_positive);
            negative -= i64::from(old.n_negative);
        }
        nets.push((texts > 0).then(|| (positive - negative) as f64 * 100.0 / texts as f64));
    }
    nets
}

/// `HH:MM:SS` (UTC) of an instant in ms since 1970.
pub fn clock(at_ms: i64) -> String {
    let seconds = at_ms.div_euclid(1_000).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3_600,
        seconds / 60 % 60,
        seconds % 60
    )
}

fn f(value: f64) -> String {
    format!("{value:.1}")
}

#[cfg(test)]
mod tests {
    use converge_wasm::protocol::LivePoint;

    fn point(n_texts: u32, n_positive: u32, n_negative: u32) -> LivePoint {
        LivePoint {
            at_ms: 0,
            n_records: u64::from(n_texts),
            net_sentiment: None,
            n_texts,
            n_positive,
            n_negative,
        }
    }

    #[test]
    fn sentiment_lines_sum_the_last_ten_seconds_of_texts() {
        let mut points = vec![point(0, 0, 0), point(4, 3, 1)];
        points.extend((0..9).map(|_| point(0, 0, 0)));
        points.push(point(2, 0, 2));
        let nets = super::rolling_net(&points);
        assert_eq!(nets[0], None);
        assert_eq!(nets[1], Some(50.0));
        assert_eq!(
            nets[10],
            Some(50.0),
            "the tenth second still holds the texts of the first"
        );
        // The second of index 1 has left the window at index 11.
        assert_eq!(nets[11], Some(-100.0));
    }

    #[test]
    fn clock_reads_utc_time_of_day() {
        assert_eq!(super::clock(0), "00:00:00");
        assert_eq!(super::clock(1_767_225_600_000 + 3_723_000), "01:02:03");
        assert_eq!(super::clock(-1_000), "23:59:59");
    }
}
