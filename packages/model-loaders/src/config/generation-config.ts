import { ConfigFields } from "./config-fields.js";
import type { ModelConfig } from "./model-config.js";

/** Sampling defaults and stop ids from `generation_config.json` (null where it says nothing). */
export interface GenerationConfig {
  readonly bosTokenId: number | null;
  /** Ids that end generation; `generation_config.json`'s list, else `config.json`'s. */
  readonly eosTokenIds: readonly number[];
  readonly maxLength: number | null;
  readonly maxNewTokens: number | null;
  readonly doSample: boolean | null;
  readonly temperature: number | null;
  readonly topP: number | null;
  readonly topK: number | null;
  readonly minP: number | null;
  readonly repetitionPenalty: number | null;
}

/**
 * Reads `generation_config.json` (pass `null` when the file is absent: the result then carries
 * only the config's BOS / EOS). Malformed values throw `config.invalid_field` naming `file`.
 */
export function parseGenerationConfig(
  json: Readonly<Record<string, unknown>> | null,
  config: ModelConfig,
  file = "generation_config.json",
): GenerationConfig {
  const f: ConfigFields = new ConfigFields(json ?? {}, file);
  const eos = f.tokenIds("eos_token_id");
  const nonNegative = (key: string): number | null => {
    if (!f.has(key)) return null;
    const v = f.json[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      f.fail("invalid_field", `"${key}" must be a non-negative number, got ${JSON.stringify(v)}`, {
        field: key,
      });
    }
    return v as number;
  };
  const topP = nonNegative("top_p");
  if (topP !== null && topP > 1)
    f.fail("invalid_field", `"top_p" must be at most 1, got ${topP}`, { field: "top_p" });
  const topK = nonNegative("top_k");
  if (topK !== null && !Number.isInteger(topK)) f.fail("invalid_field", `"top_k" must be an integer`);
  return {
    bosTokenId: f.tokenId("bos_token_id") ?? config.bosTokenId,
    eosTokenIds: eos.length > 0 ? eos : config.eosTokenIds,
    maxLength: f.has("max_length") ? f.positiveInt("max_length") : null,
    maxNewTokens: f.has("max_new_tokens") ? f.positiveInt("max_new_tokens") : null,
    doSample: f.has("do_sample") ? f.bool("do_sample", false) : null,
    temperature: nonNegative("temperature"),
    topP,
    topK,
    minP: nonNegative("min_p"),
    repetitionPenalty: nonNegative("repetition_penalty"),
  };
}
