import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { shuffled } from "../attention/testing/paged-batch.js";
import { createStorageBuffer, readBuffer } from "../runtime/buffers.js";
import { encodeCache } from "../testing/kv-cache-bytes.js";
import { randomF32 } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import { cacheRowBytes, type KvCacheDType } from "./kv-cache-layout.js";
import { encodeReshapeAndCache } from "./reshape-and-cache.js";
import { reshapeAndCacheReference } from "./reshape-and-cache-reference.js";

describeGpu("encodeReshapeAndCache", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  const cases: {
    numKvHeads: number;
    headDim: number;
    blockSize: number;
    numTokens: number;
    numBlocks: number;
    cacheDtype: KvCacheDType;
  }[] = [
    { numKvHeads: 1, headDim: 8, blockSize: 8, numTokens: 1, numBlocks: 3, cacheDtype: "f32" },
    { numKvHeads: 2, headDim: 64, blockSize: 16, numTokens: 37, numBlocks: 9, cacheDtype: "f32" },
    { numKvHeads: 8, headDim: 128, blockSize: 32, numTokens: 70, numBlocks: 6, cacheDtype: "f32" },
    { numKvHeads: 2, headDim: 8, blockSize: 8, numTokens: 21, numBlocks: 5, cacheDtype: "f16" },
    { numKvHeads: 4, headDim: 64, blockSize: 16, numTokens: 40, numBlocks: 4, cacheDtype: "f16" },
    { numKvHeads: 1, headDim: 4, blockSize: 4, numTokens: 3, numBlocks: 3, cacheDtype: "int8" },
    { numKvHeads: 2, headDim: 8, blockSize: 8, numTokens: 21, numBlocks: 5, cacheDtype: "int8" },
    { numKvHeads: 4, headDim: 64, blockSize: 16, numTokens: 40, numBlocks: 4, cacheDtype: "int8" },
  ];
  for (const [i, c] of cases.entries()) {
    const what = `${c.numTokens} tokens (kv heads ${c.numKvHeads}, headDim ${c.headDim}, blockSize ${c.blockSize}, ${c.cacheDtype})`;
    it(`scatters ${what} to shuffled slots`, async () => {
      const { numKvHeads, headDim, blockSize, numTokens, numBlocks, cacheDtype } = c;
      const width = numKvHeads * headDim;
      const cacheLength = numBlocks * numKvHeads * blockSize * headDim;
      // Distinct slots outside the null block, in random order; every 5th token is padding (-1).
      const slots = shuffled(
        Array.from({ length: (numBlocks - 1) * blockSize }, (_, s) => s + blockSize),
        i + 40,
      );
      const slotMapping = Int32Array.from({ length: numTokens }, (_, k) =>
        k % 5 === 3 ? -1 : (slots[k] ?? -1),
      );
      const key = randomF32(numTokens * width, i + 41);
      // A zero row: int8's scale is 0 and every value 0, not NaN.
      key.fill(0, 0, headDim);
      const value = randomF32(numTokens * width, i + 42);
      const initial = {
        keyCache: encodeCache(cacheDtype, headDim, randomF32(cacheLength, i + 43)),
        valueCache: encodeCache(cacheDtype, headDim, randomF32(cacheLength, i + 44)),
      };
      const words = (bytes: Uint8Array) => new Uint32Array(bytes.slice().buffer);
      const { device, ctx } = t;
      const gpu = {
        key: createStorageBuffer(device, "test.key", key),
        value: createStorageBuffer(device, "test.value", value),
        slotMapping: createStorageBuffer(device, "test.slot_mapping", slotMapping),
        keyCache: createStorageBuffer(device, "test.key_cache", words(initial.keyCache)),
        valueCache: createStorageBuffer(device, "test.value_cache", words(initial.valueCache)),
      };
      ctx.submit((pass) => encodeReshapeAndCache(pass, ctx, { ...c, ...gpu }));
      const cacheBytes = initial.keyCache.byteLength;
      const gotKeys = new Uint8Array(await readBuffer(device, gpu.keyCache, cacheBytes));
      const gotValues = new Uint8Array(await readBuffer(device, gpu.valueCache, cacheBytes));
      // The reference scatters into NaN caches, so the rows it wrote are the non-NaN ones; those
      // rows must hold the codec's bytes of the written values and every other row its old bytes.
      const host = {
        ...c,
        key,
        value,
        slotMapping,
        keyCache: new Float32Array(cacheLength).fill(Number.NaN),
        valueCache: new Float32Array(cacheLength).fill(Number.NaN),
      };
      reshapeAndCacheReference(host);
      const expected = (old: Uint8Array, written: Float32Array) => {
        const out = old.slice();
        const rowBytes = cacheRowBytes(cacheDtype, headDim);
        for (let r = 0; r < cacheLength / headDim; r++) {
          const row = written.subarray(r * headDim, (r + 1) * headDim);
          if (!Number.isNaN(row[0])) out.set(encodeCache(cacheDtype, headDim, row), r * rowBytes);
        }
        return out;
      };
      // f32 is a copy, f16 and int8 are the codec's encodings: bit-exact in every case.
      expect(gotKeys).toEqual(expected(initial.keyCache, host.keyCache));
      expect(gotValues).toEqual(expected(initial.valueCache, host.valueCache));
      for (const buffer of Object.values(gpu)) buffer.destroy();
    });
  }
});
