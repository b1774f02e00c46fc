import { greedyParams, type SchedulerOutput } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { StepShapeTracker } from "./step-shape.js";

const step = (o: Partial<SchedulerOutput>): SchedulerOutput => ({
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
  ...o,
});

describe("StepShapeTracker", () => {
  it("reads batch shapes and splits prefill from decode tokens, chunked prefills included", () => {
    const t = new StepShapeTracker();
    const newReq = (id: string, n: number) => ({
      requestId: id,
      tokenIds: new Array(n).fill(5),
      numPromptTokens: n,
      samplingParams: greedyParams(4),
      blockIds: [1],
      numComputedTokens: 0,
    });
    // a: a 10-token prompt chunked 6 + 4; b: a 3-token prompt at once.
    const s1 = t.shapeOf(
      step({
        scheduledNewReqs: [newReq("a", 10), newReq("b", 3)],
        numScheduledTokens: { a: 6, b: 3 },
        totalNumScheduledTokens: 9,
      }),
    );
    expect(Array.from(s1.batch.numNewTokens)).toEqual([6, 3]);
    expect(s1).toMatchObject({ numPrefillTokens: 9, numDecodeTokens: 0 });
    const s2 = t.shapeOf(
      step({
        scheduledCachedReqs: [
          { requestId: "a", newBlockIds: [], numComputedTokens: 6 },
          { requestId: "b", newBlockIds: [], numComputedTokens: 3 },
        ],
        numScheduledTokens: { a: 4, b: 1 },
        totalNumScheduledTokens: 5,
      }),
    );
    expect(Array.from(s2.batch.numContextTokens)).toEqual([6, 3]);
    expect(s2).toMatchObject({ numPrefillTokens: 4, numDecodeTokens: 1 });
  });
});
