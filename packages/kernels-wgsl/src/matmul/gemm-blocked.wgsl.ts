import { enableWgsl, weightBindingWgsl } from "../runtime/weight-wgsl.js";
import type { GemmVariant } from "./gemm.wgsl.js";

/** Output tile edge of the register-blocked GEMM: 8×8 threads of 4×4 outputs each. */
export const BLOCKED_TILE = 32;

/**
 * Register-blocked `y = x · wᵀ` without workgroup memory or barriers, for CPU adapters: there
 * "shared" memory is the same cache as global memory, so staging tiles only adds copies and
 * barrier switches. Each thread keeps a 4×4 block of outputs and streams four rows of x and of
 * w along K; rows past M or N are clamped to the last one and not written.
 */
export function gemmBlockedWgsl(v: GemmVariant): string {
  const r = [0, 1, 2, 3];
  const unit = v.vec4 ? "vec4f" : "f32";
  const load = v.vec4 ? "w_at4" : "w_at";
  const mul = v.vec4
    ? (i: number, j: number) => `dot(a${i}, b${j})`
    : (i: number, j: number) => `a${i} * b${j}`;
  return /* wgsl */ `${enableWgsl(v.dtype, v.half)}
struct Params { m: u32, n: u32, units: u32, ldy: u32, col_offset: u32, has_bias: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<${unit}>;
${weightBindingWgsl(2, "w", v.dtype, v.vec4, v.half)}
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// Without a bias, x is bound here too and never read: one variant serves both cases.
@group(0) @binding(4) var<storage, read> bias: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let n0 = wid.x * ${BLOCKED_TILE}u + (lid % 8u) * 4u;
  let m0 = wid.y * ${BLOCKED_TILE}u + (lid / 8u) * 4u;
${r.map((i) => `  let xr${i} = min(m0 + ${i}u, p.m - 1u) * p.units;`).join("\n")}
${r.map((j) => `  let wr${j} = min(n0 + ${j}u, p.n - 1u) * p.units;`).join("\n")}
${r.map((i) => `  var acc${i} = vec4f(0.0);`).join("\n")}
  for (var k = 0u; k < p.units; k++) {
${r.map((i) => `    let a${i} = x[xr${i} + k];`).join("\n")}
${r.map((j) => `    let b${j} = ${load}(wr${j} + k);`).join("\n")}
${r.map((i) => `    acc${i} += vec4f(${r.map((j) => mul(i, j)).join(", ")});`).join("\n")}
  }
${r
  .map(
    (i) => `  if (m0 + ${i}u < p.m) {
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + j;
      if (n < p.n) {
        let col = p.col_offset + n;
        y[(m0 + ${i}u) * p.ldy + col] = acc${i}[j] + select(0.0, bias[col], p.has_bias == 1u);
      }
    }
  }`,
  )
  .join("\n")}
}`;
}
