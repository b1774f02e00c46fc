import { join } from "node:path";
import { type ModelFamily, type RandomModelShapes, writeRandomModel } from "@pagoda/model-loaders";
import type { Executor, SamplingParams, SchedulerOutput } from "@pagoda/scheduler";
import { greedyParams } from "@pagoda/scheduler";
import { beforeAll, expect } from "vitest";
import { seededUniform } from "./random-model.js";
import {
  type DraftProposer,
  type DriverRequest,
  type DriverResult,
  emptyStep,
  runToCompletion,
} from "./step-driver.js";
import { useTempDir } from "./temp-dir.js";

/** A fresh executor made for `numSpeculativeTokens` drafts per request (0: none). */
export type SpecExecutorFactory = (numSpeculativeTokens: number) => Promise<Executor>;

/** How a {@link truthProposer} spoils the true continuation. */
export interface DraftSpoiler {
  vocab: number;
  seed: number;
  /** Each draft is replaced with this probability (by a decoy or any id: some stay right). */
  wrongRate?: number;
  /** Tokens a replaced draft prefers half the time (ones a filter or min_tokens bans, say). */
  decoys?: readonly number[];
  /** Replace exactly draft `wrongAt(length)` (a sure wrong id) for a request of `length` tokens. */
  wrongAt?: (length: number) => number;
}

/**
 * Drafts `k` tokens of each request's known continuation (`truth`: prompt then outputs), spoilt
 * as `spoil` says: a stand-in for a proposer whose guesses are right or wrong on purpose.
 */
export function truthProposer(
  truth: ReadonlyMap<string, readonly number[]>,
  k: number,
  spoil: DraftSpoiler,
): DraftProposer {
  const rand = seededUniform(spoil.seed, 1);
  const chance = () => (rand() + 1) / 2;
  const uniform = (n: number) => Math.min(n - 1, Math.floor(chance() * n));
  const decoys = spoil.decoys ?? [];
  return (id, tokens) => {
    const drafts = (truth.get(id) ?? []).slice(tokens.length, tokens.length + k);
    const wrong = spoil.wrongAt?.(tokens.length);
    drafts.forEach((t, j) => {
      if (j === wrong) drafts[j] = (t + 1 + uniform(spoil.vocab - 1)) % spoil.vocab;
      else if (chance() < (spoil.wrongRate ?? 0)) {
        const decoy = decoys.length > 0 && chance() < 0.5;
        drafts[j] = decoy ? (decoys[uniform(decoys.length)] as number) : uniform(spoil.vocab);
      }
    });
    return drafts;
  };
}

/** Greedy requests whose sampling rules look at the outputs: logprobs, penalties, bias with min_tokens. */
export function specRequests(vocab: number, blockSize: number, seed: number): DriverRequest[] {
  const rand = seededUniform(seed, 1);
  const uniform = (n: number) => Math.min(n - 1, Math.floor(((rand() + 1) / 2) * n));
  const kinds: Array<Partial<SamplingParams>> = [
    { logprobs: 3 },
    { repetitionPenalty: 1.4, presencePenalty: 0.5, frequencyPenalty: 0.4, logprobs: 1 },
    // The bias makes token 5 the model's favourite; min_tokens keeps it out of the first 6 tokens.
    {
      logitBias: [
        [5, 4],
        [7, -2],
      ],
      minTokens: { count: 6, tokenIds: [5] },
    },
    {},
  ];
  let nextBlock = 1;
  return kinds.map((extra, i) => {
    const prompt = Array.from({ length: 2 + uniform(19) }, () => uniform(vocab));
    const maxTokens = 18 + uniform(12);
    const blocks = Math.ceil((prompt.length + maxTokens) / blockSize);
    const blockIds = Array.from({ length: blocks }, (_, b) => nextBlock + b);
    nextBlock += blocks;
    return { id: `spec${i}`, prompt, params: { ...greedyParams(maxTokens), ...extra }, blockIds };
  });
}

/** Blocks {@link specRequests} needs, the null block included. */
export const SPEC_REQUEST_BLOCKS = (blockSize: number) => 1 + 4 * Math.ceil((20 + 29) / blockSize);

/** Output equal to `base`: the same token ids, log-probabilities within `tolerance`. */
export function expectSameOutput(
  got: Map<string, DriverResult>,
  base: Map<string, DriverResult>,
  tolerance: number,
  what: string,
): void {
  for (const [id, want] of base) {
    const r = got.get(id);
    expect(r?.tokens, `${what}: ${id}`).toEqual(want.tokens);
    expect(r?.logprobs.map((e) => e.tokenId)).toEqual(want.logprobs.map((e) => e.tokenId));
    r?.logprobs.forEach((e, i) => {
      expect(Math.abs(e.logprob - (want.logprobs[i]?.logprob ?? Number.NaN))).toBeLessThan(tolerance);
    });
  }
}

