import { z } from "zod";
import { SAMPLING_LIMITS as L } from "./limits.js";

/**
 * The sampling fields as the HTTP layer and the offline API receive them (snake_case, OpenAI's
 * names plus vLLM's extras). `null` is accepted wherever a field is optional and means "not given",
 * because OpenAI's clients send explicit nulls. Unknown keys are rejected so a typo such as
 * `temprature` fails loudly instead of silently sampling at the default.
 */
export const samplingParamsSchema = z.strictObject({
  max_tokens: z.int().min(1).nullish(),
  temperature: z.number().min(0).max(L.maxTemperature).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.int().min(-1).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  seed: z.int().nullish(),
  n: z.int().min(1).max(L.maxN).nullish(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(L.maxStopStrings)]).nullish(),
  stop_token_ids: z.array(z.int().min(0)).nullish(),
  ignore_eos: z.boolean().nullish(),
  presence_penalty: z.number().min(-L.maxAbsPenalty).max(L.maxAbsPenalty).nullish(),
  frequency_penalty: z.number().min(-L.maxAbsPenalty).max(L.maxAbsPenalty).nullish(),
  repetition_penalty: z.number().gt(0).nullish(),
  logprobs: z.int().min(0).max(L.maxLogprobs).nullish(),
  prompt_logprobs: z.int().min(0).max(L.maxLogprobs).nullish(),
  logit_bias: z
    .record(z.string().regex(/^\d+$/), z.number().min(-L.maxAbsLogitBias).max(L.maxAbsLogitBias))
    .refine((m) => Object.keys(m).length <= L.maxLogitBiasEntries)
    .nullish(),
  priority: z.int().nullish(),
  ttft_target_ms: z.number().gt(0).nullish(),
  tpot_target_ms: z.number().gt(0).nullish(),
  min_tokens: z.int().min(0).nullish(),
  include_stop_str_in_output: z.boolean().nullish(),
  skip_special_tokens: z.boolean().nullish(),
  tenant: z.string().min(1).max(L.maxKeyLength).nullish(),
  cache_salt: z.string().min(1).max(L.maxKeyLength).nullish(),
  guided_json: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).nullish(),
  guided_json_object: z.boolean().nullish(),
  guided_regex: z.string().min(1).nullish(),
  guided_choice: z.array(z.string().min(1)).min(1).nullish(),
  guided_grammar: z.string().min(1).nullish(),
  guided_structural_tag: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).nullish(),
});

/** The sampling fields a caller may pass; every one is optional. */
export type SamplingParamsInput = z.input<typeof samplingParamsSchema>;

/** Every accepted field name, so the HTTP layer can pick them out of a request body. */
export const SAMPLING_PARAM_KEYS = Object.keys(samplingParamsSchema.shape) as Array<
  keyof SamplingParamsInput
>;

/**
 * What each field accepts, worded for error messages. zod's own messages name neither the field
 * nor the allowed range, and users fix a request faster when the message states both.
 */
export const SAMPLING_PARAM_RULES: Readonly<Record<keyof SamplingParamsInput, string>> = {
  max_tokens: "an integer >= 1",
  temperature: `a number in [0, ${L.maxTemperature}]`,
  top_p: "a number in (0, 1]",
  top_k: "an integer: -1 or 0 (off) or >= 1",
  min_p: "a number in [0, 1]",
  seed: "a safe integer",
  n: `an integer in [1, ${L.maxN}]`,
  stop: `a non-empty string or an array of at most ${L.maxStopStrings} non-empty strings`,
  stop_token_ids: "an array of integer token ids >= 0",
  ignore_eos: "a boolean",
  presence_penalty: `a number in [-${L.maxAbsPenalty}, ${L.maxAbsPenalty}]`,
  frequency_penalty: `a number in [-${L.maxAbsPenalty}, ${L.maxAbsPenalty}]`,
  repetition_penalty: "a finite number > 0 (1 = off)",
  logprobs: `an integer in [0, ${L.maxLogprobs}]`,
  prompt_logprobs: `an integer in [0, ${L.maxLogprobs}]`,
  logit_bias: `an object of at most ${L.maxLogitBiasEntries} token ids ("123") to numbers in [-${L.maxAbsLogitBias}, ${L.maxAbsLogitBias}]`,
  priority: "an integer (lower is served first)",
  ttft_target_ms: "a finite number of milliseconds > 0",
  tpot_target_ms: "a finite number of milliseconds > 0",
  min_tokens: "an integer >= 0, at most max_tokens",
  include_stop_str_in_output: "a boolean",
  skip_special_tokens: "a boolean",
  tenant: `a string of 1 to ${L.maxKeyLength} characters`,
  cache_salt: `a string of 1 to ${L.maxKeyLength} characters`,
  guided_json: "a JSON schema (an object, or a string holding one)",
  guided_json_object: "a boolean (true: any JSON object)",
  guided_regex: "a non-empty regular expression",
  guided_choice: "a non-empty array of non-empty strings",
  guided_grammar: "a non-empty EBNF grammar (xgrammar's dialect, rule `root`)",
  guided_structural_tag: "xgrammar's structural tag, {format: ...} (an object, or a string holding one)",
};
