import { greedyParams, type SchedulerOutput } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { flattenBatch } from "./flat-batch.js";
import type { RequestState } from "./request-states.js";

function request(requestId: string, tokens: number, blockIds: number[], computed: number): RequestState {
  return {
    requestId,
    tokenIds: Array.from({ length: tokens }, (_, i) => 100 + i),
    numPromptTokens: tokens,
    params: greedyParams(16),
    seed: 0,
    blockIds,
    numComputedTokens: computed,
  };
}

function step(numScheduledTokens: Record<string, number>, total: number): SchedulerOutput {
  return {
    step: 1,
    scheduledNewReqs: [],
    scheduledCachedReqs: [],
    numScheduledTokens,
    totalNumScheduledTokens: total,
    finishedReqIds: [],
    preemptedReqIds: [],
    blockCopies: [],
    swapOut: [],
    swapIn: [],
  };
}

describe("flattenBatch", () => {
  it("maps each token to its cache slot and pads block tables with the null block", () => {
    // a: a 6-token prefill over blocks [7, 3] of 4; b: one decode token at position 4 of [5, 9].
    const requests = [request("a", 6, [7, 3], 0), request("b", 5, [5, 9], 4)];
    const batch = flattenBatch(step({ a: 6, b: 1 }, 7), requests, 4);
    expect([...batch.slotMapping]).toEqual([28, 29, 30, 31, 12, 13, 36]);
    expect([...batch.positions]).toEqual([0, 1, 2, 3, 4, 5, 4]);
    expect([...batch.queryStartLoc]).toEqual([0, 6, 7]);
    expect([...batch.seqLens]).toEqual([6, 5]);
    expect(batch.maxBlocksPerSeq).toBe(2);
    expect([...batch.blockTables]).toEqual([7, 3, 5, 9]);
    expect([...batch.sampleRows]).toEqual([5, 6]);
  });

  it("pads shorter tables with block 0", () => {
    const requests = [request("a", 9, [2, 4, 6], 8), request("b", 1, [1], 0)];
    const batch = flattenBatch(step({ a: 1, b: 1 }, 2), requests, 4);
    expect([...batch.blockTables]).toEqual([2, 4, 6, 1, 0, 0]);
    expect([...batch.slotMapping]).toEqual([24, 4]);
  });

  it("refuses a total that is not the sum of the requests' tokens", () => {
    const requests = [request("a", 6, [7, 3], 0)];
    expect(() => flattenBatch(step({ a: 6 }, 5), requests, 4)).toThrow(
      expect.objectContaining({ code: "executor.bad_step" }),
    );
    expect(() => flattenBatch(step({ a: 6 }, 7), requests, 4)).toThrow(/totalNumScheduledTokens is 7/);
  });

  it("puts a request's drafts after its last known token, and all its 1 + k rows last in the logits", () => {
    // a: decode at position 5 with drafts 7, 8; b: one decode token at position 4.
    const requests = [request("a", 6, [7, 3], 5), request("b", 5, [5, 9], 4)];
    const s = { ...step({ a: 3, b: 1 }, 4), scheduledSpecTokens: { a: [7, 8] } };
    const batch = flattenBatch(s, requests, 4, { numSpeculativeTokens: 2, vocab: 200 });
    expect([...batch.tokenIds]).toEqual([105, 7, 8, 104]);
    expect([...batch.positions]).toEqual([5, 6, 7, 4]);
    expect([...batch.slotMapping]).toEqual([13, 14, 15, 36]);
    expect([...batch.seqLens]).toEqual([8, 5]);
    expect(batch.sampleSeqs).toEqual([1]);
    expect(batch.specSeqs).toEqual([0]);
    expect(batch.specTokens).toEqual([[7, 8]]);
    expect([...batch.logitRows]).toEqual([3, 0, 1, 2]);
    expect([...batch.specRowStart]).toEqual([0, 3]);
  });

  it("refuses more drafts than the executor was made for, naming the count", () => {
    const requests = [request("a", 6, [7, 3], 5)];
    const s = { ...step({ a: 4 }, 4), scheduledSpecTokens: { a: [1, 2, 3] } };
    expect(() => flattenBatch(s, requests, 4, { numSpeculativeTokens: 2, vocab: 200 })).toThrow(
      expect.objectContaining({ code: "executor.too_many_drafts", details: { value: 3, limit: 2 } }),
    );
    expect(() => flattenBatch(s, requests, 4)).toThrow(/numSpeculativeTokens of 0/);
  });

  it("refuses a draft outside the vocabulary, and drafts that do not follow the known tokens", () => {
    const requests = [request("a", 6, [7, 3], 5)];
    const bad = { ...step({ a: 3 }, 3), scheduledSpecTokens: { a: [7, 200] } };
    expect(() => flattenBatch(bad, requests, 4, { numSpeculativeTokens: 4, vocab: 200 })).toThrow(
      expect.objectContaining({
        code: "executor.bad_token",
        message: expect.stringMatching(/200/),
        details: { requestId: "a", tokenId: 200, vocab: 200 },
      }),
    );
    const short = { ...step({ a: 2 }, 2), scheduledSpecTokens: { a: [7, 8] } };
    expect(() => flattenBatch(short, requests, 4, { numSpeculativeTokens: 4, vocab: 200 })).toThrow(
      expect.objectContaining({ code: "executor.bad_step" }),
    );
  });

  it("refuses drafts for a request with a grammar mask", () => {
    const masked = { ...request("a", 6, [7, 3], 5), tokenMask: new Int32Array(8).fill(-1) };
    const s = { ...step({ a: 2 }, 2), scheduledSpecTokens: { a: [7] } };
    expect(() => flattenBatch(s, [masked], 4, { numSpeculativeTokens: 4, vocab: 200 })).toThrow(/token mask/);
  });
});
