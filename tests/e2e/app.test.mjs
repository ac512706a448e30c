// The app end to end, in headless Chromium against the release build in dist/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, foreignRequests, screenshot } from './harness.mjs';

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

const READY = { timeout: 30_000 };

async function waitForEngine(page) {
  await page.getByTestId('engine-status').filter({ hasText: 'Ready' }).waitFor(READY);
}

test('the demo loads in the worker and its table appears, with nothing leaving the page', async () => {
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.goto(`${server.origin}/`);
    await waitForEngine(page);
    await page.getByTestId('empty-state').waitFor();
    await screenshot(page, 'empty-state.png');

    await page.getByTestId('load-demo').click();
    const dataset = page.getByTestId('dataset');
    await dataset.waitFor(READY);
    assert.equal(await dataset.getByTestId('dataset-rows').textContent(), '10,000');
    assert.equal(await dataset.getByTestId('dataset-columns').textContent(), '10');
    assert.equal(await dataset.locator('h2').textContent(), 'crm_customers');
    // The preview is a page of rows asked of the worker.
    await dataset.locator('tbody tr').first().waitFor(READY);
    assert.equal(await dataset.locator('tbody tr').count(), 12);
    assert.equal(await dataset.locator('tbody tr').first().locator('td').nth(1).textContent(), 'C000001');
    await waitForEngine(page);
    const path = await screenshot(page, 'data-view.png');
    console.log(`screenshot: ${path}`);

    // The worker really ran: the page fetched its script and its wasm from this origin.
    assert.ok(browser.requests.some((url) => url.endsWith('/worker_bg.wasm')), browser.requests.join('\n'));
    const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.deepEqual(foreignRequests([...browser.requests, ...resources], server.origin), []);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});

test('a long job reports progress, keeps the page responsive and can be cancelled', async () => {
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.goto(`${server.origin}/?demo_customers=2000000`);
    await waitForEngine(page);
    // Measure the longest gap between timer ticks on the page while the worker works.
    await page.evaluate(() => {
      window.__gaps = [];
      let last = performance.now();
      window.__ticker = setInterval(() => {
        const now = performance.now();
        window.__gaps.push(now - last);
        last = now;
      }, 10);
    });
    await page.getByTestId('load-demo').click();
    const progress = page.locator('.status-bar progress');
    await progress.waitFor(READY);
    await page.waitForFunction(() => Number(document.querySelector('.status-bar progress')?.value) > 0.02, null, READY);
    const phase = await page.getByTestId('engine-status').textContent();
    assert.match(phase, /Generating demo customers/);
    await screenshot(page, 'progress.png');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('notice').filter({ hasText: 'Cancelled.' }).waitFor(READY);
    await waitForEngine(page);
    const longestGap = await page.evaluate(() => {
      clearInterval(window.__ticker);
      return Math.max(...window.__gaps);
    });
    assert.ok(longestGap < 250, `the page froze for ${longestGap} ms while the worker ran`);
    assert.equal(await page.getByTestId('dataset').count(), 0);
    await page.getByTestId('empty-state').waitFor();
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});

test('a crash in the worker is reported and the app recovers', async () => {
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.goto(`${server.origin}/?diagnostics&demo_customers=500`);
    await waitForEngine(page);
    await page.getByTestId('load-demo').click();
    await page.getByTestId('dataset').waitFor(READY);

    await page.getByTestId('crash-engine').click();
    const notice = page.getByTestId('notice').filter({ hasText: 'stopped unexpectedly' });
    await notice.waitFor(READY);
    await notice.getByText('Technical detail').click();
    assert.match(await notice.locator('pre').textContent(), /asked to crash/);
    // What the dead worker held is gone, and the user is told to load it again.
    await page.getByTestId('empty-state').waitFor();
    await waitForEngine(page);
    await screenshot(page, 'after-crash.png');

    // The new worker works.
    await page.getByTestId('load-demo').click();
    const dataset = page.getByTestId('dataset');
    await dataset.waitFor(READY);
    assert.equal(await dataset.getByTestId('dataset-rows').textContent(), '500');
    // The only errors are the panic itself, reported by the worker.
    const unexpected = browser.errors.filter((e) => !/asked to crash|unreachable|RuntimeError/.test(e));
    assert.deepEqual(unexpected, []);
  } finally {
    await browser.close();
  }
});
