import { isPagodaError } from "@pagoda/errors";
import { QUANT_BLOCK, quantRowBytes } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dequantizeReference,
  QUANT_NAME,
  type QuantWeightType,
  quantizeXReference,
  randomQuantRows,
  xRoundingBound,
} from "../reference/quant-matmul-reference.js";
import { createKernelsPair, upload } from "../testing/kernels-pair.js";
import { matmulReference } from "../testing/matmul-reference.js";
import { createRandom, randomFloats } from "../testing/random.js";
import type { WasmKernels } from "../wasm-kernels.js";
import { WEIGHT_BLOCK, WeightType, weightRowBytes } from "../weight-type.js";

// Tolerances (ref = f64 dot over the exact dequantized weights, S = Σ|x · w| per output). Every
// row count rounds x to int8 blocks of 32 (d = max|x| / 127) and sums exact integer block dots:
// against the f64 dot with x̂ (x as the kernel rounds it) within 2 · (inDim + 4) · 2⁻²⁴ · Σ|x̂ · w|
// (only f32 rounding remains), and against the true x within that plus Σ_b (d_b / 2) · Σ_{i∈b}
// |w_i| (x's rounding). For these random rows that second bound is about 0.5–1.5 % of S.
const QUANT_TYPES = [WeightType.Q8_0, WeightType.Q4_0, WeightType.Q4_K, WeightType.Q6_K] as const;
const BLOCK_COLS = [32, 256, 2304];
type Shape = readonly [numRows: number, inDim: number, outDim: number];

function shapesFor(type: QuantWeightType): Shape[] {
  const shapes: Shape[] = [];
  for (const inDim of BLOCK_COLS) {
    if (inDim % WEIGHT_BLOCK[type].elements !== 0) continue;
    shapes.push([1, inDim, 1], [1, inDim, 7], [3, inDim, 13], [4, inDim, 5], [9, inDim, 10]);
  }
  if (WEIGHT_BLOCK[type].elements === 32) shapes.push([2, 96, 37], [17, 160, 9]);
  return shapes;
}

function run(
  k: WasmKernels,
  type: QuantWeightType,
  x: Float32Array,
  w: Uint8Array,
  shape: Shape,
): Float32Array {
  const [numRows, inDim, outDim] = shape;
  const out = k.alloc(numRows * outDim * 4);
  k.matmul({ x: upload(k, x), weight: upload(k, w), weightType: type, out, numRows, inDim, outDim });
  return k.f32(out, numRows * outDim).slice();
}

