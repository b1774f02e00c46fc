import { describe, expect, it } from "vitest";
import { memoryFiles } from "../files/model-files.js";
import { loadModel } from "../load/load-model.js";
import { loadTokenizer } from "../load/load-tokenizer.js";
import { tempDir } from "../testing/fixtures.js";
import { syntheticTokenizer, writeSyntheticTokenizer } from "./synthetic-tokenizer.js";
import { writeRandomModel } from "./write-random-model.js";

describe("syntheticTokenizer", () => {
  it("has exactly vocabSize tokens: specials, 256 byte tokens, then filler pieces made by merges", async () => {
    const { tokenizer, tokenizerConfig } = syntheticTokenizer({ vocabSize: 49_152 });
    const model = tokenizer.model as { vocab: Record<string, number>; merges: string[] };
    const ids = Object.values(model.vocab).sort((a, b) => a - b);
    expect(ids).toHaveLength(49_152);
    expect(ids.at(-1)).toBe(49_151);
    expect(model.vocab["<unk>"]).toBe(0);
    expect(model.vocab["<s>"]).toBe(1);
    expect(model.vocab["</s>"]).toBe(2);
    expect(model.vocab["<0x00>"]).toBe(3);
    expect(model.vocab["<0xFF>"]).toBe(258);
    for (const m of model.merges) {
      const [a, b] = m.split(" ") as [string, string];
      expect(model.vocab[a]).toBeDefined();
      expect(model.vocab[b]).toBeDefined();
      expect(model.vocab[a + b]).toBeDefined();
    }
    const files = memoryFiles("synthetic", {
      "tokenizer.json": JSON.stringify(tokenizer),
      "tokenizer_config.json": JSON.stringify(tokenizerConfig),
    });
    const { tokenizer: t } = await loadTokenizer(files);
    expect(t.vocabSize).toBe(49_152);
    expect(t.bosTokenId).toBe(1);
    expect(t.eosTokenId).toBe(2);
    const ids2 = t.encode("Hello world, the end.");
    expect(ids2[0]).toBe(1);
    expect(ids2.length).toBeLessThan(15); // merged pieces, not one token per character (22 with ▁)
    expect(t.decode(ids2, { skipSpecialTokens: true })).toBe("Hello world, the end.");
    // A character outside the alphabet falls back to its UTF-8 bytes: ☃ is E2 98 83.
    expect(t.encode("☃", { addSpecialTokens: false }).slice(-3)).toEqual([3 + 0xe2, 3 + 0x98, 3 + 0x83]);
    expect(t.decode(t.encode("snow ☃ man"), { skipSpecialTokens: true })).toBe("snow ☃ man");
  });

  it("with writeRandomModel makes a folder loadModel accepts", async () => {
    const dir = await tempDir();
    const shapes = { hiddenSize: 8, numLayers: 1, numHeads: 2, intermediateSize: 8, vocabSize: 1000 };
    await writeRandomModel(dir, "llama", { ...shapes, bosTokenId: 1, eosTokenIds: [2] }, { dtype: "F16" });
    await writeSyntheticTokenizer(dir, { vocabSize: 1000 });
    const model = await loadModel(dir);
    expect(model.tokenizer.vocabSize).toBe(1000);
    await model.close();
  });

  it("refuses a vocabulary too small for its fixed tokens", () => {
    expect(() => syntheticTokenizer({ vocabSize: 300 })).toThrow(
      /needs a vocabSize of at least \d+; got 300/,
    );
  });
});
