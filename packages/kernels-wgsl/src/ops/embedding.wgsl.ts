import { enableWgsl, type HalfLoads, weightBindingWgsl } from "../runtime/weight-wgsl.js";
import type { WeightDType } from "../runtime/weights.js";

/** Embedding gather over one part of a row-split table: rows [row_start, row_start + part_rows). */
export function embeddingWgsl(dtype: WeightDType, half: HalfLoads): string {
  return /* wgsl */ `${enableWgsl(dtype, half)}
struct Params { count: u32, width: u32, row_start: u32, part_rows: u32, vocab: u32, zero_invalid: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
${weightBindingWgsl(2, "table", dtype, false, half)}
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// 64 threads × 4 elements, 64 apart (see the element-wise kernels).
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let first = (wid.x + wid.y * nwg.x) * 256u + lid;
  for (var j = 0u; j < 4u; j++) {
    let i = first + j * 64u;
    if (i >= p.count) { return; }
    let id = ids[i / p.width];
    let local = u32(id) - p.row_start; // wraps for ids below the part: caught by the bound below
    if (id >= 0 && local < p.part_rows) {
      out[i] = table_at(local * p.width + i % p.width);
    } else if (p.zero_invalid == 1u && (id < 0 || u32(id) >= p.vocab)) {
      out[i] = 0.0;
    }
  }
}`;
}
