// Exact conversions between F32 and the 16-bit float formats, on raw bit patterns: the one
// definition in the repository (the WGSL kernels' F16 weights and the executors use these too).
// Typed arrays use the host's byte order and safetensors is little-endian; `tensor-handle.ts`
// refuses to run on a big-endian host, so these functions can work on plain Uint16Array views.

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // inf, or NaN with its payload
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal half: every subnormal is a normal F32, so shift the leading 1 into the implicit bit.
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

let halfTable: Uint32Array | undefined;

// All 65,536 halves decoded once (256 KiB): a lookup beats bit fiddling in the hot loop.
function table(): Uint32Array {
  if (!halfTable) {
    halfTable = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloatBits(h);
  }
  return halfTable;
}

/** The F32 value of one IEEE half-precision bit pattern (exact; keeps subnormals, ±inf, NaN). */
export function f16BitsToF32(bits: number): number {
  u32Scratch[0] = halfToFloatBits(bits & 0xffff);
  return f32Scratch[0] as number;
}

/** The IEEE half bit pattern nearest to `x` (round to nearest, ties to even; overflow → ±inf). */
export function f32ToF16Bits(x: number): number {
  f32Scratch[0] = x;
  return floatBitsToHalf(u32Scratch[0] as number);
}

function floatBitsToHalf(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  const mant = f & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant === 0 ? 0 : 0x200 | (mant >>> 13));
  const he = exp - 112; // the half's biased exponent
  if (he >= 0x1f) return sign | 0x7c00;
  if (he <= 0) {
    if (he < -10) return sign; // below half the smallest subnormal: rounds to zero
    const m = mant | 0x800000;
    const shift = 14 - he;
    return sign | roundShift(m, shift);
  }
  // A carry out of the mantissa correctly bumps the exponent (and reaches inf at the top).
  return sign | (((he << 10) | (mant >>> 13)) + roundBit(mant, 13, mant >>> 13));
}

function roundShift(m: number, shift: number): number {
  const kept = m >>> shift;
  return kept + roundBit(m, shift, kept);
}

// 1 when the dropped low `shift` bits of `m` round `kept` up (nearest, ties to even).
function roundBit(m: number, shift: number, kept: number): number {
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rem > half || (rem === half && (kept & 1) === 1) ? 1 : 0;
}

/** The F32 value of one bfloat16 bit pattern (exact: bf16 is the top half of an F32). */
export function bf16BitsToF32(bits: number): number {
  u32Scratch[0] = (bits & 0xffff) << 16;
  return f32Scratch[0] as number;
}

/** The bfloat16 bit pattern nearest to `x` (round to nearest, ties to even; NaN stays NaN). */
export function f32ToBf16Bits(x: number): number {
  f32Scratch[0] = x;
  return floatBitsToBf16(u32Scratch[0] as number);
}

function floatBitsToBf16(f: number): number {
  if ((f & 0x7f800000) === 0x7f800000 && (f & 0x7fffff) !== 0) return (f >>> 16) | 0x40;
  return ((f + 0x7fff + ((f >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Decodes F16 bit patterns into `out` (same length; a new array by default) and returns it. */
export function f16ToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const t = table();
  const dst = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) dst[i] = t[src[i] as number] as number;
  return out;
}

/** Decodes BF16 bit patterns into `out` (same length; a new array by default) and returns it. */
export function bf16ToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const dst = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) dst[i] = (src[i] as number) << 16;
  return out;
}

/** Encodes F32 values as F16 bit patterns (round to nearest even). */
export function f32ToF16(src: Float32Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = floatBitsToHalf(bits[i] as number);
  return out;
}

/** Encodes F32 values as BF16 bit patterns (round to nearest even). */
export function f32ToBf16(src: Float32Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = floatBitsToBf16(bits[i] as number);
  return out;
}
