import { KVCacheManager, planKVCache } from "@pagoda/kv-paging";
import {
  type ExecutorOutput,
  type PolicyOptions,
  type PreemptionMode,
  Scheduler,
  type SchedulerStats,
} from "@pagoda/scheduler";
import { CostModel } from "../sim/cost-model.js";
import { BenchError } from "../sim/errors.js";
import type { SimModel } from "../sim/model-presets.js";
import type { SimDevice } from "../sim/sim-device.js";
import { SimulatedExecutor } from "../sim/simulated-executor.js";
import { VirtualClock } from "../sim/virtual-clock.js";
import type { BenchResult } from "./bench-result.js";
import { RunCollector } from "./collector.js";
import type { GoodputSlo } from "./goodput.js";
import { PromptSource } from "./prompts.js";
import { calibratedPolicyOptions } from "./slo-options.js";
import { type StepSample, stepRecord } from "./step-sample.js";
import type { BenchRequest } from "./trace.js";

/** Options of {@link simulate}. */
export interface SimulationOptions {
  model: SimModel;
  device: SimDevice;
  requests: readonly BenchRequest[];
  /** A registered policy name; default `fcfs`. */
  policy?: string;
  /** Options of the policy; `slo` gets its step cost model from the device unless these set it. */
  policyOptions?: PolicyOptions;
  /** Default 256. */
  maxNumSeqs?: number;
  /** Default 8192. */
  maxNumBatchedTokens?: number;
  /** Tokens per KV block; default 16. */
  blockSize?: number;
  /** KV blocks (null block included); default: what the device memory leaves after the weights. */
  numBlocks?: number;
  enablePrefixCaching?: boolean;
  /** Host blocks of swap space (null block included); default 0: no swap. */
  numHostBlocks?: number;
  /** Default `swap` when there are host blocks, else `recompute` (as `createEngine`). */
  preemptionMode?: PreemptionMode;
  /** Seed of prompt and sampled token ids; default 0. */
  seed?: number;
  /** Objectives for goodput; `slo` requests also carry them as targets. */
  goodput?: GoodputSlo;
  /** Called every few hundred steps with the finished count; the loop yields to the event loop then. */
  onProgress?: (numFinished: number) => void;
}

/** What a simulation produced. */
export interface SimulationResult {
  result: BenchResult;
  steps: StepSample[];
  numBlocks: number;
  numPreemptions: number;
  /** Device blocks still held after the trace: 0 unless blocks leaked. */
  numLeakedBlocks: number;
  /** The scheduler's counters at the end: swap and recompute preemptions, prefix-cache hits. */
  stats: SchedulerStats;
  collector: RunCollector;
}

const NOTHING: ExecutorOutput = { sampledTokenIds: {}, logprobs: {} };
const YIELD_EVERY_STEPS = 500;

