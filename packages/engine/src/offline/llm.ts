import type { KVCacheManager, KvCacheDtype } from "@pagoda/kv-paging";
import type { LoadedModel } from "@pagoda/model-loaders";
import type { Executor, Scheduler } from "@pagoda/scheduler";
import type { LLMEngine } from "../core/llm-engine.js";
import type { PromptInput } from "../core/types.js";
import type { Proposer } from "../speculative/proposer.js";
import type { ResolvedSpeculativeConfig } from "../speculative/speculative-config.js";
import type { CompletionResult } from "./accumulator.js";
import type { ResolvedDevice } from "./create-engine.js";
import { type GenerateOptions, generate } from "./generate.js";

/** The parts an {@link LLM} was wired from, for inspection and tests. */
export interface LLMParts {
  scheduler: Scheduler;
  kvCache: KVCacheManager;
  executor: Executor;
  /** Where it really runs (`auto` resolved). */
  device: ResolvedDevice;
  /** Element type of the KV cache (`auto` resolved). */
  kvCacheDtype: KvCacheDtype;
  /** Bytes of the KV cache on the device (every block, the null block included). */
  kvCacheBytes: number;
  /** The loaded model (its weight files are closed). */
  model: LoadedModel;
  /** Prompt + `max_tokens` must fit in this many tokens (model positions and KV cache allowing). */
  maxModelLen: number;
  /** Speculative decoding's resolved configuration, or `null` when off. */
  speculative?: ResolvedSpeculativeConfig | null;
}

/** A ready engine over one model, from `createEngine` (vLLM's `LLM` class). */
export class LLM {
  constructor(
    /** The engine core, for stepping by hand or building an `AsyncEngine`. */
    readonly engine: LLMEngine,
    readonly parts: LLMParts,
  ) {}

  /** Runs prompts to completion: one result per prompt, in order. */
  generate(
    prompts: readonly PromptInput[],
    params?: unknown,
    options?: GenerateOptions,
  ): Promise<CompletionResult[]> {
    return generate(this.engine, prompts, params, options);
  }

  /** The proposer drafting for the engine (it owns a draft model's executor), or `null` when it does not speculate. */
  get proposer(): Proposer | null {
    return this.engine.speculation?.options.proposer ?? null;
  }

  /** Releases the executor's memory (and a draft model's); the engine is unusable afterwards. */
  async close(): Promise<void> {
    await this.proposer?.close();
    await this.parts.executor.close();
  }
}
