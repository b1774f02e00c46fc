import { greedyParams, type SamplingParams } from "@pagoda/scheduler";
import type { LockstepRequest } from "./lockstep.js";
import { seededUniform } from "./random-model.js";

/** Sizes of a {@link randomRequests} mix. */
export interface RandomMixOptions {
  count: number;
  vocab: number;
  blockSize: number;
  numBlocks: number;
  seed: number;
  /** Prompts are 1 … maxPrompt tokens. */
  maxPrompt: number;
  /** Each request generates 1 … maxTokens tokens. */
  maxTokens: number;
  /** Requests arrive at steps 0 … maxArrival. */
  maxArrival: number;
  /** Only greedy requests (default: a quarter each of greedy, filtered sampling, penalised, min-p). */
  greedyOnly?: boolean;
  /** The first request's prompt length instead (e.g. past the decode kernel's 256-token partition). */
  longPrompt?: number;
}

// Greedy with logprobs, seeded sampling with filters, greedy with every penalty, and min-p
// sampling with a logit bias: they exercise the seed/step counter, the token history and the
// bias pairs on the GPU.
function paramsFor(kind: number, maxTokens: number, seed: number): SamplingParams {
  const base = { ...greedyParams(maxTokens), logprobs: 5 };
  if (kind === 1) return { ...base, temperature: 0.9, topP: 0.9, topK: 20, seed };
  if (kind === 2) return { ...base, repetitionPenalty: 1.3, presencePenalty: 0.4, frequencyPenalty: 0.2 };
  if (kind === 3) {
    const logitBias: Array<[number, number]> = [
      [1, -5],
      [5, 2.5],
    ];
    return { ...base, temperature: 1.3, minP: 0.05, seed, logprobs: 20, logitBias };
  }
  return base;
}

/** A seeded mix of requests with random prompts, lengths, arrival steps and shuffled block tables. */
export function randomRequests(o: RandomMixOptions): LockstepRequest[] {
  const rand = seededUniform(o.seed, 1);
  const uniform = (n: number) => Math.min(n - 1, Math.floor(((rand() + 1) / 2) * n));
  const free = Array.from({ length: o.numBlocks - 1 }, (_, i) => i + 1);
  for (let i = free.length - 1; i > 0; i--) {
    const j = uniform(i + 1);
    [free[i], free[j]] = [free[j] as number, free[i] as number];
  }
  return Array.from({ length: o.count }, (_, i) => {
    const promptLen = i === 0 && o.longPrompt ? o.longPrompt : 1 + uniform(o.maxPrompt);
    const maxTokens = 1 + uniform(o.maxTokens);
    const blocks = Math.ceil((promptLen + maxTokens) / o.blockSize);
    if (blocks > free.length) throw new Error(`random mix: ${o.numBlocks} blocks are too few`);
    return {
      id: `req${i}`,
      prompt: Array.from({ length: promptLen }, () => uniform(o.vocab)),
      params: paramsFor(o.greedyOnly ? 0 : i % 4, maxTokens, 1000 + i),
      blockIds: free.splice(0, blocks),
      arrival: uniform(o.maxArrival + 1),
    };
  });
}
