import type { GenerationConfig } from "@pagoda/model-loaders";
import type { SamplingDefaults } from "./parsed-sampling-params.js";

// Transformers' own defaults: vLLM reads generation_config.json through `to_diff_dict()`, which
// drops a value equal to these, so `"top_k": 50` in a file changes nothing there, nor here.
const HF_DEFAULTS = { temperature: 1, top_p: 1, top_k: 50, repetition_penalty: 1 } as const;

/**
 * The sampling defaults a model's `generation_config.json` sets, as vLLM applies them (its
 * default `--generation-config auto`): `temperature`, `top_p`, `top_k`, `min_p`,
 * `repetition_penalty`, and `max_new_tokens` as the default `max_tokens`. `do_sample` is ignored,
 * as vLLM ignores it. A request's own values always win.
 *
 * @example
 * generationDefaults(qwen3.generationConfig); // { temperature: 0.6, top_p: 0.95, top_k: 20 }
 */
export function generationDefaults(g: GenerationConfig): SamplingDefaults {
  const out: Record<string, number> = {};
  const put = (key: string, value: number | null, hfDefault?: number) => {
    if (value !== null && value !== hfDefault) out[key] = value;
  };
  put("temperature", g.temperature, HF_DEFAULTS.temperature);
  put("top_p", g.topP, HF_DEFAULTS.top_p);
  put("top_k", g.topK, HF_DEFAULTS.top_k);
  put("min_p", g.minP);
  put("repetition_penalty", g.repetitionPenalty, HF_DEFAULTS.repetition_penalty);
  put("max_tokens", g.maxNewTokens);
  return out;
}
