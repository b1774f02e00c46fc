// Plain conversions between f32 and the 16-bit weight types, for references and test data.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits -> value (exact; inf/NaN included). */
export function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Value -> IEEE half bits, round to nearest even (finite inputs within half range). */
export function numberToF16Bits(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === 0) return sign;
  let exp = Math.floor(Math.log2(a));
  if (exp < -14) exp = -14;
  const scaled = a / 2 ** (exp - 10);
  let mant = Math.round(scaled);
  if (scaled - Math.floor(scaled) === 0.5 && Math.floor(scaled) % 2 === 0) mant = Math.floor(scaled);
  if (mant >= 2048) {
    mant /= 2;
    exp += 1;
  }
  if (mant < 1024) return sign | mant;
  return sign | ((exp + 15) << 10) | (mant - 1024);
}

/** bfloat16 bits -> value. */
export function bf16BitsToNumber(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0] as number;
}

/** Value -> bfloat16 bits (truncation of the f32). */
export function numberToBf16Bits(v: number): number {
  f32[0] = v;
  return (u32[0] as number) >>> 16;
}
