// Runs inside a Web Worker for `cargo xtask bench influence`: loads Converge's worker wasm (its
// `influenceBench` API), reads the benchmark's edge list (`hSOURCE,hTARGET,weight` rows) into typed
// arrays, and times PageRank and Louvain on it in this thread. Posts one result object back.

importScripts('/worker.js');

const ready = wasm_bindgen('/worker_bg.wasm');

// A listener, not `onmessage`: Converge's worker runtime sets `onmessage` for itself when it starts.
self.addEventListener('message', async (event) => {
  const { runs } = event.data;
  if (!runs) return;
  await ready;
  const text = await (await fetch('/bench/edges.csv')).text();
  const lines = text.split('\n');
  const sources = new Uint32Array(lines.length);
  const targets = new Uint32Array(lines.length);
  const weights = new Float64Array(lines.length);
  let n = 0;
  for (let idx = 1; idx < lines.length; idx += 1) {
    const [source, target, weight] = lines[idx].split(',');
    if (!target) continue;
    sources[n] = Number(source.slice(1));
    targets[n] = Number(target.slice(1));
    weights[n] = Number(weight);
    n += 1;
  }
  const result = { n_rows: n, build_ms: [], pagerank_ms: [], louvain_ms: [] };
  for (let run = 0; run < runs; run += 1) {
    const [build, pagerank, louvain, modularity, communities, iterations, nodes, edges] =
      wasm_bindgen.influenceBench(sources.subarray(0, n), targets.subarray(0, n), weights.subarray(0, n));
    result.build_ms.push(build);
    result.pagerank_ms.push(pagerank);
    result.louvain_ms.push(louvain);
    Object.assign(result, { modularity, communities, iterations, nodes, edges });
  }
  self.postMessage({ bench: result });
});
