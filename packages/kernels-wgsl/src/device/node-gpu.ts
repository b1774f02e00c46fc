import { GpuUnavailableError } from "./gpu-unavailable-error.js";

// Node's WebGPU: Dawn through the `webgpu` package. package.json's `browser` field swaps this
// module for node-gpu.browser.ts, so a page's bundle never tries to include Dawn's bindings.

/** Loads Dawn and returns its `GPU`; `hint` says how to get a driver when it cannot load. */
export async function nodeGpu(hint: string): Promise<GPU> {
  if (typeof process !== "undefined" && !process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = "/tmp";
  let mod: typeof import("webgpu");
  try {
    mod = await import("webgpu");
  } catch (cause) {
    throw new GpuUnavailableError(
      "gpu.no_webgpu",
      `WebGPU is not available: neither navigator.gpu nor the 'webgpu' package could be loaded. ${hint}`,
      { cause },
    );
  }
  Object.assign(globalThis, mod.globals);
  return mod.create([]);
}
