import { describe, expect, it } from "vitest";
import { rowChunks } from "./row-chunks.js";

describe("rowChunks", () => {
  it("keeps a batch that fits in one binding whole", () => {
    expect(rowChunks(32, 151_936, 134_217_728, 256)).toEqual([
      { seqStart: 0, numSeqs: 32, byteOffset: 0, byteSize: 32 * 151_936 * 4, rowBase: 0 },
    ]);
  });

  it("splits into aligned bindings that cover every row exactly once", () => {
    const vocab = 7;
    const chunks = rowChunks(10, vocab, 100, 16);
    let next = 0;
    for (const c of chunks) {
      expect(c.seqStart).toBe(next);
      expect(c.byteOffset % 16).toBe(0);
      expect(c.byteSize).toBeLessThanOrEqual(100);
      expect(c.byteOffset + c.rowBase * 4).toBe(c.seqStart * vocab * 4);
      expect(c.byteSize).toBe((c.rowBase + c.numSeqs * vocab) * 4);
      next += c.numSeqs;
    }
    expect(next).toBe(10);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it("refuses a row that cannot fit one binding", () => {
    expect(() => rowChunks(1, 100, 256, 256)).toThrow(/does not fit/);
  });
});