/**
 * Runs a trace through the real `Scheduler` and `KVCacheManager` on a simulated device: each
 * step's time comes from the roofline cost model and advances a virtual clock; requests arrive
 * at their trace times; per-request TTFT, TPOT, ITL and E2E go through a `MetricsRecorder`.
 *
 * @example
 * const trace = buildTrace({ numPrompts: 1000, requestRate: 10, inputLen: 512, outputLen: 128, seed: 0 });
 * const { result } = await simulate({ model: resolveModel("llama-2-7b"), device: resolveDevice("a100-80gb"), requests: trace });
 */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const { model, device, seed = 0, blockSize = 16 } = options;
  const costModel = new CostModel(model.shape, device);
  const numBlocks = options.numBlocks ?? kvBlocksFor(model, device, blockSize, costModel.weightBytes);
  const clock = new VirtualClock();
  const numHostBlocks = options.numHostBlocks ?? 0;
  const kvCache = new KVCacheManager({
    numBlocks,
    blockSize,
    numHostBlocks,
    enablePrefixCaching: options.enablePrefixCaching ?? true,
  });
  const policy = options.policy ?? "fcfs";
  const scheduler = new Scheduler({
    kvCache,
    maxNumSeqs: options.maxNumSeqs ?? 256,
    maxNumBatchedTokens: options.maxNumBatchedTokens ?? 8192,
    policy,
    policyOptions: calibratedPolicyOptions(policy, options.policyOptions, costModel, options.goodput),
    eosTokenIds: model.eosTokenIds,
    preemptionMode: options.preemptionMode ?? (numHostBlocks > 0 ? "swap" : "recompute"),
    clock: () => clock.nowMs(),
  });
  const executor = new SimulatedExecutor({
    costModel,
    clock,
    seed,
    blockSize,
    avoidTokenIds: model.eosTokenIds,
  });
  const collector = new RunCollector();
  const requests = [...options.requests].sort((a, b) => a.arrivalTime - b.arrivalTime);
  const prompts = new PromptSource(seed, model.shape.vocabSize, new Set(model.eosTokenIds));
  const steps: StepSample[] = [];
  let next = 0;
  let numPreemptions = 0;

  const admit = (r: BenchRequest) => {
    if (
      r.inputLen + r.outputLen > model.maxModelLen ||
      kvCache.numBlocksNeeded(r.inputLen + r.outputLen) >= numBlocks
    ) {
      collector.rejected();
      return;
    }
    scheduler.addRequest({
      requestId: r.requestId,
      promptTokenIds: prompts.tokens(r),
      params: { ...SIM_PARAMS, maxTokens: r.outputLen, seed },
      arrivalTime: r.arrivalTime * 1000,
      priority: r.priority ?? 0,
      tenant: r.tenant ?? "default",
      ttftTargetMs: options.goodput?.ttft ?? null,
      tpotTargetMs: options.goodput?.tpot ?? null,
    });
    collector.arrived(r.requestId, r.arrivalTime, r.inputLen);
  };

  while (next < requests.length || scheduler.hasUnfinished()) {
    if (!scheduler.hasUnfinished()) clock.advanceTo((requests[next] as BenchRequest).arrivalTime);
    while (next < requests.length && (requests[next] as BenchRequest).arrivalTime <= clock.now()) {
      admit(requests[next++] as BenchRequest);
    }
    if (!scheduler.hasUnfinished()) continue;
    const out = scheduler.schedule();
    if (out.totalNumScheduledTokens === 0) {
      scheduler.update(out, NOTHING);
      if (next >= requests.length) {
        throw new BenchError(
          "bench.stuck",
          `the scheduler scheduled nothing at step ${out.step} with requests left`,
        );
      }
      clock.advanceTo((requests[next] as BenchRequest).arrivalTime);
      continue;
    }
    const start = clock.now();
    for (const id of out.preemptedReqIds) collector.preempted(id, start);
    for (const r of out.scheduledNewReqs) collector.scheduled(r.requestId, start);
    numPreemptions += out.preemptedReqIds.length;
    const result = executor.executeSync(out);
    const end = clock.now();
    for (const u of scheduler.update(out, result)) {
      if (u.newTokenIds.length > 0) collector.tokens(u.requestId, end, u.newTokenIds.length);
      if (u.finishReason !== null) collector.finish(u.requestId, end, u.finishReason);
    }
    const stats = scheduler.stats();
    const sample = stepRecord(executor.lastStep, end, stats, out.preemptedReqIds.length);
    steps.push(sample.sample);
    collector.step(sample.record);
    if (steps.length % YIELD_EVERY_STEPS === 0 && options.onProgress) {
      options.onProgress(stats.numFinished);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await executor.close();
  return {
    result: collector.result(options.goodput),
    steps,
    numBlocks,
    numPreemptions,
    numLeakedBlocks: kvCache.stats().numUsedBlocks,
    stats: scheduler.stats(),
    collector,
  };
}

const SIM_PARAMS = {
  temperature: 0,
  topP: 1,
  topK: 0,
  minP: 0,
  repetitionPenalty: 1,
  presencePenalty: 0,
  frequencyPenalty: 0,
  logprobs: null,
  stopTokenIds: [],
  ignoreEos: true,
};

/** KV blocks that fit in the device's usable memory once the weights are in. */
export function kvBlocksFor(
  model: SimModel,
  device: SimDevice,
  blockSize: number,
  weightBytes: number,
): number {
  const s = model.shape;
  const plan = planKVCache(
    {
      numLayers: s.numLayers,
      numKVHeads: s.numKvHeads,
      headDim: s.headDim,
      kvDtypeBytes: s.kvBytesPerElement,
    },
    blockSize,
    {
      deviceMemoryBytes: device.memoryBytes,
      utilization: device.memoryUtilization,
      weightsBytes: weightBytes,
    },
  );
  if (plan.numBlocks < 2) {
    throw new BenchError(
      "bench.model_too_big",
      `${model.name} (${(weightBytes / 1e9).toFixed(1)} GB of weights) leaves no KV cache memory on ${device.name}`,
      { details: { model: model.name, device: device.name } },
    );
  }
  return plan.numBlocks;
}
