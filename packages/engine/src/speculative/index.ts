export { createProposer, type DraftExecutorBuilder, type ProposerTarget } from "./create-proposer.js";
export { type DraftModelOptions, DraftModelProposer } from "./draft-model-proposer.js";
export { type NgramOptions, NgramProposer } from "./ngram-proposer.js";
export type { DraftRequest, Proposer } from "./proposer.js";
export { type DraftCounts, specDecodeCounts } from "./spec-decode-counts.js";
export { Speculation, type SpeculationOptions } from "./speculation.js";
export {
  checkDraftVocabulary,
  type DraftSpeculativeConfig,
  describeSpeculative,
  MAX_NGRAM,
  MAX_SPECULATIVE_TOKENS,
  type NgramSpeculativeConfig,
  type ResolvedSpeculativeConfig,
  resolveSpeculativeConfig,
  type SpeculativeConfig,
} from "./speculative-config.js";
