import type { PromptInput, SpeculativeConfig } from "@pagoda/engine";
import { bigLlamaDir, STORIES_DIR, smolLm2Dir } from "./models.js";
import { copyIdsPrompt, copyStoryPrompt, storyOpening } from "./prompts.js";
import type { SpecContender } from "./runner.js";

/** One benchmark case: a target model, its prompts, and how it speculates (off is always measured too). */
export interface SpecCase {
  readonly id: string;
  readonly description: string;
  /** The target model's folder. */
  readonly model: string;
  /** Prompt + output tokens one stream may hold (sizes the KV cache). */
  readonly maxTokens: number;
  /** A slow target (hundreds of ms a step here): fewer tokens and single-stream prompts (see bench/spec.ts). */
  readonly large: boolean;
  prompts(streams: number): PromptInput[];
  /** The speculative option for `k` drafts per step. */
  speculative(k: number): SpeculativeConfig;
}

/** Every case id, in the order they run. */
export const CASE_IDS = [
  "ngram-stories",
  "ngram-smollm2",
  "ngram-llama",
  "draft-llama",
  "self-stories",
  "self-llama",
] as const;

/** Builds the case `id`, writing its random models under `tmp` the first time. */
export async function makeCase(id: string, tmp: string): Promise<SpecCase> {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const ngram = (k: number): SpeculativeConfig => ({ method: "ngram", numSpeculativeTokens: k });
  const draft =
    (model: string) =>
    (k: number): SpeculativeConfig => ({
      method: "draft",
      model,
      numSpeculativeTokens: k,
    });
  switch (id) {
    case "ngram-stories":
      return {
        id,
        description: "stories260K, n-gram (n 2..4), prompt: a story then its first sentence again",
        model: STORIES_DIR,
        maxTokens: 512,
        large: false,
        prompts: (n) => range(n).map(copyStoryPrompt),
        speculative: ngram,
      };
    case "ngram-smollm2": {
      const model = await smolLm2Dir(tmp);
      return {
        id,
        description:
          "SmolLM2-135M-shaped random model (F16), n-gram (n 2..4), prompt: 64 random ids then 16 of them again",
        model,
        maxTokens: 1024,
        large: true,
        prompts: (n) => range(n).map((i) => copyIdsPrompt(i, 49_152)),
        speculative: ngram,
      };
    }
    case "ngram-llama": {
      const model = await bigLlamaDir(tmp);
      return {
        id,
        description:
          "the random Llama (hidden 512, 8 layers, vocabulary 512), n-gram (n 2..4), the stories copy prompt",
        model,
        maxTokens: 512,
        large: true,
        prompts: (n) => range(n).map(copyStoryPrompt),
        speculative: ngram,
      };
    }
    case "draft-llama": {
      const model = await bigLlamaDir(tmp);
      return {
        id,
        description: "random Llama (hidden 512, 8 layers, vocabulary 512) with stories260K drafting",
        model,
        maxTokens: 512,
        large: true,
        prompts: (n) => range(n).map(storyOpening),
        speculative: draft(STORIES_DIR),
      };
    }
    case "self-stories":
      return {
        id,
        description: "stories260K drafting for itself (every draft accepted: the ceiling, and the overhead)",
        model: STORIES_DIR,
        maxTokens: 512,
        large: false,
        prompts: (n) => range(n).map(storyOpening),
        speculative: draft(STORIES_DIR),
      };
    case "self-llama": {
      const model = await bigLlamaDir(tmp);
      return {
        id,
        description: "the random Llama drafting for itself (every draft accepted)",
        model,
        maxTokens: 512,
        large: true,
        prompts: (n) => range(n).map(storyOpening),
        speculative: draft(model),
      };
    }
    default:
      throw new Error(`unknown case ${JSON.stringify(id)}: use ${CASE_IDS.join(", ")}`);
  }
}

/** Off, then one contender per k. */
export function contenders(c: SpecCase, ks: readonly number[]): SpecContender[] {
  return [
    { label: "off", speculative: null },
    ...ks.map((k) => {
      const speculative = c.speculative(k);
      return { label: `${speculative.method} k=${k}`, speculative };
    }),
  ];
}
