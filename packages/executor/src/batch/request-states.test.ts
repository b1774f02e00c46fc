import { greedyParams, type SchedulerOutput } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { RequestStates } from "./request-states.js";

function step(partial: Partial<SchedulerOutput>): SchedulerOutput {
  return {
    step: 0,
    scheduledNewReqs: [],
    scheduledCachedReqs: [],
    numScheduledTokens: {},
    totalNumScheduledTokens: 0,
    finishedReqIds: [],
    preemptedReqIds: [],
    blockCopies: [],
    swapOut: [],
    swapIn: [],
    ...partial,
  };
}

describe("RequestStates", () => {
  const newReq = {
    requestId: "a",
    tokenIds: [1, 2, 3],
    numPromptTokens: 3,
    samplingParams: greedyParams(4),
    blockIds: [5],
    numComputedTokens: 0,
  };

  it("appends new blocks, replaces the table on copy-on-write, forgets finished requests", () => {
    const states = new RequestStates(() => 42);
    states.apply(step({ scheduledNewReqs: [newReq] }));
    expect(states.get("a").seed).toBe(42);
    states.apply(step({ scheduledCachedReqs: [{ requestId: "a", newBlockIds: [9], numComputedTokens: 3 }] }));
    expect(states.get("a").blockIds).toEqual([5, 9]);
    states.apply(
      step({
        scheduledCachedReqs: [{ requestId: "a", newBlockIds: [], blockIds: [5, 11], numComputedTokens: 4 }],
      }),
    );
    expect(states.get("a").blockIds).toEqual([5, 11]);
    expect(states.get("a").numComputedTokens).toBe(4);
    states.apply(step({ finishedReqIds: ["a"] }));
    expect(states.size).toBe(0);
  });

  it("with newTokenIds, cuts its token list to the computed count and appends them", () => {
    const states = new RequestStates();
    states.apply(step({ scheduledNewReqs: [newReq] }));
    states.get("a").tokenIds.push(7, 8); // as if it had sampled two tokens
    states.apply(
      step({
        scheduledCachedReqs: [
          { requestId: "a", newBlockIds: [], numComputedTokens: 4, newTokenIds: [20, 21] },
        ],
      }),
    );
    expect(states.get("a").tokenIds).toEqual([1, 2, 3, 7, 20, 21]);
    expect(states.get("a").numComputedTokens).toBe(4);
    // Without the field the list is the executor's own (a scheduler's diff).
    states.apply(step({ scheduledCachedReqs: [{ requestId: "a", newBlockIds: [], numComputedTokens: 2 }] }));
    expect(states.get("a").tokenIds).toEqual([1, 2, 3, 7, 20, 21]);
    expect(() =>
      states.apply(
        step({
          scheduledCachedReqs: [{ requestId: "a", newBlockIds: [], numComputedTokens: 7, newTokenIds: [1] }],
        }),
      ),
    ).toThrow(expect.objectContaining({ code: "executor.bad_step" }));
  });

  it("rejects a diff for a request it never saw", () => {
    const states = new RequestStates();
    expect(() =>
      states.apply(
        step({ scheduledCachedReqs: [{ requestId: "zz", newBlockIds: [], numComputedTokens: 0 }] }),
      ),
    ).toThrow(expect.objectContaining({ code: "executor.unknown_request" }));
  });
});
