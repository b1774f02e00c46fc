import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmKernels } from "../create-wasm-kernels.js";
import { createKernelsPair, upload } from "../testing/kernels-pair.js";
import { type AttentionCase, pagedAttentionReference } from "../testing/paged-attention-reference.js";
import { createRandom, randomFloats } from "../testing/random.js";
import type { WasmKernels } from "../wasm-kernels.js";

// Tolerance: |got − ref| ≤ 2e-5 (values in [−1, 1]) against an f64 two-pass softmax.

interface Shape {
  readonly heads: number;
  readonly kv: number;
  readonly dim: number;
  readonly bs: number;
}

interface Chunk {
  /** Position of the chunk's first query row. */
  readonly start: number;
  readonly count: number;
}

/** By default three sequences: a prefill chunk from 0, a decode at a later position, a chunk continuing a prefill. */
function makeCase(
  seed: number,
  s: Shape,
  seqs: readonly Chunk[] = [
    { start: 0, count: 5 },
    { start: 17, count: 1 },
    { start: 9, count: 3 },
  ],
) {
  const rand = createRandom(seed);
  const maxBlocksPerSeq = Math.ceil(Math.max(...seqs.map((q) => q.start + q.count)) / s.bs);
  const numBlocks = seqs.length * maxBlocksPerSeq + 1;
  const perm = Array.from({ length: numBlocks }, (_, i) => i).sort(() => rand() - 0.5);
  const blockTables = Int32Array.from({ length: seqs.length * maxBlocksPerSeq }, (_, i) => perm[i] as number);
  const queryStartLoc = new Int32Array(seqs.length + 1);
  const positions: number[] = [];
  seqs.forEach((q, i) => {
    for (let p = q.start; p < q.start + q.count; p++) positions.push(p);
    queryStartLoc[i + 1] = positions.length;
  });
  const numTokens = positions.length;
  const qRowStride = (s.heads + 2 * s.kv) * s.dim + 1;
  const c: AttentionCase = {
    numSeqs: seqs.length,
    numTokens,
    numHeads: s.heads,
    numKvHeads: s.kv,
    headDim: s.dim,
    blockSize: s.bs,
    maxBlocksPerSeq,
    qRowStride,
    queryStartLoc,
    positions: Int32Array.from(positions),
    blockTables,
    scale: 1 / Math.sqrt(s.dim),
  };
  const cacheFloats = numBlocks * s.kv * s.bs * s.dim;
  return {
    c,
    numBlocks,
    q: randomFloats(rand, numTokens * qRowStride, 2),
    keys: randomFloats(rand, cacheFloats, 2),
    values: randomFloats(rand, cacheFloats),
  };
}

function run(k: WasmKernels, m: ReturnType<typeof makeCase>): Float32Array {
  const { c } = m;
  const out = k.alloc(c.numTokens * c.numHeads * c.headDim * 4);
  k.pagedAttention({
    q: upload(k, m.q),
    qRowStride: c.qRowStride,
    out,
    keyCache: upload(k, m.keys),
    valueCache: upload(k, m.values),
    numBlocks: m.numBlocks,
    blockTables: upload(k, c.blockTables),
    maxBlocksPerSeq: c.maxBlocksPerSeq,
    queryStartLoc: upload(k, c.queryStartLoc),
    positions: upload(k, c.positions),
    numSeqs: c.numSeqs,
    numTokens: c.numTokens,
    numHeads: c.numHeads,
    numKvHeads: c.numKvHeads,
    headDim: c.headDim,
    blockSize: c.blockSize,
    scale: c.scale,
  });
  return k.f32(out, c.numTokens * c.numHeads * c.headDim).slice();
}

describe("pagedAttention", () => {
  let pair: Awaited<ReturnType<typeof createKernelsPair>>;
  beforeAll(async () => {
    pair = await createKernelsPair();
  });
  afterAll(() => pair.close());

  const shapes: Shape[] = [
    { heads: 1, kv: 1, dim: 1, bs: 1 },
    { heads: 4, kv: 2, dim: 6, bs: 3 },
    { heads: 8, kv: 8, dim: 5, bs: 4 },
    { heads: 6, kv: 1, dim: 12, bs: 7 },
    { heads: 9, kv: 3, dim: 64, bs: 16 },
    { heads: 16, kv: 4, dim: 128, bs: 32 },
  ];
  for (const [n, s] of shapes.entries()) {
    it(`heads ${s.heads}, kv ${s.kv}, headDim ${s.dim}, blockSize ${s.bs}`, () => {
      const m = makeCase(n + 11, s);
      const a = run(pair.one, m);
      const b = run(pair.two, m);
      expect(new Uint32Array(b.buffer)).toEqual(new Uint32Array(a.buffer));
      const ref = pagedAttentionReference(m.c, m.q, m.keys, m.values);
      for (let i = 0; i < ref.length; i++) {
        if (Math.abs((a[i] as number) - (ref[i] as number)) > 2e-5)
          expect.fail(`out[${i}] = ${a[i]}, want ${ref[i]}`);
      }
    });
  }

  // Longer chunks span several tiles of query rows (8 rows a tile), the last one partial, with
  // many work items for the threads to share; 1, 2 and 3 threads must agree bit for bit.
  it("prefill chunks of several tiles, decodes and a continued chunk (1, 2, 3 threads)", async () => {
    const m = makeCase(3, { heads: 9, kv: 3, dim: 64, bs: 16 }, [
      { start: 0, count: 37 },
      { start: 70, count: 1 },
      { start: 20, count: 19 },
      { start: 5, count: 1 },
    ]);
    const three = await createWasmKernels({ threads: 3, parallelMinWork: 0 });
    const outs = [run(pair.one, m), run(pair.two, m), run(three, m)];
    await three.close();
    expect(new Uint32Array((outs[1] as Float32Array).buffer)).toEqual(
      new Uint32Array((outs[0] as Float32Array).buffer),
    );
    expect(new Uint32Array((outs[2] as Float32Array).buffer)).toEqual(
      new Uint32Array((outs[0] as Float32Array).buffer),
    );
    const a = outs[0] as Float32Array;
    const ref = pagedAttentionReference(m.c, m.q, m.keys, m.values);
    for (let i = 0; i < ref.length; i++) {
      if (Math.abs((a[i] as number) - (ref[i] as number)) > 2e-5)
        expect.fail(`out[${i}] = ${a[i]}, want ${ref[i]}`);
    }
  });

  it("rejects a block table entry outside the cache", () => {
    const m = makeCase(5, { heads: 2, kv: 1, dim: 4, bs: 4 });
    const tables = m.c.blockTables.slice();
    tables[0] = m.numBlocks;
    expect(() => run(pair.one, { ...m, c: { ...m.c, blockTables: tables } })).toThrow(
      /pagedAttention: blockTables \[0, 0\]/,
    );
  });
});
