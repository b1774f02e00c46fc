import { greedyParams } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import type { RequestState } from "./request-states.js";
import { kernelParams, sampleOnCpu } from "./sampling.js";

function state(numOutput: number, extra: Partial<RequestState["params"]>): RequestState {
  return {
    requestId: "r",
    tokenIds: [1, 2, 3, ...Array.from({ length: numOutput }, () => 4)],
    numPromptTokens: 3,
    params: { ...greedyParams(8), ...extra },
    seed: 0,
    blockIds: [1],
    numComputedTokens: 3 + numOutput,
  };
}

describe("kernelParams: min_tokens", () => {
  const minTokens = { count: 2, tokenIds: [0, 5] };

  it("bans the stop tokens until min_tokens output tokens exist, keeping other biases", () => {
    const p = kernelParams(
      state(1, {
        minTokens,
        logitBias: [
          [5, 3],
          [7, 1],
        ],
      }),
    );
    expect(p.logitBias).toEqual([
      [7, 1],
      [0, -1e30],
      [5, -1e30],
    ]);
  });

  it("lifts the ban once min_tokens is reached: the caller's bias is back", () => {
    expect(kernelParams(state(2, { minTokens, logitBias: [[5, 3]] })).logitBias).toEqual([[5, 3]]);
    expect(kernelParams(state(2, { minTokens })).logitBias).toBeUndefined();
  });

  it("makes greedy sampling pass over a banned argmax", () => {
    const logits = new Float32Array([9, 1, 2, 0, 0, 8]);
    expect(sampleOnCpu(logits, state(0, {})).tokenId).toBe(0);
    expect(sampleOnCpu(logits, state(0, { minTokens })).tokenId).toBe(2);
    expect(sampleOnCpu(logits, state(2, { minTokens })).tokenId).toBe(0);
  });
});

describe("sampleOnCpu: token mask", () => {
  it("samples only tokens the mask allows, greedy and random", () => {
    const logits = new Float32Array([9, 1, 2, 0, 0, 8]);
    const masked = { ...state(0, {}), tokenMask: new Int32Array([(1 << 2) | (1 << 4)]) };
    expect(sampleOnCpu(logits, masked).tokenId).toBe(2);
    for (let seed = 0; seed < 20; seed++) {
      const r = { ...masked, seed, params: { ...masked.params, temperature: 5 } };
      expect([2, 4]).toContain(sampleOnCpu(logits, r).tokenId);
    }
  });
});
