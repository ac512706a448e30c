// Browser side of `cargo xtask bench ingest`: in one headless Chromium, time Converge's import
// (the app's worker, from the file input's change event to the dataset on screen) and PapaParse (the peer a web
// developer would reach for; served from node_modules for this run only, never shipped) on the
// same file. Prints one JSON line.

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { serveDist, openBrowser } from '../e2e/harness.mjs';

const file = process.env.CONVERGE_BENCH_FILE;
const runs = Number(process.env.CONVERGE_BENCH_RUNS ?? 3);
const papaparse = new URL('../../node_modules/papaparse/papaparse.min.js', import.meta.url).pathname;

const server = await serveDist({ '/bench/papaparse.min.js': papaparse });
const browser = await openBrowser();
const { page } = browser;
const name = basename(file).replace(/\.[^.]+$/, '');
const results = { bytes: (await stat(file)).size, converge_ms: [], papaparse_ms: [], rows: {} };
try {
  for (let run = 0; run < runs; run += 1) {
    await page.goto(`${server.origin}/`);
    await page.getByTestId('engine-status').filter({ hasText: 'Ready' }).waitFor({ timeout: 30_000 });
    // Timed in the page, from the file input's `change` (the moment PapaParse's timer would
    // start too) to the dataset's card appearing, so that handing the file to the browser is
    // not counted against either.
    const arrived = page.evaluate((name) => new Promise((resolve) => {
      const input = document.querySelector('[data-testid=file-input]');
      input.addEventListener('change', () => {
        const started = performance.now();
        const done = () => document.querySelector(`[data-testid=dataset][data-name="${name}"]`);
        const observer = new MutationObserver(() => {
          if (done()) {
            observer.disconnect();
            resolve(performance.now() - started);
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      }, { capture: true, once: true });
    }), name);
    await page.getByTestId('file-input').setInputFiles(file);
    const card = page.locator(`[data-testid=dataset][data-name="${name}"]`);
    await card.waitFor({ timeout: 600_000 });
    results.converge_ms.push(Math.round(await arrived));
    results.rows.converge = (await card.getByTestId('dataset-rows').textContent()).replaceAll(',', '');

    await page.addScriptTag({ url: '/bench/papaparse.min.js' });
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'bench-input';
      document.body.append(input);
    });
    await page.setInputFiles('#bench-input', file);
    const papa = await page.evaluate(() => new Promise((resolve, reject) => {
      const started = performance.now();
      window.Papa.parse(document.getElementById('bench-input').files[0], {
        header: true,
        dynamicTyping: true,
        skipEmptyLines: true,
        complete: (parsed) => resolve({ ms: performance.now() - started, rows: parsed.data.length }),
        error: reject,
      });
    }));
    results.papaparse_ms.push(Math.round(papa.ms));
    results.rows.papaparse = String(papa.rows);
  }
  console.log(JSON.stringify(results));
} finally {
  await browser.close();
  await server.close();
}
