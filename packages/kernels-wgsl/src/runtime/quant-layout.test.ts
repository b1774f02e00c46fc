import { QUANT_BLOCK, QUANT_TYPES } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import { randomQuantBlocks } from "../testing/random-quant.js";
import { KernelError } from "./kernel-error.js";
import {
  packQuantRows,
  QUANT_BLOCK_WORDS,
  QUANT_DTYPE,
  quantGpuRowBytes,
  unpackQuantRows,
} from "./quant-layout.js";

describe("quant GPU layout", () => {
  for (const type of QUANT_TYPES) {
    const dtype = QUANT_DTYPE[type];
    const { elements, bytes: blockBytes } = QUANT_BLOCK[type];

    it(`${type}: whole words per block, round trip back to the GGUF bytes`, () => {
      const [rows, cols] = [3, 2 * elements];
      const bytes = randomQuantBlocks(type, rows, cols, 1);
      const words = packQuantRows(dtype, bytes, rows, cols);
      expect(words.byteLength).toBe(rows * quantGpuRowBytes(dtype, cols));
      expect(QUANT_BLOCK_WORDS[dtype] * 4).toBeGreaterThanOrEqual(blockBytes);
      expect(QUANT_BLOCK_WORDS[dtype] * 4 - blockBytes).toBeLessThan(4);
      expect(unpackQuantRows(dtype, words)).toEqual(bytes);
    });

    it(`${type}: wrong lengths and partial blocks are typed errors`, () => {
      const bytes = randomQuantBlocks(type, 1, elements, 2);
      expect(() => packQuantRows(dtype, bytes.subarray(1), 1, elements)).toThrow(KernelError);
      expect(() => packQuantRows(dtype, bytes, 1, elements + 1)).toThrow(/not a whole number/);
    });
  }

  it("Q8_0 and Q4_0 keep the scale alone in word 0 and the quants word-aligned after it", () => {
    const q8 = Uint8Array.from({ length: 34 }, (_, i) => i + 1);
    const w8 = packQuantRows("q8_0", q8, 1, 32);
    expect(w8[0]).toBe(0x0201); // d, then two zero padding bytes
    expect(w8[1]).toBe(0x06050403); // qs[0..3]
    const q4 = Uint8Array.from({ length: 18 }, (_, i) => i + 1);
    const w4 = packQuantRows("q4_0", q4, 1, 32);
    expect([w4[0], w4[4]]).toEqual([0x0201, 0x1211100f]); // qs[12..15] = bytes 14..17
  });

  it("Q6_K's trailing f16 d gets a word of its own", () => {
    const q6 = new Uint8Array(210);
    q6[208] = 0xaa;
    q6[209] = 0xbb;
    expect(packQuantRows("q6_k", q6, 1, 256)[52]).toBe(0xbbaa);
  });
});
