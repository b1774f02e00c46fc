import { EngineError, SamplingParamsError } from "../errors.js";
import { resolveMaxTokens } from "./context.js";
import { describeValue } from "./describe-value.js";
import { SAMPLING_LIMITS } from "./limits.js";
import { parseGuided } from "./parse-guided.js";
import type {
  ParsedSamplingParams,
  ParseSamplingOptions,
  SamplingDefaults,
} from "./parsed-sampling-params.js";
import { SAMPLING_PARAM_RULES, type SamplingParamsInput, samplingParamsSchema } from "./schema.js";

/**
 * Validates user-facing sampling parameters (snake_case, as received over HTTP or by the offline
 * API), applies the defaults and returns the engine's normalised form. `undefined` or `null` input
 * means "all defaults".
 *
 * @throws SamplingParamsError `sampling.invalid` naming the field (`details.param`), the allowed
 * range and the value received; `sampling.context_overflow` when prompt + `max_tokens` exceed
 * `maxModelLen` (never truncated).
 * @example
 * const p = parseSamplingParams({ temperature: 0.7, stop: "\n" }, { maxModelLen: 512, numPromptTokens: 12 });
 * p.sampling.temperature; // 0.7
 * p.stop; // ["\n"]
 */
export function parseSamplingParams(input: unknown, options: ParseSamplingOptions): ParsedSamplingParams {
  checkOptions(options);
  const raw = withDefaults(input ?? {}, options.defaults);
  const result = samplingParamsSchema.safeParse(raw);
  if (!result.success) throw toSamplingError(raw, result.error.issues[0]);
  const p = result.data;
  const maxTokens = resolveMaxTokens(p.max_tokens ?? null, options);
  const minTokens = p.min_tokens ?? 0;
  if (minTokens > maxTokens) {
    throw new SamplingParamsError(
      "sampling.invalid",
      `min_tokens must be ${SAMPLING_PARAM_RULES.min_tokens} (${maxTokens}); got ${minTokens}`,
      { details: { param: "min_tokens" } },
    );
  }
  const stopTokenIds = p.stop_token_ids ?? [];
  checkVocab(stopTokenIds, options.vocabSize, "stop_token_ids");
  const logitBias = Object.entries(p.logit_bias ?? {}).map(([id, bias]): [number, number] => [
    Number(id),
    bias,
  ]);
  checkVocab(
    logitBias.map(([id]) => id),
    options.vocabSize,
    "logit_bias",
  );

  let temperature = p.temperature ?? 1;
  let topP = p.top_p ?? 1;
  let topK = p.top_k ?? 0;
  let minP = p.min_p ?? 0;
  if (temperature < SAMPLING_LIMITS.greedyEpsilon) {
    // Greedy decoding is argmax: truncation filters cannot change it, so turn them off and let
    // the executor take its fast path for the whole batch.
    temperature = 0;
    topP = 1;
    topK = 0;
    minP = 0;
  }
  // -1 is vLLM's spelling of "off"; the contract has a single one, 0.
  if (topK < 0) topK = 0;

  return {
    sampling: {
      temperature,
      topP,
      topK,
      minP,
      seed: p.seed ?? null,
      repetitionPenalty: p.repetition_penalty ?? 1,
      presencePenalty: p.presence_penalty ?? 0,
      frequencyPenalty: p.frequency_penalty ?? 0,
      logprobs: p.logprobs ?? null,
      maxTokens,
      stopTokenIds: [...stopTokenIds],
      ignoreEos: p.ignore_eos ?? false,
      ...(logitBias.length > 0 && { logitBias }),
      ...(p.prompt_logprobs != null && { promptLogprobs: p.prompt_logprobs }),
    },
    n: p.n ?? 1,
    stop: p.stop == null ? [] : typeof p.stop === "string" ? [p.stop] : [...p.stop],
    priority: p.priority ?? 0,
    ttftTargetMs: p.ttft_target_ms ?? null,
    tpotTargetMs: p.tpot_target_ms ?? null,
    minTokens,
    includeStopStrInOutput: p.include_stop_str_in_output ?? false,
    skipSpecialTokens: p.skip_special_tokens ?? true,
    tenant: p.tenant ?? null,
    cacheSalt: p.cache_salt ?? null,
    guided: parseGuided(p),
  };
}

// The request's fields win; a default fills a field left out or null. A non-object input is left
// as it is, so the schema reports it.
function withDefaults(input: unknown, defaults: SamplingDefaults | undefined): unknown {
  if (defaults === undefined || typeof input !== "object" || input === null || Array.isArray(input)) {
    return input;
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(input)) if (value != null || !(key in out)) out[key] = value;
  return out;
}

interface FirstIssue {
  code: string;
  path: PropertyKey[];
  keys?: string[];
}

function toSamplingError(raw: unknown, issue: FirstIssue | undefined): SamplingParamsError {
  if (issue?.code === "unrecognized_keys") {
    const key = issue.keys?.[0] ?? "?";
    return new SamplingParamsError("sampling.invalid", `unknown sampling parameter "${key}"`, {
      details: { param: key },
    });
  }
  const param = issue?.path[0];
  if (typeof param !== "string" || !(param in SAMPLING_PARAM_RULES)) {
    return new SamplingParamsError(
      "sampling.invalid",
      `sampling parameters must be an object; got ${describeValue(raw)}`,
      { details: { param: null } },
    );
  }
  const value = (raw as Record<string, unknown>)[param];
  const rule = SAMPLING_PARAM_RULES[param as keyof SamplingParamsInput];
  return new SamplingParamsError(
    "sampling.invalid",
    `${param} must be ${rule}; got ${describeValue(value)}`,
    {
      details: { param },
    },
  );
}

function checkVocab(ids: readonly number[], vocabSize: number | undefined, param: string): void {
  if (vocabSize === undefined) return;
  const bad = ids.find((id) => id >= vocabSize);
  if (bad === undefined) return;
  throw new SamplingParamsError(
    "sampling.invalid",
    `${param} must use token ids below the vocabulary size ${vocabSize}; got ${bad}`,
    { details: { param } },
  );
}

function checkOptions(o: ParseSamplingOptions): void {
  const ok = (v: number | undefined, min: number) => v === undefined || (Number.isSafeInteger(v) && v >= min);
  if (ok(o.maxModelLen, 1) && ok(o.numPromptTokens, 0) && ok(o.defaultMaxTokens, 1) && ok(o.vocabSize, 1))
    return;
  throw new EngineError("engine.invalid_argument", `bad parseSamplingParams options: ${JSON.stringify(o)}`);
}
