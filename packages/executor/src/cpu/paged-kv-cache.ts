import { decodeKvRow, encodeKvRow, type KvCacheDtype, kvCacheRowBytes } from "@pagoda/kv-paging";
import { ExecutorError } from "../errors.js";

/**
 * The paged KV cache in host memory, laid out as the kernels lay it out: per layer one key and
 * one value byte array of `[numBlocks, numKvHeads, blockSize, row]`, a row being one token's
 * head in the cache dtype (`kvCacheRowBytes`: int8 rows end with their f32 scale, so block
 * copies and swaps carry the scales). Rows are encoded exactly as the kernels encode them.
 */
export class PagedKvCache {
  readonly keys: Uint8Array[];
  readonly values: Uint8Array[];
  /** Bytes of one (token, kv head) row. */
  readonly rowBytes: number;
  /** Bytes of one block of one layer's keys (or values). */
  readonly blockBytes: number;

  /**
   * With `storage`, the cache lives in the given per-layer byte arrays (e.g. views of a
   * WebAssembly memory), each `numBlocks · blockBytes` long; else it allocates them.
   */
  constructor(
    readonly numLayers: number,
    readonly numBlocks: number,
    readonly blockSize: number,
    readonly numKvHeads: number,
    readonly headDim: number,
    readonly dtype: KvCacheDtype = "f32",
    storage?: { keys: Uint8Array[]; values: Uint8Array[] },
  ) {
    this.rowBytes = kvCacheRowBytes(dtype, headDim);
    this.blockBytes = numKvHeads * blockSize * this.rowBytes;
    const size = numBlocks * this.blockBytes;
    const make = () => Array.from({ length: numLayers }, () => new Uint8Array(size));
    this.keys = storage?.keys ?? make();
    this.values = storage?.values ?? make();
    for (const arr of [...this.keys, ...this.values]) {
      if (arr.length !== size) throw new Error(`a KV cache layer holds ${arr.length} bytes, not ${size}`);
    }
  }

  /** Byte offset of (slot, kv head)'s row in a layer's array. */
  offset(slot: number, kvHead: number): number {
    const block = Math.floor(slot / this.blockSize);
    const inBlock = slot % this.blockSize;
    return block * this.blockBytes + (kvHead * this.blockSize + inBlock) * this.rowBytes;
  }

  /** Writes `[numTokens, numKvHeads·headDim]` rows of k and v at their slots (−1 = skip). */
  write(layer: number, k: Float32Array, v: Float32Array, slotMapping: Int32Array): void {
    const keys = view(this.keys[layer] as Uint8Array);
    const values = view(this.values[layer] as Uint8Array);
    const d = this.headDim;
    for (let t = 0; t < slotMapping.length; t++) {
      const slot = slotMapping[t] as number;
      if (slot < 0) continue;
      for (let h = 0; h < this.numKvHeads; h++) {
        const src = (t * this.numKvHeads + h) * d;
        const dst = this.offset(slot, h);
        encodeKvRow(this.dtype, k.subarray(src, src + d), keys, dst);
        encodeKvRow(this.dtype, v.subarray(src, src + d), values, dst);
      }
    }
  }

  /** The stored keys (or values) of kv head `kvHead` at `slots`, decoded: f32 `[slots.length, headDim]`. */
  readRows(which: "keys" | "values", layer: number, kvHead: number, slots: ArrayLike<number>): Float32Array {
    const data = view(this[which][layer] as Uint8Array);
    const d = this.headDim;
    const out = new Float32Array(slots.length * d);
    for (let j = 0; j < slots.length; j++) {
      decodeKvRow(
        this.dtype,
        data,
        this.offset(slots[j] as number, kvHead),
        out.subarray(j * d, (j + 1) * d),
      );
    }
    return out;
  }

  /** Copies whole blocks (copy-on-write), in every layer. */
  copyBlocks(pairs: ReadonlyArray<readonly [number, number]>): void {
    const b = this.blockBytes;
    for (const [src, dst] of pairs) {
      this.checkBlock(src, "a block copy");
      this.checkBlock(dst, "a block copy");
      for (const arr of [...this.keys, ...this.values]) arr.copyWithin(dst * b, src * b, (src + 1) * b);
    }
  }

  /** One block of every layer's keys and values (scales included), for swapping out. */
  readBlock(block: number): Uint8Array {
    this.checkBlock(block, "a swap-out");
    const b = this.blockBytes;
    const out = new Uint8Array(2 * this.numLayers * b);
    let o = 0;
    for (const arr of [...this.keys, ...this.values]) {
      out.set(arr.subarray(block * b, (block + 1) * b), o);
      o += b;
    }
    return out;
  }

  /** Restores a block saved by `readBlock`. */
  writeBlock(block: number, data: Uint8Array): void {
    this.checkBlock(block, "a swap-in");
    const b = this.blockBytes;
    let o = 0;
    for (const arr of [...this.keys, ...this.values]) {
      arr.set(data.subarray(o, o + b), block * b);
      o += b;
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

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
