import { readFileSync } from "node:fs";
import { isPagodaError } from "@pagoda/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelId } from "../kernel-ids.js";
import { logitsStatsReference, swigluReference } from "../testing/elementwise-reference.js";
import { bitsAt, createKernelsPair, upload } from "../testing/kernels-pair.js";
import { createRandom, randomFloats } from "../testing/random.js";
import { packWeights } from "../testing/weights.js";
import { WeightType } from "../weight-type.js";

describe("swiglu, embed, gatherRows, logitsStats", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  // Tolerance: relative 1e-6 of max(|ref|, 1e-3) (f32 exp).
  for (const [rows, ffn] of [
    [1, 1],
    [1, 7],
    [3, 5],
    [2, 1536],
    [17, 1000],
  ] as const) {
    it(`swiglu ${rows} × ${ffn}`, () => {
      const x = randomFloats(createRandom(rows + ffn), rows * 2 * ffn, 6);
      const outs = [pair.one, pair.two].map((k) => {
        const out = k.alloc(rows * ffn * 4);
        k.swiglu({ gateUp: upload(k, x), out, rows, ffn });
        return bitsAt(k, out, rows * ffn);
      });
      expect(outs[1]).toEqual(outs[0]);
      const got = new Float32Array((outs[0] as Uint32Array).buffer);
      const ref = swigluReference(x, rows, ffn);
      for (let i = 0; i < ref.length; i++) {
        const w = ref[i] as number;
        expect(Math.abs((got[i] as number) - w)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(w), 1e-3));
      }
    });
  }

  for (const type of [WeightType.F32, WeightType.F16, WeightType.BF16]) {
    for (const [vocab, hidden, numTokens] of [
      [1, 1, 1],
      [13, 7, 5],
      [50, 64, 33],
      [300, 130, 300],
    ] as const) {
      it(`embed type ${type}, vocab ${vocab}, hidden ${hidden}, ${numTokens} tokens (exact)`, () => {
        const rand = createRandom(vocab * hidden);
        const table = packWeights(type, randomFloats(rand, vocab * hidden));
        const ids = Int32Array.from({ length: numTokens }, () => Math.floor(rand() * vocab));
        const outs = [pair.one, pair.two].map((k) => {
          const out = k.alloc(numTokens * hidden * 4);
          k.embed({
            ids: upload(k, ids),
            table: upload(k, table.bytes),
            weightType: type,
            out,
            numTokens,
            hidden,
            vocab,
          });
          return k.f32(out, numTokens * hidden).slice();
        });
        const want = new Float32Array(numTokens * hidden);
        ids.forEach((id, t) => {
          for (let i = 0; i < hidden; i++) want[t * hidden + i] = table.values[id * hidden + i] as number;
        });
        expect(outs[0]).toEqual(want);
        expect(outs[1]).toEqual(want);
      });
    }
  }

  it("embed rejects an id outside the vocabulary", () => {
    const k = pair.one;
    const err = (() => {
      try {
        k.embed({
          ids: upload(k, Int32Array.from([0, 9])),
          table: upload(k, new Float32Array(8)),
          weightType: WeightType.F32,
          out: k.alloc(32),
          numTokens: 2,
          hidden: 2,
          vocab: 4,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(isPagodaError(err, "kernels_wasm.bad_argument")).toBe(true);
    expect(String(err)).toContain("embed: ids [1] = 9");
  });

  it("gatherRows copies the selected rows with strides", () => {
    const k = pair.two;
    const src = Float32Array.from({ length: 5 * 6 }, (_, i) => i);
    const dst = k.alloc(3 * 4 * 4);
    k.gatherRows({
      src: upload(k, src),
      numSrcRows: 5,
      srcStride: 6,
      rows: upload(k, Int32Array.from([4, 0, 2])),
      numRows: 3,
      width: 3,
      dst,
      dstStride: 4,
    });
    expect(Array.from(k.f32(dst, 12))).toEqual([24, 25, 26, 0, 0, 1, 2, 0, 12, 13, 14, 0]);
    expect(() =>
      k.gatherRows({
        src: upload(k, src),
        numSrcRows: 5,
        rows: upload(k, Int32Array.from([5])),
        numRows: 1,
        width: 3,
        dst,
      }),
    ).toThrow(/gatherRows: rows \[0\] = 5/);
  });

  // Tolerance: max and argmax exact; lse within 1e-5 · max(1, |lse|).
  for (const [rows, vocab] of [
    [1, 1],
    [2, 7],
    [3, 49152],
    [5, 1001],
  ] as const) {
    it(`logitsStats ${rows} × ${vocab}`, () => {
      const rand = createRandom(rows * vocab);
      const stride = vocab + 2;
      const logits = randomFloats(rand, rows * stride, 20);
      if (vocab > 3) logits[stride + 3] = logits[stride + 1] = 50; // a tie: the first index wins
      const results = [pair.one, pair.two].map((k) => {
        const stats = k.alloc(rows * 8);
        const argmax = k.alloc(rows * 4);
        k.logitsStats({ logits: upload(k, logits), rows, vocab, stride, stats, argmax });
        return { stats: k.f32(stats, rows * 2).slice(), argmax: Array.from(k.i32(argmax, rows)) };
      });
      expect(results[1]).toEqual(results[0]);
      const ref = logitsStatsReference(logits, rows, vocab, stride);
      const got = results[0] as (typeof results)[0];
      ref.forEach((r, i) => {
        expect(got.stats[2 * i]).toBe(r.max);
        expect(got.argmax[i]).toBe(r.argmax);
        expect(Math.abs((got.stats[2 * i + 1] as number) - r.lse)).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(r.lse)),
        );
      });
    });
  }

  it("kernel ids match assembly/kernel-ids.ts", () => {
    const text = readFileSync(new URL("../../assembly/kernel-ids.ts", import.meta.url), "utf8");
    const asm = Object.fromEntries(
      [...text.matchAll(/K_(\w+): i32 = (\d+)/g)].map((m) => [m[1], Number(m[2])]),
    );
    const ts = Object.fromEntries(
      Object.entries(KernelId).map(([name, id]) => [
        name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
        id,
      ]),
    );
    expect(ts).toEqual(asm);
  });
});
