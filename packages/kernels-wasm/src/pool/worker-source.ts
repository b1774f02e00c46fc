// The pool worker, as source text: started with `new Worker(code, { eval: true })` in Node and
// from a Blob URL in browsers, so it loads the same way from the TS sources (vitest) and from
// dist. It instantiates the posted module on the posted shared memory, then loops: spin on the
// generation word for `spinMicros`, then Atomics.wait; run its share; decrement `pending` and
// wake the caller when it was the last. Offsets are those of control.ts.

/** JavaScript source of a pool worker. */
export const WORKER_SOURCE = `"use strict";
function start(data, post) {
  const { module, memory, ctrl: base, index, threads, spinMicros } = data;
  let instance;
  try {
    instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasm abort"); } } });
  } catch (err) {
    post({ type: "error", message: String(err && err.message || err) });
    return;
  }
  const run = instance.exports.run;
  const ctrl = new Int32Array(memory.buffer, base, 16);
  const args = base + 64;
  // Read the generation before saying ready: the caller may dispatch as soon as it hears it.
  let gen = Atomics.load(ctrl, 0);
  post({ type: "ready" });
  for (;;) {
    let g = Atomics.load(ctrl, 0);
    if (g === gen) {
      const until = performance.now() + spinMicros / 1000;
      let k = 0;
      while ((g = Atomics.load(ctrl, 0)) === gen) {
        if ((++k & 127) === 0 && performance.now() > until) {
          Atomics.add(ctrl, 5, 1);
          Atomics.wait(ctrl, 0, gen);
          Atomics.sub(ctrl, 5, 1);
        }
      }
    }
    gen = g;
    if (Atomics.load(ctrl, 4) !== 0) break;
    try {
      run(Atomics.load(ctrl, 2), args, index, threads);
    } catch (err) {
      Atomics.compareExchange(ctrl, 3, 0, index + 1);
    }
    if (Atomics.sub(ctrl, 1, 1) === 1) Atomics.notify(ctrl, 1);
  }
  post({ type: "stopped" });
}
if (typeof process !== "undefined" && process.versions && process.versions.node) {
  const { parentPort, workerData } = require("node:worker_threads");
  start(workerData, (m) => parentPort.postMessage(m));
} else {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
}
`;
