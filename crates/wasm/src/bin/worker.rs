//! The Web Worker's entry point: Trunk builds this binary as `worker.js` + `worker_bg.wasm`.

fn main() {
    converge_wasm::worker::start();
}