describe("matmul on quantized weights", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  it("block table equals @pagoda/model-loaders' QUANT_BLOCK and quantRowBytes", () => {
    for (const type of QUANT_TYPES) {
      const name = QUANT_NAME[type];
      expect(WEIGHT_BLOCK[type]).toEqual(QUANT_BLOCK[name]);
      for (const cols of [256, 2304, 4096])
        expect(weightRowBytes(type, cols)).toBe(quantRowBytes(name, cols));
    }
  });

  for (const type of QUANT_TYPES) {
    for (const shape of shapesFor(type)) {
      it(`${QUANT_NAME[type]}, rows × in × out = ${shape.join(" × ")}`, () => {
        const [numRows, inDim, outDim] = shape;
        const rand = createRandom(numRows * 7919 + inDim * 31 + outDim + type);
        const x = randomFloats(rand, numRows * inDim);
        const packed = randomQuantRows(rand, type, outDim, inDim);
        const w = dequantizeReference(type, packed, outDim * inDim);
        const got1 = run(pair.one, type, x, packed, shape);
        const got2 = run(pair.two, type, x, packed, shape);
        expect(new Uint32Array(got2.buffer)).toEqual(new Uint32Array(got1.buffer));
        const ref = matmulReference(x, w, undefined, numRows, inDim, outDim);
        const f32Tol = (j: number, magnitude: Float64Array) =>
          (inDim + 4) * 2 ** -24 * (magnitude[j] as number);
        const { xHat, scales } = quantizeXReference(x);
        const refHat = matmulReference(xHat, w, undefined, numRows, inDim, outDim);
        const bound = xRoundingBound(scales, w, numRows, inDim, outDim);
        for (let j = 0; j < numRows * outDim; j++) {
          const got = got1[j] as number;
          const tolHat = 2 * f32Tol(j, refHat.magnitude);
          expect(Math.abs(got - (refHat.out[j] as number)), `out[${j}] vs x̂`).toBeLessThanOrEqual(tolHat);
          const tol = tolHat + (bound[j] as number);
          expect(Math.abs(got - (ref.out[j] as number)), `out[${j}] vs x`).toBeLessThanOrEqual(tol);
        }
      });
    }
  }

  it("1 and 2 threads give the same bits on a many-block GEMV and GEMM", () => {
    for (const type of QUANT_TYPES) {
      for (const numRows of [2, 11]) {
        const shape: Shape = [numRows, 2304, 61];
        const rand = createRandom(99 + type + numRows);
        const x = randomFloats(rand, numRows * 2304);
        const packed = randomQuantRows(rand, type, 61, 2304);
        const one = run(pair.one, type, x, packed, shape);
        const two = run(pair.two, type, x, packed, shape);
        expect(new Uint32Array(two.buffer)).toEqual(new Uint32Array(one.buffer));
      }
    }
  });

  it("a token's outputs are the same bits in a GEMM batch of 4, 5, 7 and 58 (2 token blocks)", () => {
    for (const type of QUANT_TYPES) {
      // 58 tokens of 2304: token blocks of 56 and 2. The GEMM runs tokens 4 at a time, then a
      // pair, then one alone: the windows put tokens in a different one of these tiles than the
      // batch does (54..57: a four here, in the batch 56 and 57 are the second block's pair).
      const [numRows, inDim, outDim] = [58, 2304, 23];
      const rand = createRandom(7 + type);
      const x = randomFloats(rand, numRows * inDim);
      const packed = randomQuantRows(rand, type, outDim, inDim);
      const batch = run(pair.two, type, x, packed, [numRows, inDim, outDim]);
      for (const [t, rows] of [
        [0, 4],
        [30, 4],
        [54, 4],
        [1, 5],
        [31, 5],
        [52, 5],
        [21, 7],
      ] as const) {
        const some = run(pair.one, type, x.subarray(t * inDim, (t + rows) * inDim), packed, [
          rows,
          inDim,
          outDim,
        ]);
        expect(new Uint32Array(some.buffer), `${QUANT_NAME[type]} tokens ${t}..${t + rows - 1}`).toEqual(
          new Uint32Array(batch.slice(t * outDim, (t + rows) * outDim).buffer),
        );
      }
    }
  });

  it("embed dequantizes quantized table rows exactly", () => {
    for (const type of QUANT_TYPES) {
      const k = pair.two;
      const [vocab, hidden] = [5, 512];
      const packed = randomQuantRows(createRandom(5 + type), type, vocab, hidden);
      const values = dequantizeReference(type, packed, vocab * hidden);
      const ids = [4, 0, 2, 4];
      const out = k.alloc(ids.length * hidden * 4);
      k.embed({
        ids: upload(k, Int32Array.from(ids)),
        table: upload(k, packed),
        weightType: type,
        out,
        numTokens: ids.length,
        hidden,
        vocab,
      });
      const got = k.f32(out, ids.length * hidden);
      ids.forEach((id, t) => {
        expect(Float64Array.from(got.subarray(t * hidden, (t + 1) * hidden))).toEqual(
          values.subarray(id * hidden, (id + 1) * hidden),
        );
      });
    }
  });

  it("rejects a row that is not whole blocks, or weights shorter than their blocks, naming them", () => {
    const k = pair.one;
    const buf = k.alloc(4096);
    const err = (() => {
      try {
        k.matmul({
          x: buf,
          weight: buf,
          weightType: WeightType.Q4_K,
          out: buf,
          numRows: 1,
          inDim: 128,
          outDim: 1,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(isPagodaError(err, "kernels_wasm.bad_argument")).toBe(true);
    expect(String(err)).toMatch(/matmul: inDim.*Q4_K.*256/);
    expect(() =>
      k.matmul({
        x: buf,
        weight: buf,
        weightType: WeightType.Q8_0,
        out: buf,
        numRows: 1,
        inDim: 33,
        outDim: 1,
      }),
    ).toThrow(/inDim/);
    // 2^25 rows of Q6_K are 7 GB, past the 4 GiB memory.
    expect(() =>
      k.matmul({
        x: buf,
        weight: buf,
        weightType: WeightType.Q6_K,
        out: buf,
        numRows: 1,
        inDim: 256,
        outDim: 2 ** 25,
      }),
    ).toThrow(/matmul: weight/);
    expect(() =>
      k.matmul({
        x: buf,
        weight: buf,
        weightType: 9 as WeightType,
        out: buf,
        numRows: 1,
        inDim: 32,
        outDim: 1,
      }),
    ).toThrow(/weightType.*Q6_K/);
  });
});
