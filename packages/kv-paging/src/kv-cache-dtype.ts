import { KVCacheError } from "./errors.js";

/**
 * Element type of a paged KV cache. `f16`: IEEE half, round to nearest even. `int8`: each
 * (token, kv head) row of `headDim` values is stored as `headDim` int8 followed by one f32 scale
 * (`max |x| / 127`), so a token's stored row depends only on that token: appending tokens never
 * requantizes a block, and chunked prefill, prefix sharing and copy-on-write stay exact.
 */
export type KvCacheDtype = "f32" | "f16" | "int8";

/** The dtypes a KV cache can hold, in order of decreasing size. */
export const KV_CACHE_DTYPES: readonly KvCacheDtype[] = ["f32", "f16", "int8"];

/** What `auto` resolves to: f16 halves the cache and keeps attention within ~1e-3 of f32. */
export const DEFAULT_KV_CACHE_DTYPE: KvCacheDtype = "f16";

/** `auto` or a dtype name → the dtype; anything else is `kv.invalid_argument`. */
export function parseKvCacheDtype(name: string | undefined): KvCacheDtype {
  if (name === undefined || name === "auto") return DEFAULT_KV_CACHE_DTYPE;
  if ((KV_CACHE_DTYPES as readonly string[]).includes(name)) return name as KvCacheDtype;
  throw new KVCacheError(
    "kv.invalid_argument",
    `unknown KV cache dtype "${name}": use auto, ${KV_CACHE_DTYPES.join(", ")}`,
    { details: { kvCacheDtype: name } },
  );
}

/** Numeric code of a dtype as kernels take it in their arguments (f32 0, f16 1, int8 2). */
export function kvCacheDtypeCode(dtype: KvCacheDtype): number {
  return KV_CACHE_DTYPES.indexOf(dtype);
}

/**
 * Bytes of one (token, kv head) row of the cache: `4·headDim` (f32), `2·headDim` (f16),
 * `headDim + 4` (int8: the values, then the f32 scale). int8 needs `headDim % 4 == 0` so that
 * every scale is 4-byte aligned.
 */
export function kvCacheRowBytes(dtype: KvCacheDtype, headDim: number): number {
  if (dtype === "f32") return 4 * headDim;
  if (dtype === "f16") return 2 * headDim;
  if (headDim % 4 !== 0) {
    throw new KVCacheError("kv.invalid_argument", `an int8 KV cache needs headDim % 4 == 0, got ${headDim}`, {
      details: { headDim },
    });
  }
  return headDim + 4;
}
