import type { SimDevice } from "./sim-device.js";

/**
 * This machine's CPU engine as the cost model sees it (F32 stories260K): written by
 * bench/calibrate.ts on 2026-11-22, mean absolute fit error 23.4 %.
 */
export const MEASURED_DEVICE: SimDevice = {
  name: "measured",
  peakFlopsPerSecond: 8.00354e8,
  memoryBytesPerSecond: 5.11448e10,
  memoryBytes: 34592768,
  memoryUtilization: 1,
  stepOverheadSeconds: 0.000161663,
  seqOverheadSeconds: 0.000192336,
  source:
    "fitted by bench/calibrate.ts to 390 stories260K CPU-engine steps, 2-core Intel(R) Xeon(R) Processor, Node v20.20.2, load 4.26",
};
