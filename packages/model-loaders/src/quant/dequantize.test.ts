import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { dequantize } from "./dequantize.js";

// f16 bit patterns used below (hand-encoded): 1.0, 0.5, -0.25, and 0.0999755859375 (nearest to 0.1).
const ONE = [0x00, 0x3c];
const HALF = [0x00, 0x38];
const MINUS_QUARTER = [0x00, 0xb4];
const TENTH = [0x66, 0x2e];
const TENTH_VALUE = 0.0999755859375;
const f = Math.fround;

describe("dequantize Q8_0", () => {
  it("scales signed bytes by d, block by block", () => {
    const qs = Array.from({ length: 32 }, (_, i) => [0x80, 0xff, 0, 1, 127][i % 5] as number);
    const bytes = new Uint8Array([...MINUS_QUARTER, ...qs, ...ONE, ...qs]);
    const y = dequantize("Q8_0", bytes, new Float32Array(64));
    // d = -0.25: -128 → 32, -1 → 0.25, 0 → -0 (as in C), 1 → -0.25, 127 → -31.75.
    expect(Array.from(y.subarray(0, 5))).toEqual([32, 0.25, -0, -0.25, -31.75]);
    expect(Array.from(y.subarray(32, 37))).toEqual([-128, -1, 0, 1, 127]);
  });

  it("rounds each product to f32", () => {
    const bytes = new Uint8Array([...TENTH, 3, ...new Array(31).fill(0)]);
    const y = dequantize("Q8_0", bytes, new Float32Array(32));
    expect(y[0]).toBe(f(3 * TENTH_VALUE));
  });
});

describe("dequantize Q4_0", () => {
  it("puts low nibbles in the first half and high nibbles in the second, minus 8", () => {
    const qs = [0x0f, 0x80, 0x3c, ...new Array(13).fill(0x88)];
    const y = dequantize("Q4_0", new Uint8Array([...HALF, ...qs]), new Float32Array(32));
    // 0x0f: 15-8=7 → 3.5 and 0-8 → -4; 0x80: -4 and 0; 0x3c: 12-8 → 2, 3-8 → -2.5; 0x88 → 0.
    expect(Array.from(y.subarray(0, 4))).toEqual([3.5, -4, 2, 0]);
    expect(Array.from(y.subarray(16, 20))).toEqual([-4, 0, -2.5, 0]);
  });
});

describe("dequantize Q4_K", () => {
  // Sub-block scales 1,2,3,4,17,33,50,63 and mins 0,5,10,63,16,32,48,7, packed by hand: bytes 0-3
  // hold sc0-3 with the top two bits of sc4-7, bytes 4-7 m0-3 with the top bits of m4-7, bytes
  // 8-11 the low nibbles of sc4-7 (low) and m4-7 (high).
  const SCALES = [65, 130, 195, 196, 64, 133, 202, 63, 1, 1, 2, 127];
  const SC = [1, 2, 3, 4, 17, 33, 50, 63];
  const M = [0, 5, 10, 63, 16, 32, 48, 7];
  const qs = Array.from({ length: 128 }, (_, k) => k);

  it("decodes all eight 6-bit scales and mins, including the split bits of sub-blocks 4..7", () => {
    const bytes = new Uint8Array([...ONE, ...HALF, ...SCALES, ...qs]);
    const y = dequantize("Q4_K", bytes, new Float32Array(256));
    // Byte 32c + l: low nibble l & 15 → element 64c + l; high nibble 2c + (l >> 4) → 64c + 32 + l.
    for (let c = 0; c < 4; c++) {
      for (let l = 0; l < 32; l++) {
        const lo = (SC[2 * c] as number) * (l & 15) - 0.5 * (M[2 * c] as number);
        const hi = (SC[2 * c + 1] as number) * (2 * c + (l >> 4)) - 0.5 * (M[2 * c + 1] as number);
        expect(y[64 * c + l]).toBe(lo);
        expect(y[64 * c + 32 + l]).toBe(hi);
      }
    }
    // Spot values worked out by hand.
    expect([y[0], y[49], y[133], y[180], y[195], y[255]]).toEqual([0, -0.5, 77, 149, 126, 437.5]);
  });

  it("rounds d·sc, (d·sc)·q, dmin·m and the difference to f32 in ggml's order", () => {
    const bytes = new Uint8Array([...TENTH, ...TENTH, ...SCALES, ...qs]);
    const y = dequantize("Q4_K", bytes, new Float32Array(256));
    const d1 = f(TENTH_VALUE * 63);
    const m1 = f(TENTH_VALUE * 7);
    expect(y[255]).toBe(f(f(d1 * 7) - m1));
  });
});

describe("dequantize Q6_K", () => {
  // ql[k] = k; every qh byte 0b11_10_01_00, so the four 2-bit high parts are 0, 1, 2, 3.
  const ql = Array.from({ length: 128 }, (_, k) => k);
  const qh = new Array(64).fill(0xe4);
  const scales = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -128].map((s) => s & 0xff);

  it("decodes both halves with signed 16-element scales", () => {
    const bytes = new Uint8Array([...ql, ...qh, ...scales, ...HALF]);
    const y = dequantize("Q6_K", bytes, new Float32Array(256));
    const sc = (i: number) => ((scales[i] as number) << 24) >> 24;
    for (let h = 0; h < 2; h++) {
      for (let l = 0; l < 32; l++) {
        const is = 8 * h + (l >> 4);
        const q1 = (l & 15) - 32;
        const q2 = (l & 15) - 16;
        const q3 = 4 * h + (l >> 4);
        const q4 = 4 * h + 2 + (l >> 4) + 16;
        expect(y[128 * h + l]).toBe(0.5 * sc(is) * q1);
        expect(y[128 * h + l + 32]).toBe(0.5 * sc(is + 2) * q2);
        expect(y[128 * h + l + 64]).toBe(0.5 * sc(is + 4) * q3);
        expect(y[128 * h + l + 96]).toBe(0.5 * sc(is + 6) * q4);
      }
    }
    expect([y[0], y[17], y[49], y[81], y[113], y[159], y[255]]).toEqual([-16, 31, 30, -3, -76, 85, -1472]);
  });

  it("rounds (d·sc)·q to f32", () => {
    const bytes = new Uint8Array([...ql, ...qh, ...scales, ...TENTH]);
    const y = dequantize("Q6_K", bytes, new Float32Array(256));
    expect(y[255]).toBe(f(f(TENTH_VALUE * -128) * 23));
  });
});

describe("dequantize bad input", () => {
  it("rejects a value count that is not whole blocks", () => {
    const fail = () => dequantize("Q4_K", new Uint8Array(144), new Float32Array(255));
    expect(fail).toThrow(/256-value blocks/);
    try {
      fail();
    } catch (err) {
      expect(isPagodaError(err, "quant.bad_length")).toBe(true);
    }
  });

  it("rejects packed bytes of the wrong length", () => {
    expect(() => dequantize("Q6_K", new Uint8Array(209), new Float32Array(256))).toThrow(
      expect.objectContaining({ code: "quant.bad_length" }),
    );
    expect(() => dequantize("Q8_0", new Uint8Array(35), new Float32Array(32))).toThrow(
      expect.objectContaining({ code: "quant.bad_length" }),
    );
  });
});
