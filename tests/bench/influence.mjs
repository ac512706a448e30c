// Browser side of `cargo xtask bench influence`: in one headless Chromium, a Web Worker runs
// Converge's wasm PageRank and Louvain on the benchmark's edge list (served for this run only).
// Prints one JSON line.

import { serveDist, openBrowser } from '../e2e/harness.mjs';

const file = process.env.CONVERGE_BENCH_FILE;
const runs = Number(process.env.CONVERGE_BENCH_RUNS ?? 3);
const here = (path) => new URL(path, import.meta.url).pathname;

const server = await serveDist({
  '/bench/edges.csv': file,
  '/bench/influence-worker.js': here('./influence-worker.js'),
});
const browser = await openBrowser();
try {
  // A blank page of the same origin: the bench needs none of the app, and no CSP of the app's.
  await browser.page.goto(`${server.origin}/bench/blank`);
  const result = await browser.page.evaluate((runs) => new Promise((resolve, reject) => {
    const worker = new Worker('/bench/influence-worker.js');
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = (event) => {
      if (event.data && event.data.bench) resolve(event.data.bench);
    };
    worker.postMessage({ runs });
  }), runs);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
