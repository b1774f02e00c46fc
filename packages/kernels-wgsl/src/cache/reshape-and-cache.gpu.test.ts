import { f16ToF32, f32ToF16 } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { shuffled } from "../attention/testing/paged-batch.js";
import { createStorageBuffer, readBuffer } from "../runtime/buffers.js";
import { randomF32 } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import type { KvCacheDType } from "./kv-cache-layout.js";
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
  ];
  for (const [i, c] of cases.entries()) {
    const what = `${c.numTokens} tokens (kv heads ${c.numKvHeads}, headDim ${c.headDim}, blockSize ${c.blockSize}, ${c.cacheDtype})`;
    it(`scatters ${what} to shuffled slots`, async () => {
      const { numKvHeads, headDim, blockSize, numTokens, numBlocks, cacheDtype } = c;
      const half = cacheDtype === "f16";
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
      const initial = (seed: number) => {
        const values = randomF32(cacheLength, seed);
        return half ? f16ToF32(f32ToF16(values)) : values;
      };
      const host = {
        ...c,
        key: randomF32(numTokens * width, i + 41),
        value: randomF32(numTokens * width, i + 42),
        slotMapping,
        keyCache: initial(i + 43),
        valueCache: initial(i + 44),
      };
      const upload = (values: Float32Array) => (half ? f32ToF16(values) : values);
      const { device, ctx } = t;
      const gpu = {
        key: createStorageBuffer(device, "test.key", host.key),
        value: createStorageBuffer(device, "test.value", host.value),
        slotMapping: createStorageBuffer(device, "test.slot_mapping", slotMapping),
        keyCache: createStorageBuffer(device, "test.key_cache", upload(host.keyCache)),
        valueCache: createStorageBuffer(device, "test.value_cache", upload(host.valueCache)),
      };
      ctx.submit((pass) => encodeReshapeAndCache(pass, ctx, { ...c, ...gpu }));
      const read = async (buffer: GPUBuffer) => {
        const bytes = await readBuffer(device, buffer, cacheLength * (half ? 2 : 4));
        return half ? new Uint16Array(bytes) : new Float32Array(bytes);
      };
      const gotKeys = await read(gpu.keyCache);
      const gotValues = await read(gpu.valueCache);
      reshapeAndCacheReference(host);
      // A copy (f16: rounded to nearest, as f32ToF16Bits does): bit-exact.
      expect(gotKeys).toEqual(upload(host.keyCache));
      expect(gotValues).toEqual(upload(host.valueCache));
      for (const buffer of Object.values(gpu)) buffer.destroy();
    });
  }
});
