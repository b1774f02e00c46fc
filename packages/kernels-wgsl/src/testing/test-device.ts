import { type PagodaDevice, type RequestDeviceOptions, requestDevice } from "../device/request-device.js";
import { KernelContext } from "../runtime/kernel-context.js";

/** A device and kernel context for a GPU test file; call `destroy()` in `afterAll`. */
export async function testDevice(options: RequestDeviceOptions = {}) {
  const gpu: PagodaDevice = await requestDevice(options);
  const ctx = new KernelContext(gpu);
  return {
    gpu,
    ctx,
    device: gpu.device,
    destroy() {
      ctx.destroy();
      gpu.device.destroy();
    },
  };
}

/** Variants every kernel test runs: all optional features, and none of them. */
export const FEATURE_SETS: readonly { name: string; options: RequestDeviceOptions }[] = [
  { name: "all features", options: {} },
  { name: "no shader-f16/subgroups", options: { disableFeatures: ["shader-f16", "subgroups"] } },
];
