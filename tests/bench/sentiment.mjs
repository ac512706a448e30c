// Browser side of `cargo xtask bench sentiment`: in one headless Chromium, a Web Worker scores the
// same texts with Converge's wasm and with the npm `vader-sentiment` port (the peer a web developer
// would reach for; served from node_modules for this run only, never shipped). Prints one JSON line.

import { readFile } from 'node:fs/promises';
import { serveDist, openBrowser } from '../e2e/harness.mjs';

const file = process.env.CONVERGE_BENCH_FILE;
const runs = Number(process.env.CONVERGE_BENCH_RUNS ?? 3);
const here = (path) => new URL(path, import.meta.url).pathname;

const server = await serveDist({
  '/bench/vader-sentiment.js': here('../../node_modules/vader-sentiment/build/vaderSentiment.bundle.js'),
  '/bench/sentiment-worker.js': here('./sentiment-worker.js'),
});
const browser = await openBrowser();
try {
  const texts = (await readFile(file, 'utf8')).split('\n').filter((line) => line.length > 0);
  // A blank page of the same origin: the bench needs none of the app, and no CSP of the app's.
  await browser.page.goto(`${server.origin}/bench/blank`);
  const result = await browser.page.evaluate(({ texts, runs }) => new Promise((resolve, reject) => {
    const worker = new Worker('/bench/sentiment-worker.js');
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = (event) => {
      if (event.data && event.data.bench) resolve(event.data.bench);
    };
    worker.postMessage({ texts, runs });
  }), { texts, runs });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
