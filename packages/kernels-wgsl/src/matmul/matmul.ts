import type { PagodaDevice } from "../device/request-device.js";
import { isCpuAdapter } from "../runtime/adapter.js";
import { grid } from "../runtime/grid.js";
import { type BufferRef, type KernelContext, requireBytes } from "../runtime/kernel-context.js";
import { KernelError } from "../runtime/kernel-error.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { halfLoads, weightKey } from "../runtime/weight-wgsl.js";
import type { WeightMatrix } from "../runtime/weights.js";
import { GEMM_TILE, gemmWgsl } from "./gemm.wgsl.js";
import { BLOCKED_TILE, gemmBlockedWgsl } from "./gemm-blocked.wgsl.js";
import { GEMV_WG, gemvWgsl } from "./gemv.wgsl.js";

/** The most rows one GEMV pass carries in registers. */
export const GEMV_MAX_ROWS = 8;

/** How the launcher picks and shapes the matmul path. */
export interface MatmulTuning {
  /** Row counts up to this (at most 8) take the GEMV path; more take the tiled GEMM. */
  readonly gemvMaxRows: number;
  /** GEMV threads per output (1 … 64, a power of two). */
  readonly threadsPerOutput: number;
  /** GEMM kind: workgroup-memory tiles (GPUs) or register blocks without barriers (CPU adapters). */
  readonly gemm: "tiled" | "blocked";
}

/**
 * Tuning measured with `bench/kernels.ts`: on a CPU adapter (lavapipe) a thread per output
 * streams its weight row best; GPUs want many threads per output for coalesced reads.
 */
export function defaultMatmulTuning(gpu: PagodaDevice): MatmulTuning {
  return isCpuAdapter(gpu)
    ? { gemvMaxRows: 8, threadsPerOutput: 1, gemm: "blocked" }
    : { gemvMaxRows: 8, threadsPerOutput: 32, gemm: "tiled" };
}

/** Arguments of {@link encodeMatmul}: `out = x · weightᵀ (+ bias)`. */
export interface MatmulArgs {
  /** M: rows of `x` and `out`. */
  readonly numRows: number;
  /** `[M, K]` f32. */
  readonly x: BufferRef;
  /** `[N, K]`, F32, F16 or block-quantized (per part), split by rows; each part writes its columns. */
  readonly weight: WeightMatrix;
  /** `[N]` f32, fused into the output (Qwen2's q/k/v bias). */
  readonly bias?: BufferRef;
  /** `[M, N]` f32, a different buffer from `x`. */
  readonly out: BufferRef;
  /** Overrides {@link defaultMatmulTuning}. */
  readonly tuning?: MatmulTuning;
}

/** Records the matmul, choosing the GEMV path (≤ 8 rows) or a GEMM from `numRows` and the tuning. */
export function encodeMatmul(pass: GPUComputePassEncoder, ctx: KernelContext, args: MatmulArgs): void {
  const { numRows: m, weight } = args;
  if (!Number.isInteger(m) || m < 0) {
    throw new KernelError("matmul.bad_rows", `matmul ${weight.label}: numRows ${m} is not a count`);
  }
  if (m === 0) return;
  requireBytes(args.x, m * weight.cols * 4, `matmul ${weight.label} x`);
  requireBytes(args.out, m * weight.rows * 4, `matmul ${weight.label} out`);
  if (args.bias) requireBytes(args.bias, weight.rows * 4, `matmul ${weight.label} bias`);
  const tuning = args.tuning ?? defaultMatmulTuning(ctx.gpu);
  const vec4 = weight.cols % 4 === 0;
  const half = halfLoads(ctx.gpu.features);
  const bias = args.bias ?? args.x;
  const hasBias = args.bias !== undefined;
  // Each part has its own dtype (a joined q|k|v may mix formats) and so its own pipeline.
  if (m > Math.min(tuning.gemvMaxRows, GEMV_MAX_ROWS)) {
    const blocked = tuning.gemm === "blocked";
    const tile = blocked ? BLOCKED_TILE : GEMM_TILE;
    const k = blocked && vec4 ? weight.cols / 4 : weight.cols;
    for (const part of weight.parts) {
      const key = `matmul.gemm/${blocked ? "blocked" : "tiled"}/${weightKey(part.dtype, half)}/${vec4 ? "vec4" : "scalar"}`;
      const variant = { dtype: part.dtype, half, vec4 };
      const pipeline = getShaderPipeline(ctx.device, key, () =>
        blocked ? gemmBlockedWgsl(variant) : gemmWgsl(variant),
      );
      const uniforms = params(m, part.rows, k, weight.rows, part.rowStart, hasBias);
      const groups = [Math.ceil(part.rows / tile), Math.ceil(m / tile)] as const;
      ctx.dispatch(pass, pipeline, uniforms, [args.x, part.buffer, args.out, bias], groups);
    }
    return;
  }
  const tpo = tuning.threadsPerOutput;
  const rows = m <= 1 ? 1 : m <= 2 ? 2 : m <= 4 ? 4 : 8;
  const units = vec4 ? weight.cols / 4 : weight.cols;
  for (const part of weight.parts) {
    const key = `matmul.gemv/${weightKey(part.dtype, half)}/${vec4 ? "vec4" : "scalar"}/r${rows}/tpo${tpo}`;
    const pipeline = getShaderPipeline(ctx.device, key, () =>
      gemvWgsl({ dtype: part.dtype, half, vec4, rows, threadsPerOutput: tpo }),
    );
    const uniforms = params(m, part.rows, units, weight.rows, part.rowStart, hasBias);
    const groups = grid(Math.ceil(part.rows / (GEMV_WG / tpo)));
    ctx.dispatch(pass, pipeline, uniforms, [args.x, part.buffer, args.out, bias], groups);
  }
}

function params(m: number, n: number, k: number, ldy: number, colOffset: number, bias: boolean) {
  return new UniformWriter()
    .u32(m)
    .u32(n)
    .u32(k)
    .u32(ldy)
    .u32(colOffset)
    .u32(bias ? 1 : 0)
    .finish();
}
