import { grid } from "../runtime/grid.js";
import type { BufferRef, KernelContext } from "../runtime/kernel-context.js";
import { KernelError } from "../runtime/kernel-error.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { checkKvCacheLayout, type KvCacheLayout, vec4Count } from "./kv-cache-layout.js";
import { ROPE_AND_CACHE_WORKGROUP, ropeAndCacheWgsl } from "./rope-and-cache.wgsl.js";

/** Arguments of {@link encodeRopeAndCache}. */
export interface RopeAndCacheArgs extends KvCacheLayout {
  readonly numTokens: number;
  /** Query heads; the buffer's rows are `[q heads | k heads | v heads]`, each `headDim` wide. */
  readonly numHeads: number;
  /** `[headDim / 2]` f32 inverse frequencies (model-loaders' `ropeInvFreq`). */
  readonly invFreq: BufferRef;
  /** `[numTokens]` i32 position of each token in its own sequence. */
  readonly positions: BufferRef;
  /** f32 fused QKV rows; q and k are rotated in place. */
  readonly qkv: BufferRef;
  /** Floats per token row of `qkv`; default `(numHeads + 2 · numKvHeads) · headDim`. */
  readonly rowStride?: number;
  /** `[numTokens]` i32 cache slot per token; -1 = don't write. */
  readonly slotMapping: BufferRef;
  readonly keyCache: BufferRef;
  readonly valueCache: BufferRef;
}

/** True when {@link encodeRopeAndCache} takes this head dimension (a multiple of 8). */
export function ropeAndCacheSupports(headDim: number): boolean {
  return Number.isInteger(headDim) && headDim > 0 && headDim % 8 === 0;
}

/**
 * Records `encodeRope` over the q and k heads of a fused QKV buffer followed by
 * `encodeReshapeAndCache` of its k and v, as one dispatch with the same results.
 *
 * @example
 * encodeRopeAndCache(pass, ctx, { numTokens, numHeads: 16, numKvHeads: 8, headDim: 128, blockSize: 16,
 *   invFreq, positions, qkv, slotMapping, keyCache, valueCache });
 */
export function encodeRopeAndCache(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  args: RopeAndCacheArgs,
): void {
  checkKvCacheLayout(args);
  const { numTokens, numHeads, numKvHeads, headDim, blockSize } = args;
  if (!ropeAndCacheSupports(headDim)) {
    throw new KernelError(
      "rope_and_cache.bad_head_dim",
      `ropeAndCache needs headDim a multiple of 8, got ${headDim}: use encodeRope + encodeReshapeAndCache`,
    );
  }
  if (!Number.isInteger(numTokens) || numTokens < 0 || !Number.isInteger(numHeads) || numHeads < 1) {
    throw new KernelError(
      "rope_and_cache.bad_shape",
      `numTokens ${numTokens} and numHeads ${numHeads} must be counts (numHeads ≥ 1)`,
    );
  }
  const dtype = args.cacheDtype ?? "f32";
  const pipeline = getShaderPipeline(
    ctx.device,
    `cache.rope_and_cache/kv-${dtype}/vec4/wg${ROPE_AND_CACHE_WORKGROUP}`,
    () => ropeAndCacheWgsl(dtype),
  );
  const half4 = headDim / 8;
  const count = numTokens * (numHeads + numKvHeads) * half4;
  const uniforms = new UniformWriter()
    .u32(count)
    .u32(numHeads)
    .u32(numKvHeads)
    .u32(half4)
    .u32(vec4Count("rowStride", args.rowStride ?? (numHeads + 2 * numKvHeads) * headDim))
    .u32(blockSize)
    .finish();
  const resources = [
    args.invFreq,
    args.positions,
    args.qkv,
    args.slotMapping,
    args.keyCache,
    args.valueCache,
  ];
  ctx.dispatch(pass, pipeline, uniforms, resources, grid(Math.ceil(count / ROPE_AND_CACHE_WORKGROUP)));
}
