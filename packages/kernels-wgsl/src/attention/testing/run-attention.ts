import type { KvCacheLayout } from "../../cache/kv-cache-layout.js";
import { createStorageBuffer, readF32 } from "../../runtime/buffers.js";
import type { KernelContext } from "../../runtime/kernel-context.js";
import { encodeCache } from "../../testing/kv-cache-bytes.js";
import type { AttentionArgs } from "../attention-args.js";
import type { PagedBatch } from "./paged-batch.js";

/** Host cache values in the batch's cache element type, ready to upload. */
export function asCacheDtype(layout: KvCacheLayout & { headDim: number }, values: Float32Array): Uint32Array {
  const bytes = encodeCache(layout.cacheDtype ?? "f32", layout.headDim, values);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Records one attention launcher over an uploaded copy of `batch` and returns its output. */
export async function runAttention(
  ctx: KernelContext,
  batch: PagedBatch,
  encode: (pass: GPUComputePassEncoder, args: AttentionArgs) => void,
): Promise<Float32Array> {
  const { device } = ctx;
  const buffers = {
    q: createStorageBuffer(device, "test.q", batch.q),
    keyCache: createStorageBuffer(device, "test.key_cache", asCacheDtype(batch, batch.keyCache)),
    valueCache: createStorageBuffer(device, "test.value_cache", asCacheDtype(batch, batch.valueCache)),
    blockTables: createStorageBuffer(device, "test.block_tables", batch.blockTables),
    seqLens: createStorageBuffer(device, "test.seq_lens", batch.seqLens),
    queryStartLoc: createStorageBuffer(device, "test.query_start_loc", batch.queryStartLoc),
    // NaN-filled, so a row the kernels forget to write fails the comparison.
    out: createStorageBuffer(device, "test.out", new Float32Array(batch.q.length).fill(Number.NaN)),
  };
  ctx.submit((pass) => encode(pass, { ...batch, ...buffers }));
  const out = await readF32(device, buffers.out, batch.q.length);
  for (const buffer of Object.values(buffers)) buffer.destroy();
  return out;
}
