import { describe, expect, it } from "vitest";
import { permuteRotaryRows, unpermuteRotaryRows } from "./permute-qk.js";

// HF's rotate-half RoPE on one head: x[i] pairs with x[i + d/2].
function ropeRotateHalf(x: Float64Array, pos: number, theta: number): Float64Array {
  const d = x.length;
  const half = d / 2;
  const out = new Float64Array(d);
  for (let i = 0; i < half; i++) {
    const a = pos * theta ** ((-2 * i) / d);
    const [c, s] = [Math.cos(a), Math.sin(a)];
    out[i] = (x[i] as number) * c - (x[i + half] as number) * s;
    out[i + half] = (x[i + half] as number) * c + (x[i] as number) * s;
  }
  return out;
}

// GGML's normal RoPE on one head: x[2i] pairs with x[2i + 1].
function ropeInterleaved(x: Float64Array, pos: number, theta: number): Float64Array {
  const d = x.length;
  const out = new Float64Array(d);
  for (let i = 0; i < d / 2; i++) {
    const a = pos * theta ** ((-2 * i) / d);
    const [c, s] = [Math.cos(a), Math.sin(a)];
    out[2 * i] = (x[2 * i] as number) * c - (x[2 * i + 1] as number) * s;
    out[2 * i + 1] = (x[2 * i + 1] as number) * c + (x[2 * i] as number) * s;
  }
  return out;
}

describe("permuteRotaryRows", () => {
  it("matches the hand-worked example: each head's rows i and i + d/2 become neighbours", () => {
    // 2 heads of head_dim 4, one byte per row: head rows [a0 a1 b0 b1] → [a0 b0 a1 b1].
    expect([...permuteRotaryRows(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]), 2, 1)]).toEqual([
      0, 2, 1, 3, 4, 6, 5, 7,
    ]);
    // head_dim 6: [0 1 2 | 3 4 5] → [0 3 1 4 2 5].
    expect([...permuteRotaryRows(Uint8Array.from([0, 1, 2, 3, 4, 5]), 1, 1)]).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it("moves whole rows of any byte width", () => {
    const rows = Uint8Array.from([10, 11, 20, 21, 30, 31, 40, 41]); // 4 rows of 2 bytes, one head
    expect([...permuteRotaryRows(rows, 1, 2)]).toEqual([10, 11, 30, 31, 20, 21, 40, 41]);
  });

  it("turns HF's rotate-half RoPE into GGML's interleaved RoPE on the same weights", () => {
    const headDim = 8;
    const numHeads = 2;
    const hidden = 5;
    const w = Float32Array.from({ length: numHeads * headDim * hidden }, (_, i) => Math.sin(i * 1.7));
    const x = Float64Array.from({ length: hidden }, (_, i) => Math.cos(i + 0.3));
    const project = (m: Float32Array, head: number) =>
      Float64Array.from({ length: headDim }, (_, r) => {
        let acc = 0;
        for (let c = 0; c < hidden; c++)
          acc += (m[((head * headDim + r) * hidden + c) as number] as number) * (x[c] as number);
        return acc;
      });
    const bytes = new Uint8Array(w.buffer);
    const permuted = new Float32Array(permuteRotaryRows(bytes, numHeads, hidden * 4).buffer);
    for (let h = 0; h < numHeads; h++) {
      const hf = ropeRotateHalf(project(w, h), 7, 10000);
      const ggml = ropeInterleaved(project(permuted, h), 7, 10000);
      for (let i = 0; i < headDim / 2; i++) {
        expect(ggml[2 * i]).toBeCloseTo(hf[i] as number, 12);
        expect(ggml[2 * i + 1]).toBeCloseTo(hf[i + headDim / 2] as number, 12);
      }
    }
  });

  it("refuses a size that is not whole heads of an even head_dim", () => {
    expect(() => permuteRotaryRows(new Uint8Array(6), 2, 1)).toThrow(RangeError);
  });

  it("is undone by unpermuteRotaryRows, row by row of any width", () => {
    expect([...unpermuteRotaryRows(Uint8Array.from([0, 3, 1, 4, 2, 5]), 1, 1)]).toEqual([0, 1, 2, 3, 4, 5]);
    // 3 heads of head_dim 4, rows of 5 bytes (a packed block row, say).
    const data = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 251);
    const there = permuteRotaryRows(data, 3, 5);
    expect(there).not.toEqual(data);
    expect(unpermuteRotaryRows(there, 3, 5)).toEqual(data);
  });
});
