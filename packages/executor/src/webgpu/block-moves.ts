import { ExecutorError } from "../errors.js";
import type { GpuBuffers } from "./gpu-buffers.js";
import type { GpuKvCache } from "./kv-cache.js";

type Pairs = ReadonlyArray<readonly [number, number]>;

/**
 * Copy-on-write block copies and swapping between the GPU cache and a host pool.
 *
 * The host pool is plain JS memory: host block `h` is one `Uint8Array` of every layer's key and
 * value rows of a block (`2 · numLayers · blockBytes`), allocated the first time `h` is used and
 * kept for reuse. Swap-out copies device blocks into a mappable buffer in a submission of its own
 * and waits for it, so the step's compute may reuse those device blocks; swap-in writes the host
 * bytes into a staging buffer and records staging → cache copies ahead of the forward pass. A
 * buffer cannot be both source and destination of one copy, so copy-on-write goes through the
 * same staging buffer. The staging buffers grow on demand: only steps that swap or copy use them.
 */
export class BlockMover {
  private readonly pool: Array<Uint8Array | undefined>;
  private readonly full: boolean[];
  private staging?: GPUBuffer;
  private readback?: GPUBuffer;

  constructor(
    private readonly buffers: GpuBuffers,
    private readonly cache: GpuKvCache,
    numSwapBlocks: number,
  ) {
    this.pool = new Array(numSwapBlocks);
    this.full = new Array(numSwapBlocks).fill(false);
  }

  /** Moves `[deviceBlock, hostBlock]` pairs to the host pool; resolves once they are there. */
  async swapOut(pairs: Pairs): Promise<void> {
    if (pairs.length === 0) return;
    const per = this.cache.blockBytesAllLayers;
    for (const [device, host] of pairs) {
      this.cache.checkBlock(device, "swap-out");
      this.checkHost(host);
    }
    const bytes = pairs.length * per;
    this.readback = this.grow(this.readback, bytes, (size) => this.buffers.readback("kv.swap_out", size));
    const readback = this.readback;
    const encoder = this.buffers.device.createCommandEncoder({ label: "kv.swap_out" });
    for (const [i, [device]] of pairs.entries()) this.copyBlock(encoder, "out", device, readback, i * per);
    this.buffers.device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ, 0, bytes);
    const data = new Uint8Array(readback.getMappedRange(0, bytes));
    for (const [i, [, host]] of pairs.entries()) {
      const block = this.pool[host] ?? new Uint8Array(per);
      block.set(data.subarray(i * per, (i + 1) * per));
      this.pool[host] = block;
      this.full[host] = true;
    }
    readback.unmap();
  }

  /**
   * Records, ahead of the step's compute: `[hostBlock, deviceBlock]` swap-ins, then `[src, dst]`
   * copy-on-write copies (the order the CPU reference applies them in).
   */
  record(encoder: GPUCommandEncoder, swapIn: Pairs, copies: Pairs): void {
    if (swapIn.length === 0 && copies.length === 0) return;
    const per = this.cache.blockBytesAllLayers;
    for (const [host, device] of swapIn) {
      this.checkHost(host);
      if (!this.full[host]) {
        throw new ExecutorError("executor.bad_step", `swap-in of host block ${host}, which holds nothing`);
      }
      this.cache.checkBlock(device, "swap-in");
    }
    for (const [src, dst] of copies) {
      this.cache.checkBlock(src, "a block copy");
      this.cache.checkBlock(dst, "a block copy");
    }
    this.staging = this.grow(this.staging, (swapIn.length + copies.length) * per, (size) =>
      this.buffers.upload("kv.staging", size),
    );
    const staging = this.staging;
    if (swapIn.length > 0) {
      const host = new Uint8Array(swapIn.length * per);
      for (const [i, [h]] of swapIn.entries()) host.set(this.pool[h] as Uint8Array, i * per);
      this.buffers.device.queue.writeBuffer(staging, 0, host);
      for (const [i, [h, device]] of swapIn.entries()) {
        this.full[h] = false;
        this.copyBlock(encoder, "in", device, staging, i * per);
      }
    }
    // Sources are all staged before any destination is written; a step's copies never chain
    // (each destination is a fresh block), so this matches copying the pairs one by one.
    const base = swapIn.length * per;
    for (const [i, [src]] of copies.entries()) this.copyBlock(encoder, "out", src, staging, base + i * per);
    for (const [i, [, dst]] of copies.entries()) this.copyBlock(encoder, "in", dst, staging, base + i * per);
  }

  // Records copies of `block`'s rows in every key and value buffer out to `staged` (from `base`,
  // one buffer after another), or back in from there.
  private copyBlock(
    encoder: GPUCommandEncoder,
    way: "out" | "in",
    block: number,
    staged: GPUBuffer,
    base: number,
  ) {
    const b = this.cache.blockBytes;
    for (const [j, buf] of this.cache.all.entries()) {
      if (way === "out") encoder.copyBufferToBuffer(buf, block * b, staged, base + j * b, b);
      else encoder.copyBufferToBuffer(staged, base + j * b, buf, block * b, b);
    }
  }

  private grow(current: GPUBuffer | undefined, bytes: number, make: (size: number) => GPUBuffer): GPUBuffer {
    if (current && current.size >= bytes) return current;
    if (current) this.buffers.release(current);
    return make(Math.max(bytes, 2 * (current?.size ?? 0)));
  }

  private checkHost(host: number): void {
    if (!Number.isInteger(host) || host < 0 || host >= this.pool.length) {
      throw new ExecutorError(
        "executor.bad_step",
        `host block ${host} is outside the swap space of ${this.pool.length}`,
      );
    }
  }
}
