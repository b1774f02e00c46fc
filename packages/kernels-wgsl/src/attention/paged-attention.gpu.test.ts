import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { encodeReshapeAndCache } from "../cache/reshape-and-cache.js";
import { reshapeAndCacheReference } from "../cache/reshape-and-cache-reference.js";
import { createStorageBuffer, readF32 } from "../runtime/buffers.js";
import { cachedPipelineCount } from "../runtime/pipeline-cache.js";
import { expectClose } from "../testing/expect-close.js";
import { randomF32 } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import { planDecode } from "./decode-plan.js";
import { encodePagedAttention } from "./paged-attention.js";
import { pagedAttentionReference } from "./paged-attention-reference.js";
import { makePagedBatch, type PagedBatch } from "./testing/paged-batch.js";

const TOL = { atol: 2e-5, rtol: 1e-4 };

/** The slot of every query token of the batch (its position's block and offset). */
function slotMappingOf(batch: PagedBatch): Int32Array {
  const slots = new Int32Array(batch.numTokens);
  for (let s = 0; s < batch.numSeqs; s++) {
    const start = batch.queryStartLoc[s] ?? 0;
    const queryLen = (batch.queryStartLoc[s + 1] ?? 0) - start;
    const seqLen = batch.seqLens[s] ?? 0;
    for (let i = 0; i < queryLen; i++) {
      const pos = seqLen - queryLen + i;
      const block = batch.blockTables[s * batch.maxBlocksPerSeq + Math.floor(pos / batch.blockSize)] ?? 0;
      slots[start + i] = block * batch.blockSize + (pos % batch.blockSize);
    }
  }
  return slots;
}

describeGpu("encodePagedAttention (a whole step: reshapeAndCache, then attention)", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  for (const decodeKernel of ["split-k", "thread-per-head"] as const)
    it(`runs a mixed batch of decodes (${decodeKernel}), a chunk over a cached prefix and a new prompt, from a fused QKV`, async () => {
      const { device, ctx } = t;
      const batch = makePagedBatch({
        numHeads: 4,
        numKvHeads: 2,
        headDim: 64,
        blockSize: 16,
        seqLens: [300, 1, 40, 200, 77],
        queryLens: [1, 1, 40, 20, 1],
        seed: 21,
      });
      const width = batch.numKvHeads * batch.headDim;
      const step = {
        ...batch,
        key: randomF32(batch.numTokens * width, 22),
        value: randomF32(batch.numTokens * width, 23),
        slotMapping: slotMappingOf(batch),
        keyCache: batch.keyCache.slice(),
        valueCache: batch.valueCache.slice(),
      };
      const plan = planDecode(batch, batch.numSeqs, batch.maxSeqLen, 128);
      // One [numTokens, (numHeads + 2 numKvHeads) * headDim] buffer, as a fused QKV projection writes it.
      const qWidth = batch.numHeads * batch.headDim;
      const fused = { qRowStride: qWidth + 2 * width, rowStride: qWidth + 2 * width, keyColOffset: qWidth };
      const qkv = new Float32Array(batch.numTokens * fused.rowStride);
      for (let i = 0; i < batch.numTokens; i++) {
        qkv.set(batch.q.subarray(i * qWidth, (i + 1) * qWidth), i * fused.rowStride);
        qkv.set(step.key.subarray(i * width, (i + 1) * width), i * fused.rowStride + qWidth);
        qkv.set(step.value.subarray(i * width, (i + 1) * width), i * fused.rowStride + qWidth + width);
      }
      const qkvBuffer = createStorageBuffer(device, "test.qkv", qkv);
      const gpu = {
        q: qkvBuffer,
        key: qkvBuffer,
        value: qkvBuffer,
        slotMapping: createStorageBuffer(device, "test.slot_mapping", step.slotMapping),
        keyCache: createStorageBuffer(device, "test.key_cache", batch.keyCache),
        valueCache: createStorageBuffer(device, "test.value_cache", batch.valueCache),
        blockTables: createStorageBuffer(device, "test.block_tables", batch.blockTables),
        seqLens: createStorageBuffer(device, "test.seq_lens", batch.seqLens),
        queryStartLoc: createStorageBuffer(device, "test.query_start_loc", batch.queryStartLoc),
        out: createStorageBuffer(device, "test.out", new Float32Array(batch.q.length).fill(Number.NaN)),
        workspace: createStorageBuffer(device, "test.workspace", plan.workspaceBytes),
      };
      const record = () =>
        ctx.submit((pass) => {
          encodeReshapeAndCache(pass, ctx, { ...batch, ...gpu, ...fused, valueColOffset: qWidth + width });
          encodePagedAttention(pass, ctx, { ...batch, ...gpu, ...fused, partitionSize: 128, decodeKernel });
        });
      record();
      reshapeAndCacheReference(step);
      const want = pagedAttentionReference({
        ...batch,
        keyCache: step.keyCache,
        valueCache: step.valueCache,
      });
      expectClose(await readF32(device, gpu.out, batch.q.length), want, TOL, "mixed step");

      // The same step again compiles nothing new and makes no new bind group.
      const pipelines = cachedPipelineCount(device);
      const bindGroups = ctx.bindGroupsCreated;
      record();
      expect(cachedPipelineCount(device)).toBe(pipelines);
      expect(ctx.bindGroupsCreated).toBe(bindGroups);
      expectClose(await readF32(device, gpu.out, batch.q.length), want, TOL, "mixed step, again");
      for (const buffer of new Set(Object.values(gpu))) buffer.destroy();
    });
});
