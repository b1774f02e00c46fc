import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { expectClose } from "../testing/expect-close.js";
import { randomF32 } from "../testing/random.js";
import { FEATURE_SETS, testDevice } from "../testing/test-device.js";
import { encodeHeadRmsNorm, encodeRmsNorm } from "./rms-norm.js";
import { addRmsNormReference, rmsNormReference } from "./rms-norm.reference.js";

// f32 sums in a different order than the f64 reference: a few ulps of the row's scale.
const TOL = { atol: 1e-5, rtol: 1e-5 };

describeGpu("RMSNorm", () => {
  for (const { name, options } of FEATURE_SETS) {
    describe(name, () => {
      let t: Awaited<ReturnType<typeof testDevice>>;
      beforeAll(async () => {
        t = await testDevice(options);
      });
      afterAll(() => t.destroy());
      const buf = (label: string, a: Float32Array) => createStorageBuffer(t.device, label, a);

      for (const [tokens, width, layout] of [
        [1, 1, "workgroup-per-row"],
        [3, 129, "workgroup-per-row"],
        [5, 1000, "workgroup-per-row"],
        [1, 1, "thread-per-row"],
        [67, 129, "thread-per-row"], // past one 64-row workgroup
      ] as const) {
        it(`tokens ${tokens} width ${width}, ${layout}: plain and fused with the residual add`, async () => {
          const x = randomF32(tokens * width, width, -3, 3);
          const r = randomF32(tokens * width, width + 1, -3, 3);
          const w = randomF32(width, width + 2, 0.5, 1.5);
          const [xb, rb, wb] = [buf("x", x), buf("r", r), buf("w", w)];
          const out = createStorageBuffer(t.device, "out", x.byteLength);
          const out2 = createStorageBuffer(t.device, "out2", x.byteLength);
          const base = { numTokens: tokens, width, weight: wb, eps: 1e-6, layout };
          t.ctx.submit((pass) => {
            encodeRmsNorm(pass, t.ctx, { ...base, x: xb, out });
            encodeRmsNorm(pass, t.ctx, { ...base, x: xb, residual: rb, out: out2 });
          });
          const n = tokens * width;
          expectClose(await readF32(t.device, out, n), rmsNormReference(x, w, width, 1e-6), TOL, "plain");
          const want = addRmsNormReference(x, r, w, width, 1e-6);
          expectClose(await readF32(t.device, rb, n), want.residual, { atol: 0, rtol: 0 }, "residual");
          expectClose(await readF32(t.device, out2, n), want.out, TOL, "fused");
        });
      }

      for (const [tokens, heads, headDim, layout] of [
        [1, 1, 8, "workgroup-per-row"],
        [3, 2, 64, "thread-per-row"],
        [4, 3, 128, "workgroup-per-row"],
        [23, 3, 128, "thread-per-row"],
      ] as const) {
        it(`per-head norm of the k slice of a fused QKV row: ${tokens}x${heads}x${headDim}, ${layout}`, async () => {
          const qHeads = 2 * heads; // GQA 2: q slice before k, v slice after
          const stride = (qHeads + 2 * heads) * headDim;
          const qkv = randomF32(tokens * stride, headDim, -2, 2);
          const w = randomF32(headDim, heads, 0.5, 1.5);
          const qkvBuf = buf("qkv", qkv);
          t.ctx.submit((pass) =>
            encodeHeadRmsNorm(pass, t.ctx, {
              numTokens: tokens,
              numHeads: heads,
              headDim,
              weight: buf("w", w),
              eps: 1e-6,
              x: qkvBuf,
              rowStride: stride,
              colOffset: qHeads * headDim,
              layout,
            }),
          );
          const want = qkv.slice();
          for (let tok = 0; tok < tokens; tok++) {
            const at = tok * stride + qHeads * headDim;
            want.set(rmsNormReference(qkv.subarray(at, at + heads * headDim), w, headDim, 1e-6), at);
          }
          expectClose(await readF32(t.device, qkvBuf, qkv.length), want, TOL, "head norm");
        });
      }
    });
  }
});
