// Small element-wise kernels: one thread per output element, 256 per workgroup, 2-D grid.
const HEADER = /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.count) { return; }`;

/** `out[t, j] = silu(gate_up[t, j]) * gate_up[t, F + j]` over a fused `[T, 2F]` gate|up input. */
export const SWIGLU_WGSL = /* wgsl */ `
struct Params { count: u32, ffn: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> gate_up: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${HEADER}
  let t = i / p.ffn;
  let j = i % p.ffn;
  let g = gate_up[t * 2u * p.ffn + j];
  let u = gate_up[t * 2u * p.ffn + p.ffn + j];
  out[i] = g / (1.0 + exp(-g)) * u;
}`;

/** `x[i] += y[i]` (the residual add). */
export const ADD_WGSL = /* wgsl */ `
struct Params { count: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
${HEADER}
  x[i] += y[i];
}`;

/** `out[s, :] = src[index[s], :]` (+ `residual[index[s], :]` when `withResidual`). */
export function gatherRowsWgsl(withResidual: boolean): string {
  return /* wgsl */ `
struct Params { count: u32, width: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> index: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${withResidual ? "@group(0) @binding(4) var<storage, read> residual: array<f32>;" : ""}
${HEADER}
  let row_at = index[i / p.width] * p.width + i % p.width;
  out[i] = src[row_at]${withResidual ? " + residual[row_at]" : ""};
}`;
}
