/** vec4s each copy thread moves; several per thread amortise per-invocation cost on CPU adapters. */
export const COPY_PER_THREAD = 8;
/** Threads per copy workgroup. */
export const COPY_WG = 64;

/**
 * WGSL of the vec4 copy the benchmark uses as its bandwidth ceiling: `dst[i] = src[i]`. Each
 * workgroup copies a contiguous block; within it consecutive threads touch consecutive vec4s.
 */
export const COPY_WGSL = /* wgsl */ `
struct Params { count4: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

@compute @workgroup_size(${COPY_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let base = (wid.x + wid.y * nwg.x) * ${COPY_WG * COPY_PER_THREAD}u + lid;
  for (var j = 0u; j < ${COPY_PER_THREAD}u; j++) {
    let i = base + j * ${COPY_WG}u;
    if (i < p.count4) { dst[i] = src[i]; }
  }
}`;
