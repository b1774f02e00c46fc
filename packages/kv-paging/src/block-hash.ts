/**
 * Chained block hashes for automatic prefix caching. A full block's hash covers its parent's
 * hash, its token ids and the request's extra-keys hash, so equal hashes mean "same tokens from
 * position 0 in the same namespace" up to collisions. Collisions are harmless here: the block
 * pool verifies every hit against the stored token ids and parent before returning a block.
 *
 * The hash is a pair of 32-bit lanes (murmur3-style and xxHash32-style rounds) folded into a
 * 53-bit safe integer, so it is a cheap `Map` key and allocates nothing.
 */

/**
 * Hashes tokens `[start, end)` of `tokenIds` under `parentHash` and `extraHash`; returns a
 * non-negative safe integer. Any function of this shape can replace it (tests use degenerate
 * ones to force collisions).
 */
export type BlockHasher = (
  parentHash: number,
  tokenIds: ArrayLike<number>,
  start: number,
  end: number,
  extraHash: number,
) => number;

/** The parent hash of a request's first block. */
export const ROOT_BLOCK_HASH = 0x2545f491;

/** Optional keys that separate caches: requests share blocks only when all three are equal. */
export interface ExtraKeys {
  /** The model (or model revision) whose K/V the blocks hold. */
  modelId?: string;
  /** A LoRA adapter id: different adapters give different K/V. */
  adapterId?: string;
  /** A per-tenant salt, so one tenant cannot probe another's cached prompts by timing. */
  cacheSalt?: string;
}

const TWO_POW_32 = 4294967296;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** The default {@link BlockHasher}: fast, non-cryptographic, 53 bits. */
export const hashBlockTokens: BlockHasher = (parentHash, tokenIds, start, end, extraHash) => {
  let a = (parentHash >>> 0) ^ extraHash;
  let b = ((parentHash / TWO_POW_32) >>> 0) ^ Math.imul(extraHash, 0x9e3779b1) ^ 0x27d4eb2f;
  for (let i = start; i < end; i++) {
    const t = (tokenIds[i] as number) | 0;
    a ^= Math.imul(rotl(Math.imul(t, 0xcc9e2d51), 15), 0x1b873593);
    a = (Math.imul(rotl(a, 13), 5) + 0xe6546b64) | 0;
    b = Math.imul(rotl((b + Math.imul(t, 0x85ebca77)) | 0, 13), 0x9e3779b1);
  }
  const n = end - start;
  a = fmix32(a ^ n);
  b = fmix32(b ^ a ^ n);
  return (b & 0x1fffff) * TWO_POW_32 + (a >>> 0);
};

/** A canonical string for `keys`: equal strings mean the keys select the same cache namespace. */
export function extraKeysId(keys: ExtraKeys | undefined): string {
  if (keys === undefined) return "";
  const { modelId = "", adapterId = "", cacheSalt = "" } = keys;
  return modelId === "" && adapterId === "" && cacheSalt === ""
    ? ""
    : JSON.stringify([modelId, adapterId, cacheSalt]);
}

/** A 32-bit hash of a string (FNV-1a then a final mix), `0` for the empty string. */
export function hashString(s: string): number {
  if (s === "") return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h) >>> 0;
}
