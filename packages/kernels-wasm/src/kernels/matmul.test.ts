import { isPagodaError } from "@pagoda/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmKernels } from "../create-wasm-kernels.js";
import { bitsAt, createKernelsPair, upload } from "../testing/kernels-pair.js";
import { matmulReference } from "../testing/matmul-reference.js";
import { createRandom, randomFloats } from "../testing/random.js";
import { packWeights } from "../testing/weights.js";
import type { WasmKernels } from "../wasm-kernels.js";
import { WeightType } from "../weight-type.js";

// Tolerance: |got − ref| ≤ (inDim + 4) · 2⁻²⁴ · Σ|x · w| (+ |bias|), the f32 summation bound,
// against an f64 reference over the exact dequantized weights.

type Shape = readonly [numRows: number, inDim: number, outDim: number];
const SHAPES: Shape[] = [
  [1, 1, 1],
  [1, 3, 5],
  [2, 7, 9],
  [3, 17, 13],
  [1, 576, 100],
  [4, 8, 8],
  [5, 33, 19],
  [9, 64, 31],
  [17, 100, 41],
  [64, 37, 70],
  [131, 21, 10],
  [6, 3, 7],
];
const TYPES = [WeightType.F32, WeightType.F16, WeightType.BF16] as const;

interface Case {
  readonly shape: Shape;
  readonly type: WeightType;
  readonly withBias: boolean;
  readonly xPad: number;
  readonly outPad: number;
  readonly outOffset: number;
  readonly seed: number;
}

function runCase(k: WasmKernels, c: Case, x: Float32Array, w: Uint8Array, bias: Float32Array): Float32Array {
  const [numRows, inDim, outDim] = c.shape;
  const xStride = inDim + c.xPad;
  const outStride = outDim + c.outPad + c.outOffset;
  const xs = new Float32Array(numRows * xStride).fill(Number.NaN);
  for (let t = 0; t < numRows; t++) xs.set(x.subarray(t * inDim, (t + 1) * inDim), t * xStride);
  const out = upload(k, new Float32Array(numRows * outStride).fill(Number.NaN));
  k.matmul({
    x: upload(k, xs),
    weight: upload(k, w),
    weightType: c.type,
    ...(c.withBias && { bias: upload(k, bias) }),
    out: out + c.outOffset * 4,
    numRows,
    inDim,
    outDim,
    xStride,
    outStride,
  });
  return k.f32(out, numRows * outStride).slice();
}

