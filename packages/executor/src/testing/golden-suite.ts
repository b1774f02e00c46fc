import { type Executor, greedyParams, type SamplingParams } from "@pagoda/scheduler";
import { expect, it } from "vitest";
import { GOLDEN_MAX_TOTAL_TOKENS, GOLDEN_STOP_TOKEN, type GoldenCase, goldenCases } from "./golden.js";
import { seededUniform } from "./random-model.js";
import { runWithDrafts, truthProposer } from "./spec-scenarios.js";
import { type DriverRequest, runToCompletion } from "./step-driver.js";

/**
 * Makes a fresh executor over stories260K with `numBlocks` blocks of `blockSize`, able to verify
 * `numSpeculativeTokens` drafts per request when given.
 */
export type ExecutorFactory = (opts: {
  blockSize: number;
  numBlocks: number;
  numSpeculativeTokens?: number;
}) => Promise<Executor>;

const LOGPROB_TOLERANCE = 1e-4;
// Generating ~1,300 tokens per test on a shared 2-core machine (or on lavapipe) takes a while.
const TIMEOUT_MS = 300_000;

function goldenParams(c: GoldenCase): SamplingParams {
  return {
    ...greedyParams(GOLDEN_MAX_TOTAL_TOKENS - c.promptIds.length),
    stopTokenIds: [GOLDEN_STOP_TOKEN],
    logprobs: 5,
  };
}

/** Hands out block ids shuffled, so block tables are neither contiguous nor ordered. */
function blockAllocator(numBlocks: number, seed: number): (n: number) => number[] {
  const rand = seededUniform(seed, 1);
  const free = Array.from({ length: numBlocks - 1 }, (_, i) => i + 1);
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(((rand() + 1) / 2) * (i + 1));
    [free[i], free[j]] = [free[j] as number, free[i] as number];
  }
  return (n) => {
    if (n > free.length) throw new Error("test ran out of blocks");
    return free.splice(0, n);
  };
}

function expectGolden(c: GoldenCase, tokens: number[], logprobs: DriverRequestLogprobs): void {
  expect(tokens, `prompt ${JSON.stringify(c.prompt)}`).toEqual(c.completionIds);
  c.top5.forEach((want, pos) => {
    const got = new Map(logprobs[pos]?.top ?? []);
    for (const [id, lp] of want)
      expect(Math.abs((got.get(id) ?? Number.NaN) - lp)).toBeLessThan(LOGPROB_TOLERANCE);
  });
}
type DriverRequestLogprobs = Array<{ top: Array<[number, number]> }>;

/**
 * The golden greedy tests of the stories260K model, shared by every executor: each prompt alone,
 * all together mixed with random requests, with small prefill chunks, and with prefix-cache hits,
 * at block sizes 8, 16 and 32; with `speculative`, also all together with random drafts.
 */
