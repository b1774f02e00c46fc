import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bf16BitsToNumber, f16BitsToNumber } from "../testing/half.js";
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
});
