import { decodeKvRow, encodeKvRow, type KvCacheDtype, kvCacheRowBytes } from "@pagoda/kv-paging";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelsPair, upload } from "../testing/kernels-pair.js";
import { createRandom, randomFloats } from "../testing/random.js";
import type { WasmKernels } from "../wasm-kernels.js";

// f16 and int8 caches: ropeAndCache must store exactly the codec's bytes for the rows it would
// store in f32, and pagedAttention over them must give the bits of pagedAttention over an f32
// cache holding the decoded values. Against attention over the original f32 K/V (keys in ±2,
// values in ±1, up to 39 keys, headDim 12) the measured max error is 3.3e-4 (f16) and 4.0e-3
// (int8); the test allows 2e-3 and 2e-2.

const DTYPES: readonly KvCacheDtype[] = ["f16", "int8"];
const S = { heads: 6, kv: 2, dim: 12, bs: 4, blocks: 24 };
const cacheBytes = (d: KvCacheDtype) => S.blocks * S.kv * S.bs * kvCacheRowBytes(d, S.dim);
const rowAt = (d: KvCacheDtype, slot: number, h: number) =>
  ((Math.floor(slot / S.bs) * S.kv + h) * S.bs + (slot % S.bs)) * kvCacheRowBytes(d, S.dim);

/** Runs ropeAndCache into a cache of `dtype` filled with 0x5a bytes; returns the key and value caches. */
function rope(k: WasmKernels, dtype: KvCacheDtype, qkv: Float32Array, slots: Int32Array): Uint8Array[] {
  const n = slots.length;
  const caches = [0, 1].map(() => upload(k, new Uint8Array(cacheBytes(dtype)).fill(0x5a)));
  k.ropeAndCache({
    qkv: upload(k, qkv),
    rowStride: (S.heads + 2 * S.kv) * S.dim,
    numTokens: n,
    numHeads: S.heads,
    numKvHeads: S.kv,
    headDim: S.dim,
    positions: upload(
      k,
      Int32Array.from({ length: n }, (_, t) => 3 * t),
    ),
    slotMapping: upload(k, slots),
    invFreq: upload(
      k,
      Float64Array.from({ length: S.dim / 2 }, (_, i) => 10000 ** ((-2 * i) / S.dim)),
    ),
    keyCache: caches[0] as number,
    valueCache: caches[1] as number,
    numBlocks: S.blocks,
    blockSize: S.bs,
    cacheDtype: dtype,
  });
  return caches.map((p) => k.u8(p, cacheBytes(dtype)).slice());
}

/** Attention of `numTokens` decode/prefill rows of one sequence over `cache` of `dtype`. */
function attend(k: WasmKernels, dtype: KvCacheDtype, q: Float32Array, keys: Uint8Array, values: Uint8Array) {
  const numTokens = q.length / (S.heads * S.dim);
  const maxBlocks = S.blocks - 1;
  const out = k.alloc(q.length * 4);
  k.pagedAttention({
    q: upload(k, q),
    qRowStride: S.heads * S.dim,
    out,
    keyCache: upload(k, keys),
    valueCache: upload(k, values),
    numBlocks: S.blocks,
    blockTables: upload(
      k,
      Int32Array.from({ length: maxBlocks }, (_, b) => S.blocks - 1 - b),
    ),
    maxBlocksPerSeq: maxBlocks,
    queryStartLoc: upload(k, Int32Array.from([0, numTokens])),
    positions: upload(
      k,
      Int32Array.from({ length: numTokens }, (_, t) => 30 + t),
    ),
    numSeqs: 1,
    numTokens,
    numHeads: S.heads,
    numKvHeads: S.kv,
    headDim: S.dim,
    blockSize: S.bs,
    scale: 1 / Math.sqrt(S.dim),
    cacheDtype: dtype,
  });
  return k.f32(out, q.length).slice();
}

