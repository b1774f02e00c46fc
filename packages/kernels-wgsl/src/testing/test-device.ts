import { type PagodaDevice, type RequestDeviceOptions, requestDevice } from "../device/request-device.js";
import { KernelContext } from "../runtime/kernel-context.js";

/**
 * A device and kernel context for a GPU test file. WebGPU reports validation errors without
 * throwing, so they are collected here and `destroy()` (call it in `afterAll`) fails the file
 * when any occurred.
 */
export async function testDevice(options: RequestDeviceOptions = {}) {
  const gpu: PagodaDevice = await requestDevice(options);
  const ctx = new KernelContext(gpu);
  const errors: string[] = [];
  gpu.device.onuncapturederror = (event) => errors.push(event.error.message);
  return {
    gpu,
    ctx,
    device: gpu.device,
    errors,
    async destroy() {
      await gpu.device.queue.onSubmittedWorkDone();
      ctx.destroy();
      gpu.device.destroy();
      if (errors.length > 0) throw new Error(`WebGPU errors:\n${errors.join("\n")}`);
    },
  };
}

/** Variants every kernel test runs: all optional features, and none of them. */
export const FEATURE_SETS: readonly { name: string; options: RequestDeviceOptions }[] = [
  { name: "all features", options: {} },
  { name: "no shader-f16/subgroups", options: { disableFeatures: ["shader-f16", "subgroups"] } },
];
