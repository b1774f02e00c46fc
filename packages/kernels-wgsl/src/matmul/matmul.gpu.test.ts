import { f16ToF32, f32ToF16 } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { uploadMatrix } from "../runtime/weights.js";
import { expectClose } from "../testing/expect-close.js";
import { randomF32 } from "../testing/random.js";
import { FEATURE_SETS, testDevice } from "../testing/test-device.js";
import { encodeMatmul, type MatmulTuning } from "./matmul.js";
import { matmulReference } from "./matmul.reference.js";

// F32 accumulation over K ≤ 300 of values in [-1, 1]: sums reach ~10, f32 rounding ~1e-6 each.
// F16 weights are compared against the same rounded halves, so the bound is the same.
const TOL = { atol: 2e-5, rtol: 2e-5 };

// [M, N, K, split rows per part (0: none)]
const SHAPES: readonly (readonly [number, number, number, number])[] = [
  [1, 1, 1, 0],
  [1, 67, 36, 0],
  [3, 130, 33, 50], // odd K: scalar loads; three parts
  [5, 64, 100, 0],
  [8, 9, 4, 0],
  [9, 70, 52, 0], // just past the GEMV threshold
  [67, 129, 300, 0], // non-multiples of the 64 tile and of BK = 16
  [70, 65, 17, 30],
];

describeGpu("encodeMatmul", () => {
  for (const { name, options } of FEATURE_SETS) {
    describe(name, () => {
      let t: Awaited<ReturnType<typeof testDevice>>;
      beforeAll(async () => {
        t = await testDevice(options);
      });
      afterAll(() => t.destroy());

      for (const dtype of ["f32", "f16"] as const) {
        for (const [m, n, k, split] of SHAPES) {
          it(`${dtype} [${m}x${k}]·[${n}x${k}]ᵀ${split ? ` split ${split} rows` : ""}`, async () => {
            const x = randomF32(m * k, m * 7 + k);
            const raw = randomF32(n * k, n * 3 + k);
            const w = dtype === "f16" ? f32ToF16(raw) : raw;
            const bias = randomF32(n, n);
            const weight = uploadMatrix(t.device, {
              label: "test.w",
              rows: n,
              cols: k,
              data: w,
              ...(split ? { maxPartBytes: split * k * (dtype === "f16" ? 2 : 4) + 4 } : {}),
            });
            if (split) expect(weight.parts.length).toBeGreaterThan(1);
            const wRef = dtype === "f16" ? f16ToF32(w as Uint16Array) : raw;
            const xb = createStorageBuffer(t.device, "test.x", x);
            const biasBuf = createStorageBuffer(t.device, "test.bias", bias);
            const out = createStorageBuffer(t.device, "test.out", m * n * 4);
            const outBias = createStorageBuffer(t.device, "test.out_bias", m * n * 4);
            t.ctx.submit((pass) => {
              encodeMatmul(pass, t.ctx, { numRows: m, x: xb, weight, out });
              encodeMatmul(pass, t.ctx, { numRows: m, x: xb, weight, bias: biasBuf, out: outBias });
            });
            expectClose(
              await readF32(t.device, out, m * n),
              matmulReference(x, wRef, m, n, k),
              TOL,
              "matmul",
            );
            const want = matmulReference(x, wRef, m, n, k, bias);
            expectClose(await readF32(t.device, outBias, m * n), want, TOL, "matmul+bias");
          });
        }
      }

      it("every GEMV/GEMM kind agrees with the reference, including GEMM for 3 rows", async () => {
        const [m, n, k] = [3, 77, 132];
        const x = randomF32(m * k, 1);
        const raw = randomF32(n * k, 2);
        const weight = uploadMatrix(t.device, { label: "test.w2", rows: n, cols: k, data: raw });
        const xb = createStorageBuffer(t.device, "test.x2", x);
        const want = matmulReference(x, raw, m, n, k);
        const tunings: MatmulTuning[] = [
          { gemvMaxRows: 8, threadsPerOutput: 32, gemm: "tiled" },
          { gemvMaxRows: 0, threadsPerOutput: 1, gemm: "tiled" },
          { gemvMaxRows: 0, threadsPerOutput: 1, gemm: "blocked" },
        ];
        for (const tuning of tunings) {
          const out = createStorageBuffer(t.device, "test.out2", m * n * 4);
          t.ctx.submit((pass) => encodeMatmul(pass, t.ctx, { numRows: m, x: xb, weight, out, tuning }));
          expectClose(await readF32(t.device, out, m * n), want, TOL, JSON.stringify(tuning));
        }
      });
    });
  }
});
