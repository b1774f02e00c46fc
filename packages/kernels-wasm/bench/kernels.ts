// Kernel benchmark: GEMV at SmolLM2-135M shapes (GB/s of weight bytes), GEMM (GFLOP/s), the
// pool's dispatch round trip, and the matmuls of one SmolLM2-135M decode step.
// Run: pnpm --filter @pagoda/kernels-wasm bench   (the machine should be quiet: see the load)
//      ... bench --gemm   (GEMM only: quicker to repeat on a noisy machine)
import { execSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { createKernelRuntime } from "../src/create-wasm-kernels.js";
import { KernelId } from "../src/kernel-ids.js";
import { matmul } from "../src/kernels/matmul.js";
import type { KernelRuntime } from "../src/runtime/kernel-runtime.js";
import { WeightType, weightRowBytes } from "../src/weight-type.js";

const TYPE_NAMES = ["F32", "F16", "BF16"] as const;
const threadCounts = [...new Set([1, 2, availableParallelism()])];
const gemmOnly = process.argv.includes("--gemm");

function uptime(): string {
  try {
    return execSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`;
  }
}

/** Median seconds per call of `fn` over at least `minSeconds` (after a warm-up). */
function time(fn: () => void, minSeconds = 0.4): number {
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

/** Fills `bytes` at `ptr` with small random values of `type` (no subnormals, no inf/NaN). */
function fillWeights(rt: KernelRuntime, ptr: number, type: WeightType, n: number): void {
  const buf = rt.mem.memory.buffer;
  if (type === WeightType.F32) {
    const v = new Float32Array(buf, ptr, n);
    for (let i = 0; i < n; i++) v[i] = (Math.random() - 0.5) * 0.1;
  } else {
    const v = new Uint16Array(buf, ptr, n);
    // F16 0x2000..0x2fff ≈ 0.008–0.06; BF16 0x3c00..0x3cff ≈ 0.008–0.03; random sign.
    const base = type === WeightType.F16 ? 0x2000 : 0x3c00;
    const span = type === WeightType.F16 ? 0x1000 : 0x100;
    for (let i = 0; i < n; i++)
      v[i] = (base + Math.floor(Math.random() * span)) | (Math.random() < 0.5 ? 0x8000 : 0);
  }
}

function fillF32(rt: KernelRuntime, ptr: number, n: number): void {
  const v = new Float32Array(rt.mem.memory.buffer, ptr, n);
  for (let i = 0; i < n; i++) v[i] = Math.random() - 0.5;
}

interface Mat {
  readonly w: number;
  readonly type: WeightType;
  readonly inDim: number;
  readonly outDim: number;
}

function makeMat(rt: KernelRuntime, type: WeightType, inDim: number, outDim: number): Mat {
  const w = rt.mem.alloc(outDim * weightRowBytes(type, inDim), 64);
  fillWeights(rt, w, type, outDim * inDim);
  return { w, type, inDim, outDim };
}

function run(rt: KernelRuntime, m: Mat, x: number, out: number, numRows: number): void {
  matmul(rt, { x, weight: m.w, weightType: m.type, out, numRows, inDim: m.inDim, outDim: m.outDim });
}

async function main(): Promise<void> {
  console.log(`uptime: ${uptime()}`);
  console.log(`cores: ${availableParallelism()}, node ${process.version}\n`);
  const gemvShapes = [
    [576, 1536],
    [1536, 576],
    [576, 49152],
  ] as const;
  for (const threads of threadCounts) {
    const { rt } = await createKernelRuntime({ threads });
    console.log(`== ${rt.threads} thread(s)`);
    // Dispatch round trip: an empty kernel on every thread.
    if (rt.threads > 1) {
      const rounds = 20000;
      const t0 = performance.now();
      for (let i = 0; i < rounds; i++) {
        rt.args();
        rt.launch(KernelId.noop, Number.POSITIVE_INFINITY);
      }
      console.log(
        `dispatch round trip (empty kernel): ${(((performance.now() - t0) / rounds) * 1000).toFixed(2)} µs`,
      );
    }
    const x = rt.mem.alloc(512 * 1536 * 4, 64);
    fillF32(rt, x, 512 * 1536);
    const out = rt.mem.alloc(512 * 49152 * 4, 64);
    for (const type of gemmOnly ? [] : [WeightType.F32, WeightType.F16, WeightType.BF16]) {
      for (const [inDim, outDim] of gemvShapes) {
        const m = makeMat(rt, type, inDim, outDim);
        const s = time(() => run(rt, m, x, out, 1));
        const bytes = outDim * weightRowBytes(type, inDim);
        console.log(
          `GEMV ${TYPE_NAMES[type].padEnd(4)} ${inDim}→${outDim}`.padEnd(26) +
            `${(s * 1e6).toFixed(1).padStart(8)} µs  ${(bytes / s / 1e9).toFixed(2).padStart(6)} GB/s`,
        );
      }
    }
    for (const type of [WeightType.F32, WeightType.F16, WeightType.BF16]) {
      const m = makeMat(rt, type, 576, 1536);
      for (const rows of [8, 32, 512]) {
        const s = time(() => run(rt, m, x, out, rows));
        const flops = 2 * rows * 576 * 1536;
        console.log(
          `GEMM ${TYPE_NAMES[type].padEnd(4)} ${rows}×576→1536`.padEnd(26) +
            `${(s * 1e6).toFixed(1).padStart(8)} µs  ${(flops / s / 1e9).toFixed(2).padStart(6)} GFLOP/s`,
        );
      }
    }
    if (!gemmOnly) decodeStep(rt, x, out);
    await rt.close();
    console.log("");
  }
}

/** The matmuls of one SmolLM2-135M F16 decode step: 30 layers (qkv, o, gate_up, down) and the LM head. */
function decodeStep(rt: KernelRuntime, x: number, out: number): void {
  const layers = Array.from({ length: 30 }, () => [
    makeMat(rt, WeightType.F16, 576, 960),
    makeMat(rt, WeightType.F16, 576, 576),
    makeMat(rt, WeightType.F16, 576, 3072),
    makeMat(rt, WeightType.F16, 1536, 576),
  ]);
  const lmHead = makeMat(rt, WeightType.F16, 576, 49152);
  const all = [...layers.flat(), lmHead];
  const bytes = all.reduce((n, m) => n + m.outDim * m.inDim * 2, 0);
  const s = time(() => {
    for (const m of all) run(rt, m, x, out, 1);
  }, 1);
  console.log(
    `decode step matmuls (SmolLM2-135M F16, ${(bytes / 1e6).toFixed(0)} MB): ${(s * 1e3).toFixed(2)} ms ` +
      `= ${(bytes / s / 1e9).toFixed(2)} GB/s, ${(1 / s).toFixed(1)} steps/s`,
  );
}

await main();
