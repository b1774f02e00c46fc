import { f32ToF16, quantize } from "@pagoda/model-loaders";
import {
  createStorageBuffer,
  destroyMatrix,
  encodeMatmul,
  ggufQuantType,
  isQuantDType,
  type MatmulTuning,
  rowBytes,
  uploadMatrix,
  type WeightDType,
} from "../../src/index.js";
import type { BenchCase } from "../case.js";

// Deterministic, cheap fill: the values do not matter to the timing, only the sizes do.
function fill(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (((i * 2654435761 + seed) >>> 0) % 2000) / 1000 - 1;
  return out;
}

/** `x [m, k] · W[n, k]ᵀ` with weights in `dtype`. */
export function matmulCase(
  m: number,
  n: number,
  k: number,
  dtype: WeightDType,
  tuning?: MatmulTuning,
): BenchCase {
  const wBytes = n * rowBytes(dtype, k);
  const tag = tuning
    ? m <= tuning.gemvMaxRows
      ? ` gemv tpo${tuning.threadsPerOutput}`
      : ` ${tuning.gemm}`
    : "";
  return {
    kernel: m <= 8 ? "matmul.gemv" : "matmul.gemm",
    name: `${m}×${k} · [${n}×${k}]ᵀ ${dtype}${tag}`,
    bytes: wBytes + 4 * (m * k + m * n),
    flops: 2 * m * n * k,
    prepare(ctx) {
      const raw = fill(n * k, n);
      const weight = uploadMatrix(ctx.device, {
        label: `bench.w${n}x${k}`,
        rows: n,
        cols: k,
        data: isQuantDType(dtype)
          ? { quant: ggufQuantType(dtype), bytes: quantize(ggufQuantType(dtype), raw, k) }
          : dtype === "f16"
            ? f32ToF16(raw)
            : raw,
      });
      const x = createStorageBuffer(ctx.device, "bench.x", fill(m * k, 1));
      const out = createStorageBuffer(ctx.device, "bench.y", m * n * 4);
      return {
        record: (pass) =>
          encodeMatmul(pass, ctx, { numRows: m, x, weight, out, ...(tuning ? { tuning } : {}) }),
        destroy() {
          destroyMatrix(weight);
          x.destroy();
          out.destroy();
        },
      };
    },
  };
}

// Qwen3-0.6B: hidden 1024, intermediate 3072, vocab 151,936 (the LM head needs several parts).
const QWEN3_06B: readonly (readonly [number, number])[] = [
  [3072, 1024],
  [1024, 3072],
  [151_936, 1024],
];

/** Decode GEMV and 512-token prefill GEMM at Qwen3-0.6B shapes. */
export const cases: BenchCase[] = [
  ...QWEN3_06B.flatMap(([n, k]) => [matmulCase(1, n, k, "f32"), matmulCase(1, n, k, "f16")]),
  matmulCase(8, 3072, 1024, "f16"),
  matmulCase(512, 3072, 1024, "f32"),
  matmulCase(512, 1024, 3072, "f16"),
  // Block-quantized weights (bytes counted in the GPU layout).
  ...(["q8_0", "q4_0", "q4_k", "q6_k"] as const).map((q) => matmulCase(1, 3072, 1024, q)),
  matmulCase(8, 3072, 1024, "q4_k"),
  matmulCase(512, 3072, 1024, "q4_k"),
];
