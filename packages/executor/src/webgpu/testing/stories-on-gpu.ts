import { type PagodaDevice, requestDevice } from "@pagoda/kernels-wgsl";
import { type LoadedWeights, loadModelWeights } from "@pagoda/model-loaders";
import { afterAll, beforeAll, expect } from "vitest";
import { stories260KDir } from "../../testing/golden.js";

/**
 * Per test file: one device and the stories260K weights, opened before the tests and closed
 * after; the file fails if WebGPU reported any validation error along the way.
 */
export function useStoriesOnGpu(): { readonly gpu: PagodaDevice; readonly model: LoadedWeights } {
  const held = {} as { gpu: PagodaDevice; model: LoadedWeights };
  const errors: string[] = [];
  beforeAll(async () => {
    held.gpu = await requestDevice();
    held.gpu.device.onuncapturederror = (event) => errors.push(event.error.message);
    held.model = await loadModelWeights(stories260KDir());
  });
  afterAll(async () => {
    await held.model.close();
    held.gpu.device.destroy();
    expect(errors, "WebGPU validation errors").toEqual([]);
  });
  return held;
}
