import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { shuffled } from "../attention/testing/paged-batch.js";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { randomF32 } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import { encodeReshapeAndCache } from "./reshape-and-cache.js";
import { reshapeAndCacheReference } from "./reshape-and-cache-reference.js";

describeGpu("encodeReshapeAndCache", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  const cases = [
    { numKvHeads: 1, headDim: 8, blockSize: 8, numTokens: 1, numBlocks: 3 },
    { numKvHeads: 2, headDim: 64, blockSize: 16, numTokens: 37, numBlocks: 9 },
    { numKvHeads: 8, headDim: 128, blockSize: 32, numTokens: 70, numBlocks: 6 },
  ];
  for (const [i, c] of cases.entries()) {
    it(`scatters ${c.numTokens} tokens (kv heads ${c.numKvHeads}, headDim ${c.headDim}, blockSize ${c.blockSize}) to shuffled slots`, async () => {
      const { numKvHeads, headDim, blockSize, numTokens, numBlocks } = c;
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
      const host = {
        ...c,
        key: randomF32(numTokens * width, i + 41),
        value: randomF32(numTokens * width, i + 42),
        slotMapping,
        keyCache: randomF32(cacheLength, i + 43),
        valueCache: randomF32(cacheLength, i + 44),
      };
      const { device, ctx } = t;
      const gpu = {
        key: createStorageBuffer(device, "test.key", host.key),
        value: createStorageBuffer(device, "test.value", host.value),
        slotMapping: createStorageBuffer(device, "test.slot_mapping", slotMapping),
        keyCache: createStorageBuffer(device, "test.key_cache", host.keyCache),
        valueCache: createStorageBuffer(device, "test.value_cache", host.valueCache),
      };
      ctx.submit((pass) => encodeReshapeAndCache(pass, ctx, { ...c, ...gpu }));
      const gotKeys = await readF32(device, gpu.keyCache, cacheLength);
      const gotValues = await readF32(device, gpu.valueCache, cacheLength);
      reshapeAndCacheReference(host);
      // A copy: bit-exact.
      expect(gotKeys).toEqual(host.keyCache);
      expect(gotValues).toEqual(host.valueCache);
      for (const buffer of Object.values(gpu)) buffer.destroy();
    });
  }
});
