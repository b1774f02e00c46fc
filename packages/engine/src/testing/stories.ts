import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CpuExecutor,
  createWasmExecutor,
  createWebGpuExecutor,
  type ModelWeights,
  readWeightsF32,
} from "@pagoda/executor";
import { KVCacheManager } from "@pagoda/kv-paging";
import type { MetricsRecorder } from "@pagoda/metrics";
import { type LoadedModel, loadModel } from "@pagoda/model-loaders";
import { type Executor, type PreemptionMode, Scheduler } from "@pagoda/scheduler";
import { LLMEngine } from "../core/llm-engine.js";

// `shared/` lies beside the repository checkout; this file is packages/engine/src/testing/.
const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../../../shared");

/** The stories260K model folder. */
export function storiesDir(): string {
  return join(shared, "models/stories260K");
}

/** One golden greedy case of stories260K (BOS-prefixed prompt ids, 257 tokens in all or BOS). */
export interface GoldenCase {
  prompt: string;
  promptIds: number[];
  completionIds: number[];
}

/** The golden cases of `shared/golden/stories260K-greedy.json`. */
export function goldenCases(): GoldenCase[] {
  const json = JSON.parse(readFileSync(join(shared, "golden/stories260K-greedy.json"), "utf8"));
  return json.cases.map((c: Record<string, unknown>) => ({
    prompt: c.prompt,
    promptIds: c.prompt_ids,
    completionIds: c.completion_ids,
  }));
}

let cached: Promise<{ model: LoadedModel; weights: ModelWeights }> | null = null;

/** stories260K, loaded once per test file. */
export function stories(): Promise<{ model: LoadedModel; weights: ModelWeights }> {
  cached ??= (async () => {
    const dir = storiesDir();
    if (!existsSync(join(dir, "config.json"))) throw new Error(`stories260K not found at ${dir}`);
    const model = await loadModel(dir);
    const weights = await readWeightsF32(model.weights);
    await model.close();
    return { model, weights };
  })();
  return cached;
}

/** Sizes of a test engine. */
export interface TestEngineOptions {
  numBlocks?: number;
  blockSize?: number;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  preemptionMode?: PreemptionMode;
  numHostBlocks?: number;
  enablePrefixCaching?: boolean;
  metrics?: MetricsRecorder;
  /** The exact reference executor (default), the WebAssembly one (2 threads) or WebGPU (F32 weights). */
  device?: "reference" | "cpu" | "webgpu";
  /** Wraps the executor, e.g. to inject failures. */
  wrap?: (executor: Executor) => Executor;
}

/** An engine over stories260K on a CPU executor, with its scheduler and KV cache exposed. */
export async function testEngine(o: TestEngineOptions = {}) {
  const { model, weights } = await stories();
  const numBlocks = o.numBlocks ?? 128;
  const blockSize = o.blockSize ?? 16;
  const numHostBlocks = o.numHostBlocks ?? 0;
  const kvCache = new KVCacheManager({
    numBlocks,
    blockSize,
    numHostBlocks,
    enablePrefixCaching: o.enablePrefixCaching ?? true,
  });
  const eosTokenIds = model.generationConfig.eosTokenIds;
  const scheduler = new Scheduler({
    kvCache,
    maxNumSeqs: o.maxNumSeqs ?? 16,
    maxNumBatchedTokens: o.maxNumBatchedTokens ?? 512,
    preemptionMode: o.preemptionMode ?? "recompute",
    eosTokenIds,
  });
  const sizes = {
    numBlocks,
    blockSize,
    numSwapBlocks: numHostBlocks,
    maxNumBatchedTokens: o.maxNumBatchedTokens ?? 512,
    maxNumSeqs: o.maxNumSeqs ?? 16,
  };
  const cpu =
    o.device === "cpu"
      ? await wasmExecutor(sizes)
      : o.device === "webgpu"
        ? await webgpuExecutor(sizes)
        : new CpuExecutor(model.config, weights, { numBlocks, blockSize, numSwapBlocks: numHostBlocks });
  const executor = o.wrap ? o.wrap(cpu) : cpu;
  const maxModelLen = Math.min(model.config.maxPositionEmbeddings, (numBlocks - 1) * blockSize);
  const engine = new LLMEngine({
    scheduler,
    executor,
    tokenizer: model.tokenizer,
    eosTokenIds,
    maxModelLen,
    vocabSize: model.config.vocabSize,
    ...(o.metrics !== undefined && { metrics: o.metrics }),
  });
  return { engine, scheduler, kvCache, executor, tokenizer: model.tokenizer, maxModelLen };
}

interface ExecutorSizes {
  numBlocks: number;
  blockSize: number;
  numSwapBlocks: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
}

// F32 weights (and the default F32 KV cache) so its logits follow the exact reference closely.
async function webgpuExecutor(sizes: ExecutorSizes): Promise<Executor> {
  const model = await loadModel(storiesDir());
  try {
    return await createWebGpuExecutor({ model, weightDtype: "f32", ...sizes });
  } finally {
    await model.close();
  }
}

async function wasmExecutor(sizes: ExecutorSizes): Promise<Executor> {
  const model = await loadModel(storiesDir());
  try {
    return await createWasmExecutor({ model, threads: 2, ...sizes });
  } finally {
    await model.close();
  }
}
