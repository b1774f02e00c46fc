// Calibrates the `measured` device profile: runs stories260K on this machine's CPU engine at
// several batch sizes, fits the cost model's constants to the measured steps, and writes them
// to src/sim/measured-profile.ts. Run: pnpm --filter @pagoda/bench bench:calibrate
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { createEngine } from "@pagoda/engine";
import { modelParamCounts } from "@pagoda/metrics";
import { buildTrace, fitDevice, type MeasuredStep, resolveModel, runEngine } from "../src/index.js";

const MODEL = process.env.PAGODA_MODEL ?? "/work/shared/models/stories260K";
const KV_BYTES = 32 * 1024 * 1024; // createEngine's default KV budget
const shape = resolveModel("stories260k").shape;

// One unmeasured run first: V8 compiles the hot loops during the first few hundred steps.
const warm = await createEngine({ model: MODEL, device: "cpu", maxNumSeqs: 16 });
await runEngine(
  warm,
  buildTrace({ numPrompts: 48, requestRate: Infinity, inputLen: 48, outputLen: 32, seed: 99 }),
);
await warm.close();

const steps: MeasuredStep[] = [];
for (const batch of [1, 3, 8, 24, 48]) {
  const llm = await createEngine({ model: MODEL, device: "cpu", maxNumSeqs: batch });
  // Calibration trace: uniform lengths (prompts 24–72, outputs 16–48); fidelity uses another mix.
  const trace = buildTrace({
    numPrompts: batch * 2,
    requestRate: Infinity,
    inputLen: 48,
    outputLen: 32,
    rangeRatio: 0.5,
    seed: 100 + batch,
  });
  const run = await runEngine(llm, trace, { seed: batch });
  await llm.close();
  steps.push(...run.steps);
  console.error(
    `batch ${batch}: ${run.steps.length} steps, ${run.result.output_throughput.toFixed(0)} tok/s`,
  );
}
const weights = modelParamCounts(shape).total * shape.weightBytesPerParam;
const fit = fitDevice(
  shape,
  steps.map((s) => ({ batch: s.shape.batch, seconds: s.seconds })),
  {
    name: "measured",
    memoryBytes: KV_BYTES + weights,
    memoryUtilization: 1,
    source: `fitted by bench/calibrate.ts to ${steps.length} stories260K CPU-engine steps, ${cpus().length}-core ${cpus()[0]?.model.trim()}, Node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`,
  },
);
console.error(`fit error ${(fit.meanAbsRelError * 100).toFixed(1)} % over ${fit.numSteps} steps`);
const d = fit.device;
const file = `import type { SimDevice } from "./sim-device.js";

/**
 * This machine's CPU engine as the cost model sees it (F32 stories260K): written by
 * bench/calibrate.ts on ${new Date().toISOString().slice(0, 10)}, mean absolute fit error ${(fit.meanAbsRelError * 100).toFixed(1)} %.
 */
export const MEASURED_DEVICE: SimDevice = {
  name: "measured",
  peakFlopsPerSecond: ${d.peakFlopsPerSecond.toPrecision(6)},
  memoryBytesPerSecond: ${d.memoryBytesPerSecond.toPrecision(6)},
  memoryBytes: ${d.memoryBytes},
  memoryUtilization: 1,
  stepOverheadSeconds: ${d.stepOverheadSeconds.toPrecision(6)},
  seqOverheadSeconds: ${d.seqOverheadSeconds.toPrecision(6)},
  source: ${JSON.stringify(d.source)},
};
`;
await writeFile(new URL("../src/sim/measured-profile.ts", import.meta.url), file);
console.log(JSON.stringify({ ...d, meanAbsRelError: fit.meanAbsRelError, numSteps: fit.numSteps }, null, 2));
