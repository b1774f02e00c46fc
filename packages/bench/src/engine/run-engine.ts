import { type LLM, LLMEngine } from "@pagoda/engine";
import { type FinishReason, MetricsRecorder } from "@pagoda/metrics";
import type { SchedulerStats } from "@pagoda/scheduler";
import type { BenchResult } from "../driver/bench-result.js";
import { RunCollector } from "../driver/collector.js";
import type { GoodputSlo } from "../driver/goodput.js";
import { PromptSource } from "../driver/prompts.js";
import type { StepSample } from "../driver/step-sample.js";
import type { BenchRequest } from "../driver/trace.js";
import { RecordingExecutor } from "./recording-executor.js";
import { type SpecDecodeSummary, specDecodeSummary } from "./spec-decode-summary.js";
import { type StepShape, StepShapeTracker } from "./step-shape.js";

/** A step of a real run: its measured wall time and its batch shape. */
export interface MeasuredStep extends StepSample {
  readonly shape: StepShape;
}

/** Options of {@link runEngine}. */
export interface RunEngineOptions {
  /** Seed of the random prompt token ids; default 0. */
  seed?: number;
  goodput?: GoodputSlo;
  onProgress?: (numFinished: number) => void;
}

/** What a real run produced. */
export interface EngineRunResult {
  result: BenchResult;
  steps: MeasuredStep[];
  /** Device blocks still held after the run: 0 unless blocks leaked. */
  numLeakedBlocks: number;
  /** The scheduler's counters at the end: swap and recompute preemptions, prefix-cache hits. */
  stats: SchedulerStats;
  /** Drafts and acceptance when the engine speculates (`createEngine`'s `speculative`), else null. */
  specDecode: SpecDecodeSummary | null;
}

/**
 * Runs a trace on a real engine from `createEngine` (its scheduler, KV cache and executor, under
 * a fresh `LLMEngine`), in wall-clock time: requests are added at their arrival times (sleeping
 * while idle), every `step()` is timed, and the executor is wrapped to see each step's batch.
 * Prompts are seeded random token ids; each request generates exactly its `outputLen` tokens
 * (`ignore_eos`, greedy).
 */
export async function runEngine(
  llm: LLM,
  requests: readonly BenchRequest[],
  options: RunEngineOptions = {},
): Promise<EngineRunResult> {
  const { scheduler, executor, kvCache, model, speculative } = llm.parts;
  const proposer = llm.proposer;
  // The engine's own recorder, for its speculative counts only (the collector times the requests).
  const specMetrics = proposer && speculative ? new MetricsRecorder() : null;
  const collector = new RunCollector();
  const tracker = new StepShapeTracker();
  const t0 = performance.now();
  const now = () => (performance.now() - t0) / 1000;
  let shape: StepShape | null = null;
  const recording = new RecordingExecutor(executor, (out) => {
    const t = now();
    for (const id of out.preemptedReqIds) collector.preempted(id, t);
    for (const r of out.scheduledNewReqs) collector.scheduled(r.requestId, t);
    shape = tracker.shapeOf(out);
  });
  const eosTokenIds = model.generationConfig.eosTokenIds;
  const maxModelLen = Math.min(
    model.config.maxPositionEmbeddings,
    kvCache.devicePool.numTotalBlocks * kvCache.blockSize,
  );
  const engine = new LLMEngine({
    scheduler,
    executor: recording,
    tokenizer: model.tokenizer,
    eosTokenIds,
    maxModelLen,
    ...(proposer &&
      speculative &&
      specMetrics && {
        speculative: { proposer, numSpeculativeTokens: speculative.numSpeculativeTokens },
        metrics: specMetrics,
      }),
  });
  const sorted = [...requests].sort((a, b) => a.arrivalTime - b.arrivalTime);
  const prompts = new PromptSource(options.seed ?? 0, model.config.vocabSize, new Set(eosTokenIds));
  const steps: MeasuredStep[] = [];
  let next = 0;
  let finished = 0;
  while (next < sorted.length || engine.hasUnfinished()) {
    if (!engine.hasUnfinished()) await sleepUntil((sorted[next] as BenchRequest).arrivalTime, now);
    while (next < sorted.length && (sorted[next] as BenchRequest).arrivalTime <= now()) {
      const r = sorted[next++] as BenchRequest;
      if (r.inputLen + r.outputLen > maxModelLen) {
        collector.rejected();
        continue;
      }
      engine.addRequest(r.requestId, prompts.tokens(r), {
        max_tokens: r.outputLen,
        ignore_eos: true,
        temperature: 0,
        priority: r.priority ?? 0,
        ...(r.tenant !== undefined && { tenant: r.tenant }),
        ...(options.goodput?.ttft !== undefined && { ttft_target_ms: options.goodput.ttft }),
        ...(options.goodput?.tpot !== undefined && { tpot_target_ms: options.goodput.tpot }),
      });
      collector.arrived(r.requestId, now(), r.inputLen);
    }
    if (!engine.hasUnfinished()) continue;
    shape = null;
    const start = now();
    const outputs = await engine.step();
    const end = now();
    for (const o of outputs) {
      if (o.tokenIds.length > 0) collector.tokens(o.requestId, end, o.tokenIds.length);
      if (o.finishReason !== null) {
        collector.finish(o.requestId, end, o.finishReason as FinishReason);
        finished++;
      }
    }
    const s = shape as StepShape | null;
    if (s !== null) {
      steps.push({
        time: end,
        seconds: end - start,
        numSeqs: s.batch.numNewTokens.length,
        numPrefillTokens: s.numPrefillTokens,
        numDecodeTokens: s.numDecodeTokens,
        kvUsage: kvCache.stats().usage,
        shape: s,
      });
    }
    if (options.onProgress && steps.length % 20 === 0) options.onProgress(finished);
  }
  return {
    result: collector.result(options.goodput),
    steps,
    numLeakedBlocks: kvCache.stats().numUsedBlocks,
    stats: scheduler.stats(),
    specDecode: specDecodeSummary(specMetrics?.snapshot().specDecode),
  };
}

async function sleepUntil(time: number, now: () => number): Promise<void> {
  const ms = (time - now()) * 1000;
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
