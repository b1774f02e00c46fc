import type { PromptLogprobsChunk, SamplingParams, TokenLogprobs } from "@pagoda/scheduler";
import type { ParsedSamplingParams } from "../sampling/index.js";
import type { EngineSample } from "./engine-sample.js";
import type { PromptLogprobs, Usage } from "./types.js";

/**
 * The engine's side of one user request: its prompt, parameters and `n` samples (filled in by
 * the engine), and the `usage` over all of them. It finishes when its last sample does.
 */
export class EngineRequest {
  /** Sample `i` at index `i`. */
  readonly samples: EngineSample[] = [];
  private numFinished = 0;
  /** Prompt log-probabilities by position while they arrive; `null` when not asked for. */
  private readonly prompt: Array<TokenLogprobs | null | undefined> | null;
  private numScored = 0;

  constructor(
    readonly requestId: string,
    readonly promptTokenIds: readonly number[],
    readonly params: ParsedSamplingParams,
  ) {
    this.prompt = params.sampling.promptLogprobs == null ? null : [null];
  }

  /**
   * Takes a step's prompt log-probabilities. A recompute after a preemption scores positions
   * again, identically: the first score of a position is kept.
   */
  notePromptLogprobs(chunk: PromptLogprobsChunk): void {
    if (this.prompt === null) return;
    chunk.entries.forEach((e, i) => {
      const at = chunk.start + i;
      if (at <= 0 || at >= this.promptTokenIds.length || this.prompt?.[at] !== undefined) return;
      (this.prompt as Array<TokenLogprobs | null | undefined>)[at] = e;
      this.numScored++;
    });
  }

  /** The prompt log-probabilities once every prompt token after the first is scored, else `null`. */
  promptLogprobs(): PromptLogprobs | null {
    if (this.prompt === null || this.numScored < this.promptTokenIds.length - 1) return null;
    return this.prompt as PromptLogprobs;
  }

  /** True once every sample has finished. */
  get finished(): boolean {
    return this.numFinished === this.samples.length;
  }

  /** Records that one more sample finished; true when it was the last. */
  noteFinished(): boolean {
    this.numFinished++;
    return this.finished;
  }

  /** OpenAI's `usage`: the prompt once, plus every sample's output tokens so far. */
  usage(): Usage {
    const promptTokens = this.promptTokenIds.length;
    let completionTokens = 0;
    for (const s of this.samples) completionTokens += s.numOutputTokens;
    return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  }
}

/** The scheduler id of sample `index` of `requestId`: the request's own id for sample 0. */
export function sampleId(requestId: string, index: number): string {
  return index === 0 ? requestId : `${requestId}#${index}`;
}

const SEED_SPAN = 2 ** 53;

/**
 * The parameters of sample `index`: the request's, with seed `seed + index` (so sample 0 draws
 * exactly what an `n = 1` request with that seed draws), kept in the executors' seed range
 * [0, 2^53) by wrapping around.
 */
export function sampleParams(params: SamplingParams & { seed: number }, index: number): SamplingParams {
  // A safe integer lies in (−2^53, 2^53): one addition brings a negative one into range, exactly.
  const base = params.seed < 0 ? params.seed + SEED_SPAN : params.seed;
  const seed = base + index < SEED_SPAN ? base + index : base - SEED_SPAN + index;
  return { ...params, seed };
}
