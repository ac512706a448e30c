// Runs inside a Web Worker for `cargo xtask bench cluster`: fetches the benchmark's CSV, loads
// Converge's worker wasm and times `kmeansInertia` (standardise + fit) on it. Posts one result.

importScripts('/worker.js');

const ready = wasm_bindgen('/worker_bg.wasm');

// A listener, not `onmessage`: Converge's worker runtime sets `onmessage` for itself.
self.addEventListener('message', async (event) => {
  const { runs, k, nInit } = event.data;
  if (!runs) return;
  try {
    await ready;
    const text = await (await fetch('/bench/cluster.csv')).text();
    const lines = text.split('\n').filter((line) => line.length > 0);
    const nFeatures = lines[0].split(',').length;
    const values = new Float64Array((lines.length - 1) * nFeatures);
    let at = 0;
    for (const line of lines.slice(1)) {
      for (const cell of line.split(',')) values[at++] = Number(cell);
    }
    const result = { n_rows: lines.length - 1, n_features: nFeatures, converge_ms: [], inertia: null };
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      result.inertia = wasm_bindgen.kmeansInertia(values, nFeatures, k, nInit, 0);
      result.converge_ms.push(performance.now() - started);
    }
    self.postMessage({ bench: result });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
});
