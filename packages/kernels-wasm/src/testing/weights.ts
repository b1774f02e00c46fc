import {
  bf16BitsToF32 as bf16BitsToNumber,
  f16BitsToF32 as f16BitsToNumber,
  f32ToBf16Bits as numberToBf16Bits,
  f32ToF16Bits as numberToF16Bits,
} from "@pagoda/model-loaders";
import { WeightType } from "../weight-type.js";

/** Weights packed in a type, with the exact values they stand for. */
export interface PackedWeights {
  readonly type: WeightType;
  /** The bytes to copy into the wasm memory. */
  readonly bytes: Uint8Array;
  /** The value of each element (what a reference multiplies by). */
  readonly values: Float64Array;
}

/** Packs `values` into `type`, rounding; `values` of the result are the rounded values. */
export function packWeights(type: WeightType, values: Float32Array): PackedWeights {
  const n = values.length;
  if (type === WeightType.F32) {
    return { type, bytes: new Uint8Array(values.slice().buffer), values: Float64Array.from(values) };
  }
  const bits = new Uint16Array(n);
  const exact = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    const h = type === WeightType.F16 ? numberToF16Bits(v) : numberToBf16Bits(v);
    bits[i] = h;
    exact[i] = type === WeightType.F16 ? f16BitsToNumber(h) : bf16BitsToNumber(h);
  }
  return { type, bytes: new Uint8Array(bits.buffer), values: exact };
}
