import type { PagodaDevice } from "@pagoda/kernels-wgsl";
import { type LoadedWeights, loadModelWeights } from "@pagoda/model-loaders";
import { afterAll, beforeAll } from "vitest";
import { stories260KDir } from "../../testing/golden.js";
import { useGpuDevice } from "./gpu-device.js";

/**
 * Per test file: one device and the stories260K weights, opened before the tests and closed
 * after; the file fails if WebGPU reported any validation error along the way.
 */
export function useStoriesOnGpu(): { readonly gpu: PagodaDevice; readonly model: LoadedWeights } {
  const device = useGpuDevice();
  const held = {} as { model: LoadedWeights };
  beforeAll(async () => {
    held.model = await loadModelWeights(stories260KDir());
  });
  afterAll(async () => {
    await held.model.close();
  });
  return {
    get gpu() {
      return device.gpu;
    },
    get model() {
      return held.model;
    },
  };
}
