// Browser side of `cargo xtask bench live`: the real app in headless Chromium, connected to
// `converge replay` (SSE) on a generated stream of posts (every record has a text to score, a
// channel, a handle and a time; all alert rules on). Two runs, each on a fresh page:
//
// - throughput: the replay sends as fast as it can (--rate 10,000,000); the figure is the records
//   the page processed per second, from the first to the last, and the longest the queue waited.
// - latency at a fixed rate: record k is sent (k - 1) / rate s after the stream opened and shown
//   with the first update whose last id reached k; p50 and p95 over every record.
//
// Prints one JSON line. CONVERGE_BIN is the `converge` binary; CONVERGE_BENCH_* size the runs.

import { mkdir, writeFile, stat } from 'node:fs/promises';
import { serveDist, openBrowser, startReplay, OUT } from '../e2e/harness.mjs';

const BIN = process.env.CONVERGE_BIN;
const N_THROUGHPUT = Number(process.env.CONVERGE_BENCH_THROUGHPUT_RECORDS ?? 300_000);
const LATENCY_RATE = Number(process.env.CONVERGE_BENCH_LATENCY_RATE ?? 5_000);
const LATENCY_SECONDS = Number(process.env.CONVERGE_BENCH_LATENCY_SECONDS ?? 30);

const TEXTS = [
  'Love the new blender, works great',
  'Delivery was late again and nobody answered my emails',
  'Ok I guess',
  'Thanks @support for the quick help!',
  'Where is my refund? This is the third time I ask',
  'The hiking boots are amazing, best purchase this year #happy',
  'Not bad, not great either',
  'Terrible packaging, the lamp arrived broken :(',
];
const CHANNELS = ['twitter', 'web', 'app', 'email'];

async function streamFile(n, name) {
  await mkdir(OUT, { recursive: true });
  const path = `${OUT}/${name}.jsonl`;
  if ((await stat(path).catch(() => null))?.size > n * 50) return path;
  const t0 = Date.UTC(2026, 0, 1);
  const lines = [];
  for (let id = 1; id <= n; id += 1) {
    // 50 records a second of recorded time: steady, so only real surges alert.
    const at = new Date(t0 + id * 20).toISOString();
    lines.push(JSON.stringify({ post_id: id, timestamp: at, channel: CHANNELS[id % CHANNELS.length], handle: `@user${id % 5000}`, text: TEXTS[(id * 7) % TEXTS.length] }));
  }
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

/** Connects a fresh page to a replay of `file` at `rate`; returns what the page showed, when. */
async function run(server, file, rate, n) {
  const replay = await startReplay(BIN, file, rate);
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.goto(`${server.origin}/#live`);
    await page.getByTestId('engine-status').filter({ hasText: 'Ready' }).waitFor({ timeout: 30_000 });
    await page.evaluate(() => {
      window.__shown = [];
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
      let last = null;
      new MutationObserver(() => {
        const counts = document.querySelector('[data-testid=live-counts]');
        if (!counts || counts.dataset.lastId === last) return;
        last = counts.dataset.lastId;
        window.__shown.push([Date.now(), Number(counts.dataset.lastId), Number(counts.dataset.processed), Number(counts.dataset.queued)]);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-last-id'] });
    });
    await page.getByTestId('live-url').fill(replay.url);
    await page.getByTestId('live-connect').click();
    await page.locator('[data-testid=live-state][data-state=live]').waitFor({ timeout: 30_000 });
    const since = Number(await page.getByTestId('live-state').getAttribute('data-since'));
    await page.locator(`[data-testid=live-counts][data-processed="${n}"]`).waitFor({ timeout: 600_000 });
    const figures = await page.getByTestId('live-counts').evaluate((e) => ({ ...e.dataset }));
    const { shown, longTasks } = await page.evaluate(() => ({ shown: window.__shown, longTasks: window.__longTasks }));
    const alerts = await page.getByTestId('live-alert').count();
    return { since, shown, longTasks, figures, alerts };
  } finally {
    replay.stop();
    await browser.close();
  }
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

const server = await serveDist();
try {
  // Throughput.
  const bulk = await streamFile(N_THROUGHPUT, 'bench-live-bulk');
  const fast = await run(server, bulk, 10_000_000, N_THROUGHPUT);
  const first = fast.shown.find(([, , processed]) => processed > 0);
  const last = fast.shown.find(([, , processed]) => processed >= N_THROUGHPUT);
  const seconds = (last[0] - first[0]) / 1000;
  const throughput = {
    records: N_THROUGHPUT,
    seconds,
    records_per_second: (N_THROUGHPUT - first[2]) / Math.max(seconds, 1e-3),
    max_queued: Math.max(...fast.shown.map(([, , , queued]) => queued)),
    refused: Number(fast.figures.failed),
    longest_task_ms: Math.max(0, ...fast.longTasks),
    alerts: fast.alerts,
  };

  // Latency at a fixed rate.
  const n = LATENCY_RATE * LATENCY_SECONDS;
  const paced = await streamFile(n, `bench-live-${LATENCY_RATE}`);
  const steady = await run(server, paced, LATENCY_RATE, n);
  const latencies = [];
  let previous = 0;
  for (const [at, lastId] of steady.shown) {
    for (let id = previous + 1; id <= lastId; id += 1) latencies.push(at - (steady.since + ((id - 1) * 1000) / LATENCY_RATE));
    previous = Math.max(previous, lastId);
  }
  latencies.sort((a, b) => a - b);
  const latency = {
    rate: LATENCY_RATE,
    records: n,
    measured: latencies.length,
    p50_ms: percentile(latencies, 0.5),
    p95_ms: percentile(latencies, 0.95),
    max_ms: latencies[latencies.length - 1],
    refused: Number(steady.figures.failed),
    longest_task_ms: Math.max(0, ...steady.longTasks),
  };
  console.log(JSON.stringify({ throughput, latency }));
} finally {
  await server.close();
}
