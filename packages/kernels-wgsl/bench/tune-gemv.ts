// Compares GEMV threads-per-output settings on this adapter (the numbers behind defaultMatmulTuning).
//   pnpm --filter @pagoda/kernels-wgsl exec tsx bench/tune-gemv.ts
import { KernelContext, requestDevice } from "../src/index.js";
import { copyCase } from "./cases/copy.js";
import { matmulCase } from "./cases/matmul.js";
import { timeCase } from "./timing.js";

const gpu = await requestDevice();
const ctx = new KernelContext(gpu);
const copy = copyCase.prepare(ctx);
const copyGbps = copyCase.bytes / (await timeCase(ctx, copy, 1)).seconds / 1e9;
copy.destroy();
process.stdout.write(`copy: ${copyGbps.toFixed(2)} GB/s\n`);
for (const m of [1, 8]) {
  for (const dtype of ["f32", "f16"] as const) {
    for (const threadsPerOutput of [1, 4, 16, 64]) {
      const c = matmulCase(m, 3072, 1024, dtype, { gemvMaxRows: 8, threadsPerOutput });
      const prepared = c.prepare(ctx);
      const { seconds } = await timeCase(ctx, prepared, 1);
      prepared.destroy();
      const gbps = c.bytes / seconds / 1e9;
      process.stdout.write(
        `${c.name}: ${gbps.toFixed(2)} GB/s (${((100 * gbps) / copyGbps).toFixed(0)} % of copy)\n`,
      );
    }
  }
}
ctx.destroy();
gpu.device.destroy();
