import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStorageBuffer } from "../runtime/buffers.js";
import { expectClose } from "../testing/expect-close.js";
import { testDevice } from "../testing/test-device.js";
import { type DecodeKernel, encodeDecodeAttention } from "./decode-attention.js";
import { planDecode } from "./decode-plan.js";
import { pagedAttentionReference } from "./paged-attention-reference.js";
import { type BatchSpec, makePagedBatch } from "./testing/paged-batch.js";
import { runAttention } from "./testing/run-attention.js";

// f32 throughout; the reference runs in f64. Error comes from f32 sums over up to ~1k terms.
const TOL = { atol: 2e-5, rtol: 1e-4 };
// Both kinds run on every adapter, whichever `defaultDecodeKernel` picks for it.
const KERNELS: readonly DecodeKernel[] = ["split-k", "thread-per-head"];

for (const decodeKernel of KERNELS)
  describeGpu(`encodeDecodeAttention (${decodeKernel})`, () => {
    let t: Awaited<ReturnType<typeof testDevice>>;
    beforeAll(async () => {
      t = await testDevice();
    });
    afterAll(() => t.destroy());

    async function check(spec: Omit<BatchSpec, "queryLens">, partitionSize?: number) {
      const batch = makePagedBatch({ ...spec, queryLens: spec.seqLens.map(() => 1) });
      const plan = planDecode(batch, batch.numSeqs, batch.maxSeqLen, partitionSize);
      const workspace = createStorageBuffer(t.device, "test.workspace", Math.max(4, plan.workspaceBytes));
      // Thread-per-head gets no workspace: it must not need one.
      const scratch = decodeKernel === "split-k" ? { workspace } : {};
      const got = await runAttention(t.ctx, batch, (pass, args) =>
        encodeDecodeAttention(pass, t.ctx, {
          ...args,
          ...scratch,
          decodeKernel,
          ...(partitionSize ? { partitionSize } : {}),
        }),
      );
      workspace.destroy();
      expectClose(got, pagedAttentionReference(batch), TOL, `decode ${JSON.stringify(spec)}`);
      return plan;
    }

    it("GQA 2, headDim 128, blockSize 16: odd lengths over several partitions", async () => {
      const plan = await check({
        numHeads: 4,
        numKvHeads: 2,
        headDim: 128,
        blockSize: 16,
        seqLens: [1, 37, 300, 611],
        seed: 1,
      });
      expect(plan.numParts).toBe(3);
    });

    it("GQA 8, headDim 64, blockSize 8: small partitions, one sequence spanning 65 blocks", async () => {
      const plan = await check(
        { numHeads: 8, numKvHeads: 1, headDim: 64, blockSize: 8, seqLens: [5, 129, 513], seed: 2 },
        64,
      );
      expect(plan.numParts).toBe(9);
    });

    it("GQA 1, headDim 8, blockSize 32: one partition writes the output directly", async () => {
      const plan = await check({
        numHeads: 3,
        numKvHeads: 3,
        headDim: 8,
        blockSize: 32,
        seqLens: [1, 2, 33, 95, 256],
        seed: 3,
      });
      expect(plan.numParts).toBe(1);
    });

    it("GQA 3, headDim 64, blockSize 32: a single sequence of 1,000 tokens", async () => {
      await check({ numHeads: 6, numKvHeads: 2, headDim: 64, blockSize: 32, seqLens: [1000], seed: 4 });
    });

    it("an f16 cache (GQA 2, headDim 64, blockSize 16), read through packed words", async () => {
      const plan = await check({
        numHeads: 4,
        numKvHeads: 2,
        headDim: 64,
        blockSize: 16,
        seqLens: [3, 400],
        seed: 7,
        cacheDtype: "f16",
      });
      expect(plan.numParts).toBe(2);
    });

    // The reference reads the rows the codec decodes; the kernel decodes q·scale to the same f32.
    it("an int8 cache (GQA 2, headDim 64, blockSize 16): rows of words, each with its scale", async () => {
      const plan = await check({
        numHeads: 4,
        numKvHeads: 2,
        headDim: 64,
        blockSize: 16,
        seqLens: [5, 300],
        seed: 8,
        cacheDtype: "int8",
      });
      expect(plan.numParts).toBe(2);
    });

    it("leaves the rows of sequences with longer queries to the prefill kernel", async () => {
      const batch = makePagedBatch({
        numHeads: 2,
        numKvHeads: 1,
        headDim: 8,
        blockSize: 8,
        seqLens: [20, 9, 40],
        queryLens: [1, 3, 1],
        seed: 5,
      });
      const plan = planDecode(batch, batch.numSeqs, batch.maxSeqLen, 16);
      const workspace = createStorageBuffer(t.device, "test.workspace", plan.workspaceBytes);
      const got = await runAttention(t.ctx, batch, (pass, args) =>
        encodeDecodeAttention(pass, t.ctx, { ...args, workspace, partitionSize: 16, decodeKernel }),
      );
      workspace.destroy();
      const want = pagedAttentionReference(batch);
      const width = batch.numHeads * batch.headDim;
      expectClose(got.subarray(0, width), want.subarray(0, width), TOL, "sequence 0");
      expect(got.subarray(width, 4 * width).every(Number.isNaN)).toBe(true);
      expectClose(got.subarray(4 * width), want.subarray(4 * width), TOL, "sequence 2");
    });

    // Only split-K has a workspace to check; thread-per-head runs the cases above without one.
    if (decodeKernel === "split-k")
      it("rejects a missing or short workspace when the context needs several partitions", () => {
        const batch = makePagedBatch({
          numHeads: 2,
          numKvHeads: 1,
          headDim: 8,
          blockSize: 8,
          seqLens: [600],
          queryLens: [1],
          seed: 6,
        });
        const buffers = {
          q: t.device.createBuffer({ label: "test.dummy", size: 64, usage: GPUBufferUsage.STORAGE }),
        };
        const args = {
          ...batch,
          ...buffers,
          keyCache: buffers.q,
          valueCache: buffers.q,
          blockTables: buffers.q,
        };
        const all = { ...args, seqLens: buffers.q, queryStartLoc: buffers.q, out: buffers.q };
        expect(() =>
          t.ctx.submit((pass) => encodeDecodeAttention(pass, t.ctx, { ...all, decodeKernel })),
        ).toThrow(/workspace of \d+ bytes/);
        buffers.q.destroy();
      });
  });
