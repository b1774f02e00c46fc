import type { SchedulerOutput } from "@pagoda/scheduler";
import { ExecutorError } from "../errors.js";
import type { PagedKvCache } from "./paged-kv-cache.js";

/**
 * The scheduler's swap space for a host-memory KV cache: swapped-out blocks kept as arrays,
 * indexed by host block id. Applies a step's swap-out, swap-in and copy-on-write moves.
 */
export class HostSwap {
  private readonly blocks: Array<Uint8Array | undefined>;

  constructor(numSwapBlocks: number) {
    this.blocks = new Array(numSwapBlocks);
  }

  /** Swap-outs first (they free device blocks the same step may reuse), then swap-ins, then copies. */
  moveBlocks(cache: PagedKvCache, step: SchedulerOutput): void {
    for (const [device, host] of step.swapOut) this.blocks[this.index(host)] = cache.readBlock(device);
    for (const [host, device] of step.swapIn) {
      const at = this.index(host);
      const data = this.blocks[at];
      if (!data)
        throw new ExecutorError("executor.bad_step", `swap-in of host block ${host}, which holds nothing`);
      cache.writeBlock(device, data);
      this.blocks[at] = undefined;
    }
    cache.copyBlocks(step.blockCopies);
  }

  private index(host: number): number {
    if (!Number.isInteger(host) || host < 0 || host >= this.blocks.length) {
      throw new ExecutorError(
        "executor.bad_step",
        `host block ${host} is outside the swap space of ${this.blocks.length}`,
      );
    }
    return host;
  }
}
