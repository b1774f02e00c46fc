import { greedyParams } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { parseSamplingParams, SAMPLING_PARAM_KEYS } from "../index.js";

const CTX = { maxModelLen: 1024, numPromptTokens: 10 };

describe("parseSamplingParams: defaults and normalisation", () => {
  it("fills OpenAI's and vLLM's defaults for an empty request", () => {
    const p = parseSamplingParams({}, CTX);
    expect(p).toEqual({
      sampling: {
        temperature: 1,
        topP: 1,
        topK: 0,
        minP: 0,
        seed: null,
        repetitionPenalty: 1,
        presencePenalty: 0,
        frequencyPenalty: 0,
        logprobs: null,
        maxTokens: 16,
        stopTokenIds: [],
        ignoreEos: false,
      },
      n: 1,
      stop: [],
      priority: 0,
      ttftTargetMs: null,
      tpotTargetMs: null,
      minTokens: 0,
      includeStopStrInOutput: false,
      skipSpecialTokens: true,
      tenant: null,
      cacheSalt: null,
      guided: null,
    });
  });

  it("reads undefined, null and explicit nulls as 'all defaults'", () => {
    const empty = parseSamplingParams({}, CTX);
    expect(parseSamplingParams(undefined, CTX)).toEqual(empty);
    expect(parseSamplingParams(null, CTX)).toEqual(empty);
    const allNull = Object.fromEntries(SAMPLING_PARAM_KEYS.map((k) => [k, null]));
    expect(parseSamplingParams(allNull, CTX)).toEqual(empty);
  });

  it("maps every given field to the contract's camelCase", () => {
    const p = parseSamplingParams(
      {
        max_tokens: 100,
        temperature: 0.7,
        top_p: 0.9,
        top_k: 40,
        min_p: 0.05,
        seed: -7,
        n: 4,
        stop: ["\n\n", "END"],
        stop_token_ids: [2, 3],
        ignore_eos: true,
        presence_penalty: -0.5,
        frequency_penalty: 1.5,
        repetition_penalty: 1.1,
        logprobs: 0,
        priority: -3,
        ttft_target_ms: 500,
        tpot_target_ms: 50,
      },
      CTX,
    );
    expect(p.sampling).toEqual({
      temperature: 0.7,
      topP: 0.9,
      topK: 40,
      minP: 0.05,
      seed: -7,
      repetitionPenalty: 1.1,
      presencePenalty: -0.5,
      frequencyPenalty: 1.5,
      logprobs: 0,
      maxTokens: 100,
      stopTokenIds: [2, 3],
      ignoreEos: true,
    });
    expect(p).toMatchObject({
      n: 4,
      stop: ["\n\n", "END"],
      priority: -3,
      ttftTargetMs: 500,
      tpotTargetMs: 50,
    });
  });

  it("turns top_k -1 (vLLM's 'off') into the contract's 0", () => {
    expect(parseSamplingParams({ top_k: -1 }, CTX).sampling.topK).toBe(0);
    expect(parseSamplingParams({ top_k: 0 }, CTX).sampling.topK).toBe(0);
    expect(parseSamplingParams({ top_k: 1 }, CTX).sampling.topK).toBe(1);
  });

  it("wraps a single stop string in an array", () => {
    expect(parseSamplingParams({ stop: "###" }, CTX).stop).toEqual(["###"]);
  });

  it("makes near-zero temperatures greedy and turns the truncation filters off", () => {
    for (const temperature of [0, 1e-6]) {
      const p = parseSamplingParams({ temperature, top_p: 0.5, top_k: 5, min_p: 0.2, max_tokens: 7 }, CTX);
      expect(p.sampling).toEqual(greedyParams(7));
    }
    expect(parseSamplingParams({ temperature: 1e-4, top_k: 5 }, CTX).sampling).toMatchObject({
      temperature: 1e-4,
      topK: 5,
    });
  });

  it("copies caller arrays, so later edits to the input cannot change a queued request", () => {
    const stop = ["a"];
    const ids = [1];
    const p = parseSamplingParams({ stop, stop_token_ids: ids }, CTX);
    stop.push("b");
    ids.push(2);
    expect(p.stop).toEqual(["a"]);
    expect(p.sampling.stopTokenIds).toEqual([1]);
  });

  it("accepts the boundary values of every range", () => {
    const edges = [
      { temperature: 2, top_p: 1, min_p: 1, presence_penalty: 2, frequency_penalty: -2, logprobs: 20, n: 16 },
      {
        temperature: 0,
        min_p: 0,
        presence_penalty: -2,
        frequency_penalty: 2,
        logprobs: 0,
        n: 1,
        max_tokens: 1,
      },
      { top_p: 1e-9, repetition_penalty: 1e-9, stop: ["a", "b", "c", "d"] },
    ];
    for (const e of edges) expect(() => parseSamplingParams(e, CTX)).not.toThrow();
  });
});
