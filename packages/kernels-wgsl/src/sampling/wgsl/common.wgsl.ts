import { FLAT_WORKGROUP_WGSL } from "../../runtime/grid.js";

/** Invocations per workgroup of every sampling kernel; one workgroup serves one sequence. */
export const SAMPLING_WG = 128;

/**
 * Declarations every sampling kernel shares: the uniform block, the `SeqParams` / `SampleOut`
 * records (word layout in ../layout.ts), the order-preserving float key and workgroup reductions.
 * Reductions return workgroup-uniform values, so results may steer loops that hold barriers.
 */
export const COMMON_WGSL = /* wgsl */ `
const WG: u32 = ${SAMPLING_WG}u;
const NONE: u32 = 0xffffffffu;
const F32_MAX: f32 = 0x1.fffffep+127f;

struct Uniforms {
  numSeqs: u32,   // sequences in this dispatch
  vocab: u32,
  seqBase: u32,   // index of the first one in params / outs
  rowBase: u32,   // element offset of its row in the bound logits / scores / counts ranges
}

struct SeqParams {
  temperature: f32, topK: i32, topP: f32, minP: f32,
  seedLo: u32, seedHi: u32, step: u32, numLogprobs: u32,
  repetitionPenalty: f32, presencePenalty: f32, frequencyPenalty: f32, historyStart: u32,
  numPromptTokens: u32, numOutputTokens: u32, numBias: u32, hasMask: u32,
}

// A token a grammar's mask bans reads as this logit (finite: the kernels reject infinities).
const MASKED: f32 = -1e30;
const NO_MASK: u32 = 0xffffffffu;

// Where a sequence's token mask starts in the history buffer (after its tokens and bias pairs).
fn mask_start(p: SeqParams) -> u32 {
  let at = p.historyStart + p.numPromptTokens + p.numOutputTokens + 2u * p.numBias;
  return select(NO_MASK, at, p.hasMask != 0u);
}

// Bits of SampleOut.flags: which path a sequence took (diagnostics and tests).
const FLAG_TOPK_CANDIDATES: u32 = 1u;
const FLAG_TOP_LOGPROB_CANDIDATES: u32 = 2u;

struct SampleOut {
  token: u32, logprob: f32, rank: u32, numKept: u32,
  cut: f32, numTop: u32, flags: u32, reserved: u32,
  topIds: array<u32, 20>,
  topLogprobs: array<f32, 20>,
}

${FLAT_WORKGROUP_WGSL}

// Unsigned order of the key is the float order (-0 just below +0).
fn order_key(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

// Reductions: each invocation stores its partial in a WG-long workgroup array, one barrier,
// then whoever needs the result folds the whole array in index order (so every invocation that
// folds gets the same value). Few barriers on purpose: Mesa's LLVM back end (lavapipe) compiles
// each barrier as a coroutine suspension and its compile time grew with their number — a
// kernel with tree reductions took over ten seconds to compile. An array must not be refilled
// before a barrier separates the refill from the last fold of it.
fn fold_max(a: ptr<workgroup, array<f32, WG>>) -> f32 {
  var r = (*a)[0];
  for (var j = 1u; j < WG; j++) { r = max(r, (*a)[j]); }
  return r;
}

fn fold_min(a: ptr<workgroup, array<f32, WG>>) -> f32 {
  var r = (*a)[0];
  for (var j = 1u; j < WG; j++) { r = min(r, (*a)[j]); }
  return r;
}

fn fold_sum(a: ptr<workgroup, array<f32, WG>>) -> f32 {
  var r = 0.0;
  for (var j = 0u; j < WG; j++) { r += (*a)[j]; }
  return r;
}

fn fold_sum_u(a: ptr<workgroup, array<u32, WG>>) -> u32 {
  var r = 0u;
  for (var j = 0u; j < WG; j++) { r += (*a)[j]; }
  return r;
}

// (value, index) pairs: the larger value wins, the lower index among ties; index NONE loses.
fn better(v: f32, i: u32, bv: f32, bi: u32) -> bool {
  return i != NONE && (bi == NONE || v > bv || (v == bv && i < bi));
}

fn fold_argmax(vals: ptr<workgroup, array<f32, WG>>, ids: ptr<workgroup, array<u32, WG>>) -> u32 {
  var bv = (*vals)[0];
  var bi = (*ids)[0];
  for (var j = 1u; j < WG; j++) {
    if (better((*vals)[j], (*ids)[j], bv, bi)) {
      bv = (*vals)[j];
      bi = (*ids)[j];
    }
  }
  return bi;
}
`;
