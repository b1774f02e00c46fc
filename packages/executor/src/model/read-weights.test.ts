import { join } from "node:path";
import { loadModel } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import { readWeightsF32 } from "./read-weights.js";

const dir = join(new URL(".", import.meta.url).pathname, "../../../../../shared/models/stories260K");

describe("readWeightsF32", () => {
  it("reports progress after each tensor, ending at the total bytes", async () => {
    const model = await loadModel(dir);
    try {
      const seen: Array<[number, number]> = [];
      const weights = await readWeightsF32(model.weights, (loaded, total) => seen.push([loaded, total]));
      const total = seen[0]?.[1] as number;
      expect(seen.every(([, t]) => t === total)).toBe(true);
      expect(seen.at(-1)?.[0]).toBe(total);
      for (let i = 1; i < seen.length; i++) expect(seen[i]?.[0]).toBeGreaterThan(seen[i - 1]?.[0] as number);
      // stories260K ties its LM head to the embedding: read once, counted once.
      expect(weights.lmHead).toBe(weights.embedTokens);
      expect(seen.length).toBe(2 + 9 * model.config.numLayers);
    } finally {
      await model.close();
    }
  });
});
