import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { shuffled } from "../attention/testing/paged-batch.js";
import { encodeRope } from "../ops/rope.js";
import { ropeReference } from "../ops/rope.reference.js";
import { createStorageBuffer, readBuffer } from "../runtime/buffers.js";
import { encodeCache } from "../testing/kv-cache-bytes.js";
import { randomF32 } from "../testing/random.js";
import { ropeTestFrequencies } from "../testing/rope-input.js";
import { testDevice } from "../testing/test-device.js";
import type { KvCacheDType } from "./kv-cache-layout.js";
import { encodeReshapeAndCache } from "./reshape-and-cache.js";
import { reshapeAndCacheReference } from "./reshape-and-cache-reference.js";
import { encodeRopeAndCache, ropeAndCacheSupports } from "./rope-and-cache.js";

interface Case {
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  blockSize: number;
  numTokens: number;
  numBlocks: number;
  cacheDtype: KvCacheDType;
}

const CASES: Case[] = [
  { numHeads: 8, numKvHeads: 4, headDim: 8, blockSize: 16, numTokens: 1, numBlocks: 3, cacheDtype: "f32" },
  { numHeads: 8, numKvHeads: 4, headDim: 8, blockSize: 16, numTokens: 45, numBlocks: 5, cacheDtype: "f32" },
  { numHeads: 4, numKvHeads: 4, headDim: 16, blockSize: 8, numTokens: 13, numBlocks: 4, cacheDtype: "f16" },
  {
    numHeads: 16,
    numKvHeads: 8,
    headDim: 128,
    blockSize: 16,
    numTokens: 19,
    numBlocks: 3,
    cacheDtype: "f32",
  },
  { numHeads: 6, numKvHeads: 2, headDim: 32, blockSize: 32, numTokens: 70, numBlocks: 4, cacheDtype: "f16" },
  { numHeads: 4, numKvHeads: 4, headDim: 8, blockSize: 8, numTokens: 13, numBlocks: 4, cacheDtype: "int8" },
  { numHeads: 6, numKvHeads: 2, headDim: 32, blockSize: 16, numTokens: 40, numBlocks: 4, cacheDtype: "int8" },
];

