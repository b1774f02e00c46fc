import { decodeKvRow, encodeKvRow } from "@pagoda/kv-paging";
import { cacheRowBytes, type KvCacheDType } from "../cache/kv-cache-layout.js";

// Test-only bridge between the references' f32 view of a cache (rows of headDim values) and the
// bytes the kernels hold, through @pagoda/kv-paging's codec: the one definition of the encodings.

/** `values` (whole rows of `headDim`) encoded row by row as the dtype's cache bytes. */
export function encodeCache(dtype: KvCacheDType, headDim: number, values: Float32Array): Uint8Array {
  const rows = values.length / headDim;
  const rowBytes = cacheRowBytes(dtype, headDim);
  const bytes = new Uint8Array(rows * rowBytes);
  const view = new DataView(bytes.buffer);
  for (let r = 0; r < rows; r++) {
    encodeKvRow(dtype, values.subarray(r * headDim, (r + 1) * headDim), view, r * rowBytes);
  }
  return bytes;
}

/** Cache bytes of the dtype decoded row by row into the f32 view. */
export function decodeCache(dtype: KvCacheDType, headDim: number, bytes: Uint8Array): Float32Array {
  const rowBytes = cacheRowBytes(dtype, headDim);
  const rows = bytes.byteLength / rowBytes;
  const out = new Float32Array(rows * headDim);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let r = 0; r < rows; r++) {
    decodeKvRow(dtype, view, r * rowBytes, out.subarray(r * headDim, (r + 1) * headDim));
  }
  return out;
}

/** `values` as the cache would return them: encoded, then decoded. */
export function roundTripCache(dtype: KvCacheDType, headDim: number, values: Float32Array): Float32Array {
  return decodeCache(dtype, headDim, encodeCache(dtype, headDim, values));
}
