import { createStorageBuffer, encodeCopy } from "../../src/index.js";
import type { BenchCase } from "../case.js";

/** Bytes copied by the bandwidth-ceiling case: well past any CPU cache. */
export const COPY_BYTES = 64 * 1024 * 1024;

/** The copy kernel: every other case's "% of copy" is measured against it. */
export const copyCase: BenchCase = {
  kernel: "copy",
  name: `${COPY_BYTES >> 20} MiB f32 vec4`,
  bytes: 2 * COPY_BYTES,
  flops: 0,
  prepare(ctx) {
    const src = createStorageBuffer(ctx.device, "bench.copy.src", new Float32Array(COPY_BYTES / 4).fill(1));
    const dst = createStorageBuffer(ctx.device, "bench.copy.dst", COPY_BYTES);
    return {
      record: (pass) => encodeCopy(pass, ctx, { src, dst, count: COPY_BYTES / 4 }),
      destroy() {
        src.destroy();
        dst.destroy();
      },
    };
  },
};
