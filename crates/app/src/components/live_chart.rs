//! The live chart: records per second (columns, all channels) and net sentiment per channel
//! (lines) over the last minutes of the stream, on the records' own time.

use converge_wasm::protocol::LiveSeries;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct LiveChartProps {
    /// All channels first, then the busiest channels, each with the same seconds.
    pub series: Vec<LiveSeries>,
}

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
    let points = &all.points;
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
        for (idx, point) in series.points.iter().enumerate().take(n) {
            match point.net_sentiment {
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
    let nets: Vec<f64> = points.iter().filter_map(|p| p.net_sentiment).collect();
    let mean_net = (!nets.is_empty()).then(|| nets.iter().sum::<f64>() / nets.len() as f64);
    let channels: Vec<&str> = props
        .series
        .iter()
        .skip(1)
        .filter_map(|s| s.channel.as_deref())
        .collect();
    let caption = format!(
        "Over the last {span_s} seconds of the stream ({} to {}): {} records, {:.0} a second on average{}; {}. \
         Columns are records per second (all channels, scale on the left); lines are net sentiment per second (% positive − % negative, scale on the right){}.",
        clock(points[0].at_ms),
        clock(points[n - 1].at_ms),
        format::count(total),
        total as f64 / span_s.max(1) as f64,
        busiest.filter(|p| p.n_records > 0).map(|p| format!(", busiest at {} with {}", clock(p.at_ms), format::count(p.n_records))).unwrap_or_default(),
        mean_net.map_or_else(|| "no texts to read sentiment from".to_owned(), |net| format!("net sentiment averaged {net:+.0}")),
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
    #[test]
    fn clock_reads_utc_time_of_day() {
        assert_eq!(super::clock(0), "00:00:00");
        assert_eq!(super::clock(1_767_225_600_000 + 3_723_000), "01:02:03");
        assert_eq!(super::clock(-1_000), "23:59:59");
    }
}
