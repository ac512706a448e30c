// Runs inside a Web Worker for `cargo xtask bench sentiment`: loads Converge's worker wasm (its
// `scoreSentiment` API) and the npm `vader-sentiment` port, then times both on the texts it is
// sent, alternately, in the same thread. Posts one result object back.

self.exports = {};
importScripts('/bench/vader-sentiment.js');
importScripts('/worker.js');

const ready = wasm_bindgen('/worker_bg.wasm');

// A listener, not `onmessage`: Converge's worker runtime sets `onmessage` for itself when it starts
// (and answers this message as unreadable, which the page ignores).
self.addEventListener('message', async (event) => {
  const { texts, runs } = event.data;
  if (!texts) return;
  await ready;
  const analyzer = self.exports.SentimentIntensityAnalyzer;
  const result = { n_texts: texts.length, converge_ms: [], vader_js_ms: [] };
  let ours = null;
  let theirs = null;
  for (let run = 0; run < runs; run += 1) {
    let started = performance.now();
    ours = wasm_bindgen.scoreSentiment(texts);
    result.converge_ms.push(performance.now() - started);
    started = performance.now();
    theirs = texts.map((text) => analyzer.polarity_scores(text).compound);
    result.vader_js_ms.push(performance.now() - started);
  }
  let agree = 0;
  for (let idx = 0; idx < texts.length; idx += 1) {
    if (Math.abs(ours[idx] - theirs[idx]) < 1e-3) agree += 1;
  }
  result.agree = agree;
  self.postMessage({ bench: result });
});
