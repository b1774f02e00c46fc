import type { PagodaDevice } from "../device/request-device.js";

/**
 * True for software adapters that run shaders on the CPU (lavapipe/llvmpipe, SwiftShader).
 * There workgroup memory is ordinary cache and each barrier switches coroutines, so kernels
 * prefer one thread per row or output over cooperative workgroups.
 */
export function isCpuAdapter(gpu: PagodaDevice): boolean {
  const info = gpu.adapterInfo;
  return /llvmpipe|lavapipe|swiftshader/i.test(`${info.description} ${info.device} ${info.architecture}`);
}
