import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { expectClose } from "../testing/expect-close.js";
import { randomF32 } from "../testing/random.js";
import { FEATURE_SETS, testDevice } from "../testing/test-device.js";
import { encodeCopy } from "./copy.js";
import { encodeAdd, encodeGatherRows, encodeSwiglu } from "./elementwise.js";
import { gatherRowsReference, swigluReference } from "./elementwise.reference.js";

const EXACT = { atol: 0, rtol: 0 };
// exp() on the GPU is within a few ulps; the product keeps that relative error.
const SWIGLU_TOL = { atol: 1e-6, rtol: 1e-5 };

describeGpu("element-wise kernels", () => {
  for (const { name, options } of FEATURE_SETS) {
    describe(name, () => {
      let t: Awaited<ReturnType<typeof testDevice>>;
      beforeAll(async () => {
        t = await testDevice(options);
      });
      afterAll(() => t.destroy());
      const buf = (label: string, a: Float32Array | Uint32Array | number) =>
        createStorageBuffer(t.device, label, a);

      for (const [tokens, ffn] of [
        [1, 1],
        [3, 257],
      ] as const) {
        it(`swiglu over a fused gate|up row, ${tokens}x${ffn}`, async () => {
          const gateUp = randomF32(tokens * 2 * ffn, ffn, -12, 12);
          const out = buf("out", tokens * ffn * 4);
          t.ctx.submit((pass) =>
            encodeSwiglu(pass, t.ctx, { numTokens: tokens, ffn, gateUp: buf("gu", gateUp), out }),
          );
          expectClose(
            await readF32(t.device, out, tokens * ffn),
            swigluReference(gateUp, ffn),
            SWIGLU_TOL,
            "swiglu",
          );
        });
      }

      it("adds in place and copies", async () => {
        const n = 4 * 77;
        const x = randomF32(n, 1);
        const y = randomF32(n, 2);
        const xb = buf("x", x);
        const copy = buf("copy", n * 4);
        t.ctx.submit((pass) => {
          encodeAdd(pass, t.ctx, { count: n, x: xb, y: buf("y", y) });
          encodeCopy(pass, t.ctx, { src: xb, dst: copy, count: n });
        });
        const want = x.map((v, i) => v + (y[i] ?? 0));
        expectClose(await readF32(t.device, xb, n), want, EXACT, "add");
        expectClose(await readF32(t.device, copy, n), want, EXACT, "copy");
      });

      it("gathers rows by index, with and without the residual", async () => {
        const width = 19;
        const src = randomF32(6 * width, 3);
        const res = randomF32(6 * width, 4);
        const index = Uint32Array.of(5, 0, 3);
        const [a, b] = [buf("a", 3 * width * 4), buf("b", 3 * width * 4)];
        const common = { index: buf("index", index), numRows: 3, width, src: buf("src", src) };
        t.ctx.submit((pass) => {
          encodeGatherRows(pass, t.ctx, { ...common, out: a });
          encodeGatherRows(pass, t.ctx, { ...common, residual: buf("res", res), out: b });
        });
        expectClose(
          await readF32(t.device, a, 3 * width),
          gatherRowsReference(src, index, width),
          EXACT,
          "plain",
        );
        const want = gatherRowsReference(src, index, width, res);
        expectClose(await readF32(t.device, b, 3 * width), want, EXACT, "residual");
      });
    });
  }
});
