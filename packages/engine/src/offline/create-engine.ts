import { isPagodaError } from "@pagoda/errors";
import { WasmExecutor } from "@pagoda/executor";
import { KVCacheManager, type KvCacheDtype } from "@pagoda/kv-paging";
import type { MetricsRecorder } from "@pagoda/metrics";
import {
  isQuantScheme,
  type LoadedModel,
  loadModel,
  type ModelFiles,
  QUANT_SCHEMES,
  type QuantScheme,
  quantizeWeights,
} from "@pagoda/model-loaders";
import { type PolicyOptions, type PreemptionMode, Scheduler, type SchedulingPolicy } from "@pagoda/scheduler";
import { LLMEngine } from "../core/llm-engine.js";
import { EngineError } from "../errors.js";
import { loadPolicy } from "../policy/index.js";
import { generationDefaults } from "../sampling/index.js";
import { createProposer } from "../speculative/create-proposer.js";
import type { Proposer } from "../speculative/proposer.js";
import {
  type ResolvedSpeculativeConfig,
  resolveSpeculativeConfig,
  type SpeculativeConfig,
} from "../speculative/speculative-config.js";
import { type Built, buildExecutor, buildWasm, hostBlocks, kvBytesPerToken } from "./build-executor.js";
import { LLM } from "./llm.js";

/**
 * Where the forward pass runs: `cpu` is the WebAssembly SIMD executor on every core, `reference`
 * the exact (slow) TypeScript one, `webgpu` the GPU; `auto` takes WebGPU on a hardware adapter and
 * the CPU executor on a software adapter (lavapipe, SwiftShader) or where there is none.
 */
export type Device = "cpu" | "reference" | "webgpu" | "auto";

/** The executor an engine was built with. */
export type ResolvedDevice = Exclude<Device, "auto">;

/** Options of {@link createEngine}. */
export interface CreateEngineOptions {
  /**
   * A model folder or a Hugging Face id (`org/name`), in Node; or the model's files as
   * `ModelFiles` (e.g. `memoryFiles` over fetched responses, in a browser).
   */
  model: string | ModelFiles;
  /** Default `auto`. */
  device?: Device;
  /** Threads of the `cpu` executor, the calling one included; default the machine's cores. */
  threads?: number;
  /** Tokens per KV block; default 16. */
  blockSize?: number;
  /** KV blocks (the null block included); or give `kvCacheMemory`. */
  numBlocks?: number;
  /** Bytes for the KV cache when `numBlocks` is not given; default 32 MiB. */
  kvCacheMemory?: number;
  /**
   * Element type of the KV cache; default `auto`: f16 (half the bytes of f32, so twice the
   * tokens) on the `cpu` and `webgpu` executors, f32 on the exact `reference` one. `int8` (one
   * f32 scale per token and kv head) fits ~3.8× the tokens of f32 at headDim 64, on every device.
   */
  kvCacheDtype?: KvCacheDtype | "auto";
  /**
   * Quantize the weight matrices as they load (`quantizeWeights`: `q8_0`, `q4_0`, or `q4_k` with
   * the LM head at Q6_K, llama.cpp's Q4_K_M mix); default none, the weights as stored. Norms and
   * biases stay as stored; a GGUF file's quantized weights need no option.
   */
  quantization?: QuantScheme;
  /** Default 64. */
  maxNumSeqs?: number;
  /** Default 1024. */
  maxNumBatchedTokens?: number;
  /**
   * A registered policy name (`policyNames()`: `fcfs`, `priority`, `slo`, …), a module path or URL
   * (`./my-policy.js`: an ES module whose default export is a policy factory, imported here), or
   * an instance. Default `fcfs`.
   */
  policy?: string | SchedulingPolicy;
  /** Options of a policy given by name or path, e.g. `{ agingPerSecond: 0.5 }` for `priority`. */
  policyOptions?: PolicyOptions;
  /** Host memory in bytes for swapped-out KV blocks (vLLM's `swap_space`); default 0: no swap. */
  swapSpace?: number;
  /** How to preempt when blocks run out; default `swap` when `swapSpace` is given, else `recompute`. */
  preemptionMode?: PreemptionMode;
  /** Automatic prefix caching; default true. */
  enablePrefixCaching?: boolean;
  /**
   * vLLM's `--generation-config`: `auto` (default) takes the sampling defaults of the model's
   * `generation_config.json` (`generationDefaults`) for fields a request leaves out; `vllm` ignores them.
   */
  generationConfig?: "auto" | "vllm";
  metrics?: MetricsRecorder;
  /**
   * Speculative decoding; default off. `{ method: "ngram", numSpeculativeTokens, ngramMin,
   * ngramMax }` drafts by prompt lookup; `{ method: "draft", model, numSpeculativeTokens }` with a
   * smaller model sharing the target's vocabulary, on the same device with the same KV dtype and
   * quantization, in a paged KV cache of its own. Outputs are distributed exactly as without it.
   */
  speculative?: SpeculativeConfig;
  /** Called as the weights load (bytes read / uploaded so far, and in all), e.g. for a progress bar. */
  onLoadProgress?: (loadedBytes: number, totalBytes: number) => void;
}

/**
 * Loads a model and wires the whole stack: model-loaders → executor (CPU or WebGPU) →
 * kv-paging → scheduler → {@link LLMEngine}. Close the result when done.
 *
 * @example
 * const llm = await createEngine({ model: "../shared/models/stories260K", device: "cpu" });
 * const [r] = await llm.generate(["Once upon a time"], { max_tokens: 20, temperature: 0 });
 * await llm.close();
 */
