import { GpuUnavailableError } from "./gpu-unavailable-error.js";

/** Browser stand-in for node-gpu.ts: without `navigator.gpu` this browser has no WebGPU. */
export async function nodeGpu(_hint: string): Promise<GPU> {
  throw new GpuUnavailableError(
    "gpu.no_webgpu",
    "WebGPU is not available: this browser (or worker) has no navigator.gpu; use a browser with WebGPU enabled, or the CPU executor",
  );
}
