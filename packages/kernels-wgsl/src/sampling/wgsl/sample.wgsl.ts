import { CANDIDATES_WGSL } from "./candidates.wgsl.js";
import { COMMON_WGSL } from "./common.wgsl.js";
import { PHILOX_WGSL } from "./philox.wgsl.js";
import { RADIX_SELECT_WGSL } from "./radix-select.wgsl.js";

/**
 * WGSL of the token choice, one workgroup per sequence, over the `scores` row the penalty kernel
 * wrote: greedy argmax when temperature is 0; otherwise top-k and top-p as radix-selected
 * thresholds on the scaled logits, min-p as exp(z − max) ≥ minP, then Gumbel-max over the kept
 * tokens with Philox noise (counter [⌊i/4⌋, step, SAMPLE_STREAM, 0], key = seed). With
 * 0 < topK ≤ WG the selects and the draw run over the top-k candidates (candidates.wgsl.ts)
 * rather than the row: two passes over the row instead of up to eighteen.
 */
export const SAMPLE_WGSL = /* wgsl */ `
${COMMON_WGSL}
${PHILOX_WGSL}
${RADIX_SELECT_WGSL}
${CANDIDATES_WGSL}

@group(0) @binding(0) var<uniform> u: Uniforms;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<SeqParams>;
@group(0) @binding(3) var<storage, read_write> outs: array<SampleOut>;

// See GUMBEL_SPAN in ../reference/gumbel.ts: tokens this far below the max cannot be drawn.
const GUMBEL_SPAN: f32 = 20.0;

var<workgroup> wgParams: SeqParams;
var<workgroup> redMax: array<f32, WG>;
var<workgroup> redVal: array<f32, WG>;
var<workgroup> redIdx: array<u32, WG>;
var<workgroup> redMin: array<f32, WG>;
var<workgroup> redCount: array<u32, WG>;
var<private> rowBase: u32;
var<private> selFloor: u32;
var<private> selMass: bool;
var<private> compact: bool; // selects and the draw read the candidates, not the row
var<private> zmax: f32;

fn sel_item(d: u32) -> SelItem {
  if (compact && !cand_valid(d)) { return SelItem(0u, 0.0, false); }
  let z = scores[rowBase + select(d, candIds[d], compact)];
  let key = order_key(z);
  var w = 1.0;
  if (selMass) { w = exp(z - zmax); }
  return SelItem(key, w, key >= selFloor);
}

// One invocation's running Gumbel-max draw; Philox words are shared by the 4 ids of a group.
struct Draw { best: f32, bestIdx: u32, numKept: u32, cut: f32, group: u32, words: vec4u }

fn draw(st: ptr<function, Draw>, i: u32, p: SeqParams) {
  let z = scores[rowBase + i];
  if (order_key(z) < selFloor || (p.minP > 0.0 && exp(z - zmax) < p.minP)) { return; }
  (*st).numKept += 1u;
  (*st).cut = min((*st).cut, z);
  if (z < zmax - GUMBEL_SPAN) { return; } // cannot win the draw: skip its noise
  if (i / 4u != (*st).group) {
    (*st).group = i / 4u;
    (*st).words = philox4x32_10(vec4u(i / 4u, p.step, SAMPLE_STREAM, 0u), vec2u(p.seedLo, p.seedHi));
  }
  let score = z - log(-log(uniform_from_bits((*st).words[i % 4u])));
  if ((*st).bestIdx == NONE || score > (*st).best) {
    (*st).best = score;
    (*st).bestIdx = i;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = flat_workgroup(wid, nwg);
  if (row >= u.numSeqs) { return; }
  let seq = u.seqBase + row;
  if (lid == 0u) { wgParams = params[seq]; }
  let p = workgroupUniformLoad(&wgParams);
  let n = u.vocab;
  rowBase = u.rowBase + row * n;

  if (p.temperature <= 0.0) {
    var best = -F32_MAX;
    var bestIdx = NONE;
    for (var i = lid; i < n; i += WG) {
      let x = scores[rowBase + i];
      if (bestIdx == NONE || x > best) { best = x; bestIdx = i; }
    }
    redVal[lid] = best;
    redIdx[lid] = bestIdx;
    workgroupBarrier();
    if (lid == 0u) {
      let token = fold_argmax(&redVal, &redIdx);
      outs[seq].token = token;
      outs[seq].numKept = 1u;
      outs[seq].cut = scores[rowBase + token];
      outs[seq].flags = 0u;
    }
    return;
  }

  var m = -F32_MAX;
  for (var i = lid; i < n; i += WG) { m = max(m, scores[rowBase + i]); }
  redMax[lid] = m;
  workgroupBarrier();
  zmax = fold_max(&redMax);
  var useCandidates = p.topK > 0 && u32(p.topK) <= WG && u32(p.topK) < n;
  var count = 0u;
  if (useCandidates) {
    cand_bound(lid, &redMax, u32(p.topK));
    workgroupBarrier();
    let bound = candBound;
    for (var i = lid; i < n; i += WG) {
      if (scores[rowBase + i] >= bound) { cand_push(lid, &count, i); }
    }
    useCandidates = cand_finish(lid, count);
  }
  compact = useCandidates;
  let domain = select(n, CAND_SLOTS * WG, useCandidates);
  selFloor = 0u;
  // Top-k (by count), then top-p (by mass over what top-k kept): one call site for both.
  for (var which = 0u; which < 2u; which++) {
    let mass = which == 1u; // a local: private variables do not count as uniform
    selMass = mass;
    let enabled = select(p.topK > 0 && u32(p.topK) < n, p.topP < 1.0, mass);
    if (enabled) { selFloor = radix_select(lid, domain, select(f32(p.topK), p.topP, mass), mass); }
  }

  var st = Draw(-F32_MAX, NONE, 0u, F32_MAX, NONE, vec4u());
  // Row: four consecutive ids per invocation and round, so one Philox call serves them all.
  // Candidates: this invocation's own slots. One loop, one inlined draw.
  let slots = min(count, CAND_SLOTS);
  for (var k = 0u; ; k++) {
    var i = lid * 4u + (k / 4u) * 4u * WG + k % 4u;
    if (useCandidates) {
      if (k >= slots) { break; }
      i = candIds[lid * CAND_SLOTS + k];
    } else if (i - k % 4u >= n) {
      break;
    }
    if (i < n) { draw(&st, i, p); }
  }
  redVal[lid] = st.best;
  redIdx[lid] = st.bestIdx;
  redMin[lid] = st.cut;
  redCount[lid] = st.numKept;
  workgroupBarrier();
  if (lid == 0u) {
    outs[seq].token = fold_argmax(&redVal, &redIdx);
    outs[seq].numKept = fold_sum_u(&redCount);
    outs[seq].cut = fold_min(&redMin);
    outs[seq].flags = select(0u, FLAG_TOPK_CANDIDATES, useCandidates);
  }
}
`;