describeGpu("encodeRopeAndCache", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  for (const [i, c] of CASES.entries()) {
    const what = `${c.numTokens} tokens, ${c.numHeads}/${c.numKvHeads} heads × ${c.headDim}, block ${c.blockSize}, ${c.cacheDtype} cache`;
    it(`equals rope then reshapeAndCache, bit for bit, and the references (${what})`, async () => {
      const { numHeads, numKvHeads, headDim, blockSize, numTokens, numBlocks, cacheDtype } = c;
      const { device, ctx } = t;
      const width = (numHeads + 2 * numKvHeads) * headDim;
      const cacheLength = numBlocks * numKvHeads * blockSize * headDim;
      const qkv = randomF32(numTokens * width, i + 1);
      const positions = Int32Array.from({ length: numTokens }, (_, k) => (k * 37 + i * 1000) % 5000);
      const invFreq = ropeTestFrequencies(headDim, 10000);
      const slots = shuffled(
        Array.from({ length: (numBlocks - 1) * blockSize }, (_, s) => s + blockSize),
        i + 7,
      );
      const slotMapping = Int32Array.from({ length: numTokens }, (_, k) =>
        k % 6 === 4 ? -1 : (slots[k] ?? -1),
      );
      const layout = { numKvHeads, headDim, blockSize, cacheDtype };
      const cacheValues = randomF32(cacheLength, i + 9);
      const cacheBytesInit = encodeCache(cacheDtype, headDim, cacheValues);
      const cacheInit = new Uint32Array(cacheBytesInit.buffer);
      const make = () => ({
        qkv: createStorageBuffer(device, "test.qkv", qkv),
        keyCache: createStorageBuffer(device, "test.key_cache", cacheInit),
        valueCache: createStorageBuffer(device, "test.value_cache", cacheInit),
      });
      const shared = {
        invFreq: createStorageBuffer(device, "test.inv_freq", invFreq),
        positions: createStorageBuffer(device, "test.positions", positions),
        slotMapping: createStorageBuffer(device, "test.slot_mapping", slotMapping),
      };
      const fused = make();
      const split = make();
      ctx.submit((pass) =>
        encodeRopeAndCache(pass, ctx, { ...layout, ...shared, ...fused, numTokens, numHeads }),
      );
      ctx.submit((pass) => {
        encodeRope(pass, ctx, {
          numTokens,
          numHeads: numHeads + numKvHeads,
          headDim,
          invFreq: shared.invFreq,
          positions: shared.positions,
          x: split.qkv,
          rowStride: width,
        });
        encodeReshapeAndCache(pass, ctx, {
          ...layout,
          key: split.qkv,
          value: split.qkv,
          rowStride: width,
          keyColOffset: numHeads * headDim,
          valueColOffset: (numHeads + numKvHeads) * headDim,
          slotMapping: shared.slotMapping,
          numTokens,
          keyCache: split.keyCache,
          valueCache: split.valueCache,
        });
      });
      const cacheBytes = cacheInit.byteLength;
      const read = async (b: GPUBuffer, bytes: number) => new Uint8Array(await readBuffer(device, b, bytes));
      for (const [name, bytes] of [
        ["qkv", qkv.byteLength],
        ["keyCache", cacheBytes],
        ["valueCache", cacheBytes],
      ] as const) {
        expect(await read(fused[name], bytes), name).toEqual(await read(split[name], bytes));
      }

      // Against the TypeScript references (f32 cache: the rope reference's f64 sin/cos, within 2e-6).
      if (cacheDtype === "f32") {
        const rotated = new Float32Array(await readBuffer(device, fused.qkv, qkv.byteLength));
        const heads = numHeads + numKvHeads;
        const qk = new Float32Array(numTokens * heads * headDim);
        for (let k = 0; k < numTokens; k++)
          qk.set(qkv.subarray(k * width, k * width + heads * headDim), k * heads * headDim);
        const want = ropeReference(qk, positions, invFreq, heads, headDim);
        let worst = 0;
        for (let k = 0; k < numTokens; k++) {
          for (let j = 0; j < heads * headDim; j++) {
            const got = rotated[k * width + j] ?? Number.NaN;
            worst = Math.max(worst, Math.abs(got - (want[k * heads * headDim + j] ?? 0)));
          }
        }
        expect(worst).toBeLessThan(2e-6);
        const kvWidth = numKvHeads * headDim;
        const slice = (src: Float32Array, col: number) =>
          Float32Array.from({ length: numTokens * kvWidth }, (_, x) => {
            const k = Math.floor(x / kvWidth);
            return src[k * width + col + (x % kvWidth)] ?? 0;
          });
        const host = {
          ...layout,
          key: slice(rotated, numHeads * headDim),
          value: slice(qkv, heads * headDim),
          slotMapping,
          keyCache: cacheValues.slice(),
          valueCache: cacheValues.slice(),
        };
        reshapeAndCacheReference(host);
        expect(new Float32Array(await readBuffer(device, fused.keyCache, cacheBytes))).toEqual(host.keyCache);
        expect(new Float32Array(await readBuffer(device, fused.valueCache, cacheBytes))).toEqual(
          host.valueCache,
        );
      }
      for (const b of [...Object.values(fused), ...Object.values(split), ...Object.values(shared)])
        b.destroy();
    });
  }

  it("takes head dimensions that are multiples of 8 only, with a typed error otherwise", () => {
    expect([8, 16, 64, 128, 256].every(ropeAndCacheSupports)).toBe(true);
    expect([4, 12, 30, 0].some(ropeAndCacheSupports)).toBe(false);
    const { ctx } = t;
    const b = createStorageBuffer(t.device, "test.dummy", new Float32Array(64));
    const args = {
      numKvHeads: 1,
      headDim: 12,
      blockSize: 16,
      numTokens: 1,
      numHeads: 1,
      invFreq: b,
      positions: b,
      qkv: b,
      slotMapping: b,
      keyCache: b,
      valueCache: b,
    };
    expect(() => ctx.submit((pass) => encodeRopeAndCache(pass, ctx, args))).toThrow(
      expect.objectContaining({ code: "rope_and_cache.bad_head_dim" }),
    );
    b.destroy();
  });
});