export async function createEngine(options: CreateEngineOptions): Promise<LLM> {
  const genConfig = options.generationConfig ?? "auto";
  if (genConfig !== "auto" && genConfig !== "vllm") {
    throw new EngineError(
      "engine.bad_option",
      `generationConfig must be auto or vllm; got ${JSON.stringify(genConfig)}`,
    );
  }
  const scheme = options.quantization;
  if (scheme !== undefined && !isQuantScheme(scheme)) {
    throw new EngineError(
      "engine.bad_option",
      `quantization must be one of ${QUANT_SCHEMES.join(", ")}; got ${JSON.stringify(scheme)}`,
    );
  }
  // Before the weights, as the policy: a bad option fails at once.
  const spec = options.speculative === undefined ? null : resolveSpeculativeConfig(options.speculative);
  const policy = options.policy ?? "fcfs";
  // Before the weights: a bad policy, module or option fails in milliseconds.
  if (typeof policy === "string") await loadPolicy(policy, options.policyOptions);
  const loaded = await loadModel(options.model);
  const model: LoadedModel =
    scheme === undefined
      ? loaded
      : { ...loaded, weights: quantizeWeights(loaded.weights, loaded.config, scheme) };
  try {
    const blockSize = options.blockSize ?? 16;
    const numHostBlocks = hostBlocks(model, options, blockSize, options.swapSpace ?? 0);
    const built = await buildExecutor(model, options, numHostBlocks, spec?.numSpeculativeTokens ?? 0);
    const proposer = spec && (await closeOnFailure(built, speculativeProposer(spec, model, options, built)));
    const kvCache = new KVCacheManager({
      numBlocks: built.numBlocks,
      blockSize,
      numHostBlocks,
      enablePrefixCaching: options.enablePrefixCaching ?? true,
    });
    const eosTokenIds = model.generationConfig.eosTokenIds;
    const scheduler = new Scheduler({
      kvCache,
      maxNumBatchedTokens: options.maxNumBatchedTokens ?? 1024,
      maxNumSeqs: options.maxNumSeqs ?? 64,
      maxModelLen: built.maxModelLen,
      policy,
      ...(options.policyOptions !== undefined && { policyOptions: options.policyOptions }),
      preemptionMode: options.preemptionMode ?? (numHostBlocks > 0 ? "swap" : "recompute"),
      eosTokenIds,
    });
    const engine = new LLMEngine({
      scheduler,
      executor: built.executor,
      tokenizer: model.tokenizer,
      eosTokenIds,
      maxModelLen: built.maxModelLen,
      vocabSize: model.config.vocabSize,
      ...(genConfig === "auto" && { samplingDefaults: generationDefaults(model.generationConfig) }),
      ...(options.metrics !== undefined && { metrics: options.metrics }),
      ...(spec !== null &&
        proposer !== null && {
          speculative: { proposer, numSpeculativeTokens: spec.numSpeculativeTokens },
        }),
    });
    return new LLM(engine, {
      scheduler,
      kvCache,
      executor: built.executor,
      device: built.device,
      kvCacheDtype: built.kvCacheDtype,
      kvCacheBytes: built.numBlocks * blockSize * kvBytesPerToken(model, built.kvCacheDtype),
      model,
      maxModelLen: built.maxModelLen,
      speculative: spec,
    });
  } finally {
    await model.close();
  }
}

// A draft model that fails to load, to match or to fit must not leave the target's executor
// (its memory, its threads) behind: nothing else holds it yet to close it.
async function closeOnFailure<T>(built: Built, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    await built.executor.close();
    throw err;
  }
}

// The draft model runs where the target runs, with its dtype options, and never speculates itself.
function speculativeProposer(
  spec: ResolvedSpeculativeConfig,
  model: LoadedModel,
  o: CreateEngineOptions,
  target: Built,
): Promise<Proposer> {
  const blockSize = o.blockSize ?? 16;
  const sizes = {
    vocabSize: model.config.vocabSize,
    numBlocks: target.numBlocks,
    blockSize,
    maxNumBatchedTokens: o.maxNumBatchedTokens ?? 1024,
    maxNumSeqs: o.maxNumSeqs ?? 64,
  };
  return createProposer(spec, sizes, async (draft, numBlocks) => {
    const scheme = o.quantization;
    const weights =
      scheme === undefined ? draft.weights : quantizeWeights(draft.weights, draft.config, scheme);
    const { onLoadProgress: _, ...rest } = o;
    const options = { ...rest, device: target.device, numBlocks };
    const model = { ...draft, weights };
    const built =
      target.executor instanceof WasmExecutor
        ? await buildWasmBeside(model, options, target.executor)
        : await buildExecutor(model, options, 0, 0);
    return { executor: built.executor, numBlocks: built.numBlocks, maxModelLen: built.maxModelLen };
  });
}

// On the cpu device the draft shares the target's kernels: one thread pool (two would spin
// against each other on few cores) and one memory, which the target's executor closes. A draft
// that does not fit beside the target there (4 GiB at most) gets kernels of its own.
async function buildWasmBeside(
  model: LoadedModel,
  o: CreateEngineOptions,
  target: WasmExecutor,
): Promise<Built> {
  try {
    return await buildWasm(model, o, 0, 0, target.kernels);
  } catch (err) {
    if (!isPagodaError(err, "executor.out_of_memory")) throw err;
    return buildWasm(model, o, 0, 0);
  }
}
