import { KernelError } from "../runtime/kernel-error.js";

/**
 * Element types a KV cache can hold. `int8`: each (token, kv head) row is `headDim` int8 then its
 * f32 scale (`max |x| / 127`), @pagoda/kv-paging's layout.
 */
export type KvCacheDType = "f32" | "f16" | "int8";

/** Bytes of one cache element (int8: 1, not counting the row's 4-byte scale; see {@link cacheRowBytes}). */
export function cacheElementBytes(dtype: KvCacheDType = "f32"): number {
  return dtype === "f32" ? 4 : dtype === "f16" ? 2 : 1;
}

/** Bytes of one (token, kv head) row: `headDim` elements, plus the f32 scale for int8. */
export function cacheRowBytes(dtype: KvCacheDType, headDim: number): number {
  return headDim * cacheElementBytes(dtype) + (dtype === "int8" ? 4 : 0);
}

/** Bytes of one cache block of one buffer (keys or values) for all kv heads. */
export function cacheBlockBytes(layout: KvCacheLayout): number {
  return layout.numKvHeads * layout.blockSize * cacheRowBytes(layout.cacheDtype ?? "f32", layout.headDim);
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

/** Element index of (slot, kv head, dim 0) in the cache's f32 view (what the references index): where a token's head row starts. */
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
  const dtype = layout.cacheDtype;
  if (dtype !== undefined && dtype !== "f32" && dtype !== "f16" && dtype !== "int8") {
    throw new KernelError("kv_cache.bad_dtype", `cacheDtype must be "f32", "f16" or "int8", got ${dtype}`);
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
