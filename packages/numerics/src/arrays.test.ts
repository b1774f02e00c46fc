import { describe, expect, it } from "vitest";
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from "./arrays.js";

const withCode = (code: string) => expect.objectContaining({ name: "NumericsError", code });

describe("array forms", () => {
  it("write into the given output and return it, or into a new array", () => {
    const half = f32ToF16(Float32Array.of(0.1, -3.75, 1024.5, 6e-5));
    const out = new Float32Array(4);
    expect(f16ToF32(half, out)).toBe(out);
    expect(Array.from(f16ToF32(half))).toEqual(Array.from(out));
    expect(Array.from(out)).toEqual([
      Math.fround(0.0999755859375),
      -3.75,
      1024,
      Math.fround(0.00006002187728881836),
    ]);
    const bits = new Uint16Array(3);
    expect(f32ToBf16(Float32Array.of(1, -2, 0.5), bits)).toBe(bits);
    expect(Array.from(bits)).toEqual([0x3f80, 0xc000, 0x3f00]);
    expect(Array.from(bf16ToF32(bits))).toEqual([1, -2, 0.5]);
  });

  it("work on views that do not start at the buffer's beginning", () => {
    const buf = new Float32Array(8).fill(7);
    const view = buf.subarray(3, 5);
    f16ToF32(Uint16Array.of(0x3c00, 0xc000), view);
    expect(Array.from(buf)).toEqual([7, 7, 7, 1, -2, 7, 7, 7]);
    expect(Array.from(f32ToF16(buf.subarray(3, 5)))).toEqual([0x3c00, 0xc000]);
  });

  it("reject an output of another length, naming the function and both lengths", () => {
    const src = new Uint16Array(4);
    expect(() => f16ToF32(src, new Float32Array(3))).toThrow(withCode("numerics.length_mismatch"));
    expect(() => bf16ToF32(src, new Float32Array(5))).toThrow(
      /bf16ToF32: the output holds 5 values, the input has 4/,
    );
    expect(() => f32ToF16(new Float32Array(2), new Uint16Array(1))).toThrow(
      withCode("numerics.length_mismatch"),
    );
    expect(() => f32ToBf16(new Float32Array(2), new Uint16Array(3))).toThrow(
      withCode("numerics.length_mismatch"),
    );
  });
});
