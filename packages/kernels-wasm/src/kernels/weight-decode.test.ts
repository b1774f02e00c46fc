import { bf16BitsToF32 as bf16BitsToNumber, f16BitsToF32 as f16BitsToNumber } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelsPair, upload } from "../testing/kernels-pair.js";
import { WeightType } from "../weight-type.js";

// Every finite F16 value (normals, subnormals, ±0) and a sweep of BF16 values dequantize
// exactly, through both matmul paths: out[t, o] = 1 · w[o, 0] (−0 comes out +0: the sum starts at +0).
describe("weight dequantization", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  function check(type: WeightType, bits: Uint16Array, decode: (h: number) => number): void {
    const k = pair.two;
    const outDim = bits.length;
    for (const numRows of [1, 4]) {
      const x = upload(k, new Float32Array(numRows).fill(1));
      const out = k.alloc(numRows * outDim * 4);
      k.matmul({
        x,
        weight: upload(k, new Uint8Array(bits.buffer)),
        weightType: type,
        out,
        numRows,
        inDim: 1,
        outDim,
      });
      const got = k.f32(out + (numRows - 1) * outDim * 4, outDim);
      for (let o = 0; o < outDim; o++) {
        const want = decode(bits[o] as number);
        if (got[o] !== want) {
          expect.fail(
            `bits 0x${(bits[o] as number).toString(16)}: got ${got[o]}, want ${want} (numRows ${numRows})`,
          );
        }
      }
    }
  }

  it("F16: all finite values are exact", () => {
    const bits: number[] = [];
    for (let h = 0; h < 0x10000; h++) if (((h >> 10) & 0x1f) !== 31) bits.push(h);
    check(WeightType.F16, Uint16Array.from(bits), f16BitsToNumber);
  });

  it("BF16: finite values are exact", () => {
    const bits: number[] = [];
    for (let h = 0; h < 0x10000; h += 7) if (((h >> 7) & 0xff) !== 255) bits.push(h);
    check(WeightType.BF16, Uint16Array.from(bits), bf16BitsToNumber);
  });

  it("Q8_0: every finite f16 block scale, subnormals included, decodes exactly", () => {
    // One Q8_0 block per scale, all 32 values 1 (so each element is d); embed dequantizes them.
    const halves: number[] = [];
    for (let h = 0; h < 0x10000; h += 3) if (((h >> 10) & 0x1f) !== 31) halves.push(h);
    const k = pair.two;
    const blocks = new Uint8Array(halves.length * 34);
    halves.forEach((h, b) => {
      blocks.set([h & 255, h >> 8], b * 34);
      blocks.fill(1, b * 34 + 2, b * 34 + 34);
    });
    const out = k.alloc(halves.length * 32 * 4);
    k.embed({
      ids: upload(
        k,
        Int32Array.from(halves, (_, i) => i),
      ),
      table: upload(k, blocks),
      weightType: WeightType.Q8_0,
      out,
      numTokens: halves.length,
      hidden: 32,
      vocab: halves.length,
    });
    const got = k.f32(out, halves.length * 32);
    halves.forEach((h, b) => {
      const want = f16BitsToNumber(h);
      if (got[b * 32] !== want || got[b * 32 + 31] !== want)
        expect.fail(`d 0x${h.toString(16)}: got ${got[b * 32]}, want ${want}`);
    });
  });
});
