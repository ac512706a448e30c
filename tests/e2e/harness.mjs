// Shared by the end-to-end tests: a static server for dist/ (as any static host serves it) and a
// headless Chromium from Debian, driven by playwright-core, which downloads no browser.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile, stat, mkdir, mkdtemp, open } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export const DIST = process.env.CONVERGE_DIST ?? new URL('../../dist', import.meta.url).pathname;
export const OUT = process.env.CONVERGE_E2E_OUT ?? new URL('../../target/e2e', import.meta.url).pathname;
const CHROMIUM = process.env.CONVERGE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Serves DIST on a free loopback port; resolves to { origin, close }. `extra` maps URL paths to
 * files outside DIST (the benchmark's peer libraries).
 */
export async function serveDist(extra = {}) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = extra[path] ?? normalize(join(DIST, path));
      if (!extra[path] && !file.startsWith(normalize(DIST) + sep) && file !== normalize(DIST)) throw new Error('outside');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...(await headersFor(path)) });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * The headers dist/_headers (written by `cargo xtask csp`, Netlify's format) gives a path: the
 * worker's scripts carry the worker's own Content-Security-Policy, as a static host would send it.
 */
async function headersFor(path) {
  const text = await readFile(join(DIST, '_headers'), 'utf8').catch(() => '');
  const headers = {};
  let applies = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      applies = line.trim() === path;
    } else if (applies) {
      const [name, ...value] = line.trim().split(':');
      headers[name.trim()] = value.join(':').trim();
    }
  }
  return headers;
}

/**
 * Opens a fresh headless Chromium page that records every network request, console error and
 * uncaught exception, from the page and from its workers.
 */
export async function openBrowser() {
  const userDataDir = await mkdtemp(join(tmpdir(), 'converge-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests = [];
  const errors = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('worker', (worker) => {
    worker.on('close', () => {});
  });
  return { context, page, requests, errors, close: () => context.close() };
}

/** Requests that went anywhere but `origin` (data: and blob: URLs never leave the browser). */
export function foreignRequests(requests, origin) {
  return requests.filter(
    (url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'),
  );
}

export async function screenshot(page, name) {
  await mkdir(OUT, { recursive: true });
  const path = join(OUT, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A fixture of the ingestion tests, by file name. */
export function fixture(name) {
  return new URL(`../data/ingest/${name}`, import.meta.url).pathname;
}

/** A generated CSV of `n_rows` orders, written once to OUT/<name>.csv and reused. */
export async function bigCsv(n_rows, name = 'big') {
  await mkdir(OUT, { recursive: true });
  const path = join(OUT, `${name}.csv`);
  const existing = await stat(path).catch(() => null);
  if (existing && existing.size > n_rows * 30) return path;
  const handle = await open(path, 'w');
  await handle.write('row,email,amount,order_date,channel\n');
  const chunk = 100_000;
  for (let start = 0; start < n_rows; start += chunk) {
    const lines = [];
    for (let i = start; i < Math.min(n_rows, start + chunk); i += 1) {
      lines.push(`${i},customer${i % 50000}@example.com,${(i % 10000) / 100},2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},${['web', 'app', 'store'][i % 3]}\n`);
    }
    await handle.write(lines.join(''));
  }
  await handle.close();
  return path;
}

/**
 * `converge replay FILE --rate RATE` (binary `bin`) on a free port; resolves to { url, wsUrl,
 * stop }: the same records as Server-Sent Events at `url` and WebSocket at `wsUrl`.
 */
export async function startReplay(bin, file, rate) {
  const child = spawn(bin, ['replay', file, '--rate', String(rate), '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const [url, wsUrl] = await new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (chunk) => {
      text += chunk;
      const found = text.match(/on (http:\/\/127\.0\.0\.1:\d+\/events) \(SSE\) and (ws:\/\/127\.0\.0\.1:\d+\/ws)/);
      if (found) resolve([found[1], found[2]]);
    });
    child.on('exit', (code) => reject(new Error(`converge replay exited (${code}): ${text}`)));
  });
  return { url, wsUrl, stop: () => child.kill() };
}