describe("matmul", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  for (const type of TYPES) {
    for (const shape of SHAPES) {
      for (const layout of [
        { withBias: false, xPad: 0, outPad: 0, outOffset: 0 },
        { withBias: true, xPad: 3, outPad: 2, outOffset: 5 },
      ]) {
        it(`type ${type}, rows × in × out = ${shape.join(" × ")}, ${JSON.stringify(layout)}`, () => {
          const c: Case = { shape, type, ...layout, seed: shape[0] * 1000 + shape[1] + type };
          const [numRows, inDim, outDim] = shape;
          const rand = createRandom(c.seed);
          const x = randomFloats(rand, numRows * inDim);
          const packed = packWeights(type, randomFloats(rand, outDim * inDim, 0.5));
          const bias = randomFloats(rand, outDim);
          const got1 = runCase(pair.one, c, x, packed.bytes, bias);
          const got2 = runCase(pair.two, c, x, packed.bytes, bias);
          expect(new Uint32Array(got2.buffer)).toEqual(new Uint32Array(got1.buffer));
          const ref = matmulReference(
            x,
            packed.values,
            c.withBias ? bias : undefined,
            numRows,
            inDim,
            outDim,
          );
          const outStride = outDim + c.outPad + c.outOffset;
          for (let t = 0; t < numRows; t++) {
            for (let j = 0; j < outStride; j++) {
              const got = got1[t * outStride + j] as number;
              const o = j - c.outOffset;
              if (o < 0 || o >= outDim) {
                expect(got, `cell ${t},${j} outside the output must stay untouched`).toBeNaN();
                continue;
              }
              const want = ref.out[t * outDim + o] as number;
              const tol = (inDim + 4) * 2 ** -24 * (ref.magnitude[t * outDim + o] as number);
              expect(Math.abs(got - want), `out[${t}, ${o}] = ${got}, want ${want}`).toBeLessThanOrEqual(tol);
            }
          }
        });
      }
    }
  }

  it("GEMV rows (1 token, F16 prescaled or not) and tiled GEMM rows (many tokens) are bit-identical", () => {
    for (const type of TYPES) {
      const [numRows, inDim, outDim] = [11, 203, 37];
      const rand = createRandom(7 + type);
      const x = randomFloats(rand, numRows * inDim);
      // Edge values of the F16 GEMV's prescaled path: |x| >= 2^16 (exact path), just below, subnormal.
      x[0] = 1e5;
      x[inDim + 1] = 65535.99;
      x[2 * inDim + 2] = 1e-40;
      const packed = packWeights(type, randomFloats(rand, outDim * inDim));
      for (const k of [pair.one, pair.two]) {
        const xp = upload(k, x);
        const wp = upload(k, packed.bytes);
        const all = k.alloc(numRows * outDim * 4);
        k.matmul({ x: xp, weight: wp, weightType: type, out: all, numRows, inDim, outDim });
        const tiled = bitsAt(k, all, numRows * outDim);
        for (let t = 0; t < numRows; t++) {
          const one = k.alloc(outDim * 4);
          k.matmul({
            x: xp + t * inDim * 4,
            weight: wp,
            weightType: type,
            out: one,
            numRows: 1,
            inDim,
            outDim,
          });
          expect(bitsAt(k, one, outDim)).toEqual(tiled.subarray(t * outDim, (t + 1) * outDim));
        }
      }
    }
  });

  it("tiled GEMM rows are bit-identical on 1, 3 and 5 threads, across token blocks", async () => {
    // inDim 1102: 116-token blocks (assembly/gemm.ts packs x per block), so 133 rows take two;
    // outDim 61 gives threads ranges that end in a partial 2-row tile.
    const [numRows, inDim, outDim] = [133, 1102, 61];
    for (const type of TYPES) {
      const rand = createRandom(11 + type);
      const x = randomFloats(rand, numRows * inDim);
      const packed = packWeights(type, randomFloats(rand, outDim * inDim));
      const results: Uint32Array[] = [];
      for (const threads of [1, 3, 5]) {
        const k = await createWasmKernels({ threads, parallelMinWork: 0 });
        const out = k.alloc(numRows * outDim * 4);
        k.matmul({
          x: upload(k, x),
          weight: upload(k, packed.bytes),
          weightType: type,
          out,
          numRows,
          inDim,
          outDim,
        });
        results.push(bitsAt(k, out, numRows * outDim));
        await k.close();
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      const ref = matmulReference(x, packed.values, undefined, numRows, inDim, outDim);
      const got = new Float32Array((results[0] as Uint32Array).buffer);
      for (let j = 0; j < numRows * outDim; j++) {
        const tol = (inDim + 4) * 2 ** -24 * (ref.magnitude[j] as number);
        expect(Math.abs((got[j] as number) - (ref.out[j] as number))).toBeLessThanOrEqual(tol);
      }
    }
  });

  it("rejects arguments outside the memory, naming them", () => {
    const k = pair.one;
    const x = k.alloc(16);
    const call = () =>
      k.matmul({ x, weight: x, weightType: WeightType.F32, out: x, numRows: 1, inDim: 1 << 20, outDim: 4 });
    const err = (() => {
      try {
        call();
      } catch (e) {
        return e;
      }
    })();
    expect(isPagodaError(err, "kernels_wasm.bad_argument")).toBe(true);
    expect(String(err)).toContain("matmul: x");
    expect(() =>
      k.matmul({ x, weight: x, weightType: 7 as WeightType, out: x, numRows: 1, inDim: 1, outDim: 1 }),
    ).toThrow(/weightType/);
    expect(() =>
      k.matmul({ x, weight: x, weightType: WeightType.F32, out: x, numRows: 0, inDim: 1, outDim: 1 }),
    ).toThrow(/numRows/);
  });
});
