// Oracles for the tests, written from the formats' definitions in double precision (a value is
// sign · 2^e · 1.m, rounding picks the nearer neighbour, ties the even one): nothing here shares
// a bit trick with the implementation, and nothing uses Float16Array.

/** A binary floating-point format by its field widths. */
export interface Format {
  readonly expBits: number;
  readonly mantBits: number;
}

/** IEEE binary16. */
export const HALF: Format = { expBits: 5, mantBits: 10 };
/** bfloat16: f32's exponent, 7 fraction bits. */
export const BF16: Format = { expBits: 8, mantBits: 7 };

const bias = (f: Format) => 2 ** (f.expBits - 1) - 1;
const minExp = (f: Format) => 1 - bias(f);
const maxExp = (f: Format) => 2 ** f.expBits - 2 - bias(f);
const maxFinite = (f: Format) => (2 - 2 ** -f.mantBits) * 2 ** maxExp(f);

/** floor(log2(a)) for a finite a > 0, exactly. */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  return e;
}

/** The value of bit pattern `bits` of format `f`, by the definition. */
export function definedValue(f: Format, bits: number): number {
  const sign = bits & (1 << (f.expBits + f.mantBits)) ? -1 : 1;
  const exp = (bits >> f.mantBits) & (2 ** f.expBits - 1);
  const mant = bits & (2 ** f.mantBits - 1);
  if (exp === 2 ** f.expBits - 1) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  if (exp === 0) return sign * mant * 2 ** (minExp(f) - f.mantBits);
  return sign * (1 + mant / 2 ** f.mantBits) * 2 ** (exp - bias(f));
}

/** `x` rounded to format `f`: nearest, ties to even, ±inf past the largest finite (as IEEE 754). */
export function roundTo(f: Format, x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const negative = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let v = Number.POSITIVE_INFINITY;
  if (Number.isFinite(a)) {
    const ulp = 2 ** (a < 2 ** minExp(f) ? minExp(f) - f.mantBits : exponentOf(a) - f.mantBits);
    const q = a / ulp; // exact: ulp is a power of two
    let r = Math.floor(q);
    if (q - r > 0.5 || (q - r === 0.5 && r % 2 === 1)) r++;
    v = r * ulp > maxFinite(f) ? Number.POSITIVE_INFINITY : r * ulp;
  }
  return negative ? -v : v;
}

/** The bit pattern of format `f` for `v`, a value the format holds exactly (not NaN). */
export function bitsOf(f: Format, v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 2 ** (f.expBits + f.mantBits) : 0;
  const a = Math.abs(v);
  if (a === Number.POSITIVE_INFINITY) return sign + (2 ** f.expBits - 1) * 2 ** f.mantBits;
  if (a < 2 ** minExp(f)) return sign + a / 2 ** (minExp(f) - f.mantBits);
  const e = exponentOf(a);
  return sign + (e + bias(f)) * 2 ** f.mantBits + (a / 2 ** e - 1) * 2 ** f.mantBits;
}

/** The bit pattern format `f` must give for `x` (not NaN). */
export function expectedBits(f: Format, x: number): number {
  return bitsOf(f, roundTo(f, x));
}

const view = new DataView(new ArrayBuffer(4));

/** The f32 value with bits `bits` (through a DataView). */
export function f32OfBits(bits: number): number {
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
}

/** The bits of `x` rounded to f32 (through a DataView). */
export function bitsOfF32(x: number): number {
  view.setFloat32(0, x);
  return view.getUint32(0);
}

/** A deterministic stream of uint32 (xorshift32), so a failure reproduces. */
export function uint32Stream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}
