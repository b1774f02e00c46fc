import type { BufferRef, KernelContext } from "../runtime/kernel-context.js";
import { KernelError } from "../runtime/kernel-error.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { checkKvCacheLayout, type KvCacheLayout, vec4Count } from "./kv-cache-layout.js";
import { RESHAPE_WORKGROUP, reshapeAndCacheWgsl } from "./reshape-and-cache.wgsl.js";

/** Arguments of {@link encodeReshapeAndCache}. */
export interface ReshapeAndCacheArgs extends KvCacheLayout {
  /** f32 keys of this step (RoPE applied): token t's row starts at `t * rowStride + keyColOffset`. */
  readonly key: BufferRef;
  /** f32 values of this step: token t's row starts at `t * rowStride + valueColOffset`. */
  readonly value: BufferRef;
  /** Elements between two tokens' rows; default `numKvHeads * headDim` (separate k and v buffers). */
  readonly rowStride?: number;
  /** Column of the key rows, e.g. `numHeads * headDim` in a fused `[T, (H + 2 Hkv) * D]` QKV; default 0. */
  readonly keyColOffset?: number;
  /** Column of the value rows; default 0. */
  readonly valueColOffset?: number;
  /** `[numTokens]` i32 cache slot per token (`blockId * blockSize + offset`); -1 = don't write. */
  readonly slotMapping: BufferRef;
  readonly numTokens: number;
  /** `[numBlocks, numKvHeads, blockSize, headDim]` of `cacheDtype`, written at the mapped slots. */
  readonly keyCache: BufferRef;
  /** `[numBlocks, numKvHeads, blockSize, headDim]` of `cacheDtype`, written at the mapped slots. */
  readonly valueCache: BufferRef;
}

/**
 * Records the scatter of this step's key and value rows into the paged cache through the slot
 * mapping (vLLM's `reshape_and_cache`). Run it before attention, which reads every position,
 * this step's included, from the cache.
 *
 * @example
 * encodeReshapeAndCache(pass, ctx, { key, value, slotMapping, numTokens, keyCache, valueCache,
 *   numKvHeads: 8, headDim: 128, blockSize: 16 });
 */
export function encodeReshapeAndCache(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  args: ReshapeAndCacheArgs,
): void {
  checkKvCacheLayout(args);
  const { numTokens, numKvHeads, headDim, blockSize } = args;
  const dtype = args.cacheDtype ?? "f32";
  if (!Number.isInteger(numTokens) || numTokens < 0) {
    throw new KernelError("kv_cache.bad_num_tokens", `numTokens must be a count, got ${numTokens}`);
  }
  const pipeline = getShaderPipeline(
    ctx.device,
    `cache.reshape_and_cache/kv-${dtype}/vec4/wg${RESHAPE_WORKGROUP}`,
    () => reshapeAndCacheWgsl(dtype),
  );
  const width4 = (numKvHeads * headDim) / 4;
  const uniforms = new UniformWriter()
    .u32(numTokens)
    .u32(numKvHeads)
    .u32(headDim / 4)
    .u32(blockSize)
    .u32(vec4Count("rowStride", args.rowStride ?? width4 * 4))
    .u32(vec4Count("keyColOffset", args.keyColOffset ?? 0))
    .u32(vec4Count("valueColOffset", args.valueColOffset ?? 0))
    .finish();
  ctx.dispatch(
    pass,
    pipeline,
    uniforms,
    [args.key, args.value, args.slotMapping, args.keyCache, args.valueCache],
    [Math.ceil(width4 / RESHAPE_WORKGROUP), numTokens],
  );
}
