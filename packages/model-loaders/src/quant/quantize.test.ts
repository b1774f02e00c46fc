import { describe, expect, it } from "vitest";
import { dequantize } from "./dequantize.js";
import { QUANT_TYPES, type QuantType, quantRowBytes } from "./quant-types.js";
import { quantize } from "./quantize.js";

/** Seeded normal(0, 1) values (Box–Muller on a linear congruential generator). */
function gaussian(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s + 1) / 2 ** 32;
  };
  return new Float32Array(n).map(
    () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

function roundTrip(type: QuantType, x: Float32Array, cols: number): Float32Array {
  const packed = quantize(type, x, cols);
  expect(packed.length).toBe((x.length / cols) * quantRowBytes(type, cols));
  return dequantize(type, packed, new Float32Array(x.length));
}

/** The largest |x - y| and the largest |x| (and max - min, 0 included) over each block of `size`. */
function perBlock(x: Float32Array, y: Float32Array, size: number) {
  const out: { err: number; amax: number; range: number }[] = [];
  for (let b = 0; b < x.length; b += size) {
    let err = 0;
    let lo = 0;
    let hi = 0;
    for (let i = b; i < b + size; i++) {
      err = Math.max(err, Math.abs((x[i] as number) - (y[i] as number)));
      lo = Math.min(lo, x[i] as number);
      hi = Math.max(hi, x[i] as number);
    }
    out.push({ err, amax: Math.max(hi, -lo), range: hi - lo });
  }
  return out;
}

function rms(x: Float32Array, y: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += ((x[i] as number) - (y[i] as number)) ** 2;
  return Math.sqrt(sum / x.length);
}

// A stored f16 scale is off by at most 2^-11 relative; 1e-6 covers f32 rounding.
const F16 = 2 ** -11;
const SLACK = 1 + 1e-6;

describe("quantize error bounds on random rows", () => {
  const x = gaussian(256 * 64, 7);

  it("Q8_0: |error| <= d/2 + 127·|d - f16(d)| with d = amax/127 (about amax/226)", () => {
    for (const b of perBlock(x, roundTrip("Q8_0", x, 512), 32)) {
      expect(b.err).toBeLessThanOrEqual((b.amax / 127) * (0.5 + 127 * F16) * SLACK);
    }
  });

  it("Q4_0: |error| <= |d| (+ f16 slack) with |d| = amax/8; the top level 8·|d| clips to 7·|d|", () => {
    for (const b of perBlock(x, roundTrip("Q4_0", x, 512), 32)) {
      expect(b.err).toBeLessThanOrEqual((b.amax / 8) * (1 + 8 * F16) * SLACK);
    }
  });

  // One step of a plain min/max fit is range/15; the least-squares search trades a little clipping
  // of the extremes for a lower RMS error, and the 6-bit scales round: measured <= range/14.3 over
  // 6,000 super-blocks of uniform, normal and Laplace data, so range/12 is the stated bound.
  it("Q4_K: |error| <= (super-block max - min, 0 included) / 12, and smaller RMS error than Q4_0", () => {
    const y = roundTrip("Q4_K", x, 256);
    for (const b of perBlock(x, y, 256)) expect(b.err).toBeLessThanOrEqual(b.range / 12);
    expect(rms(x, y)).toBeLessThan(0.9 * rms(x, roundTrip("Q4_0", x, 512)));
  });

  it("Q6_K: |error| <= super-block amax / 32 (one step of the largest scale), and RMS 3.5x below Q4_K's", () => {
    const y = roundTrip("Q6_K", x, 1024);
    for (const b of perBlock(x, y, 256)) expect(b.err).toBeLessThanOrEqual((b.amax / 32) * (1 + 64 * F16));
    expect(rms(x, y)).toBeLessThan(rms(x, roundTrip("Q4_K", x, 256)) / 3.5);
  });
});

describe("quantize exact round trips", () => {
  const levels = (n: number, lo: number, hi: number, seed: number) =>
    Array.from(gaussian(n, seed), (g) => Math.max(lo, Math.min(hi, Math.round(g * 4))) || 0); // no -0

  it("Q8_0 keeps q·d (d an f16, one |q| = 127 per block)", () => {
    const q = levels(64, -127, 127, 1);
    q[3] = 127;
    q[40] = -127;
    const x = new Float32Array(q.map((v, i) => v * (i < 32 ? 0.375 : 2 ** -9)));
    expect(roundTrip("Q8_0", x, 64)).toEqual(x);
  });

  it("Q4_0 keeps d·(q - 8) (one value at -8·d per block)", () => {
    const q = levels(64, -8, 7, 2);
    q[5] = -8;
    q[50] = -8;
    const x = new Float32Array(q.map((v, i) => v * (i < 32 ? 0.25 : -3)));
    expect(roundTrip("Q4_0", x, 32)).toEqual(x);
  });

  it("Q4_K keeps d·sc·q for power-of-two d, 6-bit sc and levels 0..15 spanning each sub-block", () => {
    const sc = [63, 21, 9, 1, 33, 50, 17, 2];
    const q = levels(256, 0, 15, 3).map((v) => v + 7);
    const x = new Float32Array(256);
    for (let j = 0; j < 8; j++) {
      q[32 * j] = 0;
      q[32 * j + 1] = 15;
      for (let l = 0; l < 32; l++)
        x[32 * j + l] = 2 ** -4 * (sc[j] as number) * Math.min(15, q[32 * j + l] as number);
    }
    expect(roundTrip("Q4_K", x, 256)).toEqual(x);
  });

  it("Q6_K keeps d·sc·q for power-of-two d, int8 sc (the largest -128) and one q = -32 per 16", () => {
    const sc = [-128, 5, -7, 64, 1, -1, 100, -100, 3, 9, -27, 81, 2, -2, 127, 11];
    const q = levels(256, -31, 31, 4);
    const x = new Float32Array(256);
    for (let i = 0; i < 16; i++) {
      q[16 * i + 7] = -32;
      for (let k = 16 * i; k < 16 * i + 16; k++) x[k] = 2 ** -8 * (sc[i] as number) * (q[k] as number);
    }
    expect(roundTrip("Q6_K", x, 256)).toEqual(x);
  });
});

describe("quantize special rows", () => {
  it.each(QUANT_TYPES)("%s: zeros stay zeros", (type) => {
    const y = roundTrip(type, new Float32Array(512), 256);
    expect(y.every((v) => v === 0)).toBe(true);
  });

  // (Far smaller constants put Q6_K's d = |c|/4096 among the f16 subnormals, as in ggml.)
  it.each(QUANT_TYPES)("%s: a constant row comes back within f16 precision of the constant", (type) => {
    for (const c of [1, -0.3, 1234.5, -7]) {
      const y = roundTrip(type, new Float32Array(256).fill(c), 256);
      for (const v of y) expect(Math.abs(v - c)).toBeLessThanOrEqual(Math.abs(c) * 2 ** -10);
    }
  });

  it.each(QUANT_TYPES)("%s: one huge outlier is kept and leaves the other blocks alone", (type) => {
    const x = gaussian(1024, 9);
    const clean = roundTrip(type, x, 512);
    x[300] = 1000;
    const y = roundTrip(type, x, 512);
    expect(Math.abs((y[300] as number) - 1000)).toBeLessThanOrEqual(1000 / 28);
    // Blocks (super-blocks for the K formats) that do not hold element 300 are unchanged.
    const size = type.endsWith("_K") ? 256 : 32;
    const start = Math.floor(300 / size) * size;
    expect(y.subarray(0, start)).toEqual(clean.subarray(0, start));
    expect(y.subarray(start + size)).toEqual(clean.subarray(start + size));
  });
});

describe("quantize bad input", () => {
  it("rejects rows that are not whole blocks", () => {
    expect(() => quantize("Q4_K", new Float32Array(128), 64)).toThrow(
      expect.objectContaining({ code: "quant.bad_cols" }),
    );
    expect(() => quantize("Q8_0", new Float32Array(172), 172)).toThrow(/not whole 32-value blocks/);
    expect(() => quantize("Q8_0", new Float32Array(32), 0)).toThrow(
      expect.objectContaining({ code: "quant.bad_cols" }),
    );
  });

  it("rejects values that are not whole rows", () => {
    expect(() => quantize("Q8_0", new Float32Array(96), 64)).toThrow(
      expect.objectContaining({ code: "quant.bad_length" }),
    );
  });
});
