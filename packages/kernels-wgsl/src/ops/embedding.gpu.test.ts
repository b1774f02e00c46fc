import { f16ToF32, f32ToF16 } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { uploadMatrix } from "../runtime/weights.js";
import { expectClose } from "../testing/expect-close.js";
import { randomF32, randomInts } from "../testing/random.js";
import { FEATURE_SETS, testDevice } from "../testing/test-device.js";
import { encodeEmbedding } from "./embedding.js";
import { embeddingReference } from "./embedding.reference.js";

// A gather copies values: exact for F32, exact to the stored half for F16.
const EXACT = { atol: 0, rtol: 0 };

describeGpu("encodeEmbedding", () => {
  for (const { name, options } of FEATURE_SETS) {
    describe(name, () => {
      let t: Awaited<ReturnType<typeof testDevice>>;
      beforeAll(async () => {
        t = await testDevice(options);
      });
      afterAll(() => t.destroy());

      const cases = [
        { vocab: 1, hidden: 1, tokens: 1, split: 0 },
        { vocab: 37, hidden: 13, tokens: 9, split: 0 },
        { vocab: 50, hidden: 24, tokens: 17, split: 7 }, // 8 parts of ≤ 7 rows
      ];
      for (const dtype of ["f32", "f16"] as const) {
        for (const c of cases) {
          it(`${dtype} vocab ${c.vocab} hidden ${c.hidden} tokens ${c.tokens}${c.split ? " split" : ""}`, async () => {
            const raw = randomF32(c.vocab * c.hidden, c.vocab + c.hidden);
            const data = dtype === "f16" ? f32ToF16(raw) : raw;
            const table = uploadMatrix(t.device, {
              label: "test.embed",
              rows: c.vocab,
              cols: c.hidden,
              data,
              ...(c.split ? { maxPartBytes: c.split * c.hidden * (dtype === "f16" ? 2 : 4) + 4 } : {}),
            });
            if (c.split) expect(table.parts.length).toBeGreaterThan(1);
            const ids = randomInts(c.tokens, c.tokens, 0, c.vocab);
            if (c.tokens > 2) ids[1] = -3; // out of range: zeroed
            if (c.tokens > 3) ids[2] = c.vocab;
            const out = createStorageBuffer(t.device, "test.embed.out", c.tokens * c.hidden * 4);
            t.device.queue.writeBuffer(out, 0, new Float32Array(c.tokens * c.hidden).fill(9));
            const idsBuf = createStorageBuffer(t.device, "test.ids", ids);
            t.ctx.submit((pass) =>
              encodeEmbedding(pass, t.ctx, { ids: idsBuf, numTokens: c.tokens, table, out }),
            );
            const want = embeddingReference(
              ids,
              dtype === "f16" ? f16ToF32(data as Uint16Array) : raw,
              c.hidden,
            );
            expectClose(await readF32(t.device, out, c.tokens * c.hidden), want, EXACT, "embedding");
          });
        }
      }
    });
  }
});
