import { describe, expect, it } from "vitest";
import { UniformWriter } from "./uniforms.js";

describe("UniformWriter", () => {
  it("packs u32 / i32 / f32 little-endian and pads to 16 bytes", () => {
    const bytes = new UniformWriter().u32(7).i32(-2).f32(0.5).u32(1).u32(9).finish();
    expect(bytes.byteLength).toBe(32);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getInt32(4, true)).toBe(-2);
    expect(view.getFloat32(8, true)).toBe(0.5);
    expect(view.getUint32(16, true)).toBe(9);
  });
  it("refuses a struct larger than one slot", () => {
    const w = new UniformWriter();
    for (let i = 0; i < 64; i++) w.u32(i);
    expect(() => w.u32(64)).toThrow(RangeError);
  });
});
