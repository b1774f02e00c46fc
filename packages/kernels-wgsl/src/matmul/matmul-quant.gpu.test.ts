import { dequantize, type QuantType } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeEmbedding } from "../ops/embedding.js";
import { embeddingReference } from "../ops/embedding.reference.js";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { QUANT_DTYPE } from "../runtime/quant-layout.js";
import { joinMatrices, rowBytes, uploadMatrix, type WeightMatrix } from "../runtime/weights.js";
import { expectClose } from "../testing/expect-close.js";
import { randomF32, randomInts } from "../testing/random.js";
import { randomQuantBlocks } from "../testing/random-quant.js";
import { testDevice } from "../testing/test-device.js";
import { encodeMatmul, type MatmulTuning } from "./matmul.js";
import { matmulReference } from "./matmul.reference.js";

// The reference is model-loaders' dequantize (f32, the GGUF formulas) then an f64 matmul. The
// kernels dequantize the same f32 values (up to an fma contraction of d·q − m) and accumulate
// in f32 over K ≤ 512 terms |x·w| ≤ 1.3: sums reach ~30, so 2e-5 absolute + relative is ~20×
// the f32 rounding of such a sum.
const TOL = { atol: 2e-5, rtol: 2e-5 };

// Every path on every adapter: GEMV with 1 and 32 threads per output, both GEMMs.
const TUNINGS: readonly MatmulTuning[] = [
  { gemvMaxRows: 8, threadsPerOutput: 1, gemm: "blocked" },
  { gemvMaxRows: 8, threadsPerOutput: 32, gemm: "tiled" },
  { gemvMaxRows: 0, threadsPerOutput: 1, gemm: "blocked" },
  { gemvMaxRows: 0, threadsPerOutput: 1, gemm: "tiled" },
];

// [M, N, K, rows per part (0: one part)]; K-quants need K a multiple of 256.
const SHAPES: Readonly<Record<QuantType, readonly (readonly [number, number, number, number])[]>> = {
  Q8_0: [
    [1, 1, 32, 0],
    [3, 5, 512, 0],
    [9, 3, 256, 0],
    [5, 37, 96, 10],
  ],
  Q4_0: [
    [1, 1, 32, 0],
    [3, 5, 512, 0],
    [9, 3, 256, 0],
    [5, 37, 96, 10],
  ],
  Q4_K: [
    [1, 1, 256, 0],
    [3, 5, 512, 0],
    [9, 3, 256, 0],
    [5, 37, 256, 10],
  ],
  Q6_K: [
    [1, 1, 256, 0],
    [3, 5, 512, 0],
    [9, 3, 256, 0],
    [5, 37, 256, 10],
  ],
};

function dequantized(type: QuantType, bytes: Uint8Array, n: number, k: number): Float32Array {
  return dequantize(type, bytes, new Float32Array(n * k));
}

// Quantized weights never read halves, so one feature set covers them (no shader-f16 variant).
describeGpu("encodeMatmul on block-quantized weights", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  async function check(weight: WeightMatrix, wRef: Float32Array, m: number, what: string) {
    const { rows: n, cols: k } = weight;
    const x = randomF32(m * k, m * 13 + k);
    const bias = randomF32(n, n + 1);
    const xb = createStorageBuffer(t.device, "test.x", x);
    const biasBuf = createStorageBuffer(t.device, "test.bias", bias);
    const want = matmulReference(x, wRef, m, n, k, bias);
    for (const tuning of TUNINGS) {
      const out = createStorageBuffer(t.device, "test.out", m * n * 4);
      t.ctx.submit((pass) =>
        encodeMatmul(pass, t.ctx, { numRows: m, x: xb, weight, bias: biasBuf, out, tuning }),
      );
      expectClose(await readF32(t.device, out, m * n), want, TOL, `${what} ${JSON.stringify(tuning)}`);
    }
  }

  for (const type of Object.keys(SHAPES) as QuantType[]) {
    describe(type, () => {
      for (const [m, n, k, split] of SHAPES[type]) {
        it(`[${m}x${k}]·[${n}x${k}]ᵀ${split ? ` split ${split} rows` : ""}`, async () => {
          const bytes = randomQuantBlocks(type, n, k, n * 31 + k);
          const weight = uploadMatrix(t.device, {
            label: `test.${type}`,
            rows: n,
            cols: k,
            data: { quant: type, bytes },
            ...(split ? { maxPartBytes: split * rowBytes(QUANT_DTYPE[type], k) + 4 } : {}),
          });
          if (split) expect(weight.parts.length).toBeGreaterThan(1);
          expect(weight.dtype).toBe(type.toLowerCase());
          await check(weight, dequantized(type, bytes, n, k), m, type);
        });
      }
    });
  }

  it("a matrix joined from Q4_K, Q6_K, F32 and Q8_0 segments (a mixed fused q|k|v)", async () => {
    const k = 256;
    const segs: { type: QuantType | "F32"; rows: number }[] = [
      { type: "Q4_K", rows: 7 },
      { type: "Q6_K", rows: 3 },
      { type: "F32", rows: 2 },
      { type: "Q8_0", rows: 5 },
    ];
    const refs: Float32Array[] = [];
    const matrices = segs.map(({ type, rows }, i) => {
      if (type === "F32") {
        const data = randomF32(rows * k, 90 + i);
        refs.push(data);
        return uploadMatrix(t.device, { label: `seg${i}`, rows, cols: k, data });
      }
      const bytes = randomQuantBlocks(type, rows, k, 90 + i);
      refs.push(dequantized(type, bytes, rows, k));
      return uploadMatrix(t.device, { label: `seg${i}`, rows, cols: k, data: { quant: type, bytes } });
    });
    const joined = joinMatrices("test.qkv", matrices);
    expect(joined.dtype).toBe("mixed");
    expect(joined.parts.map((p) => [p.dtype, p.rowStart])).toEqual([
      ["q4_k", 0],
      ["q6_k", 7],
      ["f32", 10],
      ["q8_0", 12],
    ]);
    const wRef = new Float32Array(17 * k);
    let at = 0;
    for (const r of refs) {
      wRef.set(r, at);
      at += r.length;
    }
    for (const m of [1, 5, 11]) await check(joined, wRef, m, `mixed M=${m}`);
  });

  for (const type of ["Q4_0", "Q6_K"] as const) {
    it(`${type} embedding rows are the dequantized rows, over a split table`, async () => {
      const [vocab, hidden, tokens] = [21, 256, 9];
      const bytes = randomQuantBlocks(type, vocab, hidden, 5);
      const table = uploadMatrix(t.device, {
        label: "test.embed",
        rows: vocab,
        cols: hidden,
        data: { quant: type, bytes },
        maxPartBytes: 8 * rowBytes(QUANT_DTYPE[type], hidden) + 4,
      });
      expect(table.parts.length).toBe(3);
      const ids = randomInts(tokens, 3, -1, vocab + 1);
      const out = createStorageBuffer(t.device, "test.embed.out", tokens * hidden * 4);
      const idsBuf = createStorageBuffer(t.device, "test.ids", ids);
      t.ctx.submit((pass) => encodeEmbedding(pass, t.ctx, { ids: idsBuf, numTokens: tokens, table, out }));
      const want = embeddingReference(ids, dequantized(type, bytes, vocab, hidden), hidden);
      // A gather of dequantized values: the same f32 products as the reference.
      expectClose(await readF32(t.device, out, tokens * hidden), want, { atol: 0, rtol: 0 }, "embedding");
    });
  }
});
