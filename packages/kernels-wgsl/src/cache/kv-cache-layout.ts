import { KernelError } from "../runtime/kernel-error.js";

/** Element types a KV cache can hold. */
export type KvCacheDType = "f32" | "f16";

/** Bytes of one cache element. */
export function cacheElementBytes(dtype: KvCacheDType = "f32"): number {
  return dtype === "f16" ? 2 : 4;
}

/**
 * The shape of one layer's paged KV cache: a key buffer and a value buffer, each
 * `[numBlocks, numKvHeads, blockSize, headDim]`. Block 0 is the null block; a token in slot
 * `blockId * blockSize + offset` lives at row `offset` of block `blockId`.
 */
export interface KvCacheLayout {
  /** Element type of the cache buffers; default `"f32"`. An f16 cache halves memory and reads. */
  readonly cacheDtype?: KvCacheDType;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly blockSize: number;
}

/** Elements one cache block holds for all kv heads (`numKvHeads * blockSize * headDim`). */
export function blockElements(layout: KvCacheLayout): number {
  return layout.numKvHeads * layout.blockSize * layout.headDim;
}

/** Element index of (slot, kv head, dim 0) in a cache buffer: where a token's head row starts. */
export function cacheRowIndex(layout: KvCacheLayout, slot: number, kvHead: number): number {
  const block = Math.floor(slot / layout.blockSize);
  const offset = slot % layout.blockSize;
  return ((block * layout.numKvHeads + kvHead) * layout.blockSize + offset) * layout.headDim;
}

/**
 * Throws a KernelError unless the layout is one the kernels handle: positive integers, a head
 * dimension that is a multiple of 4 (the kernels read vec4) and at most 256.
 */
export function checkKvCacheLayout(layout: KvCacheLayout): void {
  const { numKvHeads, headDim, blockSize } = layout;
  for (const [name, value] of Object.entries({ numKvHeads, headDim, blockSize })) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new KernelError("kv_cache.bad_layout", `${name} must be a positive integer, got ${value}`, {
        details: { ...layout },
      });
    }
  }
  if (layout.cacheDtype !== undefined && layout.cacheDtype !== "f32" && layout.cacheDtype !== "f16") {
    throw new KernelError(
      "kv_cache.bad_dtype",
      `cacheDtype must be "f32" or "f16", got ${layout.cacheDtype}`,
    );
  }
  if (headDim % 4 !== 0 || headDim > 256) {
    throw new KernelError(
      "kv_cache.bad_head_dim",
      `headDim ${headDim} is not supported: it must be a multiple of 4 and at most 256`,
      { details: { headDim } },
    );
  }
}

/** `elements / 4` for a row stride or column offset, which the vec4 kernels need divisible by 4. */
export function vec4Count(name: string, elements: number): number {
  if (!Number.isInteger(elements) || elements < 0 || elements % 4 !== 0) {
    throw new KernelError("kernel.bad_stride", `${name} ${elements} must be a multiple of 4 elements`);
  }
  return elements / 4;
}
