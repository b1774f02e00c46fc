// Compares matmul tunings on this adapter: the measurements behind `defaultMatmulTuning`.
//   pnpm --filter @pagoda/kernels-wgsl exec tsx bench/tune-matmul.ts
import { KernelContext, type MatmulTuning, requestDevice } from "../src/index.js";
import type { BenchCase } from "./case.js";
import { copyCase } from "./cases/copy.js";
import { matmulCase } from "./cases/matmul.js";
import { timeCase } from "./timing.js";

const gpu = await requestDevice();
const ctx = new KernelContext(gpu);

async function measure(c: BenchCase): Promise<number> {
  const prepared = c.prepare(ctx);
  const { seconds } = await timeCase(ctx, prepared, 1);
  prepared.destroy();
  return seconds;
}

const copyGbps = copyCase.bytes / (await measure(copyCase)) / 1e9;
process.stdout.write(`copy: ${copyGbps.toFixed(2)} GB/s\n`);
const gemv = (threadsPerOutput: number): MatmulTuning => ({
  gemvMaxRows: 8,
  threadsPerOutput,
  gemm: "tiled",
});
const gemm = (kind: "tiled" | "blocked"): MatmulTuning => ({
  gemvMaxRows: 0,
  threadsPerOutput: 1,
  gemm: kind,
});
const cases = [
  ...[1, 4, 32].flatMap((t) => [
    matmulCase(1, 3072, 1024, "f32", gemv(t)),
    matmulCase(1, 3072, 1024, "f16", gemv(t)),
  ]),
  ...[8, 64].flatMap((m) => [
    matmulCase(m, 3072, 1024, "f16", gemm("tiled")),
    matmulCase(m, 3072, 1024, "f16", gemm("blocked")),
  ]),
  matmulCase(8, 3072, 1024, "f16", gemv(1)),
];
for (const c of cases) {
  const seconds = await measure(c);
  const gbps = c.bytes / seconds / 1e9;
  const line = `${c.name}: ${(seconds * 1e6).toFixed(0)} µs, ${gbps.toFixed(2)} GB/s (${((100 * gbps) / copyGbps).toFixed(0)} % of copy), ${(c.flops / seconds / 1e9).toFixed(2)} GFLOP/s`;
  process.stdout.write(`${line}\n`);
}
ctx.destroy();
gpu.device.destroy();
