import type { WasmKernels } from "@pagoda/kernels-wasm";
import { type KvCacheDtype, kvCacheRowBytes } from "@pagoda/kv-paging";
import type { FlatBatch } from "../batch/flat-batch.js";
import { PagedKvCache } from "../cpu/paged-kv-cache.js";
import type { Activation, ForwardPlan } from "../model/plan.js";
import type { ExecutorSizes } from "../model/sizes.js";

/** Where one step's flattened metadata lives in the kernels' memory (byte pointers). */
export interface WasmInputs {
  readonly tokenIds: number;
  readonly positions: number;
  readonly slotMapping: number;
  readonly queryStartLoc: number;
  readonly blockTables: number;
  readonly invFreq: number;
}

/** The forward pass's memory: activations, per-layer KV regions and step inputs, sized once. */
export interface WasmBuffers {
  /** Activation pointers, `[maxNumBatchedTokens, width]` (`logits`: `[maxLogitRows, vocab]`). */
  readonly acts: Readonly<Record<Activation, number>>;
  /** `[maxLogitRows, hidden]` rows gathered for the LM head: last MLP output, residual, normed. */
  readonly lastDelta: number;
  readonly lastResidual: number;
  readonly lastNormed: number;
  readonly keys: readonly number[];
  readonly values: readonly number[];
  readonly numBlocks: number;
  readonly blockSize: number;
  readonly kvCacheDtype: KvCacheDtype;
  readonly inputs: WasmInputs;
  /**
   * The KV regions as byte views (rows in the cache dtype, int8 scales included), for block copies and swapping: made on the memory's current
   * buffer each time, since a kernel's scratch may grow a non-shared memory and detach old views.
   */
  cacheViews(): PagedKvCache;
}

type Alloc = (byteLength: number, align?: number) => number;

/**
 * Bytes {@link allocateWasmBuffers} will allocate (alignment padding included), allocating
 * nothing: the same layout run with a counting allocator.
 */
export function wasmBufferBytes(plan: ForwardPlan, sizes: ExecutorSizes, invFreqLength: number): number {
  let bytes = 0;
  layoutBuffers(
    (n, align = 16) => {
      bytes += n + align;
      return 0;
    },
    plan,
    sizes,
    invFreqLength,
  );
  return bytes;
}

/** Allocates everything a step touches once, sized for the largest step. */
export function allocateWasmBuffers(
  k: WasmKernels,
  plan: ForwardPlan,
  sizes: ExecutorSizes,
  invFreq: Float64Array,
): WasmBuffers {
  const { shape } = plan;
  const { acts, keys, values, layerBytes, inputs, lastDelta, lastResidual, lastNormed } = layoutBuffers(
    (n, align) => k.alloc(n, align),
    plan,
    sizes,
    invFreq.length,
  );
  const dtype = sizes.kvCacheDtype;
  k.f64(inputs.invFreq, invFreq.length).set(invFreq);
  const cacheViews = () =>
    new PagedKvCache(
      shape.numLayers,
      sizes.numBlocks,
      sizes.blockSize,
      shape.numKvHeads,
      shape.headDim,
      dtype,
      { keys: keys.map((p) => k.u8(p, layerBytes)), values: values.map((p) => k.u8(p, layerBytes)) },
    );
  return {
    acts,
    lastDelta,
    lastResidual,
    lastNormed,
    keys,
    values,
    numBlocks: sizes.numBlocks,
    blockSize: sizes.blockSize,
    kvCacheDtype: dtype,
    inputs,
    cacheViews,
  };
}

/** Writes a flattened batch's metadata where the kernels read it. */
export function writeInputs(k: WasmKernels, inputs: WasmInputs, batch: FlatBatch): void {
  k.i32(inputs.tokenIds, batch.numTokens).set(batch.tokenIds);
  k.i32(inputs.positions, batch.numTokens).set(batch.positions);
  k.i32(inputs.slotMapping, batch.numTokens).set(batch.slotMapping);
  k.i32(inputs.queryStartLoc, batch.numSeqs + 1).set(batch.queryStartLoc);
  k.i32(inputs.blockTables, batch.blockTables.length).set(batch.blockTables);
}

// Where each buffer lies, from `alloc`: the one layout both allocating and counting use.
function layoutBuffers(alloc: Alloc, plan: ForwardPlan, sizes: ExecutorSizes, invFreqLength: number) {
  const { shape, widths } = plan;
  const t = sizes.maxNumBatchedTokens;
  const s = sizes.maxNumSeqs;
  const rows = sizes.maxLogitRows;
  const f32 = (n: number) => alloc(n * 4);
  const acts = {} as Record<Activation, number>;
  for (const name of Object.keys(widths) as Activation[]) {
    acts[name] = f32((name === "logits" ? rows : t) * widths[name]);
  }
  const layerBytes =
    sizes.numBlocks * shape.numKvHeads * sizes.blockSize * kvCacheRowBytes(sizes.kvCacheDtype, shape.headDim);
  const keys: number[] = [];
  const values: number[] = [];
  for (let l = 0; l < shape.numLayers; l++) {
    keys.push(alloc(layerBytes, 16));
    values.push(alloc(layerBytes, 16));
  }
  const inputs: WasmInputs = {
    tokenIds: f32(t),
    positions: f32(t),
    slotMapping: f32(t),
    queryStartLoc: f32(s + 1),
    blockTables: f32(s * sizes.maxBlocksPerSeq),
    invFreq: alloc(invFreqLength * 8, 8),
  };
  const hidden = shape.hiddenSize;
  const lastDelta = f32(rows * hidden);
  const lastResidual = f32(rows * hidden);
  const lastNormed = f32(rows * hidden);
  return { acts, keys, values, layerBytes, inputs, lastDelta, lastResidual, lastNormed };
}
