import { f16BitsToF32, f32ToF16BitsSaturating } from "@pagoda/numerics";
import type { KvCacheDtype } from "./kv-cache-dtype.js";

// The exact encoding every executor and kernel uses, so a reference and a kernel that store the
// same f32 row store the same bytes. f16: @pagoda/numerics' f32ToF16BitsSaturating (round to
// nearest even, saturating at ±65504: an Infinity in a key would turn attention into NaN, and
// kernels decode without an Inf path). int8:
// scale = fround(amax / 127), q = roundTiesToEven(fround(x / scale)) clamped to ±127 (0 when
// scale is 0), value = fround(q · scale).

/** Round to nearest, ties to even (the f32 inputs here are exact in f64). */
function roundTiesEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Writes row `x` (headDim values) as the dtype's bytes at `view`'s byte offset `at`. */
export function encodeKvRow(dtype: KvCacheDtype, x: ArrayLike<number>, view: DataView, at: number): void {
  const n = x.length;
  if (dtype === "f32") {
    for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, x[i] as number, true);
  } else if (dtype === "f16") {
    for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, f32ToF16BitsSaturating(x[i] as number), true);
  } else {
    let amax = 0;
    for (let i = 0; i < n; i++) amax = Math.max(amax, Math.abs(Math.fround(x[i] as number)));
    const scale = Math.fround(amax / 127);
    for (let i = 0; i < n; i++) {
      const q = scale > 0 ? roundTiesEven(Math.fround(Math.fround(x[i] as number) / scale)) : 0;
      view.setInt8(at + i, Math.max(-127, Math.min(127, q)));
    }
    view.setFloat32(at + n, scale, true);
  }
}

/** Reads a row of `out.length` values stored by {@link encodeKvRow} into `out` (as f32 values). */
export function decodeKvRow(dtype: KvCacheDtype, view: DataView, at: number, out: Float32Array): void {
  const n = out.length;
  if (dtype === "f32") {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
  } else if (dtype === "f16") {
    for (let i = 0; i < n; i++) out[i] = f16BitsToF32(view.getUint16(at + 2 * i, true));
  } else {
    const scale = view.getFloat32(at + n, true);
    for (let i = 0; i < n; i++) out[i] = view.getInt8(at + i) * scale;
  }
}
