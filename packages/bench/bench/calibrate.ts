// Calibrates the `measured` device profile: runs stories260K on this machine's CPU engine at
// several batch sizes, fits the cost model's constants to the measured steps, and writes them
// to src/sim/measured-profile.ts. Run: pnpm --filter @pagoda/bench bench:calibrate

import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { createEngine } from "@pagoda/engine";
import { modelParamCounts } from "@pagoda/metrics";
import { buildTrace, fitDevice, type MeasuredStep, resolveModel, runEngine } from "../src/index.js";

const MODEL =
  process.env.PAGODA_MODEL ??
  fileURLToPath(new URL("../../../../shared/models/stories260K", import.meta.url));
const KV_BYTES = 32 * 1024 * 1024; // createEngine's default KV budget
const shape = resolveModel("stories260k").shape;

// One unmeasured run first: V8 compiles the hot loops during the first few hundred steps.
const warm = await createEngine({ model: MODEL, device: "cpu", maxNumSeqs: 16 });
await runEngine(
  warm,
  buildTrace({ numPrompts: 48, requestRate: Infinity, inputLen: 48, outputLen: 32, seed: 99 }),
);
await warm.close();

// Each batch size runs REPEATS times. The scheduler decides the same steps every time, so step i
// of one repeat has the batch of step i of another: the fastest of the repeats' times for each
// step is the machine's speed with the least interference from other processes. Each batch
// size gets the same weight in the fit however many steps it took.
const REPEATS = Number(process.env.REPEATS ?? 3);
const steps: Array<{ batch: MeasuredStep["shape"]["batch"]; seconds: number; weight: number }> = [];
let numSteps = 0;
for (const batch of [1, 2, 4, 8, 16, 32, 48]) {
  // Calibration trace: uniform lengths (prompts 24–72, outputs 16–48); fidelity uses another mix.
  const trace = buildTrace({
    numPrompts: batch * 2,
    requestRate: Infinity,
    inputLen: 48,
    outputLen: 32,
    rangeRatio: 0.5,
    seed: 100 + batch,
  });
  const runs: MeasuredStep[][] = [];
  for (let i = 0; i < REPEATS; i++) {
    const llm = await createEngine({ model: MODEL, device: "cpu", maxNumSeqs: batch });
    runs.push((await runEngine(llm, trace, { seed: batch })).steps);
    await llm.close();
  }
  const first = runs[0] as MeasuredStep[];
  if (runs.some((r) => r.length !== first.length))
    throw new Error(`batch ${batch}: repeats scheduled different steps`);
  first.forEach((s, i) => {
    const seconds = Math.min(...runs.map((r) => (r[i] as MeasuredStep).seconds));
    steps.push({ batch: s.shape.batch, seconds, weight: 1 / first.length });
  });
  numSteps += first.length;
  const total = steps.slice(-first.length).reduce((t, s) => t + s.seconds, 0);
  console.error(
    `batch ${batch}: ${first.length} steps, ${(total * 1000).toFixed(0)} ms (fastest of ${REPEATS} per step)`,
  );
}
const weights = modelParamCounts(shape).total * shape.weightBytesPerParam;
const fit = fitDevice(shape, steps, {
  name: "measured",
  memoryBytes: KV_BYTES + weights,
  memoryUtilization: 1,
  source: `fitted by bench/calibrate.ts to ${numSteps} stories260K CPU-engine steps (7 batch sizes, fastest of ${REPEATS} repeats per step), ${cpus().length}-core ${cpus()[0]?.model.trim()}, Node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`,
});
console.error(`fit error ${(fit.meanAbsRelError * 100).toFixed(1)} % over ${fit.numSteps} steps`);
const d = fit.device;
const file = `import type { SimDevice } from "./sim-device.js";

/**
 * This machine's CPU engine as the cost model sees it (F32 stories260K): written by
 * bench/calibrate.ts on ${new Date().toISOString().slice(0, 10)}, mean absolute fit error ${(fit.meanAbsRelError * 100).toFixed(1)} %.
 */
export const MEASURED_DEVICE: SimDevice = {
  name: "measured",
  peakFlopsPerSecond: ${Number(d.peakFlopsPerSecond.toPrecision(6))},
  memoryBytesPerSecond: ${Number(d.memoryBytesPerSecond.toPrecision(6))},
  memoryBytes: ${d.memoryBytes},
  memoryUtilization: 1,
  stepOverheadSeconds: ${Number(d.stepOverheadSeconds.toPrecision(6))},
  seqOverheadSeconds: ${Number(d.seqOverheadSeconds.toPrecision(6))},
  source:
    ${JSON.stringify(d.source)},
};
`;
await writeFile(new URL("../src/sim/measured-profile.ts", import.meta.url), file);
console.log(JSON.stringify({ ...d, meanAbsRelError: fit.meanAbsRelError, numSteps: fit.numSteps }, null, 2));