export function goldenSuite(makeExecutor: ExecutorFactory, opts: { speculative?: boolean } = {}): void {
  const cases = goldenCases();
  const blocksFor = (bs: number) => Math.ceil(GOLDEN_MAX_TOTAL_TOKENS / bs);

  if (opts.speculative) {
    it(
      "reproduces every golden completion with 4 random drafts a step (some right), one batch",
      async () => {
        const blockSize = 16;
        const numBlocks = 1 + cases.length * blocksFor(blockSize);
        const alloc = blockAllocator(numBlocks, 9);
        const requests: DriverRequest[] = cases.map((c, i) => ({
          id: `golden${i}`,
          prompt: c.promptIds,
          params: goldenParams(c),
          blockIds: alloc(blocksFor(blockSize)),
        }));
        // The whole greedy sequence, the stop token included when the reference stopped on it.
        const truth = new Map(
          cases.map((c, i) => {
            const stopped = c.promptIds.length + c.completionIds.length < GOLDEN_MAX_TOTAL_TOKENS;
            const all = [...c.promptIds, ...c.completionIds, ...(stopped ? [GOLDEN_STOP_TOKEN] : [])];
            return [`golden${i}`, all];
          }),
        );
        const vocab = 512;
        const propose = truthProposer(truth, 4, {
          vocab,
          seed: 17,
          wrongRate: 0.4,
          decoys: [GOLDEN_STOP_TOKEN],
        });
        const executor = await makeExecutor({ blockSize, numBlocks, numSpeculativeTokens: 4 });
        const run = await runWithDrafts(executor, requests, 7, truth, propose);
        expect(run.accepted).toBeGreaterThan(run.verifying);
        expect(run.accepted).toBeLessThan(run.drafted);
        cases.forEach((c, i) => {
          const r = run.results.get(`golden${i}`);
          expectGolden(c, r?.tokens ?? [], r?.logprobs ?? []);
        });
        await executor.close();
      },
      TIMEOUT_MS,
    );
  }

  for (const blockSize of [8, 16, 32]) {
    it(
      `reproduces every golden completion, one batch with random requests, chunked prefill (block size ${blockSize})`,
      async () => {
        const numBlocks = 1 + (cases.length + 3) * Math.ceil(GOLDEN_MAX_TOTAL_TOKENS / blockSize);
        const alloc = blockAllocator(numBlocks, blockSize);
        const rand = seededUniform(blockSize, 1);
        const requests: DriverRequest[] = cases.map((c, i) => ({
          id: `golden${i}`,
          prompt: c.promptIds,
          params: goldenParams(c),
          blockIds: alloc(blocksFor(blockSize)),
        }));
        for (let i = 0; i < 3; i++) {
          const len = 3 + Math.floor(Math.abs(rand()) * 40);
          const prompt = [1, ...Array.from({ length: len }, () => 3 + Math.floor(Math.abs(rand()) * 500))];
          requests.push({
            id: `noise${i}`,
            prompt,
            params: { ...greedyParams(20 + i * 17), temperature: 0.8, seed: i },
            blockIds: alloc(Math.ceil((len + 1 + 20 + i * 17) / blockSize)),
          });
        }
        const executor = await makeExecutor({ blockSize, numBlocks });
        const results = await runToCompletion(executor, requests, 7);
        cases.forEach((c, i) => {
          const r = results.get(`golden${i}`);
          expectGolden(c, r?.tokens ?? [], r?.logprobs ?? []);
        });
        await executor.close();
      },
      TIMEOUT_MS,
    );
  }

  it(
    "reproduces the golden completions alone, with whole-prompt prefill",
    async () => {
      const blockSize = 16;
      const executor = await makeExecutor({ blockSize, numBlocks: 1 + 17 * cases.length });
      const alloc = blockAllocator(1 + 17 * cases.length, 3);
      for (const [i, c] of cases.entries()) {
        const req = { id: `solo${i}`, prompt: c.promptIds, params: goldenParams(c), blockIds: alloc(17) };
        const r = (await runToCompletion(executor, [req], 1_000)).get(req.id);
        expectGolden(c, r?.tokens ?? [], r?.logprobs ?? []);
      }
      await executor.close();
    },
    TIMEOUT_MS,
  );

  it(
    "reproduces a golden completion from a prefix-cache hit (shared full blocks are not recomputed)",
    async () => {
      const blockSize = 8;
      const executor = await makeExecutor({ blockSize, numBlocks: 80 });
      const alloc = blockAllocator(80, 5);
      const c = cases.find((x) => x.promptIds.length > blockSize + 1) as GoldenCase;
      const first = { id: "first", prompt: c.promptIds, params: goldenParams(c), blockIds: alloc(33) };
      await runToCompletion(executor, [first], 1_000);
      const shared = Math.floor((c.promptIds.length - 1) / blockSize);
      const second = {
        id: "second",
        prompt: c.promptIds,
        params: goldenParams(c),
        blockIds: [...first.blockIds.slice(0, shared), ...alloc(33 - shared)],
        numCachedTokens: shared * blockSize,
      };
      const r = (await runToCompletion(executor, [second], 1_000)).get("second");
      expectGolden(c, r?.tokens ?? [], r?.logprobs ?? []);
      await executor.close();
    },
    TIMEOUT_MS,
  );
}
