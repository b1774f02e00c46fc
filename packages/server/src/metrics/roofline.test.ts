import { DEVICE_PROFILES, kvBytesPerToken, modelParamCounts } from "@pagoda/metrics";
import { loadModel } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import { servedDeviceProfile, servedModelShape } from "./roofline.js";

const STORIES = new URL("../../../../../shared/models/stories260K", import.meta.url).pathname;

describe("the roofline of a served model", () => {
  it("takes the model's sizes from its config and the weights' width from their bytes", async () => {
    const model = await loadModel(STORIES);
    const c = model.config;
    await model.close();
    const f32Params = modelParamCounts({ ...servedModelShape(c, 0, "f16") }).total;
    const embedding = c.tieWordEmbeddings ? 0 : c.vocabSize * c.hiddenSize;
    const shape = servedModelShape(c, 4 * (f32Params + embedding), "f16");
    expect(shape).toMatchObject({
      numLayers: c.numLayers,
      hiddenSize: c.hiddenSize,
      numHeads: c.numHeads,
      numKvHeads: c.numKvHeads,
      headDim: c.headDim,
      vocabSize: c.vocabSize,
      kvBytesPerElement: 2,
    });
    expect(shape.weightBytesPerParam).toBeCloseTo(4, 12);
    expect(kvBytesPerToken(servedModelShape(c, 1, "f32"))).toBe(
      2 * c.numLayers * c.numKvHeads * c.headDim * 4,
    );
    expect(servedModelShape(c, 1, "int8").kvBytesPerElement).toBeCloseTo(1 + 4 / c.headDim, 12);
  });

  it("uses a named profile, measures the host for a CPU executor, and has none for an unnamed GPU", () => {
    expect(servedDeviceProfile("L4", { device: "webgpu" })).toBe(DEVICE_PROFILES.L4);
    expect(servedDeviceProfile(null, { device: "webgpu" })).toBeNull();
    const cpu = servedDeviceProfile(null, { device: "cpu", threads: 2 });
    expect(cpu?.name).toBe("host-cpu-2t");
    expect(cpu?.memoryBytesPerSecond).toBeGreaterThan(0);
  });
});
