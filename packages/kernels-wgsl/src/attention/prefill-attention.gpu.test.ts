import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectClose } from "../testing/expect-close.js";
import { testDevice } from "../testing/test-device.js";
import { pagedAttentionReference } from "./paged-attention-reference.js";
import { encodePrefillAttention } from "./prefill-attention.js";
import { type BatchSpec, makePagedBatch } from "./testing/paged-batch.js";
import { runAttention } from "./testing/run-attention.js";

// f32 throughout; the reference runs in f64.
const TOL = { atol: 2e-5, rtol: 1e-4 };

describeGpu("encodePrefillAttention", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  async function check(spec: BatchSpec) {
    const batch = makePagedBatch(spec);
    const got = await runAttention(t.ctx, batch, (pass, args) => encodePrefillAttention(pass, t.ctx, args));
    expectClose(got, pagedAttentionReference(batch), TOL, `prefill ${JSON.stringify(spec)}`);
  }

  it("whole prompts (GQA 2, headDim 64, blockSize 16): odd, tile-sized and 1-token prompts", async () => {
    await check({
      numHeads: 4,
      numKvHeads: 2,
      headDim: 64,
      blockSize: 16,
      seqLens: [37, 16, 1],
      queryLens: [37, 16, 1],
      seed: 11,
    });
  });

  it("chunked prefill over a cached prefix (GQA 8, headDim 128, blockSize 8)", async () => {
    await check({
      numHeads: 8,
      numKvHeads: 1,
      headDim: 128,
      blockSize: 8,
      seqLens: [70, 45],
      queryLens: [23, 45],
      seed: 12,
    });
  });

  it("a mixed batch of decodes and chunks (GQA 1, headDim 8, blockSize 32)", async () => {
    await check({
      numHeads: 2,
      numKvHeads: 2,
      headDim: 8,
      blockSize: 32,
      seqLens: [50, 1, 90, 17, 200],
      queryLens: [50, 1, 1, 5, 33],
      seed: 13,
    });
  });

  it("an f16 cache: chunked prefill (GQA 2, headDim 128, blockSize 16)", async () => {
    await check({
      numHeads: 4,
      numKvHeads: 2,
      headDim: 128,
      blockSize: 16,
      seqLens: [60, 21],
      queryLens: [19, 21],
      seed: 15,
      cacheDtype: "f16",
    });
  });

  it("an int8 cache: chunked prefill (GQA 2, headDim 32, blockSize 8)", async () => {
    await check({
      numHeads: 4,
      numKvHeads: 2,
      headDim: 32,
      blockSize: 8,
      seqLens: [40, 13, 1],
      queryLens: [11, 13, 1],
      seed: 16,
      cacheDtype: "int8",
    });
  });

  it("with skipDecode, leaves 1-token queries untouched and computes the rest", async () => {
    const batch = makePagedBatch({
      numHeads: 2,
      numKvHeads: 1,
      headDim: 8,
      blockSize: 8,
      seqLens: [30, 12],
      queryLens: [1, 12],
      seed: 14,
    });
    const got = await runAttention(t.ctx, batch, (pass, args) =>
      encodePrefillAttention(pass, t.ctx, { ...args, skipDecode: true }),
    );
    const width = batch.numHeads * batch.headDim;
    expect(got.subarray(0, width).every(Number.isNaN)).toBe(true);
    expectClose(got.subarray(width), pagedAttentionReference(batch).subarray(width), TOL, "prefill rows");
  });
});
