import type { SpecDecodeStep } from "../events.js";

/** Speculative decoding since the recorder started: vLLM's `spec_decode` counters and their ratios. */
export interface SpecDecodeSnapshot {
  /** Verifications: one per request per step that verified drafts. */
  readonly numDrafts: number;
  readonly numDraftTokens: number;
  readonly numAcceptedTokens: number;
  /** [position] drafts accepted at that 0-based position. */
  readonly numAcceptedTokensPerPos: readonly number[];
  /** Accepted ÷ draft tokens; null before any draft. */
  readonly acceptanceRate: number | null;
  /**
   * Tokens a request gains per verifying step: 1 + accepted ÷ drafts (vLLM's mean acceptance
   * length; the 1 is the token sampled after the accepted drafts). Null before any draft.
   */
  readonly meanAcceptanceLength: number | null;
  /** [position] accepted ÷ drafts: how often the draft at that position is accepted. */
  readonly acceptanceRatePerPos: readonly number[];
}

/** Adds up the steps' {@link SpecDecodeStep}s. */
export class SpecDecodeStats {
  private numDrafts = 0;
  private numDraftTokens = 0;
  private numAcceptedTokens = 0;
  private readonly perPos: number[] = [];

  add(s: SpecDecodeStep): void {
    this.numDrafts += s.numDrafts;
    this.numDraftTokens += s.numDraftTokens;
    this.numAcceptedTokens += s.numAcceptedTokens;
    s.numAcceptedTokensPerPos.forEach((n, i) => {
      this.perPos[i] = (this.perPos[i] ?? 0) + n;
    });
  }

  snapshot(): SpecDecodeSnapshot {
    const d = this.numDrafts;
    return {
      numDrafts: d,
      numDraftTokens: this.numDraftTokens,
      numAcceptedTokens: this.numAcceptedTokens,
      numAcceptedTokensPerPos: [...this.perPos],
      acceptanceRate: this.numDraftTokens === 0 ? null : this.numAcceptedTokens / this.numDraftTokens,
      meanAcceptanceLength: d === 0 ? null : 1 + this.numAcceptedTokens / d,
      acceptanceRatePerPos: this.perPos.map((n) => (d === 0 ? 0 : n / d)),
    };
  }
}
