import type { KvCacheDtype } from "./kv-cache-dtype.js";

// The exact encoding every executor and kernel uses, so a reference and a kernel that store the
// same f32 row store the same bytes. f16: round to nearest even on the f32 bits, saturating at
// ±65504 (an Infinity in a key would turn attention into NaN; kernels decode without an Inf
// path). int8:
// scale = fround(amax / 127), q = roundTiesToEven(fround(x / scale)) clamped to ±127 (0 when
// scale is 0), value = fround(q · scale).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** f32 → IEEE half bits, round to nearest even, saturating at ±65504 (NaN kept). */
export function f32ToF16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0] as number;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7bff;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1) === 1) ? 1 : 0));
  }
  const h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent; one into 31 saturates.
  const r = h + (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1) ? 1 : 0);
  return sign | Math.min(r, 0x7bff);
}

/** IEEE half bits → value (exact). */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

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
    for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, f32ToF16Bits(x[i] as number), true);
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
