import { createRng } from "../../src/index.js";

/** One row of the comparison: how many streams, how long the prompts and the outputs are. */
export interface Scenario {
  /** `decode-1`, `decode-8`, `decode-32`, `prefill-512` (the prompt length in quick mode). */
  readonly id: string;
  /** `decode`: generated tok/s after prefill, all streams together; `prefill`: prompt tok/s to the first token. */
  readonly kind: "decode" | "prefill";
  readonly streams: number;
  readonly promptLen: number;
  /** Tokens each stream generates (EOS ignored). */
  readonly genLen: number;
}

/**
 * The rows: single-stream decode, 8 and 32 concurrent streams, one long-prompt prefill (512
 * tokens, or as many as the model's context leaves room for with one output token).
 */
export function scenarios(quick: boolean, contextLength: number): Scenario[] {
  const gen = quick ? 16 : 128;
  const prefill = Math.min(quick ? 128 : 512, contextLength - 1);
  return [
    { id: "decode-1", kind: "decode", streams: 1, promptLen: 16, genLen: gen },
    { id: "decode-8", kind: "decode", streams: 8, promptLen: 16, genLen: gen },
    { id: "decode-32", kind: "decode", streams: 32, promptLen: 16, genLen: gen },
    { id: `prefill-${prefill}`, kind: "prefill", streams: 1, promptLen: prefill, genLen: 1 },
  ];
}

/**
 * Seeded random prompts, the same ids for both systems: BOS (when the model has one) then ids
 * drawn from `[firstId, vocabSize)`, above the special and byte tokens.
 */
export function promptIds(
  s: Scenario,
  vocab: { vocabSize: number; bosTokenId: number | null; firstId: number },
  seed: number,
): number[][] {
  const rng = createRng(seed);
  const span = vocab.vocabSize - vocab.firstId;
  return Array.from({ length: s.streams }, () => {
    const ids = vocab.bosTokenId === null ? [] : [vocab.bosTokenId];
    while (ids.length < s.promptLen) ids.push(vocab.firstId + Math.floor(rng.next() * span));
    return ids;
  });
}
