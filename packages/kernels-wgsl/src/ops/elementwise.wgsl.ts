/** Elements per workgroup of the element-wise kernels: 64 threads × 4 elements each. */
export const ELEMENTWISE_BLOCK = 256;

// One thread handles four elements 64 apart: per-invocation cost matters on CPU adapters, and
// on GPUs neighbouring threads still touch neighbouring words. Dispatch ceil(count / 256).
function elementwise(body: string): string {
  return /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let first = (wid.x + wid.y * nwg.x) * ${ELEMENTWISE_BLOCK}u + lid;
  for (var j = 0u; j < 4u; j++) {
    let i = first + j * 64u;
    if (i >= p.count) { return; }
${body}
  }
}`;
}

/** `out[t, j] = silu(gate_up[t, j]) * gate_up[t, F + j]` over a fused `[T, 2F]` gate|up input. */
export const SWIGLU_WGSL = /* wgsl */ `
struct Params { count: u32, ffn: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> gate_up: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${elementwise(`
    let row = (i / p.ffn) * 2u * p.ffn + i % p.ffn;
    let g = gate_up[row];
    out[i] = g / (1.0 + exp(-g)) * gate_up[row + p.ffn];`)}`;

/** `x[i] += y[i]` (the residual add). */
export const ADD_WGSL = /* wgsl */ `
struct Params { count: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
${elementwise("    x[i] += y[i];")}`;

/** `out[s, :] = src[index[s], :]` (+ `residual[index[s], :]` when `withResidual`). */
export function gatherRowsWgsl(withResidual: boolean): string {
  return /* wgsl */ `
struct Params { count: u32, width: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> index: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${withResidual ? "@group(0) @binding(4) var<storage, read> residual: array<f32>;" : ""}
${elementwise(`
    let at = index[i / p.width] * p.width + i % p.width;
    out[i] = src[at]${withResidual ? " + residual[at]" : ""};`)}`;
}