/** Every row of an f32 cache re-encoded in `dtype` (and, decoded back, as an f32 cache). */
function convert(f32: Float32Array, dtype: KvCacheDtype): { bytes: Uint8Array; decoded: Float32Array } {
  const bytes = new Uint8Array(cacheBytes(dtype));
  const view = new DataView(bytes.buffer);
  const decoded = new Float32Array(f32.length);
  for (let r = 0; r < f32.length / S.dim; r++) {
    const at = r * kvCacheRowBytes(dtype, S.dim);
    encodeKvRow(dtype, f32.subarray(r * S.dim, (r + 1) * S.dim), view, at);
    decodeKvRow(dtype, view, at, decoded.subarray(r * S.dim, (r + 1) * S.dim));
  }
  return { bytes, decoded };
}

describe("f16 and int8 KV caches", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  for (const dtype of DTYPES) {
    it(`ropeAndCache stores the codec's ${dtype} bytes of the f32 rows, and no others`, () => {
      const rand = createRandom(7);
      const n = 11;
      const qkv = randomFloats(rand, n * (S.heads + 2 * S.kv) * S.dim, 3);
      qkv.fill(0, (S.heads + S.kv) * S.dim, (S.heads + 2 * S.kv) * S.dim); // token 0: v all zero
      const slots = Int32Array.from({ length: n }, (_, t) => (t === 4 ? -1 : 5 + 3 * t));
      const [k32, v32] = rope(pair.one, "f32", qkv, slots).map((b) => new Float32Array(b.buffer));
      for (const k of [pair.one, pair.two]) {
        const got = rope(k, dtype, qkv, slots);
        for (const [i, f32] of [k32, v32].entries()) {
          const want = new Uint8Array(cacheBytes(dtype)).fill(0x5a);
          for (const slot of slots) {
            if (slot < 0) continue;
            for (let h = 0; h < S.kv; h++) {
              const src = rowAt("f32", slot, h) / 4;
              encodeKvRow(
                dtype,
                (f32 as Float32Array).subarray(src, src + S.dim),
                new DataView(want.buffer),
                rowAt(dtype, slot, h),
              );
            }
          }
          expect(got[i]).toEqual(want);
        }
      }
    });

    it(`pagedAttention over ${dtype} is attention over the decoded values, within tolerance of f32`, () => {
      const rand = createRandom(dtype === "f16" ? 3 : 4);
      const floats = S.blocks * S.kv * S.bs * S.dim;
      const keys = randomFloats(rand, floats, 2);
      const values = randomFloats(rand, floats);
      const q = randomFloats(rand, 9 * S.heads * S.dim, 2);
      const k = convert(keys, dtype);
      const v = convert(values, dtype);
      const bytes = (f: Float32Array) => new Uint8Array(f.buffer);
      const exact = attend(pair.one, "f32", q, bytes(k.decoded), bytes(v.decoded));
      const original = attend(pair.one, "f32", q, bytes(keys), bytes(values));
      let err = 0;
      for (const kern of [pair.one, pair.two]) {
        const got = attend(kern, dtype, q, k.bytes, v.bytes);
        expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(exact.buffer));
        for (let i = 0; i < got.length; i++)
          err = Math.max(err, Math.abs((got[i] as number) - (original[i] as number)));
      }
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan(dtype === "f16" ? 2e-3 : 2e-2);
      console.log(`kv ${dtype}: max |attention − f32 attention| = ${err.toExponential(2)}`);
    });
  }

  it("rejects an int8 cache whose head dimension is not a multiple of 4", () => {
    const k = pair.one;
    const bad = { ...S, dim: 6 };
    expect(() =>
      k.pagedAttention({
        q: upload(k, new Float32Array(bad.heads * bad.dim)),
        qRowStride: bad.heads * bad.dim,
        out: k.alloc(bad.heads * bad.dim * 4),
        keyCache: upload(k, new Uint8Array(4096)),
        valueCache: upload(k, new Uint8Array(4096)),
        numBlocks: 2,
        blockTables: upload(k, Int32Array.from([1])),
        maxBlocksPerSeq: 1,
        queryStartLoc: upload(k, Int32Array.from([0, 1])),
        positions: upload(k, Int32Array.from([0])),
        numSeqs: 1,
        numTokens: 1,
        numHeads: bad.heads,
        numKvHeads: bad.kv,
        headDim: bad.dim,
        blockSize: bad.bs,
        scale: 1,
        cacheDtype: "int8",
      }),
    ).toThrow(/pagedAttention: headDim/);
  });
});
