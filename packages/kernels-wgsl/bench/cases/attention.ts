import { f32ToF16 } from "@pagoda/model-loaders";
import {
  type AttentionShape,
  cacheElementBytes,
  createStorageBuffer,
  type DecodeKernel,
  encodeDecodeAttention,
  encodePrefillAttention,
  encodeReshapeAndCache,
  type KernelContext,
  type KvCacheDType,
  planDecode,
} from "../../src/index.js";
import type { BenchCase, PreparedCase } from "../case.js";

// Qwen3-0.6B attention: 16 q heads, 8 kv heads of 128 (GQA 2), blockSize 16, f32 cache.
const SHAPE = { numHeads: 16, numKvHeads: 8, headDim: 128, blockSize: 16, scale: 1 / Math.sqrt(128) };
const TOKEN_KV_BYTES = SHAPE.numKvHeads * SHAPE.headDim * 4; // one token's f32 keys (or values), all kv heads
const BLOCK_BYTES = SHAPE.blockSize * TOKEN_KV_BYTES;

/**
 * A paged cache of `numSeqs` sequences of `context` tokens with scattered block tables. When the
 * cache would pass the adapter's largest storage binding (128 MiB on lavapipe, one layer's keys of
 * 32 × 4k tokens are 512 MiB in f32), sequences share physical blocks, spread so that sharers are far
 * apart in dispatch order; every byte counted is still read by the kernel from memory.
 */
function pagedCache(ctx: KernelContext, numSeqs: number, context: number, cacheDtype: KvCacheDType = "f32") {
  const perSeq = Math.ceil(context / SHAPE.blockSize);
  const blockBytes = (BLOCK_BYTES * cacheElementBytes(cacheDtype)) / 4;
  const fit = Math.floor(ctx.device.limits.maxStorageBufferBindingSize / blockBytes);
  const numBlocks = Math.min(numSeqs * perSeq + 1, fit);
  const tables = new Int32Array(numSeqs * perSeq);
  // 7,919 is prime (coprime with these pool sizes): every non-null block is visited before any repeats.
  for (let i = 0; i < tables.length; i++) tables[i] = 1 + ((i * 7919) % (numBlocks - 1));
  const d = ctx.device;
  const fill = (seed: number) => {
    const values = Float32Array.from(
      { length: (numBlocks * BLOCK_BYTES) / 4 },
      (_, i) => ((i * seed) % 17) / 17 - 0.5,
    );
    return cacheDtype === "f16" ? f32ToF16(values) : values;
  };
  const shape: AttentionShape = { ...SHAPE, maxBlocksPerSeq: perSeq, cacheDtype };
  const buffers = {
    keyCache: createStorageBuffer(d, "bench.key_cache", fill(7)),
    valueCache: createStorageBuffer(d, "bench.value_cache", fill(11)),
    blockTables: createStorageBuffer(d, "bench.block_tables", tables),
  };
  return { shape, buffers };
}

function decodeCase(
  numSeqs: number,
  context: number,
  cacheDtype: KvCacheDType = "f32",
  decodeKernel: DecodeKernel = "split-k",
): BenchCase {
  const kvBytes = (2 * numSeqs * context * TOKEN_KV_BYTES * cacheElementBytes(cacheDtype)) / 4;
  return {
    kernel: decodeKernel === "split-k" ? "paged_attention.decode" : "paged_attention.decode_thread",
    name: `${numSeqs} seq × ${context} ctx, ${cacheDtype} cache, 16/8 heads × 128, block 16`,
    bytes: kvBytes, // the K and V read; q, out and block tables add under 0.1 %
    flops: 4 * numSeqs * SHAPE.numHeads * context * SHAPE.headDim,
    prepare(ctx): PreparedCase {
      const d = ctx.device;
      const cache = pagedCache(ctx, numSeqs, context, cacheDtype);
      const width = SHAPE.numHeads * SHAPE.headDim;
      const plan = planDecode(SHAPE, numSeqs, context);
      const buffers = {
        q: createStorageBuffer(d, "bench.q", new Float32Array(numSeqs * width).fill(0.1)),
        out: createStorageBuffer(d, "bench.out", numSeqs * width * 4),
        seqLens: createStorageBuffer(d, "bench.seq_lens", new Int32Array(numSeqs).fill(context)),
        queryStartLoc: createStorageBuffer(
          d,
          "bench.qsl",
          Int32Array.from({ length: numSeqs + 1 }, (_, i) => i),
        ),
        workspace: createStorageBuffer(d, "bench.workspace", Math.max(4, plan.workspaceBytes)),
        ...cache.buffers,
      };
      const args = {
        ...cache.shape,
        ...buffers,
        numSeqs,
        numTokens: numSeqs,
        maxSeqLen: context,
        decodeKernel,
      };
      return {
        record: (pass) => encodeDecodeAttention(pass, ctx, args),
        destroy: () => destroyAll(buffers),
      };
    },
  };
}

