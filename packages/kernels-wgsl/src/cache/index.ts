export {
  blockElements,
  cacheBlockBytes,
  cacheElementBytes,
  cacheRowBytes,
  cacheRowIndex,
  checkKvCacheLayout,
  type KvCacheDType,
  type KvCacheLayout,
} from "./kv-cache-layout.js";
export { encodeReshapeAndCache, type ReshapeAndCacheArgs } from "./reshape-and-cache.js";
export {
  type ReshapeAndCacheReferenceInput,
  reshapeAndCacheReference,
} from "./reshape-and-cache-reference.js";
export { encodeRopeAndCache, type RopeAndCacheArgs, ropeAndCacheSupports } from "./rope-and-cache.js";
