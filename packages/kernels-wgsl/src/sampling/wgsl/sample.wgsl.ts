import { COMMON_WGSL } from "./common.wgsl.js";
import { PHILOX_WGSL } from "./philox.wgsl.js";
import { RADIX_SELECT_WGSL } from "./radix-select.wgsl.js";

/**
 * WGSL of the token choice, one workgroup per sequence, over the `scores` row the penalty kernel
 * wrote: greedy argmax when temperature is 0; otherwise top-k and top-p as radix-selected
 * thresholds on the scaled logits, min-p as exp(z − max) ≥ minP, then Gumbel-max over the kept
 * tokens with Philox noise (counter [⌊i/4⌋, step, SAMPLE_STREAM, 0], key = seed).
 */
export const SAMPLE_WGSL = /* wgsl */ `
${COMMON_WGSL}
${PHILOX_WGSL}
${RADIX_SELECT_WGSL}

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
var<private> zmax: f32;

fn sel_item(i: u32) -> SelItem {
  let z = scores[rowBase + i];
  let key = order_key(z);
  var w = 1.0;
  if (selMass) { w = exp(z - zmax); }
  return SelItem(key, w, key >= selFloor);
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

  var best = -F32_MAX;
  var bestIdx = NONE;
  if (p.temperature <= 0.0) {
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
    }
    return;
  }

  var m = -F32_MAX;
  for (var i = lid; i < n; i += WG) { m = max(m, scores[rowBase + i]); }
  redMax[lid] = m;
  workgroupBarrier();
  zmax = fold_max(&redMax);
  selFloor = 0u;
  // Top-k (by count), then top-p (by mass over what top-k kept): one call site for both.
  for (var which = 0u; which < 2u; which++) {
    let mass = which == 1u; // a local: private variables do not count as uniform
    selMass = mass;
    let enabled = select(p.topK > 0 && u32(p.topK) < n, p.topP < 1.0, mass);
    if (enabled) { selFloor = radix_select(lid, n, select(f32(p.topK), p.topP, mass), mass); }
  }

  let key = vec2u(p.seedLo, p.seedHi);
  var numKept = 0u;
  var cut = F32_MAX;
  for (var g = lid; g * 4u < n; g += WG) {
    var words = vec4u();
    var drawn = false;
    for (var j = 0u; j < 4u; j++) {
      let i = g * 4u + j;
      if (i >= n) { break; }
      let z = scores[rowBase + i];
      if (order_key(z) < selFloor || (p.minP > 0.0 && exp(z - zmax) < p.minP)) { continue; }
      numKept += 1u;
      cut = min(cut, z);
      if (z < zmax - GUMBEL_SPAN) { continue; } // cannot win the draw: skip its noise
      if (!drawn) {
        words = philox4x32_10(vec4u(g, p.step, SAMPLE_STREAM, 0u), key);
        drawn = true;
      }
      let score = z - log(-log(uniform_from_bits(words[j])));
      if (bestIdx == NONE || score > best) { best = score; bestIdx = i; }
    }
  }
  redVal[lid] = best;
  redIdx[lid] = bestIdx;
  redMin[lid] = cut;
  redCount[lid] = numKept;
  workgroupBarrier();
  if (lid == 0u) {
    outs[seq].token = fold_argmax(&redVal, &redIdx);
    outs[seq].numKept = fold_sum_u(&redCount);
    outs[seq].cut = fold_min(&redMin);
  }
}
`;
