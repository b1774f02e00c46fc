import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelsPair, upload } from "../testing/kernels-pair.js";
import { createRandom, randomFloats } from "../testing/random.js";
import { rmsNormReference } from "../testing/rms-norm-reference.js";
import type { WasmKernels } from "../wasm-kernels.js";

// Tolerance: relative 1e-5 of max(|ref|, 1e-3) against an f64 reference (f32 sum of squares).

const SHAPES = [
  [1, 1],
  [1, 3],
  [2, 5],
  [3, 64],
  [7, 257],
  [1, 576],
  [33, 576],
] as const;

function run(
  k: WasmKernels,
  rows: number,
  width: number,
  x: Float32Array,
  res: Float32Array | undefined,
  w: Float32Array,
) {
  const xp = upload(k, x);
  const rp = res ? upload(k, res) : undefined;
  const out = k.alloc(rows * width * 4);
  k.rmsNorm({
    x: xp,
    ...(rp !== undefined && { residual: rp }),
    weight: upload(k, w),
    out,
    rows,
    width,
    eps: 1e-5,
  });
  return {
    out: k.f32(out, rows * width).slice(),
    residual: rp === undefined ? undefined : k.f32(rp, rows * width).slice(),
  };
}

describe("rmsNorm", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  for (const [rows, width] of SHAPES) {
    for (const withResidual of [false, true]) {
      it(`${rows} × ${width}${withResidual ? " with residual" : ""}`, () => {
        const rand = createRandom(rows * 31 + width);
        const x = randomFloats(rand, rows * width, 3);
        const res = withResidual ? randomFloats(rand, rows * width, 2) : undefined;
        const w = randomFloats(rand, width, 2);
        const a = run(pair.one, rows, width, x, res, w);
        const b = run(pair.two, rows, width, x, res, w);
        expect(new Uint32Array(b.out.buffer)).toEqual(new Uint32Array(a.out.buffer));
        const ref = rmsNormReference(x, res, w, rows, width, 1e-5);
        for (let i = 0; i < rows * width; i++) {
          const want = ref.out[i] as number;
          expect(Math.abs((a.out[i] as number) - want)).toBeLessThanOrEqual(
            1e-5 * Math.max(Math.abs(want), 1e-3),
          );
        }
        if (ref.residual && a.residual) expect(Array.from(a.residual)).toEqual(Array.from(ref.residual));
      });
    }
  }

  it("normalizes in place (out = x)", () => {
    const k = pair.one;
    const x = new Float32Array([3, 4]);
    const xp = upload(k, x);
    k.rmsNorm({ x: xp, weight: upload(k, new Float32Array([1, 2])), out: xp, rows: 1, width: 2, eps: 0 });
    const inv = 1 / Math.sqrt(12.5);
    const got = Array.from(k.f32(xp, 2));
    expect(got[0]).toBeCloseTo(3 * inv, 6);
    expect(got[1]).toBeCloseTo(4 * inv * 2, 6);
  });
});
