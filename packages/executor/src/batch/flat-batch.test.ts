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
});
