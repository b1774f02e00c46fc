import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelsPair, upload } from "../testing/kernels-pair.js";
import { createRandom, randomFloats } from "../testing/random.js";
import { type RopeCase, ropeAndCacheReference } from "../testing/rope-and-cache-reference.js";
import type { WasmKernels } from "../wasm-kernels.js";

// Tolerance: |got − ref| ≤ 1e-5 · max(1, |ref|) against f64 (f32 rotation and norm).

function makeCase(
  seed: number,
  shape: { tokens: number; heads: number; kv: number; dim: number; bs: number; norm: boolean },
) {
  const rand = createRandom(seed);
  const { tokens, heads, kv, dim, bs } = shape;
  const rowStride = (heads + 2 * kv) * dim + 3;
  const numBlocks = Math.ceil(tokens / bs) + 2;
  const positions = Int32Array.from({ length: tokens }, (_, t) => 100 * t + Math.floor(rand() * 4000));
  const slots = Int32Array.from({ length: tokens }, (_, t) =>
    t % 3 === 2 ? -1 : (t * 7) % (numBlocks * bs),
  );
  const invFreq = Float64Array.from({ length: dim / 2 }, (_, i) => 10000 ** ((-2 * i) / dim));
  const c: RopeCase = {
    numTokens: tokens,
    rowStride,
    numHeads: heads,
    numKvHeads: kv,
    headDim: dim,
    positions,
    slots,
    invFreq,
    qNorm: shape.norm ? randomFloats(rand, dim, 2) : undefined,
    kNorm: shape.norm ? randomFloats(rand, dim, 2) : undefined,
    eps: 1e-6,
    blockSize: bs,
  };
  return { c, qkv: randomFloats(rand, tokens * rowStride, 2), numBlocks };
}

function run(k: WasmKernels, c: RopeCase, qkv: Float32Array, numBlocks: number) {
  const cacheFloats = numBlocks * c.numKvHeads * c.blockSize * c.headDim;
  const qkvPtr = upload(k, qkv);
  const keyCache = upload(k, new Float32Array(cacheFloats).fill(-7));
  const valueCache = upload(k, new Float32Array(cacheFloats).fill(-7));
  k.ropeAndCache({
    qkv: qkvPtr,
    rowStride: c.rowStride,
    numTokens: c.numTokens,
    numHeads: c.numHeads,
    numKvHeads: c.numKvHeads,
    headDim: c.headDim,
    positions: upload(k, c.positions),
    slotMapping: upload(k, c.slots),
    invFreq: upload(k, c.invFreq),
    ...(c.qNorm && { qNorm: upload(k, c.qNorm) }),
    ...(c.kNorm && { kNorm: upload(k, c.kNorm) }),
    eps: c.eps,
    keyCache,
    valueCache,
    numBlocks,
    blockSize: c.blockSize,
  });
  return {
    qkv: k.f32(qkvPtr, qkv.length).slice(),
    keys: k.f32(keyCache, cacheFloats).slice(),
    values: k.f32(valueCache, cacheFloats).slice(),
  };
}

describe("ropeAndCache", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  const shapes = [
    { tokens: 1, heads: 1, kv: 1, dim: 2, bs: 1, norm: false },
    { tokens: 3, heads: 4, kv: 2, dim: 6, bs: 3, norm: true },
    { tokens: 5, heads: 3, kv: 1, dim: 10, bs: 4, norm: false },
    { tokens: 9, heads: 9, kv: 3, dim: 64, bs: 16, norm: true },
    { tokens: 40, heads: 8, kv: 2, dim: 128, bs: 16, norm: false },
  ];
  for (const [n, shape] of shapes.entries()) {
    it(`${JSON.stringify(shape)}`, () => {
      const { c, qkv, numBlocks } = makeCase(n + 1, shape);
      const a = run(pair.one, c, qkv, numBlocks);
      const b = run(pair.two, c, qkv, numBlocks);
      expect(new Uint32Array(b.qkv.buffer)).toEqual(new Uint32Array(a.qkv.buffer));
      expect(new Uint32Array(b.keys.buffer)).toEqual(new Uint32Array(a.keys.buffer));
      expect(new Uint32Array(b.values.buffer)).toEqual(new Uint32Array(a.values.buffer));
      const keys = new Float64Array(a.keys.length).fill(-7);
      const values = new Float64Array(a.values.length).fill(-7);
      const ref = ropeAndCacheReference(c, qkv, keys, values);
      const close = (got: ArrayLike<number>, want: Float64Array, what: string) => {
        for (let i = 0; i < want.length; i++) {
          const w = want[i] as number;
          if (Math.abs((got[i] as number) - w) > 1e-5 * Math.max(1, Math.abs(w))) {
            expect.fail(`${what}[${i}] = ${got[i]}, want ${w}`);
          }
        }
      };
      close(a.qkv, ref, "qkv");
      close(a.keys, keys, "keyCache");
      close(a.values, values, "valueCache");
    });
  }

  it("rejects a slot outside the cache", () => {
    const { c, qkv, numBlocks } = makeCase(3, { tokens: 2, heads: 1, kv: 1, dim: 4, bs: 2, norm: false });
    const bad = { ...c, slots: Int32Array.from([0, numBlocks * 2]) };
    expect(() => run(pair.one, bad, qkv, numBlocks)).toThrow(/ropeAndCache: slotMapping \[1\]/);
  });
});
