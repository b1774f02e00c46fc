import { enableWgsl, type HalfLoads, weightBindingWgsl } from "../runtime/weight-wgsl.js";
import type { WeightDType } from "../runtime/weights.js";

/** A tiled GEMM variant. */
export interface GemmVariant {
  readonly dtype: WeightDType;
  readonly half: HalfLoads;
  /** vec4 global loads need K % 4 == 0. */
  readonly vec4: boolean;
}

/** Output tile edge: a 16×16 workgroup computes a 64×64 tile, 4×4 outputs per thread. */
export const GEMM_TILE = 64;
/** K depth of one shared-memory stage. */
export const GEMM_BK = 16;

/**
 * Prefill `y[m, n] = Σ_k x[m, k] · w[n, k]`: both operands are K-contiguous, so each stage loads
 * a 64×16 slice of x and of w into workgroup memory transposed (k-major), then every thread
 * accumulates its 4×4 block in f32 registers. Loads past M, N or K read zero.
 */
export function gemmWgsl(v: GemmVariant): string {
  const T = GEMM_TILE;
  const BK = GEMM_BK;
  const loads = v.vec4 ? vec4Loads() : scalarLoads();
  return /* wgsl */ `${enableWgsl(v.dtype, v.half)}
struct Params { m: u32, n: u32, k: u32, ldy: u32, col_offset: u32, has_bias: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<${v.vec4 ? "vec4f" : "f32"}>;
${weightBindingWgsl(2, "w", v.dtype, v.vec4, v.half)}
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// Without a bias, x is bound here too and never read: one variant serves both cases.
@group(0) @binding(4) var<storage, read> bias: array<f32>;
var<workgroup> a_tile: array<f32, ${T * BK}>; // [k][m]
var<workgroup> b_tile: array<f32, ${T * BK}>; // [k][n]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let m0 = wid.y * ${T}u;
  let n0 = wid.x * ${T}u;
  let tx = lid3.x;
  let ty = lid3.y;
  var acc: array<vec4f, 4>;
  for (var k0 = 0u; k0 < p.k; k0 += ${BK}u) {
${loads}
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      let ab = kk * ${T}u + ty * 4u;
      let bb = kk * ${T}u + tx * 4u;
      let a = vec4f(a_tile[ab], a_tile[ab + 1u], a_tile[ab + 2u], a_tile[ab + 3u]);
      let b = vec4f(b_tile[bb], b_tile[bb + 1u], b_tile[bb + 2u], b_tile[bb + 3u]);
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + ty * 4u + i;
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + tx * 4u + j;
      if (m < p.m && n < p.n) {
        let col = p.col_offset + n;
        y[m * p.ldy + col] = acc[i][j] + select(0.0, bias[col], p.has_bias == 1u);
      }
    }
  }
}`;
}

// 64 rows × 16 k = 1024 scalars per operand: four per thread, consecutive threads along k.
function scalarLoads(): string {
  return `    for (var q = 0u; q < 4u; q++) {
      let e = lid + q * 256u;
      let r = e / ${GEMM_BK}u;
      let kk = e % ${GEMM_BK}u;
      let k = k0 + kk;
      let m = m0 + r;
      let n = n0 + r;
      a_tile[kk * ${GEMM_TILE}u + r] = select(0.0, x[min(m, p.m - 1u) * p.k + min(k, p.k - 1u)], m < p.m && k < p.k);
      b_tile[kk * ${GEMM_TILE}u + r] = select(0.0, w_at(min(n, p.n - 1u) * p.k + min(k, p.k - 1u)), n < p.n && k < p.k);
    }`;
}

// With K % 4 == 0 a k-slice of 16 is 4 vec4s: 64 rows × 4 = 256 loads, one per thread.
function vec4Loads(): string {
  return `    {
      let r = lid / 4u;
      let k4 = lid % 4u;
      let k = k0 + k4 * 4u;
      let units = p.k / 4u;
      let m = m0 + r;
      let n = n0 + r;
      let zero = vec4f(0.0);
      let a = select(zero, x[min(m, p.m - 1u) * units + min(k, p.k - 4u) / 4u], m < p.m && k < p.k);
      let b = select(zero, w_at4(min(n, p.n - 1u) * units + min(k, p.k - 4u) / 4u), n < p.n && k < p.k);
      for (var c = 0u; c < 4u; c++) {
        a_tile[(k4 * 4u + c) * ${GEMM_TILE}u + r] = a[c];
        b_tile[(k4 * 4u + c) * ${GEMM_TILE}u + r] = b[c];
      }
    }`;
}
