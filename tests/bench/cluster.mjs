// Browser side of `cargo xtask bench cluster`: in one headless Chromium, a Web Worker fits
// k-means with Converge's wasm (`kmeansInertia`, as `converge cluster --standardize` fits) on the
// same generated customers the native run used. Prints one JSON line: the times and the inertia.

import { serveDist, openBrowser } from '../e2e/harness.mjs';

const file = process.env.CONVERGE_BENCH_FILE;
const runs = Number(process.env.CONVERGE_BENCH_RUNS ?? 3);
const k = Number(process.env.CONVERGE_BENCH_K ?? 8);
const nInit = Number(process.env.CONVERGE_BENCH_N_INIT ?? 10);
const here = (path) => new URL(path, import.meta.url).pathname;

const server = await serveDist({
  '/bench/cluster.csv': file,
  '/bench/cluster-worker.js': here('./cluster-worker.js'),
});
const browser = await openBrowser();
try {
  await browser.page.goto(`${server.origin}/bench/blank`);
  const result = await browser.page.evaluate(({ runs, k, nInit }) => new Promise((resolve, reject) => {
    const worker = new Worker('/bench/cluster-worker.js');
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = (event) => {
      if (event.data && event.data.bench) resolve(event.data.bench);
      if (event.data && event.data.error) reject(new Error(event.data.error));
    };
    worker.postMessage({ runs, k, nInit });
  }), { runs, k, nInit });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
