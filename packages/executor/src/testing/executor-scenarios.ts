import { type Executor, greedyParams } from "@pagoda/scheduler";
import { expect } from "vitest";
import { goldenCases } from "./golden.js";
import { makeStep, Twin } from "./twin.js";

/**
 * Copy-on-write forks and swap-out / swap-in on stories260K (block size 8, 64 blocks, 4 swap
 * blocks), the candidate stepped in lockstep with `reference` (tokens equal, log-probabilities
 * within `tolerance`, default 1e-4): a fork shares a full block and copies a partial one; a preempted request goes to
 * the host, its device blocks are overwritten, then it comes back.
 */
export async function forkAndSwapScenario(
  reference: Executor,
  candidate: Executor,
  tolerance = 1e-4,
): Promise<void> {
  const twin = new Twin(reference, candidate, tolerance);
  const params = { ...greedyParams(64), logprobs: 5 };
  const p = (goldenCases()[2]?.promptIds ?? []).slice(0, 11);
  const all = (id: string) => [...p, ...(twin.tokens.get(id) ?? [])];
  const newReq = (id: string, tokenIds: number[], blockIds: number[], numComputedTokens: number) => ({
    requestId: id,
    tokenIds,
    numPromptTokens: 11,
    samplingParams: params,
    blockIds,
    numComputedTokens,
  });
  const cached = (id: string, numComputedTokens: number, newBlockIds: number[] = []) => ({
    requestId: id,
    newBlockIds,
    numComputedTokens,
  });
  await twin.step({
    step: 0,
    scheduledNewReqs: [newReq("A", p, [5, 9], 0)],
    numScheduledTokens: { A: 11 },
  });
  await twin.step({ step: 1, scheduledCachedReqs: [cached("A", 11)], numScheduledTokens: { A: 1 } });
  // Fork: B shares A's full block 5 and gets a copy of its partial block 9.
  twin.tokens.set("B", [...(twin.tokens.get("A") ?? [])]);
  await twin.step({
    step: 2,
    scheduledNewReqs: [newReq("B", all("A"), [5, 12], 12)],
    scheduledCachedReqs: [cached("A", 12)],
    numScheduledTokens: { A: 1, B: 1 },
    blockCopies: [[9, 12]],
  });
  for (let step = 3; step <= 6; step++) {
    const more = step === 6;
    await twin.step({
      step,
      scheduledCachedReqs: [
        cached("A", 10 + step, more ? [13] : []),
        cached("B", 10 + step, more ? [14] : []),
      ],
      numScheduledTokens: { A: 1, B: 1 },
    });
  }
  // A goes to host blocks 0-2; C then overwrites A's device blocks 9 and 13.
  const c = Array.from({ length: 16 }, (_, i) => 100 + i);
  await twin.step({
    step: 7,
    preemptedReqIds: ["A"],
    swapOut: [
      [5, 0],
      [9, 1],
      [13, 2],
    ],
    scheduledNewReqs: [{ ...newReq("C", c, [9, 13], 0), numPromptTokens: 16 }],
    scheduledCachedReqs: [cached("B", 17)],
    numScheduledTokens: { B: 1, C: 16 },
  });
  await twin.step({
    step: 8,
    finishedReqIds: ["C"],
    swapIn: [
      [0, 20],
      [1, 21],
      [2, 22],
    ],
    scheduledNewReqs: [newReq("A", all("A"), [20, 21, 22], 17)],
    scheduledCachedReqs: [cached("B", 18)],
    numScheduledTokens: { A: 1, B: 1 },
  });
  for (let step = 9; step <= 11; step++) {
    await twin.step({
      step,
      scheduledCachedReqs: [cached("A", 9 + step), cached("B", 10 + step)],
      numScheduledTokens: { A: 1, B: 1 },
    });
  }
  const [a, b] = [twin.tokens.get("A") ?? [], twin.tokens.get("B") ?? []];
  expect(a.length).toBe(11);
  // Same history, same greedy continuation: the fork and the swapped-back request agree.
  expect(b.slice(0, a.length)).toEqual(a);
}

/** A candidate built with maxNumBatchedTokens 16 over stories260K refuses bad steps, naming them. */
export async function badStepsScenario(exec: Executor): Promise<void> {
  const req = (id: string, tokenIds: number[], blockIds = [1, 2]) =>
    makeStep({
      scheduledNewReqs: [
        {
          requestId: id,
          tokenIds,
          numPromptTokens: tokenIds.length,
          samplingParams: greedyParams(4),
          blockIds,
          numComputedTokens: 0,
        },
      ],
      numScheduledTokens: { [id]: tokenIds.length },
    });
  await expect(exec.execute(req("a", [1, 600]))).rejects.toMatchObject({ code: "executor.bad_token" });
  await expect(exec.execute(req("b", Array(17).fill(3), [1, 2, 3]))).rejects.toMatchObject({
    code: "executor.batch_too_large",
  });
  await expect(exec.execute(req("c", [1, 2], [99]))).rejects.toMatchObject({ code: "executor.bad_step" });
  await expect(exec.execute(makeStep({ swapIn: [[0, 3]] }))).rejects.toMatchObject({
    code: "executor.bad_step",
  });
  expect((await exec.execute(req("d", [1, 2, 3]))).sampledTokenIds.d).toHaveLength(1);
  await exec.close();
  await expect(exec.execute(req("e", [1]))).rejects.toMatchObject({ code: "executor.closed" });
}
