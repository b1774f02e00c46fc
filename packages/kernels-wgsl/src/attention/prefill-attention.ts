import { vec4Count } from "../cache/kv-cache-layout.js";
import type { KernelContext } from "../runtime/kernel-context.js";
import { KernelError } from "../runtime/kernel-error.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { type AttentionArgs, checkAttentionArgs } from "./attention-args.js";
import {
  PREFILL_LANES,
  type PrefillTile,
  prefillAttentionWgsl,
  prefillTileBytes,
} from "./prefill-attention.wgsl.js";

/** Arguments of {@link encodePrefillAttention}. */
export interface PrefillAttentionArgs extends AttentionArgs {
  /** Leave sequences of query length 1 to {@link encodeDecodeAttention} (default false: do all). */
  readonly skipDecode?: boolean;
}

// Largest first: fewer barriers per key. A tile is used when it fits the device's workgroup memory.
const TILE_SHAPES: readonly (readonly [number, number])[] = [
  [16, 16],
  [16, 8],
  [8, 8],
  [8, 4],
  [4, 4],
];

/** The tile {@link encodePrefillAttention} uses for `headDim` on a device with `workgroupBytes`. */
export function choosePrefillTile(headDim: number, workgroupBytes: number): PrefillTile {
  const headTile = Math.max(16, 2 ** Math.ceil(Math.log2(headDim)));
  for (const [rows, keys] of TILE_SHAPES) {
    const tile = { rows, keys, headTile };
    if (prefillTileBytes(tile) <= workgroupBytes) return tile;
  }
  throw new KernelError(
    "attention.no_tile",
    `no prefill tile for headDim ${headDim} fits ${workgroupBytes} bytes of workgroup memory`,
  );
}

/**
 * Records causal flash attention over the paged cache for every sequence of the batch (or, with
 * `skipDecode`, those with more than one query token): chunked prefill with the earlier tokens
 * already cached, prefix-cache hits and plain prefill alike. One workgroup per (query tile,
 * head); keys and values for all positions come from the cache.
 *
 * @example
 * encodeReshapeAndCache(pass, ctx, { key, value, slotMapping, ... });
 * encodePrefillAttention(pass, ctx, { ...shape, q, keyCache, valueCache, blockTables, seqLens,
 *   queryStartLoc, out, numSeqs, numTokens, maxSeqLen });
 */
export function encodePrefillAttention(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  args: PrefillAttentionArgs,
): void {
  checkAttentionArgs(args);
  const { numSeqs, numTokens, numHeads, numKvHeads, headDim, blockSize, maxBlocksPerSeq, scale } = args;
  if (numSeqs === 0 || numTokens === 0) return;
  const tile = choosePrefillTile(headDim, ctx.device.limits.maxComputeWorkgroupStorageSize);
  const dtype = args.cacheDtype ?? "f32";
  const key = `attention.prefill/kv-${dtype}/vec4/d${tile.headTile}/q${tile.rows}k${tile.keys}/wg${tile.rows * PREFILL_LANES}`;
  const pipeline = getShaderPipeline(ctx.device, key, () => prefillAttentionWgsl(tile, dtype));
  const uniforms = new UniformWriter()
    .u32(numSeqs)
    .u32(numHeads)
    .u32(numKvHeads)
    .u32(headDim / 4)
    .u32(blockSize)
    .u32(maxBlocksPerSeq)
    .u32(args.skipDecode ? 1 : 0)
    .f32(scale)
    .u32(vec4Count("qRowStride", args.qRowStride ?? numHeads * headDim))
    .u32(vec4Count("qColOffset", args.qColOffset ?? 0))
    .finish();
  const tiles = Math.floor(numTokens / tile.rows) + numSeqs;
  ctx.dispatch(
    pass,
    pipeline,
    uniforms,
    [args.q, args.keyCache, args.valueCache, args.blockTables, args.seqLens, args.queryStartLoc, args.out],
    [tiles, numHeads],
  );
}
