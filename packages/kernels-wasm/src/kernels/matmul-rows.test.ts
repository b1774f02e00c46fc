import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUANT_NAME, randomQuantRows } from "../reference/quant-matmul-reference.js";
import { bitsAt, createKernelsPair, upload } from "../testing/kernels-pair.js";
import { createRandom, randomFloats } from "../testing/random.js";
import { packWeights } from "../testing/weights.js";
import type { WasmKernels } from "../wasm-kernels.js";
import { WeightType } from "../weight-type.js";

// Speculative decoding's greedy identity needs a token's logits not to depend on how many rows a
// step has: 1 row takes the 1-row GEMV, 2–3 the multi-row tile (assembly/gemv-rows.ts), more
// the GEMM. Every row of a batch must equal the same x row run alone, bit for bit. Quantized
// weights keep that up to 3 rows (their GEMV runs per token); from 4 rows their GEMM sums in
// another order (README "Bits").

const TYPES = [WeightType.F32, WeightType.F16, WeightType.BF16] as const;
/** [inDim, outDim]: tails of 1–3 elements, inDim < 4 (no SIMD step), odd outDim (a lone last row). */
const SHAPES = [
  [1, 1],
  [3, 7],
  [5, 2],
  [8, 9],
  [13, 17],
  [64, 33],
  [203, 37],
  [576, 40],
  [1538, 11],
] as const;

/** Runs `numRows` rows of x (row stride inDim + xPad) and returns the output bits, rows outDim apart. */
function run(
  k: WasmKernels,
  type: WeightType,
  x: Float32Array,
  w: Uint8Array,
  numRows: number,
  inDim: number,
  outDim: number,
  xPad: number,
): Uint32Array {
  const xStride = inDim + xPad;
  const xs = new Float32Array(numRows * xStride).fill(Number.NaN);
  for (let t = 0; t < numRows; t++) xs.set(x.subarray(t * inDim, (t + 1) * inDim), t * xStride);
  const out = k.alloc(numRows * outDim * 4);
  k.matmul({
    x: upload(k, xs),
    weight: upload(k, w),
    weightType: type,
    out,
    numRows,
    inDim,
    outDim,
    xStride,
  });
  return bitsAt(k, out, numRows * outDim);
}

describe("matmul: a row's outputs do not depend on the row count", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  for (const type of TYPES) {
    for (const [inDim, outDim] of SHAPES) {
      it(`type ${type}, ${inDim} → ${outDim}: rows 1..6 (1 and 2 threads) equal each row alone`, () => {
        const rand = createRandom(inDim * 31 + outDim + type);
        const x = randomFloats(rand, 6 * inDim, 4);
        const packed = packWeights(type, randomFloats(rand, outDim * inDim, 0.5));
        for (const k of [pair.one, pair.two]) {
          const alone = Array.from({ length: 6 }, (_, t) =>
            run(k, type, x.subarray(t * inDim, (t + 1) * inDim), packed.bytes, 1, inDim, outDim, 0),
          );
          for (let rows = 2; rows <= 6; rows++) {
            // Batches start at every offset, so each row sits in every tile position.
            for (let t0 = 0; t0 + rows <= 6; t0++) {
              const got = run(k, type, x.subarray(t0 * inDim), packed.bytes, rows, inDim, outDim, rows % 2);
              for (let t = 0; t < rows; t++) {
                expect(
                  got.subarray(t * outDim, (t + 1) * outDim),
                  `${rows} rows from ${t0}, row ${t}`,
                ).toEqual(alone[t0 + t]);
              }
            }
          }
        }
      });
    }
  }

  it("F16: a batch with one row too large to prescale (|x| >= 2^16) keeps every row's bits", () => {
    const [inDim, outDim] = [203, 37];
    const rand = createRandom(5);
    const packed = packWeights(WeightType.F16, randomFloats(rand, outDim * inDim));
    const x = randomFloats(rand, 3 * inDim);
    x[inDim + 7] = 1e5; // row 1: the whole batch takes the tile on unscaled x
    x[2 * inDim + 1] = 65535.99;
    x[3] = 1e-40;
    const k = pair.one;
    for (const rows of [2, 3]) {
      const got = run(k, WeightType.F16, x, packed.bytes, rows, inDim, outDim, 0);
      for (let t = 0; t < rows; t++) {
        const alone = run(
          k,
          WeightType.F16,
          x.subarray(t * inDim, (t + 1) * inDim),
          packed.bytes,
          1,
          inDim,
          outDim,
          0,
        );
        expect(got.subarray(t * outDim, (t + 1) * outDim), `${rows} rows, row ${t}`).toEqual(alone);
      }
    }
  });

  it("quantized weights: rows 1..3 (the per-token GEMV) equal each row alone", () => {
    const [inDim, outDim] = [512, 19];
    for (const type of [WeightType.Q8_0, WeightType.Q4_0, WeightType.Q4_K, WeightType.Q6_K] as const) {
      const rand = createRandom(40 + type);
      const x = randomFloats(rand, 3 * inDim);
      const packed = randomQuantRows(rand, type, outDim, inDim);
      for (const k of [pair.one, pair.two]) {
        const alone = [0, 1, 2].map((t) =>
          run(k, type, x.subarray(t * inDim, (t + 1) * inDim), packed, 1, inDim, outDim, 0),
        );
        for (const rows of [2, 3]) {
          const got = run(k, type, x, packed, rows, inDim, outDim, 1);
          for (let t = 0; t < rows; t++) {
            expect(
              got.subarray(t * outDim, (t + 1) * outDim),
              `${QUANT_NAME[type]} ${rows} rows, row ${t}`,
            ).toEqual(alone[t]);
          }
        }
      }
    }
  });
});
