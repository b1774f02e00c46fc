/** How an RMSNorm variant reads and writes its rows. */
export type RmsNormMode = "out" | "residual" | "inplace";

/** Threads per row; each strides over the row and the partial sums are tree-reduced. */
export const RMS_NORM_WG = 128;

// One workgroup per normalised row. A row is (token, head): `heads` rows of `width` values sit
// in each token's stretch of `row_stride` floats, from `col_offset` on — the plain norm is
// heads = 1, and q/k norm over a fused QKV buffer is the same kernel with an offset.
const IO: Record<RmsNormMode, string> = {
  out: `@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
fn load(i: u32) -> f32 { return x[i]; }
fn reload(i: u32) -> f32 { return x[i]; }`,
  residual: `@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
fn load(i: u32) -> f32 { let h = x[i] + residual[i]; residual[i] = h; return h; }
fn reload(i: u32) -> f32 { return residual[i]; }`,
  inplace: `@group(0) @binding(2) var<storage, read_write> out: array<f32>;
fn load(i: u32) -> f32 { return out[i]; }
fn reload(i: u32) -> f32 { return out[i]; }`,
};

/** How rows map to threads: a cooperating workgroup per row (GPUs) or a thread per row (CPUs). */
export type RmsNormLayout = "workgroup-per-row" | "thread-per-row";

/** Rows per workgroup when each thread owns a row. */
export const RMS_NORM_ROWS_PER_WG = 64;

/** WGSL of RMSNorm in the given mode (see {@link RmsNormMode}) and layout. */
export function rmsNormWgsl(mode: RmsNormMode, layout: RmsNormLayout): string {
  return layout === "thread-per-row" ? threadPerRowWgsl(mode) : workgroupPerRowWgsl(mode);
}

const PARAMS = `struct Params { rows: u32, heads: u32, width: u32, row_stride: u32, col_offset: u32, eps: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> weight: array<f32>;`;

function threadPerRowWgsl(mode: RmsNormMode): string {
  return /* wgsl */ `
${PARAMS}
${IO[mode]}

@compute @workgroup_size(${RMS_NORM_ROWS_PER_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * ${RMS_NORM_ROWS_PER_WG}u + lid;
  if (row >= p.rows) { return; }
  let base = (row / p.heads) * p.row_stride + p.col_offset + (row % p.heads) * p.width;
  var sum = 0.0;
  for (var i = 0u; i < p.width; i++) {
    let v = load(base + i);
    sum += v * v;
  }
  let scale = inverseSqrt(sum / f32(p.width) + p.eps);
  for (var i = 0u; i < p.width; i++) {
    out[base + i] = reload(base + i) * scale * weight[i];
  }
}`;
}

function workgroupPerRowWgsl(mode: RmsNormMode): string {
  return /* wgsl */ `
${PARAMS}
${IO[mode]}
var<workgroup> partial: array<f32, ${RMS_NORM_WG}>;

@compute @workgroup_size(${RMS_NORM_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.rows) { return; }
  let base = (row / p.heads) * p.row_stride + p.col_offset + (row % p.heads) * p.width;
  var sum = 0.0;
  for (var i = lid; i < p.width; i += ${RMS_NORM_WG}u) {
    let v = load(base + i);
    sum += v * v;
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var s = ${RMS_NORM_WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let scale = inverseSqrt(partial[0] / f32(p.width) + p.eps);
  for (var i = lid; i < p.width; i += ${RMS_NORM_WG}u) {
    out[base + i] = reload(base + i) * scale * weight[i];
  }
}`;
}
