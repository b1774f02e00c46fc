import { kvCacheWgsl } from "../cache/kv-cache.wgsl.js";
import type { KvCacheDType } from "../cache/kv-cache-layout.js";

/**
 * WGSL bindings 1–6 that every paged-attention kernel reads, in one place so the launchers' bind
 * group order cannot drift between kernels: q, the K and V caches, block tables, sequence
 * lengths and query start locations. Binding 0 (uniforms) and the outputs are each kernel's own.
 */
export function pagedAttentionInputsWgsl(dtype: KvCacheDType): string {
  return /* wgsl */ `@group(0) @binding(1) var<storage, read> q: array<vec4f>; // token t's heads at t * qRowStride4 + qOffset4
${kvCacheWgsl(dtype, 2, 3, "read")}
@group(0) @binding(4) var<storage, read> blockTables: array<i32>;
@group(0) @binding(5) var<storage, read> seqLens: array<i32>;
@group(0) @binding(6) var<storage, read> queryStartLoc: array<i32>;`;
}
