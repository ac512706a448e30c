// Browser side of `cargo xtask bench resolve`: in one headless Chromium, a Web Worker resolves
// data sets of `$CONVERGE_BENCH_SETS` (files under `$CONVERGE_BENCH_DIR`) with Converge's wasm
// (`resolveBench`), the same files the native run and the Python peers read. Writes each data
// set's customers to `$CONVERGE_BENCH_DIR/<name>_wasm.csv` (scored by the same script as the
// others) and prints one JSON line: per data set, the times of every run.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { serveDist, openBrowser } from '../e2e/harness.mjs';

const dir = process.env.CONVERGE_BENCH_DIR;
const runs = Number(process.env.CONVERGE_BENCH_RUNS ?? 3);
const sets = JSON.parse(process.env.CONVERGE_BENCH_SETS);
const here = (path) => new URL(path, import.meta.url).pathname;

const extra = { '/bench/resolve-worker.js': here('./resolve-worker.js') };
for (const { files } of sets) {
  for (const file of files) extra[`/bench/data/${file}`] = join(dir, file);
}
const server = await serveDist(extra);
const browser = await openBrowser();
try {
  await browser.page.goto(`${server.origin}/bench/blank`);
  const results = await browser.page.evaluate(({ runs, sets }) => new Promise((resolve, reject) => {
    const worker = new Worker('/bench/resolve-worker.js');
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = (event) => {
      if (event.data && event.data.bench) resolve(event.data.bench);
      if (event.data && event.data.error) reject(new Error(event.data.error));
    };
    worker.postMessage({ runs, sets });
  }), { runs, sets });
  const times = {};
  for (const [name, result] of Object.entries(results)) {
    await writeFile(join(dir, `${name}_wasm.csv`), result.csv);
    times[name] = { total_ms: result.total_ms, read_ms: result.read_ms, resolve_ms: result.resolve_ms, n_customers: result.n_customers };
  }
  console.log(JSON.stringify(times));
} finally {
  await browser.close();
  await server.close();
}
