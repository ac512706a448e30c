// Runs inside a Web Worker for `cargo xtask bench resolve`: fetches each data set's CSV files,
// loads Converge's worker wasm and times `resolveBench` (ingestion, field mapping and identity
// resolution, one thread, as `converge resolve` does them; `total_ms` by the page's clock, the
// split into reading and resolving by `Date.now`, to the millisecond). Posts one result.

importScripts('/worker.js');

const ready = wasm_bindgen('/worker_bg.wasm');

// A listener, not `onmessage`: Converge's worker runtime sets `onmessage` for itself.
self.addEventListener('message', async (event) => {
  const { runs, sets } = event.data;
  if (!runs) return;
  try {
    await ready;
    const results = {};
    for (const { name, files, id } of sets) {
      const contents = [];
      for (const file of files) contents.push(await (await fetch(`/bench/data/${file}`)).text());
      // Each file is named as the native run names it: its own name, without the folder.
      const names = files.map((file) => file.split('/').pop());
      const result = { total_ms: [], read_ms: [], resolve_ms: [], n_customers: 0, csv: '' };
      // One run untimed: the engine compiles hot code again, optimised, once it has run.
      wasm_bindgen.resolveBench(names, contents, id ?? undefined);
      for (let run = 0; run < runs; run += 1) {
        const started = performance.now();
        const [readMs, resolveMs, nCustomers, csv] = wasm_bindgen.resolveBench(names, contents, id ?? undefined);
        result.total_ms.push(performance.now() - started);
        result.read_ms.push(readMs);
        result.resolve_ms.push(resolveMs);
        result.n_customers = nCustomers;
        result.csv = csv;
      }
      results[name] = result;
    }
    self.postMessage({ bench: results });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
});
