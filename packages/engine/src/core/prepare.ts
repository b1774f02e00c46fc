import { EngineError, SamplingParamsError } from "../errors.js";
import type { ParsedSamplingParams } from "../sampling/index.js";
import type { PromptInput } from "./types.js";

/** A prompt's token ids: text is encoded with the tokenizer's defaults (BOS prepended). */
export function toTokenIds(prompt: PromptInput, tokenizer: { encode(text: string): number[] }): number[] {
  if (typeof prompt === "string") {
    const ids = tokenizer.encode(prompt);
    if (ids.length === 0) throw new EngineError("engine.empty_prompt", "the prompt encodes to no tokens");
    return ids;
  }
  if (
    !Array.isArray(prompt) ||
    prompt.length === 0 ||
    !prompt.every((t) => Number.isSafeInteger(t) && t >= 0)
  ) {
    throw new EngineError(
      "engine.bad_prompt",
      "a prompt must be text or a non-empty array of non-negative integer token ids",
    );
  }
  return [...prompt];
}

/** Rejects more samples (`n`) than the scheduler has seats for, with the same typed error as a bad value. */
export function checkSamples(p: ParsedSamplingParams, maxNumSeqs: number): void {
  if (p.n > maxNumSeqs) {
    throw new SamplingParamsError(
      "sampling.invalid",
      `n must be at most ${maxNumSeqs}, the engine's maxNumSeqs (every sample runs as a sequence); got ${p.n}`,
      { details: { param: "n", maxNumSeqs } },
    );
  }
}

/** A concrete 32-bit seed for a request that gave none, so its samples can be replayed. */
export function drawSeed(random: () => number): number {
  return Math.floor(random() * 0x1_0000_0000) >>> 0;
}
