import type { SimDevice } from "./sim-device.js";

/**
 * This machine's CPU engine as the cost model sees it (F32 stories260K): written by
 * bench/calibrate.ts on 2026-11-22, mean absolute fit error 25.7 %.
 */
export const MEASURED_DEVICE: SimDevice = {
  name: "measured",
  peakFlopsPerSecond: 6.53683e+8,
  memoryBytesPerSecond: 8.94767e+8,
  memoryBytes: 34591744,
  memoryUtilization: 1,
  stepOverheadSeconds: 0.000633595,
  seqOverheadSeconds: 2.08907e-13,
  source: "fitted by bench/calibrate.ts to 537 stories260K CPU-engine steps (7 batch sizes, best of 3), 2-core Intel(R) Xeon(R) Processor, Node v20.20.2, load 4.75",
};
