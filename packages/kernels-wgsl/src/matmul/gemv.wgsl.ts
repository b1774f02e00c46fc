import { enableWgsl, type HalfLoads, weightBindingWgsl } from "../runtime/weight-wgsl.js";
import type { WeightDType } from "../runtime/weights.js";

/** A GEMV variant: what its pipeline key names. */
export interface GemvVariant {
  readonly dtype: WeightDType;
  readonly half: HalfLoads;
  /** vec4 loads need K % 4 == 0. */
  readonly vec4: boolean;
  /** Activation rows per pass, 1/2/4/8: every weight is read once for all of them. */
  readonly rows: number;
  /** Threads sharing one output (they split K, then tree-reduce); divides the workgroup. */
  readonly threadsPerOutput: number;
}

/** Threads per GEMV workgroup. */
export const GEMV_WG = 64;

/**
 * Decode-shaped `y[r, n] = Σ_k x[r, k] · w[n, k]` for few rows r. Each workgroup owns
 * `GEMV_WG / threadsPerOutput` consecutive outputs n; the threads of an output stride over its
 * weight row together so neighbouring threads read neighbouring words, and weights are read once
 * for all rows of the pass. Row indices past M are clamped (no divergent branch in the loop).
 */
export function gemvWgsl(v: GemvVariant): string {
  const tpo = v.threadsPerOutput;
  const rows = [...Array(v.rows).keys()];
  const unit = v.vec4 ? "vec4f" : "f32";
  const load = v.vec4 ? "w_at4" : "w_at";
  const mul = (r: number) => (v.vec4 ? `dot(wv, x[x${r} + i])` : `wv * x[x${r} + i]`);
  return /* wgsl */ `${enableWgsl(v.dtype, v.half)}
struct Params { m: u32, n: u32, units: u32, ldy: u32, col_offset: u32, has_bias: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<${unit}>;
${weightBindingWgsl(2, "w", v.dtype, v.vec4, v.half)}
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// Without a bias, x is bound here too and never read: one variant serves both cases.
@group(0) @binding(4) var<storage, read> bias: array<f32>;
${tpo > 1 ? `var<workgroup> partial: array<f32, ${GEMV_WG * v.rows}>;` : ""}

@compute @workgroup_size(${GEMV_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let lane = lid % ${tpo}u;
  let n = (wid.x + wid.y * nwg.x) * ${GEMV_WG / tpo}u + lid / ${tpo}u;
${rows.map((r) => `  let x${r} = min(${r}u, p.m - 1u) * p.units;\n  var acc${r} = 0.0;`).join("\n")}
  if (n < p.n) {
    let wbase = n * p.units;
    for (var i = lane; i < p.units; i += ${tpo}u) {
      let wv = ${load}(wbase + i);
${rows.map((r) => `      acc${r} += ${mul(r)};`).join("\n")}
    }
  }
${tpo > 1 ? reduceWgsl(v.rows, tpo) : ""}
  if (lane == 0u && n < p.n) {
    let col = p.col_offset + n;
${rows
  .map(
    (r) =>
      `    if (${r}u < p.m) { y[${r}u * p.ldy + col] = acc${r} + select(0.0, bias[col], p.has_bias == 1u); }`,
  )
  .join("\n")}
  }
}`;
}

function reduceWgsl(rows: number, tpo: number): string {
  const r = [...Array(rows).keys()];
  return `
${r.map((j) => `  partial[lid * ${rows}u + ${j}u] = acc${j};`).join("\n")}
  workgroupBarrier();
  for (var s = ${tpo / 2}u; s > 0u; s >>= 1u) {
    if (lane < s) {
${r.map((j) => `      partial[lid * ${rows}u + ${j}u] += partial[(lid + s) * ${rows}u + ${j}u];`).join("\n")}
    }
    workgroupBarrier();
  }
${r.map((j) => `  acc${j} = partial[lid * ${rows}u + ${j}u];`).join("\n")}`;
}
