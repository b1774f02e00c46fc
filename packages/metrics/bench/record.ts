/**
 * Cost of feeding the recorder: one token event, one step record (with and without the roofline
 * report), with and without the Prometheus exporter attached, and one snapshot.
 * Run: pnpm --filter @pagoda/metrics bench
 */
import { DEVICE_PROFILES, LLAMA_2_7B, MetricsRecorder, type StepRecord } from "../src/index.js";
import { PrometheusExporter } from "../src/prometheus/index.js";

const IN_FLIGHT = 256;

/**
 * Median over rounds of the nanoseconds per operation of `body(n)`, which does n operations:
 * process CPU time (robust on a shared, loaded machine) and wall time.
 */
function measure(name: string, n: number, body: (n: number) => void, rounds = 7): void {
  body(n); // warm-up: JIT and caches
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    body(n);
    wall.push(((performance.now() - t0) * 1e6) / n);
    const c = process.cpuUsage(c0);
    cpu.push(((c.user + c.system) * 1e3) / n);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(rounds / 2)] ?? Number.NaN;
  const fmt = (x: number) => x.toFixed(1).padStart(9);
  console.log(`${name.padEnd(56)} ${fmt(median(cpu))} ${fmt(median(wall))}`);
}

/** A recorder with IN_FLIGHT requests that already have their first token. */
function warmRecorder(withExporter: boolean): { rec: MetricsRecorder; ids: string[] } {
  const rec = new MetricsRecorder({
    bottleneck: { model: LLAMA_2_7B, device: DEVICE_PROFILES["A100-80GB"] },
  });
  if (withExporter) rec.addSink(new PrometheusExporter({ modelName: "llama-2-7b" }));
  const ids = Array.from({ length: IN_FLIGHT }, (_, i) => `req-${i}`);
  for (const id of ids) {
    rec.record({ kind: "arrived", requestId: id, time: 0, numPromptTokens: 100 });
    rec.record({ kind: "scheduled", requestId: id, time: 0 });
    rec.record({ kind: "token", requestId: id, time: 0.001 });
  }
  return { rec, ids };
}

function tokenLoop(withExporter: boolean) {
  const { rec, ids } = warmRecorder(withExporter);
  let time = 1;
  return (n: number) => {
    for (let i = 0; i < n; i++) {
      time += 1e-5;
      // A fresh event object per token, as the engine would emit it.
      rec.record({ kind: "token", requestId: ids[i % IN_FLIGHT] ?? "", time });
    }
  };
}

const STEP: StepRecord = {
  numPrefillTokens: 0,
  numDecodeTokens: IN_FLIGHT,
  numSeqs: IN_FLIGHT,
  prefillSeconds: 0,
  decodeSeconds: 0.02,
  kvCacheUsage: 0.6,
  numRunning: IN_FLIGHT,
  numWaiting: 12,
  numSwapped: 0,
  prefixCacheQueries: 0,
  prefixCacheHits: 0,
  numPreemptions: 0,
};
const BATCH = {
  numNewTokens: new Int32Array(IN_FLIGHT).fill(1),
  numContextTokens: Int32Array.from({ length: IN_FLIGHT }, (_, i) => 100 + i * 7),
};

function stepLoop(withExporter: boolean, withBatch: boolean) {
  const { rec } = warmRecorder(withExporter);
  const step: StepRecord = withBatch ? { ...STEP, batch: BATCH } : STEP;
  return (n: number) => {
    for (let i = 0; i < n; i++) rec.recordStep(step);
  };
}

function lifecycleLoop(withExporter: boolean) {
  const { rec } = warmRecorder(withExporter);
  let k = 0;
  return (n: number) => {
    for (let i = 0; i < n; i++) {
      const id = `life-${k++}`;
      rec.record({ kind: "arrived", requestId: id, time: k, numPromptTokens: 50 });
      rec.record({ kind: "scheduled", requestId: id, time: k + 0.1 });
      for (let t = 1; t <= 16; t++) rec.record({ kind: "token", requestId: id, time: k + 0.1 + t * 0.01 });
      rec.record({ kind: "finished", requestId: id, time: k + 0.3, reason: "length" });
    }
  };
}

console.log(`Node ${process.version}, ${IN_FLIGHT} requests in flight, Llama-2-7B shape, A100 profile`);
console.log(
  `${"ns per operation (median of 7 rounds)".padEnd(56)} ${"CPU".padStart(9)} ${"wall".padStart(9)}`,
);
measure("token event (core recorder)", 2_000_000, tokenLoop(false));
measure("token event (+ PrometheusExporter sink)", 1_000_000, tokenLoop(true));
measure("step record, no batch shape (core)", 1_000_000, stepLoop(false, false));
measure(`step record + roofline over ${IN_FLIGHT} seqs (core)`, 200_000, stepLoop(false, true));
measure(`step record + roofline (+ PrometheusExporter sink)`, 200_000, stepLoop(true, true));
measure("request lifecycle, 16 tokens (core)", 100_000, lifecycleLoop(false));
measure("request lifecycle, 16 tokens (+ PrometheusExporter)", 50_000, lifecycleLoop(true));
const { rec } = warmRecorder(false);
measure("snapshot()", 2_000, (n) => {
  for (let i = 0; i < n; i++) rec.snapshot();
});
