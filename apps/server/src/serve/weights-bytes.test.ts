import { loadModelWeights, quantizeWeights } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import { defaultModel } from "../default-model.js";
import { weightsBytes } from "./weights-bytes.js";

describe("weightsBytes", () => {
  it("counts float tensors as F32, quantized ones packed, the tied embedding once (stories260K)", async () => {
    const { config, weights, close } = await loadModelWeights(defaultModel());
    try {
      // 512×64 embedding, 5 layers of q 64×64, k and v 32×64, o 64×64, gate and up 172×64,
      // down 64×172, two norms of 64, and the final norm.
      const layer = 64 * 64 * 2 + 32 * 64 * 2 + 172 * 64 * 3 + 64 * 2;
      expect(weightsBytes(weights)).toBe(4 * (512 * 64 + 5 * layer + 64));
      // q8_0: rows of 64 are 2 blocks of 34 bytes; down (rows of 172) stays F32.
      const q8Layer = (64 + 32 + 32 + 64 + 172 + 172) * 68 + 64 * 172 * 4 + 64 * 2 * 4;
      const q8 = quantizeWeights(weights, config, "q8_0");
      expect(weightsBytes(q8)).toBe(512 * 68 + 5 * q8Layer + 64 * 4);
    } finally {
      await close();
    }
  });
});
