/**
 * The constants RoPE kernels reduce an angle to [-π, π] with (Cody–Waite: 2π split in three
 * parts), as `r = ((a − k·A) − k·B) − k·C` with `k = round(a · INV_TWO_PI)`; shared so every
 * kernel that rotates gets the same bits.
 */
export const ROPE_REDUCTION_WGSL = /* wgsl */ `
const INV_TWO_PI = 0.15915494309189535;
const TWO_PI_A = 6.28125;                   // 8 significant bits: k * A is exact
const TWO_PI_B = 0.0019350051879882812;     // next 12 bits
const TWO_PI_C = 3.019916050561733e-7;      // the rest
`;

/**
 * WGSL of rotate-half RoPE, in place. One thread per (token, head, i < half) rotates the pair
 * (x[i], x[i + half]) by `position * inv_freq[i]`. The angle is reduced to [-π, π] in three
 * steps (Cody–Waite) before sin/cos, whose WGSL accuracy is only promised on that interval;
 * at position 40k an unreduced angle would lose about three digits.
 */
export const ROPE_WGSL = /* wgsl */ `
struct Params { count: u32, heads: u32, half: u32, row_stride: u32, col_offset: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> inv_freq: array<f32>;
@group(0) @binding(2) var<storage, read> positions: array<i32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;

${ROPE_REDUCTION_WGSL}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (idx >= p.count) { return; }
  let i = idx % p.half;
  let row = idx / p.half;
  let t = row / p.heads;
  let base = t * p.row_stride + p.col_offset + (row % p.heads) * 2u * p.half;
  let angle = f32(positions[t]) * inv_freq[i];
  let k = round(angle * INV_TWO_PI);
  let r = ((angle - k * TWO_PI_A) - k * TWO_PI_B) - k * TWO_PI_C;
  let c = cos(r);
  let s = sin(r);
  let x1 = x[base + i];
  let x2 = x[base + i + p.half];
  x[base + i] = x1 * c - x2 * s;
  x[base + i + p.half] = x2 * c + x1 * s;
}`;
