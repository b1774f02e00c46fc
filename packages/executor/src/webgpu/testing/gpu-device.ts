import { type PagodaDevice, requestDevice } from "@pagoda/kernels-wgsl";
import { afterAll, beforeAll, expect } from "vitest";

/**
 * Per describe block: one WebGPU device, requested before the tests and destroyed after; the
 * block fails if WebGPU reported any validation error along the way.
 */
export function useGpuDevice(): { readonly gpu: PagodaDevice } {
  const held = {} as { gpu: PagodaDevice };
  const errors: string[] = [];
  beforeAll(async () => {
    held.gpu = await requestDevice();
    held.gpu.device.onuncapturederror = (event) => errors.push(event.error.message);
  });
  afterAll(() => {
    held.gpu.device.destroy();
    expect(errors, "WebGPU validation errors").toEqual([]);
  });
  return held;
}
