import { type LoadedModel, loadModel } from "@pagoda/model-loaders";
import { type Executor, greedyParams, type TokenLogprobs } from "@pagoda/scheduler";
import { afterAll, beforeAll, expect } from "vitest";
import { FORCED_STORY } from "../accuracy/forced-text.js";
import { type ForcedScores, teacherForce } from "../accuracy/teacher-force.js";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import type { ModelWeights } from "../model/shape.js";
import { stories260KDir } from "./golden.js";
import { runToCompletion } from "./step-driver.js";

/**
 * Runs `text` as the prompt of a request asking for `k` prompt log-probabilities, prefilled in
 * chunks of at most `chunk` tokens next to a plain request (so the batch mixes rows that score
 * and rows that do not). Returns the entries by prompt position (`null` at 0); a position scored
 * twice fails the test.
 */
export async function promptLogprobsOf(
  executor: Executor,
  text: readonly number[],
  k: number,
  chunk: number,
  blockSize: number,
): Promise<Array<TokenLogprobs | null | undefined>> {
  const blocks = (from: number, tokens: number) =>
    Array.from({ length: Math.ceil(tokens / blockSize) }, (_, i) => from + i);
  const scored = blocks(1, text.length + 2);
  const plain = blocks(1 + scored.length, 9);
  const entries: Array<TokenLogprobs | null | undefined> = [null];
  await runToCompletion(
    executor,
    [
      { id: "p", prompt: [...text], params: { ...greedyParams(2), promptLogprobs: k }, blockIds: scored },
      { id: "q", prompt: text.slice(0, 7), params: greedyParams(2), blockIds: plain },
    ],
    chunk,
    (out) => {
      expect(out.promptLogprobs?.q).toBeUndefined();
      const got = out.promptLogprobs?.p;
      got?.entries.forEach((e, i) => {
        expect(entries[got.start + i], `position ${got.start + i} scored twice`).toBeUndefined();
        entries[got.start + i] = e;
      });
    },
  );
  return entries;
}

/**
 * Checks prompt log-probabilities against teacher forcing over the same text: every position
 * after the first scored once, the text's token with the forced log-probability (within
 * `tolerance`), `k` alternatives best first led by the forced top-1, and a rank that agrees.
 */
export function expectForcedLogprobs(
  entries: ReadonlyArray<TokenLogprobs | null | undefined>,
  text: readonly number[],
  forced: ForcedScores,
  k: number,
  tolerance: number,
): void {
  expect(entries).toHaveLength(text.length);
  expect(entries[0]).toBeNull();
  for (let p = 1; p < text.length; p++) {
    const e = entries[p];
    if (!e) throw new Error(`prompt position ${p} was not scored`);
    expect(e.tokenId).toBe(text[p]);
    expect(Math.abs(e.logprob - (forced.logprob[p - 1] as number)), `position ${p}`).toBeLessThan(tolerance);
    expect(e.top).toHaveLength(k);
    expect(e.top[0]?.[0], `top-1 at position ${p}`).toBe(forced.top1[p - 1]);
    for (let i = 1; i < k; i++)
      expect((e.top[i] as [number, number])[1]).toBeLessThanOrEqual(e.top[i - 1]?.[1] ?? 0);
    const at = e.top.findIndex(([id]) => id === e.tokenId);
    if (at >= 0) expect(e.rank).toBe(at + 1);
    else expect(e.rank).toBeGreaterThan(k);
  }
}

/** What {@link useForcedStory} holds for the tests of one describe block. */
export interface ForcedStory {
  model: LoadedModel;
  /** The model's weights as F32, which the reference executor reads. */
  weights: ModelWeights;
  /** The first 60 tokens of the forced story. */
  text: number[];
  /** The reference executor's teacher-forced scores of `text`, in blocks of `blockSize`. */
  forced: ForcedScores;
}

/**
 * Per describe block: stories260K opened before the tests (closed after), the forced story's
 * first 60 tokens and the reference executor's teacher forcing of them, for prompt logprobs to
 * be checked against.
 */
export function useForcedStory(blockSize: number, numBlocks: number): Readonly<ForcedStory> {
  const held = {} as ForcedStory;
  beforeAll(async () => {
    const model = await loadModel(stories260KDir());
    const weights = await readWeightsF32(model.weights);
    held.model = model;
    held.weights = weights;
    held.text = model.tokenizer.encode(FORCED_STORY).slice(0, 60);
    held.forced = await teacherForce(
      async (sampler) => new CpuExecutor(model.config, weights, { blockSize, numBlocks, sampler }),
      held.text,
      blockSize,
    );
  });
  afterAll(async () => {
    await held.model.close();
  });
  return held;
}