/**
 * Runs `requests` with drafts from `propose` and checks every verifying step against `truth`
 * (each request's whole greedy sequence): the drafts are accepted up to the first one that
 * differs from the truth, then the true token comes. Returns the outputs and the steps with drafts.
 */
export async function runWithDrafts(
  executor: Executor,
  requests: DriverRequest[],
  chunk: number,
  truth: ReadonlyMap<string, readonly number[]>,
  propose: DraftProposer,
): Promise<{ results: Map<string, DriverResult>; verifying: number; drafted: number; accepted: number }> {
  let verifying = 0;
  let drafted = 0;
  let accepted = 0;
  const results = await runToCompletion(
    executor,
    requests,
    chunk,
    (out, step) => {
      for (const [id, drafts] of Object.entries(step.scheduledSpecTokens ?? {})) {
        const known = (step.scheduledCachedReqs.find((c) => c.requestId === id)?.numComputedTokens ?? 0) + 1;
        const want = truth.get(id)?.slice(known, known + drafts.length + 1) ?? [];
        let right = 0;
        while (right < drafts.length && drafts[right] === want[right]) right++;
        // Past the end of the truth (a stop token accepted) the bonus token is unknown.
        const got = out.sampledTokenIds[id] ?? [];
        expect(got, `${id} at ${known}, drafts ${drafts}`).toHaveLength(right + 1);
        expect(got.slice(0, want.length)).toEqual(want.slice(0, right + 1));
        verifying++;
        drafted += drafts.length;
        accepted += right;
      }
    },
    propose,
  );
  return { results, verifying, drafted, accepted };
}

/**
 * Greedy speculative decoding on one executor, driven step by step: the run without drafts, then
 * with `k` drafts that are all right (every one accepted, plus the bonus token), wrong at one
 * position (rejected exactly there) and randomly right or wrong — always the same output.
 */
export async function specGreedyScenario(
  make: SpecExecutorFactory,
  requests: DriverRequest[],
  opts: { vocab: number; chunk: number; k: number; tolerance: number },
): Promise<void> {
  const { vocab, chunk, k, tolerance } = opts;
  const plain = await make(0);
  const base = await runToCompletion(plain, requests, chunk);
  await plain.close();
  const truth = new Map(requests.map((r) => [r.id, [...r.prompt, ...(base.get(r.id)?.tokens ?? [])]]));
  const spoilers: Array<[string, DraftSpoiler]> = [
    ["right drafts", { vocab, seed: 1 }],
    ["one wrong draft", { vocab, seed: 2, wrongAt: (length) => length % k }],
    ["random drafts", { vocab, seed: 3, wrongRate: 0.5, decoys: [5] }],
  ];
  for (const [what, spoil] of spoilers) {
    const executor = await make(k);
    try {
      const run = await runWithDrafts(executor, requests, chunk, truth, truthProposer(truth, k, spoil));
      expect(run.verifying, what).toBeGreaterThan(4);
      if (what === "right drafts") expect(run.accepted).toBe(run.drafted);
      else expect(run.accepted).toBeLessThan(run.drafted);
      expectSameOutput(run.results, base, tolerance, what);
    } finally {
      await executor.close();
    }
  }
}

/** The random checkpoints speculative decoding is tested on: a Llama (GQA 2) and a Qwen3 (q/k norms). */
export const SPEC_MODELS: Array<{ family: ModelFamily; shapes: RandomModelShapes }> = [
  {
    family: "llama",
    shapes: {
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      intermediateSize: 96,
      vocabSize: 256,
    },
  },
  {
    family: "qwen3",
    shapes: {
      hiddenSize: 48,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 1,
      headDim: 16,
      intermediateSize: 80,
      vocabSize: 300,
    },
  },
];

/**
 * Per describe block: each of {@link SPEC_MODELS} written as a random checkpoint (seeds 31, 32)
 * into a temporary folder removed after the tests; returns the folder of a family's checkpoint.
 */
export function useSpecModels(prefix: string): (family: string) => string {
  const dir = useTempDir(prefix);
  beforeAll(async () => {
    for (const [i, m] of SPEC_MODELS.entries())
      await writeRandomModel(join(dir.path, m.family), m.family, m.shapes, { seed: 31 + i });
  });
  return (family) => join(dir.path, family);
}

/**
 * Step 0 of one greedy request "a" (prompt 3, 4, 5 in block 1) that also brings `drafts` after
 * its prompt: for the executors' refusals of bad drafts.
 */
export function firstStepWithDrafts(drafts: number[]): SchedulerOutput {
  const numTokens = 3 + drafts.length;
  return {
    ...emptyStep(0, []),
    scheduledNewReqs: [
      {
        requestId: "a",
        tokenIds: [3, 4, 5],
        numPromptTokens: 3,
        samplingParams: greedyParams(4),
        blockIds: [1],
        numComputedTokens: 0,
      },
    ],
    numScheduledTokens: { a: numTokens },
    totalNumScheduledTokens: numTokens,
    scheduledSpecTokens: { a: drafts },
  };
}
