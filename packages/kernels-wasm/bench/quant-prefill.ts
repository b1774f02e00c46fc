// Quantized GEMM at prefill sizes: the matmuls of one SmolLM2-135M layer (qkv 576→960, o 576→576,
// gate|up 576→3072, down 1536→576) on `rows` tokens, per weight type, in G multiply-adds/s and ms.
// Run: pnpm --filter @pagoda/kernels-wasm bench:prefill [threads] [rows]   (1 thread: CPU time)
import { loadavg } from "node:os";
import { createKernelRuntime } from "../src/create-wasm-kernels.js";
import { matmul } from "../src/kernels/matmul.js";
import { WEIGHT_BLOCK, WeightType, weightRowBytes, weightTypeName } from "../src/weight-type.js";

const SHAPES = [
  [576, 960],
  [576, 576],
  [576, 3072],
  [1536, 576],
] as const;
/** Byte offsets of each quantized block's f16 scales (set to ~0.01 so values stay finite). */
const HALVES: Partial<Record<WeightType, number[]>> = { 3: [0], 4: [0], 5: [0, 2], 6: [208] };

const threads = Number(process.argv[2] ?? 1);
const rows = Number(process.argv[3] ?? 512);

function median(fn: () => void, runs: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    // 1 thread: the process's CPU time, which a descheduling by other jobs does not inflate.
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const c = process.cpuUsage(c0);
    samples.push(threads === 1 ? (c.user + c.system) / 1000 : performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1] as number;
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")}; ${threads} thread(s), ${rows} rows`,
);
const { rt } = await createKernelRuntime({ threads });
const x = rt.mem.alloc(rows * 1536 * 4, 64);
const xs = new Float32Array(rt.mem.memory.buffer, x, rows * 1536);
for (let i = 0; i < xs.length; i++) xs[i] = Math.random() - 0.5;
const out = rt.mem.alloc(rows * 3072 * 4, 64);
for (const type of [WeightType.Q8_0, WeightType.Q4_K, WeightType.Q6_K]) {
  const cells: string[] = [];
  let total = 0;
  for (const [inDim, outDim] of SHAPES) {
    if (inDim % WEIGHT_BLOCK[type].elements !== 0) {
      cells.push(`${inDim}→${outDim} -`);
      continue;
    }
    const bytes = outDim * weightRowBytes(type, inDim);
    const w = rt.mem.alloc(bytes, 64);
    const u8 = new Uint8Array(rt.mem.memory.buffer, w, bytes);
    for (let i = 0; i < bytes; i++) u8[i] = Math.floor(Math.random() * 256);
    for (let b = 0; b < bytes / WEIGHT_BLOCK[type].bytes; b++)
      for (const at of HALVES[type] ?? []) u8.set([0x1f, 0x20], b * WEIGHT_BLOCK[type].bytes + at);
    const ms = median(
      () => matmul(rt, { x, weight: w, weightType: type, out, numRows: rows, inDim, outDim }),
      15,
    );
    total += ms;
    cells.push(`${inDim}→${outDim} ${ms.toFixed(2)} ms ${((rows * inDim * outDim) / ms / 1e6).toFixed(1)} G`);
  }
  console.log(`${weightTypeName(type).padEnd(5)} ${cells.join(" | ")} | sum ${total.toFixed(1)} ms`);
}
await rt.close();
