import type { SpecDecodeStep } from "@pagoda/metrics";

/** The speculative counts of one request's update (the scheduler's `RequestOutput`). */
export interface DraftCounts {
  numDraftTokens: number;
  numAcceptedDraftTokens: number;
}

/** Sums a step's updates into the metrics' {@link SpecDecodeStep}; undefined when no request had drafts. */
export function specDecodeCounts(updates: readonly DraftCounts[]): SpecDecodeStep | undefined {
  let numDrafts = 0;
  let numDraftTokens = 0;
  let numAcceptedTokens = 0;
  const perPos: number[] = [];
  for (const u of updates) {
    if (u.numDraftTokens === 0) continue;
    numDrafts++;
    numDraftTokens += u.numDraftTokens;
    numAcceptedTokens += u.numAcceptedDraftTokens;
    // Drafts are accepted as a prefix: positions 0 .. accepted - 1.
    for (let i = 0; i < u.numDraftTokens; i++)
      perPos[i] = (perPos[i] ?? 0) + (i < u.numAcceptedDraftTokens ? 1 : 0);
  }
  if (numDrafts === 0) return undefined;
  return { numDrafts, numDraftTokens, numAcceptedTokens, numAcceptedTokensPerPos: perPos };
}
