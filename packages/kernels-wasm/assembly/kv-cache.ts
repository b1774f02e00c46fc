// Rows of the paged KV cache per dtype: how ropeAndCache stores a token's f32 (k or v) head row
// and how pagedAttention reads a block's rows back as f32. Bit for bit the encoding of
// @pagoda/kv-paging's kv-cache-codec.ts: f16 rounds to nearest even and saturates at ±65504;
// int8 stores headDim int8 then the f32 scale max|x| / 127, q = nearest(x / scale) in ±127.

export const KV_F32: i32 = 0;
export const KV_F16: i32 = 1;
export const KV_INT8: i32 = 2;

/** Bytes of one (token, kv head) row. */
@inline export function kvRowBytes(dtype: i32, headDim: i32): usize {
  if (dtype == KV_F32) return <usize>headDim << 2;
  if (dtype == KV_F16) return <usize>headDim << 1;
  return <usize>headDim + 4;
}

/** f32 → half bits, round to nearest even, saturating (@pagoda/numerics' f32ToF16BitsSaturating). */
function f32ToF16(x: f32): u16 {
  const b = reinterpret<u32>(x);
  const sign = (b >> 16) & 0x8000;
  const exp = <i32>((b >> 23) & 0xff);
  const mant = b & 0x7fffff;
  if (exp == 0xff) return <u16>(sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
  const e = exp - 127 + 15;
  if (e >= 31) return <u16>(sign | 0x7bff);
  if (e <= 0) {
    if (e < -10) return <u16>sign;
    const m = mant | 0x800000;
    const shift = <u32>(14 - e);
    const h = m >> shift;
    const rest = m & ((<u32>1 << shift) - 1);
    const mid = <u32>1 << (shift - 1);
    return <u16>(sign | (h + (rest > mid || (rest == mid && (h & 1) == 1) ? 1 : 0)));
  }
  const h = (<u32>e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  const r = h + (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1) ? 1 : 0);
  return <u16>(sign | min(r, <u32>0x7bff));
}

/** Stores the f32 row at `src` (headDim values) at `dst` in the dtype's encoding. */
export function storeKvRow(dtype: i32, src: usize, dst: usize, headDim: i32): void {
  if (dtype == KV_F32) {
    memory.copy(dst, src, <usize>headDim << 2);
  } else if (dtype == KV_F16) {
    for (let i = 0; i < headDim; i++) store<u16>(dst + (<usize>i << 1), f32ToF16(load<f32>(src + (<usize>i << 2))));
  } else {
    let amax: f32 = 0;
    for (let i = 0; i < headDim; i++) amax = max(amax, abs(load<f32>(src + (<usize>i << 2))));
    const scale = amax / <f32>127;
    for (let i = 0; i < headDim; i++) {
      const q = scale > 0 ? min(max(nearest(load<f32>(src + (<usize>i << 2)) / scale), <f32>-127), <f32>127) : 0;
      store<i8>(dst + <usize>i, <i8>(<i32>q));
    }
    store<f32>(dst + <usize>headDim, scale);
  }
}

/**
 * Decodes `rows` rows of a non-f32 cache at `src` (consecutive rows of one block and kv head)
 * into f32 `[rows, headDim]` at `dst`: exact for f16 (finite values), q·scale in f32 for int8.
 */
export function loadKvRows(dtype: i32, src: usize, rows: i32, headDim: i32, dst: usize): void {
  const rb = kvRowBytes(dtype, headDim);
  const n = rows * headDim;
  if (dtype == KV_F16) {
    // Rows are contiguous, so the block decodes as one run of halves.
    const n8 = n & ~7;
    let i = 0;
    for (; i < n8; i += 8) {
      const h = v128.load(src + (<usize>i << 1));
      v128.store(dst + (<usize>i << 2), f16x4(i32x4.extend_low_i16x8_s(h)));
      v128.store(dst + (<usize>i << 2) + 16, f16x4(i32x4.extend_high_i16x8_s(h)));
    }
    for (; i < n; i++) store<f32>(dst + (<usize>i << 2), f16ToF32(load<u16>(src + (<usize>i << 1))));
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = src + <usize>r * rb;
    const out = dst + ((<usize>r * headDim) << 2);
    const scale = load<f32>(row + <usize>headDim);
    const s4 = f32x4.splat(scale);
    // headDim % 4 == 0 for int8 (the scale is 4-byte aligned).
    for (let i = 0; i < headDim; i += 4) {
      const q = i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load32_zero(row + <usize>i)));
      v128.store(out + (<usize>i << 2), f32x4.mul(f32x4.convert_i32x4_s(q), s4));
    }
  }
}

// Half → f32 for finite halves: the sign-extended bits shifted into f32 position, masked to
// sign | exponent | mantissa, then × 2^112 rebiases the exponent (subnormals included).
const F16_REBIAS: f32 = 5.192296858534828e33; // 2^112

@inline function f16x4(h: v128): v128 {
  const bits = v128.and(i32x4.shl(h, 13), i32x4.splat(<i32>0x8fffe000));
  return f32x4.mul(bits, f32x4.splat(F16_REBIAS));
}

@inline function f16ToF32(h: u16): f32 {
  const bits = ((<i32>(<i16>h)) << 13) & <i32>0x8fffe000;
  return reinterpret<f32>(bits) * F16_REBIAS;
}
