import { COMMON_WGSL } from "./common.wgsl.js";
import { TOKEN_MASK_WGSL } from "./token-mask.wgsl.js";

/**
 * WGSL of the penalty kernel, one workgroup per sequence: copies the raw logits row into the
 * `scores` workspace (÷ temperature when it is > 0), then rewrites the row's entries of the
 * tokens in the history. With a logit bias, the row is copied unscaled, penalized, biased (each
 * listed token's entry += its bias) and only then divided by the temperature, so the bias acts
 * on logits, as OpenAI's does. Counting uses the `counts` workspace row as a token-indexed table of
 * atomic words — bit 31: seen in the prompt, bit 30: claimed, bits 0–29: output count — and
 * resets only the entries the history touches, so the table never needs clearing. A grammar's
 * token mask acts first: every logit read goes through it, so a banned token enters as -1e30.
 */
export const PENALIZE_WGSL = /* wgsl */ `
${COMMON_WGSL}
${TOKEN_MASK_WGSL}

const PROMPT_BIT: u32 = 0x80000000u;
const CLAIM_BIT: u32 = 0x40000000u;
const COUNT_MASK: u32 = 0x3fffffffu;

@group(0) @binding(0) var<uniform> u: Uniforms;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<SeqParams>;
@group(0) @binding(3) var<storage, read> history: array<u32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;
@group(0) @binding(5) var<storage, read_write> counts: array<atomic<u32>>;

var<workgroup> wgParams: SeqParams;

fn scaled(x: f32, t: f32) -> f32 {
  if (t > 0.0) { return x / t; }
  return x;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = flat_workgroup(wid, nwg);
  if (row >= u.numSeqs) { return; }
  if (lid == 0u) { wgParams = params[u.seqBase + row]; }
  let p = workgroupUniformLoad(&wgParams);
  let n = u.vocab;
  let base = u.rowBase + row * n;
  let penalized = !(p.repetitionPenalty == 1.0 && p.presencePenalty == 0.0 && p.frequencyPenalty == 0.0);
  // With a bias the temperature is applied last, in a pass of its own.
  let t = select(p.temperature, 0.0, p.numBias > 0u);
  let maskAt = mask_start(p);
  for (var i = lid; i < n; i += WG) { scores[base + i] = scaled(masked(logits[base + i], i, maskAt), t); }
  if (penalized) { penalize(p, lid, base, n, t, maskAt); }
  if (p.numBias == 0u) { return; }
  storageBarrier();
  let b = p.historyStart + p.numPromptTokens + p.numOutputTokens;
  for (var j = lid; j < p.numBias; j += WG) {
    let token = history[b + 2u * j];
    if (token < n) { scores[base + token] = scores[base + token] + bitcast<f32>(history[b + 2u * j + 1u]); }
  }
  if (p.temperature <= 0.0) { return; }
  storageBarrier();
  for (var i = lid; i < n; i += WG) { scores[base + i] = scores[base + i] / p.temperature; }
}

// Rewrites the entries of the history's tokens; t is the temperature already applied to the row.
fn penalize(p: SeqParams, lid: u32, base: u32, n: u32, t: f32, maskAt: u32) {
  let h = p.historyStart;
  let numHistory = p.numPromptTokens + p.numOutputTokens;
  storageBarrier();
  for (var j = lid; j < numHistory; j += WG) {
    let token = history[h + j];
    if (token < n) { atomicStore(&counts[base + token], 0u); }
  }
  storageBarrier();
  for (var j = lid; j < numHistory; j += WG) {
    let token = history[h + j];
    if (token >= n) { continue; }
    if (j < p.numPromptTokens) {
      atomicOr(&counts[base + token], PROMPT_BIT);
    } else {
      atomicAdd(&counts[base + token], 1u);
    }
  }
  storageBarrier();
  // The first invocation to claim a token rewrites its entry, once, from the raw logit.
  for (var j = lid; j < numHistory; j += WG) {
    let token = history[h + j];
    if (token >= n) { continue; }
    let old = atomicOr(&counts[base + token], CLAIM_BIT);
    if ((old & CLAIM_BIT) != 0u) { continue; }
    var x = masked(logits[base + token], token, maskAt);
    if (p.repetitionPenalty != 1.0) {
      if (x > 0.0) { x = x / p.repetitionPenalty; } else { x = x * p.repetitionPenalty; }
    }
    let count = old & COUNT_MASK;
    if (count > 0u) {
      x = x - f32(count) * p.frequencyPenalty;
      x = x - p.presencePenalty;
    }
    scores[base + token] = scaled(x, t);
  }
}
`;
