import { f16ToF32, f32ToF16 } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatherRowsReference } from "../ops/elementwise.reference.js";
import { rmsNormReference } from "../ops/rms-norm.reference.js";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { uploadMatrix } from "../runtime/weights.js";
import { expectClose } from "../testing/expect-close.js";
import { randomF32 } from "../testing/random.js";
import { FEATURE_SETS, testDevice } from "../testing/test-device.js";
import { encodeLogits } from "./logits.js";
import { matmulReference } from "./matmul.reference.js";

// Norm then a K = 40 dot product in f32: same bound as the matmul tests.
const TOL = { atol: 2e-5, rtol: 2e-5 };

describeGpu("encodeLogits", () => {
  for (const { name, options } of FEATURE_SETS) {
    describe(name, () => {
      let t: Awaited<ReturnType<typeof testDevice>>;
      beforeAll(async () => {
        t = await testDevice(options);
      });
      afterAll(() => t.destroy());

      // 3 sequences over 11 flattened tokens (prefill chunks and a decode), vocab split in 4 parts.
      for (const [numSeqs, lastTokenIndex] of [
        [1, [0]],
        [3, [4, 5, 10]],
        [9, [0, 1, 2, 3, 4, 5, 6, 7, 10]], // past the GEMV threshold
      ] as const) {
        it(`${numSeqs} sequences, f16 LM head split by rows`, async () => {
          const [tokens, width, vocab] = [11, 40, 101];
          const hidden = randomF32(tokens * width, 1);
          const residual = randomF32(tokens * width, 2);
          const norm = randomF32(width, 3, 0.5, 1.5);
          const head = f32ToF16(randomF32(vocab * width, 4));
          const lmHead = uploadMatrix(t.device, {
            label: "test.lm_head",
            rows: vocab,
            cols: width,
            data: head,
            maxPartBytes: 30 * width * 2 + 4,
          });
          expect(lmHead.parts.length).toBe(4);
          const buf = (label: string, a: Float32Array | Uint32Array | number) =>
            createStorageBuffer(t.device, label, a);
          const out = buf("out", numSeqs * vocab * 4);
          t.ctx.submit((pass) =>
            encodeLogits(pass, t.ctx, {
              numSeqs,
              lastTokenIndex: buf("last", Uint32Array.from(lastTokenIndex)),
              hidden: buf("hidden", hidden),
              residual: buf("residual", residual),
              width,
              normWeight: buf("norm", norm),
              eps: 1e-6,
              lmHead,
              gathered: buf("gathered", numSeqs * width * 4),
              normed: buf("normed", numSeqs * width * 4),
              out,
            }),
          );
          const rows = gatherRowsReference(hidden, lastTokenIndex, width, residual);
          const normed = rmsNormReference(rows, norm, width, 1e-6);
          const want = matmulReference(normed, f16ToF32(head), numSeqs, vocab, width);
          expectClose(await readF32(t.device, out, numSeqs * vocab), want, TOL, "logits");
        });
      }
    });
  }
});
