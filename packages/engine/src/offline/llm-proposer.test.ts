import { describe, expect, it } from "vitest";
import { NgramProposer } from "../speculative/ngram-proposer.js";
import { storiesDir } from "../testing/stories.js";
import { createEngine } from "./create-engine.js";

describe("LLM.proposer", () => {
  it("is the engine's speculation proposer, and null when the engine does not speculate", async () => {
    const spec = await createEngine({
      model: storiesDir(),
      device: "reference",
      speculative: { method: "ngram", numSpeculativeTokens: 2 },
    });
    const plain = await createEngine({ model: storiesDir(), device: "reference" });
    try {
      expect(spec.proposer).toBeInstanceOf(NgramProposer);
      expect(spec.proposer).toBe(spec.engine.speculation?.options.proposer);
      expect(plain.proposer).toBeNull();
      expect(plain.engine.speculation).toBeUndefined();
    } finally {
      await spec.close();
      await plain.close();
    }
  });
});
