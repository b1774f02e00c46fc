// Byte layouts shared by the host and the WGSL structs `SeqParams` and `SampleOut`
// (wgsl/common.wgsl.ts). Every field is one 4-byte word; the word indices are the contract.

/** Words of one `SeqParams` record (64 bytes). */
export const PARAM_WORDS = 16;

/** Word index of each `SeqParams` field. */
export const PARAM = {
  temperature: 0, // f32
  topK: 1, // i32, ≤ 0 = off
  topP: 2, // f32
  minP: 3, // f32
  seedLo: 4, // u32
  seedHi: 5, // u32
  step: 6, // u32
  numLogprobs: 7, // u32
  repetitionPenalty: 8, // f32
  presencePenalty: 9, // f32
  frequencyPenalty: 10, // f32
  historyStart: 11, // u32: first token of this sequence in the history buffer
  numPromptTokens: 12, // u32
  numOutputTokens: 13, // u32
  numBias: 14, // u32: logit-bias pairs (token, f32 bits) in the history buffer after the tokens
  hasMask: 15, // u32: 1 when ceil(vocab / 32) token-mask words follow the bias pairs
} as const;

/** Words of one `SampleOut` record (192 bytes): what the executor reads back per sequence. */
export const OUTPUT_WORDS = 48;

/** Word index of each `SampleOut` field. */
export const OUT = {
  token: 0, // u32
  logprob: 1, // f32: raw log-probability of the sampled token
  rank: 2, // u32: 1 + number of raw logits strictly greater than the sampled token's
  numKept: 3, // u32: size of the set sampled from (1 when greedy)
  cut: 4, // f32: smallest processed logit kept (the max when greedy)
  numTop: 5, // u32: how many top logprobs follow
  flags: 6, // u32: SAMPLE_FLAGS bits, which path the kernels took (diagnostics)
  // 7: reserved
  topIds: 8, // u32[20]
  topLogprobs: 28, // f32[20]
} as const;

/** Bits of the `flags` word of a `SampleOut` record. */
export const SAMPLE_FLAGS = {
  /** Top-k (k ≤ 128) narrowed the row to candidates in one pass instead of a radix select. */
  topKCandidates: 1,
  /** The top logprobs were ranked among candidates instead of radix-selected from the row. */
  topLogprobCandidates: 2,
} as const;