function prefillCase(numTokens: number): BenchCase {
  const width = SHAPE.numHeads * SHAPE.headDim;
  return {
    kernel: "paged_attention.prefill",
    name: `1 prompt × ${numTokens} tokens, causal, 16/8 heads × 128, block 16`,
    bytes: 2 * numTokens * TOKEN_KV_BYTES + 2 * numTokens * width * 4, // K, V once; q in, out
    flops: 4 * SHAPE.numHeads * SHAPE.headDim * ((numTokens * (numTokens + 1)) / 2),
    prepare(ctx): PreparedCase {
      const d = ctx.device;
      const cache = pagedCache(ctx, 1, numTokens);
      const buffers = {
        q: createStorageBuffer(d, "bench.q", new Float32Array(numTokens * width).fill(0.1)),
        out: createStorageBuffer(d, "bench.out", numTokens * width * 4),
        seqLens: createStorageBuffer(d, "bench.seq_lens", Int32Array.from([numTokens])),
        queryStartLoc: createStorageBuffer(d, "bench.qsl", Int32Array.from([0, numTokens])),
        ...cache.buffers,
      };
      const args = { ...cache.shape, ...buffers, numSeqs: 1, numTokens, maxSeqLen: numTokens };
      return {
        record: (pass) => encodePrefillAttention(pass, ctx, args),
        destroy: () => destroyAll(buffers),
      };
    },
  };
}

function reshapeCase(numTokens: number): BenchCase {
  const rowBytes = TOKEN_KV_BYTES;
  return {
    kernel: "reshape_and_cache",
    name: `${numTokens} tokens, 8 kv heads × 128, block 16`,
    bytes: 4 * numTokens * rowBytes, // read k and v rows, write them into the cache
    flops: 0,
    prepare(ctx): PreparedCase {
      const d = ctx.device;
      const numBlocks = Math.ceil(numTokens / SHAPE.blockSize) + 1;
      const slots = Int32Array.from(
        { length: numTokens },
        (_, i) => SHAPE.blockSize + ((i * 7919) % (numTokens - 1)),
      );
      const buffers = {
        key: createStorageBuffer(d, "bench.key", numTokens * rowBytes),
        value: createStorageBuffer(d, "bench.value", numTokens * rowBytes),
        slotMapping: createStorageBuffer(d, "bench.slot_mapping", slots),
        keyCache: createStorageBuffer(d, "bench.key_cache", numBlocks * BLOCK_BYTES),
        valueCache: createStorageBuffer(d, "bench.value_cache", numBlocks * BLOCK_BYTES),
      };
      return {
        record: (pass) => encodeReshapeAndCache(pass, ctx, { ...SHAPE, ...buffers, numTokens }),
        destroy: () => destroyAll(buffers),
      };
    },
  };
}

function destroyAll(buffers: Record<string, GPUBuffer>): void {
  for (const buffer of Object.values(buffers)) buffer.destroy();
}

/**
 * Paged attention at Qwen3-0.6B shapes: decode at 1k and 4k context for 1 and 32 sequences, by
 * split-K and by thread-per-head (the CPU-adapter kernel), plus a short-context batch for both.
 */
export const cases: BenchCase[] = [
  decodeCase(64, 32),
  decodeCase(64, 32, "f32", "thread-per-head"),
  decodeCase(1, 1024, "f32", "thread-per-head"),
  decodeCase(32, 1024, "f32", "thread-per-head"),
  decodeCase(32, 4096, "f32", "thread-per-head"),
  decodeCase(32, 4096, "f16", "thread-per-head"),
  decodeCase(1, 1024),
  decodeCase(1, 4096),
  decodeCase(32, 1024),
  decodeCase(32, 4096),
  decodeCase(1, 4096, "f16"),
  decodeCase(32, 4096, "f16"),
  prefillCase(512),
  reshapeCase(512),
];
