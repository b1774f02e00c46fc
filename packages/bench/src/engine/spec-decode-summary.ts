import type { SpecDecodeSnapshot } from "@pagoda/metrics";

/** Speculative decoding in a bench report row (snake_case, as the rest of the report). */
export interface SpecDecodeSummary {
  /** Verifications: one per request per step with drafts. */
  num_drafts: number;
  num_draft_tokens: number;
  num_accepted_tokens: number;
  /** Accepted ÷ draft tokens; null before any draft. */
  acceptance_rate: number | null;
  /** Tokens a request gains per verifying step (1 + accepted ÷ drafts); null before any draft. */
  mean_acceptance_length: number | null;
}

/** The report's view of an engine's `snapshot().specDecode`; null when it did not speculate. */
export function specDecodeSummary(s: SpecDecodeSnapshot | null | undefined): SpecDecodeSummary | null {
  if (s == null) return null;
  return {
    num_drafts: s.numDrafts,
    num_draft_tokens: s.numDraftTokens,
    num_accepted_tokens: s.numAcceptedTokens,
    acceptance_rate: s.acceptanceRate,
    mean_acceptance_length: s.meanAcceptanceLength,
  };
}
