import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";
import { isWeightType, WeightType, weightRowBytes } from "../weight-type.js";

/** Weight rows the tiled path unpacks at once (assembly/matmul.ts CHUNK). */
const CHUNK = 8;

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

/** Launches matmul: GEMV for 1–3 rows, a tiled GEMM above; threads split output rows. */
export function matmul(rt: KernelRuntime, a: MatmulArgs): void {
  const k = "matmul";
  const { numRows, inDim, outDim, weightType } = a;
  rt.checkCount(k, "numRows", numRows);
  rt.checkCount(k, "inDim", inDim);
  rt.checkCount(k, "outDim", outDim);
  if (!isWeightType(weightType))
    rt.fail(k, "weightType", `must be a WeightType (0 F32, 1 F16, 2 BF16), got ${weightType}`);
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
    weightType === WeightType.F32 ? 4 : 2,
  );
  const bias = a.bias ?? 0;
  if (bias !== 0) rt.checkPtr(k, "bias", bias, outDim * 4);
  rt.checkPtr(k, "out", a.out, ((numRows - 1) * outStride + outDim) * 4);
  // Scratch: the tiled path's unpacked weight chunk, or the F16 GEMV's prescaled x rows (<= 3).
  const [scratch, scratchStride] = weightType !== WeightType.F32 ? rt.scratch(CHUNK * inDim * 4) : [0, 0];
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
  rt.launch(KernelId.matmul, numRows * inDim * outDim);
}
