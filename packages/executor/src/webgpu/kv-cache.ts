import { type KvCacheDtype, kvCacheRowBytes } from "@pagoda/kv-paging";
import { ExecutorError } from "../errors.js";
import type { ModelShape } from "../model/shape.js";
import type { GpuBuffers } from "./gpu-buffers.js";

/**
 * The paged KV cache on the GPU: per layer one key and one value buffer of
 * `[numBlocks, numKvHeads, blockSize, headDim]` in the cache dtype (f32, f16, or int8 rows of
 * `headDim` int8 then the row's f32 scale) — the byte layout of kv-paging's codec, the CPU
 * reference's `PagedKvCache` and the WASM kernels. A block of one buffer is one contiguous byte
 * range, so swap and copy-on-write move bytes whatever the dtype.
 */
export class GpuKvCache {
  readonly keys: GPUBuffer[] = [];
  readonly values: GPUBuffer[] = [];
  /** Bytes of one block in one layer's key (or value) buffer. */
  readonly blockBytes: number;
  /** Element type of the buffers. */
  readonly dtype: KvCacheDtype;

  constructor(
    buffers: GpuBuffers,
    shape: Pick<ModelShape, "numLayers" | "numKvHeads" | "headDim">,
    readonly numBlocks: number,
    readonly blockSize: number,
    dtype: KvCacheDtype = "f32",
  ) {
    this.dtype = dtype;
    this.blockBytes = shape.numKvHeads * blockSize * kvCacheRowBytes(dtype, shape.headDim);
    const bytes = numBlocks * this.blockBytes;
    const limit = buffers.device.limits.maxStorageBufferBindingSize;
    if (bytes > limit) {
      throw new ExecutorError(
        "executor.kv_cache_too_large",
        `one layer's key cache of ${numBlocks} blocks is ${bytes} B, over the device's binding limit of ${limit} B; use fewer blocks`,
        { details: { numBlocks, blockBytes: this.blockBytes, limit } },
      );
    }
    for (let l = 0; l < shape.numLayers; l++) {
      this.keys.push(buffers.storage(`kv.layer${l}.keys`, bytes));
      this.values.push(buffers.storage(`kv.layer${l}.values`, bytes));
    }
  }

  /** Every key and value buffer, layer by layer (keys of layer 0, values of layer 0, …). */
  get all(): GPUBuffer[] {
    return this.keys.flatMap((k, l) => [k, this.values[l] as GPUBuffer]);
  }

  /** Bytes of one block across every layer's keys and values: what a swapped block takes on the host. */
  get blockBytesAllLayers(): number {
    return 2 * this.keys.length * this.blockBytes;
  }

  /** Throws unless `block` is a block id of this cache. */
  checkBlock(block: number, what: string): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.numBlocks) {
      throw new ExecutorError(
        "executor.bad_step",
        `${what} names block ${block}, outside the cache's ${this.numBlocks} blocks`,
      );
    }
  }
}
