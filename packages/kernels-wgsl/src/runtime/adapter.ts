import type { PagodaDevice } from "../device/request-device.js";

/**
 * True for software adapters that run shaders on the CPU (lavapipe/llvmpipe, SwiftShader), by
 * name or by the adapter's own `isFallbackAdapter`.
 * There workgroup memory is ordinary cache and each barrier switches coroutines, so kernels
 * prefer one thread per row or output over cooperative workgroups.
 */
export function isCpuAdapter(gpu: PagodaDevice): boolean {
  const info = gpu.adapterInfo as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  if (info.isFallbackAdapter === true) return true;
  return /llvmpipe|lavapipe|swiftshader/i.test(`${info.description} ${info.device} ${info.architecture}`);
}
