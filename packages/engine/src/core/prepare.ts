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

/** Rejects what the engine cannot do yet, with the same typed error as a bad value. */
export function checkParams(p: ParsedSamplingParams): void {
  if (p.n !== 1) {
    throw new SamplingParamsError(
      "sampling.unsupported",
      `n must be 1 for now: parallel samples (fork / copy-on-write) are not built in the engine yet; got ${p.n}`,
      { details: { param: "n" } },
    );
  }
}

/** A concrete 32-bit seed for a request that gave none, so its samples can be replayed. */
export function drawSeed(random: () => number): number {
  return Math.floor(random() * 0x1_0000_0000) >>> 0;
}
