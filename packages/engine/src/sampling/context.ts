import { SamplingParamsError } from "../errors.js";
import { SAMPLING_LIMITS } from "./limits.js";
import type { ParseSamplingOptions } from "./parsed-sampling-params.js";

/**
 * The output budget of a request. A `max_tokens` the caller gave must fit beside the prompt or
 * the request fails: silently generating less than asked would hide the problem. When the caller
 * gave none, the default is capped to the room left, as vLLM does.
 */
export function resolveMaxTokens(requested: number | null, o: ParseSamplingOptions): number {
  const room = o.maxModelLen - o.numPromptTokens;
  const details = { numPromptTokens: o.numPromptTokens, maxModelLen: o.maxModelLen };
  if (room < 1) {
    throw new SamplingParamsError(
      "sampling.context_overflow",
      `the prompt has ${o.numPromptTokens} tokens but the model's context is ${o.maxModelLen} tokens, ` +
        "which leaves no room for output; shorten the prompt",
      { details: { param: "prompt", ...details, maxTokens: requested } },
    );
  }
  if (requested === null) return Math.min(o.defaultMaxTokens ?? SAMPLING_LIMITS.defaultMaxTokens, room);
  if (requested > room) {
    throw new SamplingParamsError(
      "sampling.context_overflow",
      `the prompt has ${o.numPromptTokens} tokens and max_tokens is ${requested}, ` +
        `${o.numPromptTokens + requested} in all, but the model's context is ${o.maxModelLen} tokens; ` +
        `lower max_tokens to at most ${room} or shorten the prompt`,
      { details: { param: "max_tokens", ...details, maxTokens: requested } },
    );
  }
  return requested;
}
