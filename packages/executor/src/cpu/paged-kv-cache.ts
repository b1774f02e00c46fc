import { ExecutorError } from "../errors.js";

/**
 * The paged KV cache in host memory, laid out as the WGSL kernels lay it out: per layer one key
 * and one value array of `[numBlocks, numKvHeads, blockSize, headDim]`.
 */
export class PagedKvCache {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  private readonly blockStride: number;

  /**
   * With `storage`, the cache lives in the given per-layer arrays (e.g. views of a WebAssembly
   * memory), each `numBlocks · numKvHeads · blockSize · headDim` long; else it allocates them.
   */
  constructor(
    readonly numLayers: number,
    readonly numBlocks: number,
    readonly blockSize: number,
    readonly numKvHeads: number,
    readonly headDim: number,
    storage?: { keys: Float32Array[]; values: Float32Array[] },
  ) {
    this.blockStride = numKvHeads * blockSize * headDim;
    const size = numBlocks * this.blockStride;
    const make = () => Array.from({ length: numLayers }, () => new Float32Array(size));
    this.keys = storage?.keys ?? make();
    this.values = storage?.values ?? make();
    for (const arr of [...this.keys, ...this.values]) {
      if (arr.length !== size) throw new Error(`a KV cache layer holds ${arr.length} floats, not ${size}`);
    }
  }

  /** Offset of (slot, kv head) in a layer's array. */
  offset(slot: number, kvHead: number): number {
    const block = Math.floor(slot / this.blockSize);
    const inBlock = slot % this.blockSize;
    return block * this.blockStride + (kvHead * this.blockSize + inBlock) * this.headDim;
  }

  /** Writes `[numTokens, numKvHeads·headDim]` rows of k and v at their slots (−1 = skip). */
  write(layer: number, k: Float32Array, v: Float32Array, slotMapping: Int32Array): void {
    const keys = this.keys[layer] as Float32Array;
    const values = this.values[layer] as Float32Array;
    const d = this.headDim;
    for (let t = 0; t < slotMapping.length; t++) {
      const slot = slotMapping[t] as number;
      if (slot < 0) continue;
      for (let h = 0; h < this.numKvHeads; h++) {
        const src = (t * this.numKvHeads + h) * d;
        const dst = this.offset(slot, h);
        keys.set(k.subarray(src, src + d), dst);
        values.set(v.subarray(src, src + d), dst);
      }
    }
  }

  /** Copies whole blocks (copy-on-write), in every layer. */
  copyBlocks(pairs: ReadonlyArray<readonly [number, number]>): void {
    for (const [src, dst] of pairs) {
      this.checkBlock(src, "a block copy");
      this.checkBlock(dst, "a block copy");
      for (const arr of [...this.keys, ...this.values]) {
        arr.copyWithin(dst * this.blockStride, src * this.blockStride, (src + 1) * this.blockStride);
      }
    }
  }

  /** One block of every layer's keys and values, for swapping out. */
  readBlock(block: number): Float32Array {
    this.checkBlock(block, "a swap-out");
    const out = new Float32Array(2 * this.numLayers * this.blockStride);
    let o = 0;
    for (const arr of [...this.keys, ...this.values]) {
      out.set(arr.subarray(block * this.blockStride, (block + 1) * this.blockStride), o);
      o += this.blockStride;
    }
    return out;
  }

  /** Restores a block saved by `readBlock`. */
  writeBlock(block: number, data: Float32Array): void {
    this.checkBlock(block, "a swap-in");
    let o = 0;
    for (const arr of [...this.keys, ...this.values]) {
      arr.set(data.subarray(o, o + this.blockStride), block * this.blockStride);
      o += this.blockStride;
    }
  }

  private checkBlock(block: number, what: string): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.numBlocks) {
      throw new ExecutorError(
        "executor.bad_step",
        `${what} names block ${block}, outside the cache's ${this.numBlocks} blocks`,
      );
    }
  }
}
