import { describe, expect, it } from "vitest";
import { bf16ToF32, f16BitsToF32, f32ToF16Bits, fromF16, toF16 } from "./half.js";

describe("half conversions", () => {
  it("round-trips every finite half exactly", () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if (((bits >>> 10) & 0x1f) !== 0x1f && f32ToF16Bits(f16BitsToF32(bits)) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });
  it("rounds to nearest even, saturates to infinity and flushes tiny values to zero", () => {
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, even stays
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, odd rounds up
    expect(f32ToF16Bits(70000)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e-9)).toBe(0x8000);
    expect(f32ToF16Bits(2 ** -24)).toBe(1);
    expect(Number.isNaN(f16BitsToF32(f32ToF16Bits(Number.NaN)))).toBe(true);
  });
  it("converts arrays both ways within half precision", () => {
    const values = [0.1, -3.75, 1024.5, 6e-5];
    const back = fromF16(toF16(values));
    for (const [i, v] of values.entries()) {
      expect(Math.abs((back[i] ?? 0) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    }
  });
  it("widens bf16 bits exactly", () => {
    expect([...bf16ToF32(Uint16Array.of(0x3f80, 0xc040, 0x0000))]).toEqual([1, -3, 0]);
  });
});
