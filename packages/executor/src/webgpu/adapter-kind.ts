import { isCpuAdapter, requestDevice } from "@pagoda/kernels-wgsl";

/** What WebGPU offers here: a hardware adapter, a software one (shaders on the CPU), or none. */
export interface WebGpuProbe {
  readonly kind: "hardware" | "software" | "none";
  /** The adapter's description, or why there is none. */
  readonly detail: string;
}

/**
 * Asks for a WebGPU device once and lets it go, to choose a backend: on a software adapter
 * (lavapipe, SwiftShader) the WebAssembly executor uses the same cores better.
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  try {
    const gpu = await requestDevice();
    const info = gpu.adapterInfo;
    const detail = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ");
    gpu.device.destroy();
    return { kind: isCpuAdapter(gpu) ? "software" : "hardware", detail };
  } catch (err) {
    return { kind: "none", detail: err instanceof Error ? err.message : String(err) };
  }
}
