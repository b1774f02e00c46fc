// Policy study: the six built-in policies on one trace, simulated Llama-2-7B on an A100-80GB,
// and the KV waste of contiguous pre-allocation against paging on the same trace.
// Run: pnpm --filter @pagoda/bench bench:policies
import { writeFile } from "node:fs/promises";
import { measureWaste } from "@pagoda/kv-paging";
import { modelParamCounts } from "@pagoda/metrics";
import { policyNames } from "@pagoda/scheduler";
import { buildTrace, formatTable, kvBlocksFor, resolveDevice, resolveModel, simulate } from "../src/index.js";

const model = resolveModel("llama-2-7b");
const device = resolveDevice("a100-80gb");
const goodput = { ttft: 2000, tpot: 60 };
const trace = {
  numPrompts: 3000,
  requestRate: Number(process.env.RATE ?? 7.5), // about the A100's capacity on this mix: queues form in bursts
  burstiness: 0.5,
  dataset: "lognormal" as const,
  inputLen: 384,
  outputLen: 192,
  maxModelLen: model.maxModelLen,
  seed: 2024,
};
const requests = buildTrace(trace);
const rows = [];
for (const policy of policyNames()) {
  const t0 = performance.now();
  const sim = await simulate({ model, device, requests, policy, goodput });
  const r = sim.result;
  rows.push({
    policy,
    wall_s: (performance.now() - t0) / 1000,
    preemptions: sim.numPreemptions,
    output_throughput: r.output_throughput,
    request_throughput: r.request_throughput,
    ttft_p50_ms: r.ttft_ms.p50,
    ttft_p99_ms: r.ttft_ms.p99,
    tpot_p50_ms: r.tpot_ms.p50,
    tpot_p99_ms: r.tpot_ms.p99,
    goodput_rps: r.goodput?.request_goodput ?? 0,
    goodput_fraction: r.goodput?.fraction ?? 0,
    result: r,
  });
}
const waste = measureWaste(
  requests.map((r) => ({ promptTokens: r.inputLen, outputTokens: r.outputLen })),
  { maxModelLen: model.maxModelLen, blockSize: 16 },
);
// How many of this trace's requests the A100's KV memory holds at once under each scheme.
const weightBytes = modelParamCounts(model.shape).total * model.shape.weightBytesPerParam;
const kvTokens = (kvBlocksFor(model, device, 16, weightBytes) - 1) * 16;
const meanPeak = waste.paged.atPeak.usedTokens / waste.numRequests;
const concurrency = {
  kv_tokens: kvTokens,
  contiguous: Math.floor(kvTokens / model.maxModelLen),
  paged: Math.floor(kvTokens / (waste.paged.atPeak.reservedTokens / waste.numRequests)),
  mean_tokens_at_peak: meanPeak,
};
const out = { model: model.name, device: device.name, trace, goodput, rows, kv_waste: waste, concurrency };
await writeFile(new URL("./results/policies.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(
  formatTable(
    [
      "policy",
      "out tok/s",
      "req/s",
      "TTFT p50",
      "TTFT p99",
      "TPOT p50",
      "TPOT p99",
      "goodput req/s",
      "met %",
      "preempt",
    ],
    rows.map((r) => [
      r.policy,
      r.output_throughput,
      r.request_throughput,
      r.ttft_p50_ms ?? Number.NaN,
      r.ttft_p99_ms ?? Number.NaN,
      r.tpot_p50_ms ?? Number.NaN,
      r.tpot_p99_ms ?? Number.NaN,
      r.goodput_rps,
      r.goodput_fraction * 100,
      r.preemptions,
    ]),
  ),
);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
console.log(
  `KV waste (max_model_len ${waste.maxModelLen}, block ${waste.blockSize}): contiguous ${pct(waste.contiguous.overLifetime.wasteFraction)} over lifetime / ${pct(waste.contiguous.atPeak.wasteFraction)} at peak; paged ${pct(waste.paged.overLifetime.wasteFraction)} / ${pct(waste.paged.atPeak.wasteFraction)}`,
);
console.log(
  `KV cache ${kvTokens} tokens: ${concurrency.contiguous} requests fit at once when each reserves ${model.maxModelLen}; ${concurrency.paged} when each holds its own blocks (mean ${meanPeak.toFixed(0)} tokens at peak)`,
);
