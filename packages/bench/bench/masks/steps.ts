import { LLMEngine } from "@pagoda/engine";
import { createWasmExecutor, createWebGpuExecutor } from "@pagoda/executor";
import { KVCacheManager } from "@pagoda/kv-paging";
import type { LoadedModel } from "@pagoda/model-loaders";
import { type Executor, Scheduler } from "@pagoda/scheduler";
import { LONG_STRING } from "./costs.js";

/** How a run hands the masks over. */
export type MaskMode = "none" | "early" | "late";

const BLOCK = 16;
const NUM_BLOCKS = 32 * 4 + 2;

/** Medians over a run's decode steps. */
export interface StepTimes {
  /** One engine step, wall. */
  stepMs: number;
  /** Of it, outside `execute`: scheduling, masks computed before the step (early), update, detokenizing. */
  engineMs: number;
  /** Inside `execute`, computing late masks while the forward pass runs. */
  lateMaskMs: number;
}

// Times `execute` (and late masks inside it); `early` also hides `takesLateMasks`, so the engine
// computes the masks before the step as CPU executors get them.
function timedExecutor(e: Executor, early: boolean, log: { executeMs: number; lateMs: number }): Executor {
  return {
    ...(!early && e.takesLateMasks !== undefined && { takesLateMasks: e.takesLateMasks }),
    async execute(step, late) {
      const t = performance.now();
      const timedLate = late && {
        tokenMasks: async () => {
          const t0 = performance.now();
          const masks = await late.tokenMasks();
          log.lateMs = performance.now() - t0;
          return masks;
        },
      };
      log.lateMs = 0;
      try {
        return await e.execute(step, timedLate);
      } finally {
        log.executeMs = performance.now() - t;
      }
    },
    close: () => e.close(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** An executor of the tiny model on `device`, sized for `numRequests` decoding together. */
export async function makeExecutor(model: LoadedModel, device: "cpu" | "webgpu", numRequests: number) {
  const sizes = {
    numBlocks: NUM_BLOCKS,
    blockSize: BLOCK,
    maxNumBatchedTokens: 512,
    maxNumSeqs: numRequests,
  };
  return device === "webgpu"
    ? createWebGpuExecutor({ model, weightDtype: "f32", ...sizes })
    : createWasmExecutor({ model, threads: 2, ...sizes });
}

/**
 * Median wall time of one engine step while `numRequests` requests decode together (prefill and
 * the first steps left out): constrained to a long JSON string (masks `early` or `late`) or not.
 */
export async function stepMs(
  model: LoadedModel,
  executor: Executor,
  mode: MaskMode,
  numRequests: number,
  numSteps: number,
): Promise<StepTimes> {
  const log = { executeMs: 0, lateMs: 0 };
  const eosTokenIds = model.generationConfig.eosTokenIds;
  const kvCache = new KVCacheManager({ numBlocks: NUM_BLOCKS, blockSize: BLOCK, enablePrefixCaching: false });
  const scheduler = new Scheduler({
    kvCache,
    maxNumSeqs: numRequests,
    maxNumBatchedTokens: 512,
    eosTokenIds,
  });
  const engine = new LLMEngine({
    scheduler,
    executor: timedExecutor(executor, mode === "early", log),
    tokenizer: model.tokenizer,
    eosTokenIds,
    maxModelLen: 512,
    vocabSize: model.config.vocabSize,
  });
  const params =
    mode === "none"
      ? { temperature: 1, seed: 1, max_tokens: numSteps + 2, ignore_eos: true }
      : { temperature: 1, seed: 1, max_tokens: numSteps + 2, guided_json: LONG_STRING };
  for (let i = 0; i < numRequests; i++) engine.addRequest(`r${i}`, "Write a story.", { ...params, seed: i });
  const steps: number[] = [];
  const outside: number[] = [];
  const late: number[] = [];
  // Only steps with all requests decoding: a request that closed its string leaves the batch.
  for (let step = 0; engine.hasUnfinished(); step++) {
    const t = performance.now();
    await engine.step();
    const ms = performance.now() - t;
    if (step < 2 || engine.requestIds().length < numRequests) continue;
    steps.push(ms);
    outside.push(ms - log.executeMs);
    late.push(log.lateMs);
  }
  return { stepMs: median(steps), engineMs: median(outside), lateMaskMs: median(late) };
}
