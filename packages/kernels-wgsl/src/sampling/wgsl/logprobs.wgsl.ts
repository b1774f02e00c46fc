import { CANDIDATES_WGSL } from "./candidates.wgsl.js";
import { COMMON_WGSL } from "./common.wgsl.js";
import { RADIX_SELECT_WGSL } from "./radix-select.wgsl.js";
import { TOKEN_MASK_WGSL } from "./token-mask.wgsl.js";

/**
 * WGSL of the raw log-probabilities, one workgroup per sequence, after the token is chosen:
 * log-softmax of the raw logits at the sampled token, its rank, and the top `numLogprobs`
 * entries. The top entries are found among the top-N candidates (candidates.wgsl.ts), each
 * ranked by how many candidates beat it; when those overflow (heavy ties), by a radix select of
 * the N-th largest key plus, when ties straddle it, a second one over the tied ids (lowest ids
 * win), after which invocation 0 sorts the ≤ 20 entries. "Raw" is after the token mask, as
 * the token was chosen: a banned token reads -1e30.
 */
export const LOGPROBS_WGSL = /* wgsl */ `
${COMMON_WGSL}
${RADIX_SELECT_WGSL}
${CANDIDATES_WGSL}
${TOKEN_MASK_WGSL}

const MAX_TOP: u32 = 20u;

@group(0) @binding(0) var<uniform> u: Uniforms;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<SeqParams>;
@group(0) @binding(3) var<storage, read_write> outs: array<SampleOut>;
@group(0) @binding(4) var<storage, read> history: array<u32>;

var<workgroup> wgParams: SeqParams;
var<workgroup> wgToken: u32;
var<workgroup> wgTies: u32;
var<workgroup> redMax: array<f32, WG>;
var<workgroup> redSum: array<f32, WG>;
var<workgroup> redCount: array<u32, WG>;
var<workgroup> topCount: atomic<u32>;
var<workgroup> topIds: array<u32, MAX_TOP>;
var<workgroup> topVals: array<f32, MAX_TOP>;
var<private> rowBase: u32;
var<private> tieKey: u32;
var<private> byIndex: bool;
var<private> maskAt: u32;

// The logit of token i as sampling saw it: raw, or MASKED where the token mask bans it.
fn logit_at(i: u32) -> f32 {
  return masked(logits[rowBase + i], i, maskAt);
}

// By value, or (byIndex) by id among the entries tied at tieKey: key NONE − i ranks low ids high.
fn sel_item(i: u32) -> SelItem {
  let key = order_key(logit_at(i));
  if (byIndex) { return SelItem(NONE - i, 1.0, key == tieKey); }
  return SelItem(key, 1.0, true);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = flat_workgroup(wid, nwg);
  if (row >= u.numSeqs) { return; }
  let seq = u.seqBase + row;
  if (lid == 0u) {
    wgParams = params[seq];
    atomicStore(&topCount, 0u);
  }
  let p = workgroupUniformLoad(&wgParams);
  let n = u.vocab;
  rowBase = u.rowBase + row * n;
  maskAt = mask_start(p);
  let token = outs[seq].token;

  let chosen = logit_at(token);
  var m = -F32_MAX;
  var greater = 0u;
  for (var i = lid; i < n; i += WG) {
    let x = logit_at(i);
    m = max(m, x);
    if (x > chosen) { greater += 1u; }
  }
  redMax[lid] = m;
  redCount[lid] = greater;
  workgroupBarrier();
  let xmax = fold_max(&redMax);
  let numTop = min(p.numLogprobs, min(n, MAX_TOP));
  if (numTop > 0u) {
    cand_bound(lid, &redMax, numTop);
  }
  workgroupBarrier();
  let bound = candBound;
  var s = 0.0;
  var count = 0u;
  for (var i = lid; i < n; i += WG) {
    let x = logit_at(i);
    s += exp(x - xmax);
    if (numTop > 0u && x >= bound) { cand_push(lid, &count, i); }
  }
  redSum[lid] = s;

  var fromCandidates = false;
  if (numTop > 0u) {
    fromCandidates = cand_finish(lid, count);
    if (fromCandidates) {
      // A candidate's place is the number of candidates before it (larger, or equal with a lower id).
      for (var c = 0u; c < count; c++) {
        let id = candIds[lid * CAND_SLOTS + c];
        let x = logit_at(id);
        var place = 0u;
        for (var t = 0u; t < WG; t++) {
          for (var o = 0u; o < candCount[t]; o++) {
            let oid = candIds[t * CAND_SLOTS + o];
            let ox = logit_at(oid);
            place += select(0u, 1u, ox > x || (ox == x && oid < id));
          }
        }
        if (place < numTop) {
          topIds[place] = id;
          topVals[place] = x;
        }
      }
    } else {
      var k = 0u; // the numTop-th largest key
      var numAbove = 0u;
      var lastTie = NONE; // highest id taken among the entries equal to k
      // Round 0 selects by value; round 1, only when ties straddle k, by id among the tied
      // entries, keeping the lowest ids. One call site: each is inlined.
      for (var round = 0u; round < 2u; round++) {
        let tied = round == 1u; // a local: private variables do not count as uniform
        var goal = f32(numTop);
        if (tied) {
          if (workgroupUniformLoad(&wgTies) == 0u) { break; }
          tieKey = k;
          goal = f32(numTop - numAbove);
        }
        byIndex = tied;
        let r = radix_select(lid, n, goal, false);
        if (tied) {
          lastTie = NONE - r;
        } else {
          k = r;
          numAbove = u32(selAbove);
          if (lid == 0u) { wgTies = select(0u, 1u, numAbove + u32(selAt) > numTop); }
        }
      }
      for (var i = lid; i < n; i += WG) {
        let key = order_key(logit_at(i));
        if (key > k || (key == k && i <= lastTie)) {
          let slot = atomicAdd(&topCount, 1u);
          if (slot < MAX_TOP) {
            topIds[slot] = i;
            topVals[slot] = logit_at(i);
          }
        }
      }
    }
  }
  workgroupBarrier();
  if (lid != 0u) { return; }
  let lse = xmax + log(fold_sum(&redSum));
  // Entries gathered by the radix path come in any order: insertion sort, value descending,
  // id ascending (a no-op on the candidates' already placed entries).
  for (var a = 1u; a < numTop; a++) {
    let id = topIds[a];
    let v = topVals[a];
    var b = a;
    while (b > 0u && (topVals[b - 1u] < v || (topVals[b - 1u] == v && topIds[b - 1u] > id))) {
      topIds[b] = topIds[b - 1u];
      topVals[b] = topVals[b - 1u];
      b -= 1u;
    }
    topIds[b] = id;
    topVals[b] = v;
  }
  outs[seq].logprob = chosen - lse;
  outs[seq].rank = fold_sum_u(&redCount) + 1u;
  outs[seq].numTop = numTop;
  outs[seq].flags = outs[seq].flags | select(0u, FLAG_TOP_LOGPROB_CANDIDATES, fromCandidates);
  for (var a = 0u; a < MAX_TOP; a++) {
    let used = a < numTop;
    outs[seq].topIds[a] = select(0u, topIds[a], used);
    outs[seq].topLogprobs[a] = select(0.0, topVals[a] - lse, used);
  }
}
`;
