import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { expectClose } from "../testing/expect-close.js";
import { randomF32, randomInts } from "../testing/random.js";
import { ropeTestFrequencies } from "../testing/rope-input.js";
import { FEATURE_SETS, testDevice } from "../testing/test-device.js";
import { encodeRope } from "./rope.js";
import { ropeReference } from "./rope.reference.js";

// sin/cos after range reduction: a few 1e-6 absolute on unit-scale inputs, up to position 40k.
const TOL = { atol: 1e-5, rtol: 1e-5 };

describeGpu("encodeRope", () => {
  for (const { name, options } of FEATURE_SETS) {
    describe(name, () => {
      let t: Awaited<ReturnType<typeof testDevice>>;
      beforeAll(async () => {
        t = await testDevice(options);
      });
      afterAll(() => t.destroy());

      const cases = [
        { tokens: 1, q: 1, kv: 1, headDim: 8, theta: 10000 },
        { tokens: 7, q: 4, kv: 2, headDim: 64, theta: 1e6 },
        { tokens: 5, q: 8, kv: 1, headDim: 128, theta: 500000 },
      ];
      for (const c of cases) {
        it(`q ${c.q} / kv ${c.kv} heads of ${c.headDim}, theta ${c.theta}, ${c.tokens} tokens`, async () => {
          const invFreq = ropeTestFrequencies(c.headDim, c.theta);
          const positions = randomInts(c.tokens, c.tokens, 0, 40000); // a mixed batch
          positions[0] = 0;
          const stride = (c.q + 2 * c.kv) * c.headDim; // fused QKV rows
          const qkv = randomF32(c.tokens * stride, c.headDim);
          const x = createStorageBuffer(t.device, "qkv", qkv);
          const common = {
            numTokens: c.tokens,
            headDim: c.headDim,
            invFreq: createStorageBuffer(t.device, "inv_freq", invFreq),
            positions: createStorageBuffer(t.device, "positions", positions),
            x,
            rowStride: stride,
          };
          t.ctx.submit((pass) => {
            encodeRope(pass, t.ctx, { ...common, numHeads: c.q });
            encodeRope(pass, t.ctx, { ...common, numHeads: c.kv, colOffset: c.q * c.headDim });
          });
          const want = qkv.slice();
          const slice = (tok: number, from: number, heads: number) => {
            const at = tok * stride + from * c.headDim;
            return qkv.slice(at, at + heads * c.headDim);
          };
          for (let tok = 0; tok < c.tokens; tok++) {
            const pos = positions.subarray(tok, tok + 1);
            want.set(ropeReference(slice(tok, 0, c.q), pos, invFreq, c.q, c.headDim), tok * stride);
            const k = ropeReference(slice(tok, c.q, c.kv), pos, invFreq, c.kv, c.headDim);
            want.set(k, tok * stride + c.q * c.headDim);
          }
          expectClose(await readF32(t.device, x, qkv.length), want, TOL, "rope");
        });
      }
    });
  }
});
