import type { FinishReason, SchedulerRequest } from "./request.js";

/**
 * Appends sampled tokens to `request` and checks the stop conditions after each, in vLLM's
 * order: an EOS id (unless `ignoreEos`), then `stopTokenIds`, then `maxTokens`. The token that
 * stops a request is kept as its last output token and recorded in `stopTokenId`, as vLLM
 * keeps it in `output_token_ids`; the engine decides whether its text is shown. Tokens sampled
 * after a stop (speculative decoding) are dropped. Returns the reason to finish, or `null`;
 * finishing is the caller's job, and the tokens kept are the new tail of `tokenIds`.
 */
export function appendTokens(
  request: SchedulerRequest,
  sampled: readonly number[],
  eosTokenIds: ReadonlySet<number>,
): FinishReason | null {
  for (const token of sampled) {
    request.tokenIds.push(token);
    const reason = stopReason(request, token, eosTokenIds);
    if (reason !== null) {
      if (reason === "stop") request.stopTokenId = token;
      return reason;
    }
  }
  return null;
}

/** Why `token`, just appended, ends `request`; `null` when it does not. */
export function stopReason(
  request: SchedulerRequest,
  token: number,
  eosTokenIds: ReadonlySet<number>,
): FinishReason | null {
  if (!request.params.ignoreEos && eosTokenIds.has(token)) return "stop";
  if (request.stopTokenSet?.has(token)) return "stop";
  if (request.tokenIds.length - request.numPromptTokens >= request.params.maxTokens) return "length";
  return null;
}
