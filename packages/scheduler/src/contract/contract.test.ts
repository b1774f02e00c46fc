import { describe, expect, it } from "vitest";
import { type ExecutorOutput, greedyParams, type SchedulerOutput } from "../index.js";

describe("scheduler → executor contract", () => {
  it("is plain data: survives a JSON round trip and structuredClone unchanged", () => {
    const out: SchedulerOutput = {
      step: 7,
      scheduledNewReqs: [
        {
          requestId: "a",
          tokenIds: [1, 400, 401],
          numPromptTokens: 3,
          samplingParams: greedyParams(16),
          blockIds: [3, 9],
          numComputedTokens: 0,
        },
      ],
      scheduledCachedReqs: [{ requestId: "b", newBlockIds: [12], numComputedTokens: 33 }],
      numScheduledTokens: { a: 3, b: 1 },
      totalNumScheduledTokens: 4,
      finishedReqIds: ["c"],
      preemptedReqIds: [],
      blockCopies: [[4, 5]],
      swapOut: [],
      swapIn: [[0, 6]],
    };
    const result: ExecutorOutput = {
      sampledTokenIds: { a: [402], b: [7] },
      logprobs: { a: [{ tokenId: 402, logprob: -0.5, top: [[402, -0.5]] }] },
    };
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    expect(structuredClone(out)).toEqual(out);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("greedy parameters turn every sampling knob off", () => {
    const p = greedyParams(5);
    expect(p).toMatchObject({ temperature: 0, topP: 1, topK: 0, minP: 0, maxTokens: 5 });
    expect(p.repetitionPenalty).toBe(1);
  });
});
