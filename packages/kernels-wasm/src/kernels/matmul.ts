import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";
import {
  fitsWeightBlocks,
  isQuantizedWeightType,
  isWeightType,
  WEIGHT_BLOCK,
  WEIGHT_TYPE_LIST,
  WeightType,
  weightRowBytes,
  weightTypeName,
} from "../weight-type.js";

/** Most rows the GEMV takes (assembly/gemv-rows.ts GEMV_TILE_ROWS); more go to the tiled GEMM. */
const GEMV_MAX_ROWS = 3;
/** Bytes of packed x the GEMM keeps per token block (in L2 while every weight row pair passes). */
const X_PANEL_BYTES = 512 * 1024;
/** Most tokens in a GEMM token block (each weight row is unpacked once per block). */
const MAX_TOKEN_BLOCK = 128;

/** Tokens the GEMM packs at once: a multiple of 4 whose x panel fits X_PANEL_BYTES. */
function gemmTokenBlock(numRows: number, inDim: number): number {
  const fit = Math.floor(X_PANEL_BYTES / (inDim * 4)) & ~3;
  return Math.max(4, Math.min(fit, MAX_TOKEN_BLOCK, (numRows + 3) & ~3));
}

/** Scratch bytes a thread needs (assembly/gemm.ts): a tile's sums (64), 2 weight rows, the x panel. */
function gemmScratchBytes(inDim: number, tokenBlock: number): number {
  return 64 + (2 + tokenBlock) * (inDim & ~3) * 4;
}

/** Bytes of one 32-element block of the quantized matmul's 4-row panel (assembly/quant-panel.ts). */
const QUANT_PANEL_BLOCK = 304;

/**
 * Scratch bytes a thread needs for quantized weights (assembly/quant-matmul.ts): the 4-row
 * int16 panel, then `tokens` x rows as int8 blocks (2 · inDim + inDim / 4 bytes), each 16-aligned.
 */
function quantScratchBytes(inDim: number, tokens: number): number {
  const align = (b: number) => (b + 15) & ~15;
  return align((inDim / 32) * QUANT_PANEL_BLOCK) + tokens * align(2 * inDim + inDim / 4);
}

/** Arguments of `matmul`: `out[t, o] = Σ_i x[t, i] · weight[o, i] (+ bias[o])`. */
export interface MatmulArgs {
  /** F32 activations `[numRows, inDim]`, rows `xStride` floats apart. */
  readonly x: number;
  /** Weights `[outDim, inDim]` (row-major, Hugging Face layout) of `weightType`. */
  readonly weight: number;
  readonly weightType: WeightType;
  /** Optional F32 bias `[outDim]` (absent or 0: none). */
  readonly bias?: number;
  /** F32 output `[numRows, outDim]`, rows `outStride` floats apart (a column slice is fine). */
  readonly out: number;
  readonly numRows: number;
  readonly inDim: number;
  readonly outDim: number;
  /** Floats between rows of x (default inDim). */
  readonly xStride?: number;
  /** Floats between rows of out (default outDim). */
  readonly outStride?: number;
}

/**
 * Launches matmul: GEMV for 1 row, a 2-row × m-token tile for 2–3, a tiled GEMM above; threads split output rows. Quantized
 * weights need inDim in whole blocks; x is rounded to int8 blocks of 32 and dotted in integers,
 * a token's outputs the same bits at any row count (see the README).
 */
export function matmul(rt: KernelRuntime, a: MatmulArgs): void {
  const k = "matmul";
  const { numRows, inDim, outDim, weightType } = a;
  rt.checkCount(k, "numRows", numRows);
  rt.checkCount(k, "inDim", inDim);
  rt.checkCount(k, "outDim", outDim);
  if (!isWeightType(weightType)) rt.fail(k, "weightType", `must be ${WEIGHT_TYPE_LIST}, got ${weightType}`);
  if (!fitsWeightBlocks(weightType, inDim))
    rt.fail(
      k,
      "inDim",
      `${inDim} is not a multiple of ${weightTypeName(weightType)}'s ${WEIGHT_BLOCK[weightType].elements}-element blocks`,
    );
  const xStride = a.xStride ?? inDim;
  const outStride = a.outStride ?? outDim;
  rt.checkCount(k, "xStride", xStride, inDim);
  rt.checkCount(k, "outStride", outStride, outDim);
  rt.checkPtr(k, "x", a.x, ((numRows - 1) * xStride + inDim) * 4);
  rt.checkPtr(
    k,
    "weight",
    a.weight,
    outDim * weightRowBytes(weightType, inDim),
    weightType === WeightType.F32 ? 4 : isQuantizedWeightType(weightType) ? 1 : 2,
  );
  const bias = a.bias ?? 0;
  if (bias !== 0) rt.checkPtr(k, "bias", bias, outDim * 4);
  rt.checkPtr(k, "out", a.out, ((numRows - 1) * outStride + outDim) * 4);
  // Scratch: the quantized matmul's panel and int8 x rows, the F16 GEMV's prescaled x rows, or
  // the GEMM's packed panels.
  const tokenBlock = gemmTokenBlock(numRows, inDim);
  const scratchBytes = isQuantizedWeightType(weightType)
    ? quantScratchBytes(inDim, Math.min(numRows, tokenBlock))
    : numRows > GEMV_MAX_ROWS
      ? gemmScratchBytes(inDim, tokenBlock)
      : weightType === WeightType.F16
        ? numRows * inDim * 4
        : 0;
  const [scratch, scratchStride] = scratchBytes > 0 ? rt.scratch(scratchBytes) : [0, 0];
  const args = rt.args();
  args[0] = a.x;
  args[1] = a.weight;
  args[2] = weightType;
  args[3] = bias;
  args[4] = a.out;
  args[5] = numRows;
  args[6] = inDim;
  args[7] = outDim;
  args[8] = xStride;
  args[9] = outStride;
  args[10] = scratch;
  args[11] = scratchStride;
  args[12] = tokenBlock;
  rt.launch(KernelId.matmul, numRows * inDim * outDim);
}
