import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { expectClose } from "../testing/expect-close.js";
import { pagedAttentionReference } from "./paged-attention-reference.js";
import { makePagedBatch } from "./testing/paged-batch.js";

/** Textbook causal attention over one sequence's contiguous K/V rows `[seqLen, headDim]`. */
function denseAttention(q: number[], keys: number[][], values: number[][], scale: number): number[] {
  const scores = keys.map((k) => k.reduce((acc, x, d) => acc + x * (q[d] ?? 0), 0) * scale);
  const weights = scores.map((s) => Math.exp(s));
  const total = weights.reduce((a, b) => a + b, 0);
  return (values[0] ?? []).map(
    (_, d) => values.reduce((acc, v, k) => acc + (weights[k] ?? 0) * (v[d] ?? 0), 0) / total,
  );
}

describe("pagedAttentionReference", () => {
  it("equals dense causal attention over the K/V gathered through shuffled block tables", () => {
    const batch = makePagedBatch({
      numHeads: 4,
      numKvHeads: 2,
      headDim: 8,
      blockSize: 4,
      seqLens: [9, 3],
      queryLens: [4, 3],
      seed: 31,
    });
    const got = pagedAttentionReference(batch);
    const { headDim, blockSize, numHeads } = batch;
    for (let s = 0; s < batch.numSeqs; s++) {
      const seqLen = batch.seqLens[s] ?? 0;
      const start = batch.queryStartLoc[s] ?? 0;
      const queryLen = (batch.queryStartLoc[s + 1] ?? 0) - start;
      for (let h = 0; h < numHeads; h++) {
        const kvHead = Math.floor(h / 2);
        const rows = (cache: Float32Array) =>
          Array.from({ length: seqLen }, (_, pos) => {
            const block = batch.blockTables[s * batch.maxBlocksPerSeq + Math.floor(pos / blockSize)] ?? 0;
            const at = ((block * batch.numKvHeads + kvHead) * blockSize + (pos % blockSize)) * headDim;
            return [...cache.subarray(at, at + headDim)];
          });
        const keys = rows(batch.keyCache);
        const values = rows(batch.valueCache);
        for (let i = 0; i < queryLen; i++) {
          const pos = seqLen - queryLen + i;
          const row = ((start + i) * numHeads + h) * headDim;
          const q = [...batch.q.subarray(row, row + headDim)];
          const want = denseAttention(q, keys.slice(0, pos + 1), values.slice(0, pos + 1), batch.scale);
          expectClose(
            got.subarray(row, row + headDim),
            want,
            { atol: 1e-6, rtol: 1e-6 },
            `s${s} h${h} i${i}`,
          );
        }
      }
    }
  });

  it("rejects a query longer than its sequence", () => {
    const batch = makePagedBatch({
      numHeads: 1,
      numKvHeads: 1,
      headDim: 4,
      blockSize: 4,
      seqLens: [3],
      queryLens: [3],
      seed: 32,
    });
    try {
      pagedAttentionReference({ ...batch, seqLens: Int32Array.from([2]) });
      expect.unreachable();
    } catch (err) {
      expect(isPagodaError(err, "attention.bad_seq_len")).toBe(true);
    }
  });
});
