import {
  CpuExecutor,
  createWasmExecutor,
  createWebGpuExecutor,
  probeWebGpu,
  readWeightsF32,
  type WasmExecutor,
} from "@pagoda/executor";
import { KV_CACHE_DTYPES, type KvCacheDtype, planKVCache } from "@pagoda/kv-paging";
import type { LoadedModel } from "@pagoda/model-loaders";
import type { Executor } from "@pagoda/scheduler";
import { EngineError } from "../errors.js";
import type { CreateEngineOptions, Device, ResolvedDevice } from "./create-engine.js";

const DEVICES: readonly Device[] = ["cpu", "reference", "webgpu", "auto"];

/** An executor built for a model, with the sizes the rest of the stack is made from. */
export interface Built {
  executor: Executor;
  numBlocks: number;
  kvCacheDtype: KvCacheDtype;
  maxModelLen: number;
  device: ResolvedDevice;
}

/** Builds the executor `o.device` names (WebGPU, the WASM CPU executor or the exact reference). */
export async function buildExecutor(
  model: LoadedModel,
  o: CreateEngineOptions,
  numSwapBlocks: number,
  numSpeculativeTokens: number,
): Promise<Built> {
  const device = o.device ?? "auto";
  if (!DEVICES.includes(device)) {
    throw new EngineError(
      "engine.bad_option",
      `device must be one of ${DEVICES.join(", ")}; got ${JSON.stringify(device)}`,
    );
  }
  const dtype = o.kvCacheDtype ?? "auto";
  if (dtype !== "auto" && !KV_CACHE_DTYPES.includes(dtype)) {
    throw new EngineError(
      "engine.bad_option",
      `kvCacheDtype must be one of auto, ${KV_CACHE_DTYPES.join(", ")}; got ${JSON.stringify(dtype)}`,
    );
  }
  if (device === "reference") return buildReference(model, o, numSwapBlocks, numSpeculativeTokens);
  if (device === "cpu") return buildWasm(model, o, numSwapBlocks, numSpeculativeTokens);
  if (device === "auto" && (await probeWebGpu()).kind !== "hardware")
    return buildWasm(model, o, numSwapBlocks, numSpeculativeTokens);
  try {
    const executor = await createWebGpuExecutor(
      executorOptions(model, o, numSwapBlocks, numSpeculativeTokens),
    );
    const { numBlocks, maxModelLen, kvCacheDtype } = executor.sizes;
    return { executor, numBlocks, maxModelLen, kvCacheDtype, device: "webgpu" };
  } catch (cause) {
    if (device === "auto") return buildWasm(model, o, numSwapBlocks, numSpeculativeTokens);
    throw new EngineError("engine.device_unavailable", `WebGPU is not available: ${String(cause)}`, {
      cause,
    });
  }
}

// What the WASM and WebGPU executors are both built from (the reference sizes its cache itself).
function executorOptions(
  model: LoadedModel,
  o: CreateEngineOptions,
  numSwapBlocks: number,
  numSpeculativeTokens: number,
) {
  return {
    model,
    blockSize: o.blockSize ?? 16,
    maxNumBatchedTokens: o.maxNumBatchedTokens ?? 1024,
    maxNumSeqs: o.maxNumSeqs ?? 64,
    numSwapBlocks,
    numSpeculativeTokens,
    kvCacheDtype: resolveKvDtype(o),
    ...(o.onLoadProgress !== undefined && { onProgress: o.onLoadProgress }),
    ...(o.numBlocks !== undefined
      ? { numBlocks: o.numBlocks }
      : { kvCacheBytes: o.kvCacheMemory ?? 32 << 20 }),
  };
}

/** `auto` → f16 (f32 on the exact reference executor). */
export function resolveKvDtype(o: CreateEngineOptions, reference = false): KvCacheDtype {
  const dtype = o.kvCacheDtype ?? "auto";
  if (dtype !== "auto") return dtype;
  return reference ? "f32" : "f16";
}

// A host (swap) block holds a device block's bytes, so both are sized by the cache dtype.
function kvShape(model: LoadedModel, kvCacheDtype: KvCacheDtype) {
  const { config } = model;
  return {
    numLayers: config.numLayers,
    numKVHeads: config.numKvHeads,
    headDim: config.headDim,
    kvCacheDtype,
  };
}

export function kvBytesPerToken(model: LoadedModel, dtype: KvCacheDtype): number {
  return planKVCache(kvShape(model, dtype), 1, { kvCacheBytes: 0 }).bytesPerToken;
}

export function hostBlocks(
  model: LoadedModel,
  o: CreateEngineOptions,
  blockSize: number,
  swapSpace: number,
): number {
  if (!(Number.isFinite(swapSpace) && swapSpace >= 0)) {
    throw new EngineError("engine.bad_option", `swapSpace must be a byte count >= 0; got ${swapSpace}`);
  }
  if (swapSpace === 0) return 0;
  const dtype = resolveKvDtype(o, o.device === "reference");
  const { numBlocks } = planKVCache(kvShape(model, dtype), blockSize, { kvCacheBytes: swapSpace });
  // Host block 0 is never used, like the device's null block: fewer than 2 is no swap space.
  return numBlocks < 2 ? 0 : numBlocks;
}

export async function buildWasm(
  model: LoadedModel,
  o: CreateEngineOptions,
  numSwapBlocks: number,
  numSpeculativeTokens: number,
  kernels?: WasmExecutor["kernels"],
): Promise<Built> {
  const executor = await createWasmExecutor({
    ...executorOptions(model, o, numSwapBlocks, numSpeculativeTokens),
    ...(kernels !== undefined ? { kernels } : o.threads !== undefined && { threads: o.threads }),
  });
  const { numBlocks, maxModelLen, kvCacheDtype } = executor.sizes;
  return { executor, numBlocks, maxModelLen, kvCacheDtype, device: "cpu" };
}

async function buildReference(
  model: LoadedModel,
  o: CreateEngineOptions,
  numSwapBlocks: number,
  numSpeculativeTokens: number,
): Promise<Built> {
  const { config } = model;
  const blockSize = o.blockSize ?? 16;
  const kvCacheDtype = resolveKvDtype(o, true);
  const numBlocks =
    o.numBlocks ??
    planKVCache(kvShape(model, kvCacheDtype), blockSize, { kvCacheBytes: o.kvCacheMemory ?? 32 << 20 })
      .numBlocks;
  if (numBlocks < 2) {
    throw new EngineError("engine.no_kv_memory", `the KV cache needs at least 2 blocks; got ${numBlocks}`);
  }
  const weights = await readWeightsF32(model.weights, o.onLoadProgress);
  const executor = new CpuExecutor(config, weights, {
    numBlocks,
    blockSize,
    numSwapBlocks,
    kvCacheDtype,
    numSpeculativeTokens,
  });
  const maxModelLen = Math.min(config.maxPositionEmbeddings, (numBlocks - 1) * blockSize);
  return { executor, numBlocks, maxModelLen, kvCacheDtype, device: "reference" };
}
