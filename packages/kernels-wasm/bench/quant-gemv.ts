// Quantized GEMV (decode) benchmark: the packed Q8_0 / Q4_0 / Q4_K / Q6_K integer-dot GEMV
// against F16, in µs, GB/s of weight bytes and G weights/s, plus a 32-row GEMM per type.
// Run: pnpm --filter @pagoda/kernels-wasm bench:quant [threads…]   (quick: ~20 s per thread count)
import { loadavg } from "node:os";
import { createKernelRuntime } from "../src/create-wasm-kernels.js";
import { matmul } from "../src/kernels/matmul.js";
import { WEIGHT_BLOCK, WeightType, weightRowBytes, weightTypeName } from "../src/weight-type.js";

const TYPES = [WeightType.F16, WeightType.Q8_0, WeightType.Q4_0, WeightType.Q4_K, WeightType.Q6_K];
const SHAPES = [
  [1536, 576],
  [2048, 8192],
] as const;
/** Byte offsets of each quantized block's f16 scales (set to ~0.01 so values stay finite). */
const HALVES: Partial<Record<WeightType, number[]>> = { 3: [0], 4: [0], 5: [0, 2], 6: [208] };

function time(fn: () => void, minSeconds = 0.3): number {
  for (let i = 0; i < 3; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < minSeconds * 1000 || samples.length < 5) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1] as number;
}

async function main(): Promise<void> {
  const threadCounts = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  for (const threads of threadCounts.length > 0 ? threadCounts : [1]) {
    const { rt } = await createKernelRuntime({ threads });
    console.log(`== ${rt.threads} thread(s)`);
    const x = rt.mem.alloc(32 * 8192 * 4, 64);
    const xs = new Float32Array(rt.mem.memory.buffer, x, 32 * 8192);
    for (let i = 0; i < xs.length; i++) xs[i] = Math.random() - 0.5;
    const out = rt.mem.alloc(32 * 8192 * 4, 64);
    for (const [inDim, outDim] of SHAPES) {
      for (const type of TYPES) {
        const bytes = outDim * weightRowBytes(type, inDim);
        const w = rt.mem.alloc(bytes, 64);
        const u8 = new Uint8Array(rt.mem.memory.buffer, w, bytes);
        for (let i = 0; i < bytes; i++) u8[i] = Math.floor(Math.random() * 256);
        const block = WEIGHT_BLOCK[type];
        if (type === WeightType.F16) {
          const h = new Uint16Array(rt.mem.memory.buffer, w, bytes / 2);
          for (let i = 0; i < h.length; i++) h[i] = 0x2000 + (i & 0xfff);
        }
        for (let b = 0; b < bytes / block.bytes; b++)
          for (const at of HALVES[type] ?? []) u8.set([0x1f, 0x20], b * block.bytes + at);
        const run = (numRows: number) =>
          matmul(rt, { x, weight: w, weightType: type, out, numRows, inDim, outDim });
        const s = time(() => run(1));
        const g = time(() => run(32), 0.2);
        console.log(
          `${weightTypeName(type).padEnd(4)} ${inDim}→${outDim}`.padEnd(18) +
            `GEMV ${(s * 1e6).toFixed(0).padStart(6)} µs ${(bytes / s / 1e9).toFixed(2).padStart(6)} GB/s ` +
            `${((inDim * outDim) / s / 1e9).toFixed(2).padStart(6)} Gw/s   ` +
            `GEMM 32 rows ${((2 * 32 * inDim * outDim) / g / 1e9).toFixed(1).padStart(5)} GFLOP/s`,
        );
      }
    }
    await rt.close();
  }
}

await main();
