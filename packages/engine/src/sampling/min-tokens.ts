import type { SamplingParams } from "@pagoda/scheduler";
import type { ParsedSamplingParams } from "./parsed-sampling-params.js";

/**
 * The contract's `minTokens` for a request with `min_tokens`: the tokens that would end it early,
 * as vLLM bans them (the model's EOS ids unless `ignore_eos`, and `stop_token_ids`). Empty
 * when `min_tokens` is 0, so the sampling parameters stay as they were.
 */
export function minTokensBan(
  p: ParsedSamplingParams,
  eosTokenIds: readonly number[],
): Pick<SamplingParams, "minTokens"> {
  if (p.minTokens === 0) return {};
  const eos = p.sampling.ignoreEos ? [] : eosTokenIds;
  const tokenIds = [...new Set([...eos, ...p.sampling.stopTokenIds])];
  return { minTokens: { count: p.minTokens, tokenIds } };
}
