import { describe, inject } from "vitest";

/** Whether the run's global set-up found a WebGPU adapter. */
export function gpuAvailable() {
  return inject("pagodaGpu")?.available === true;
}

/** `describe` for GPU tests: skipped (loudly, by the global set-up) when no adapter exists. */
export function describeGpu(name, fn) {
  return describe.skipIf(!gpuAvailable())(name, fn);
}
