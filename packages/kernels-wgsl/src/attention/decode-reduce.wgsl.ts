/** Threads per workgroup of the split-K merge kernel. */
export const REDUCE_WORKGROUP = 64;

/**
 * WGSL merging the partitions of split-K decode attention. Workgroup (head, seq): with
 * M = max of the partitions' maxima, out = Σ e^(m_p - M) o_p / Σ e^(m_p - M) l_p, where o_p is a
 * partition's unnormalised output and l_p its sum of exponentials.
 */
export function decodeReduceWgsl(): string {
  return /* wgsl */ `
struct Params {
  numSeqs: u32,
  numHeads: u32,
  headDim4: u32,
  numParts: u32,
  partSize: u32,
}

const NEG: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partOut: array<vec4f>; // [numSeqs, numHeads, numParts, headDim4]
@group(0) @binding(2) var<storage, read> partStats: array<vec2f>; // [numSeqs, numHeads, numParts]
@group(0) @binding(3) var<storage, read> seqLens: array<i32>;
@group(0) @binding(4) var<storage, read> queryStartLoc: array<i32>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>; // [numTokens, numHeads * headDim4]

@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let h = wid.x;
  let seq = wid.y;
  let qStart = queryStartLoc[seq];
  if (queryStartLoc[seq + 1u] - qStart != 1) {
    return;
  }
  let used = min(p.numParts, (u32(seqLens[seq]) + p.partSize - 1u) / p.partSize);
  let base = (seq * p.numHeads + h) * p.numParts;
  var m = NEG;
  for (var k = 0u; k < used; k++) {
    m = max(m, partStats[base + k].x);
  }
  var l = 0.0;
  for (var k = 0u; k < used; k++) {
    let st = partStats[base + k];
    l += exp(st.x - m) * st.y;
  }
  let row = (u32(qStart) * p.numHeads + h) * p.headDim4;
  for (var d = t; d < p.headDim4; d += ${REDUCE_WORKGROUP}u) {
    var acc = vec4f(0.0);
    for (var k = 0u; k < used; k++) {
      acc += exp(partStats[base + k].x - m) * partOut[(base + k) * p.headDim4 + d];
    }
    out[row + d] = acc / l;
  }
}
`;
}
