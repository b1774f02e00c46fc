import type { SimDevice } from "./sim-device.js";

/**
 * This machine's CPU engine as the cost model sees it (F32 stories260K): written by
 * bench/calibrate.ts on 2026-12-02, mean absolute fit error 3.2 %.
 */
export const MEASURED_DEVICE: SimDevice = {
  name: "measured",
  peakFlopsPerSecond: 1055830000,
  memoryBytesPerSecond: 855830000000,
  memoryBytes: 34591744,
  memoryUtilization: 1,
  stepOverheadSeconds: 0.0000589369,
  seqOverheadSeconds: 0.0000760163,
  source:
    "fitted by bench/calibrate.ts to 537 stories260K CPU-engine steps (7 batch sizes, fastest of 3 repeats per step), 2-core Intel(R) Xeon(R) Processor, Node v20.20.2, load 1.87",
};
