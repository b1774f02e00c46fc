import {
  createSamplingBuffers,
  createStorageBuffer,
  encodeSampling,
  type SamplingParams,
  samplingParams,
  type TokenHistory,
  writeSamplingInputs,
} from "../../src/index.js";
import type { BenchCase, PreparedCase } from "../case.js";

// Qwen3's vocabulary; a decode batch of 32 sequences.
const VOCAB = 151_936;
const NUM_SEQS = 32;

function samplingCase(
  label: string,
  params: (s: number) => SamplingParams,
  historyTokens: number,
  logprobs = true,
): BenchCase {
  return {
    kernel: "sampling",
    name: `${NUM_SEQS} seq × ${VOCAB} vocab, ${label}`,
    bytes: NUM_SEQS * VOCAB * 4, // one read of the logits: the least any sampler must move
    flops: 0,
    prepare(ctx): PreparedCase {
      const d = ctx.device;
      const all = Array.from({ length: NUM_SEQS }, (_, s) => params(s));
      const histories: TokenHistory[] = all.map((_, s) => ({
        tokens: Array.from({ length: historyTokens }, (_, i) => (i * 7919 + s * 31) % VOCAB),
        numPromptTokens: Math.floor(historyTokens / 2),
      }));
      const logits = createStorageBuffer(
        d,
        "bench.sampling.logits",
        Float32Array.from(
          { length: NUM_SEQS * VOCAB },
          (_, i) => (((i * 2654435761) >>> 0) / 2 ** 32) * 12 - 6,
        ),
      );
      const buffers = createSamplingBuffers(d, {
        maxSeqs: NUM_SEQS,
        vocab: VOCAB,
        maxHistoryTokens: NUM_SEQS * historyTokens,
        label: "bench.sampling",
      });
      writeSamplingInputs(d, buffers, all, histories);
      return {
        record: (pass) => encodeSampling(pass, ctx, { logits, buffers, numSeqs: NUM_SEQS, logprobs }),
        destroy() {
          logits.destroy();
          buffers.destroy();
        },
      };
    },
  };
}

/** GPU sampling of a decode batch at Qwen3's vocabulary: greedy, and the full filter chain. */
export const cases: BenchCase[] = [
  samplingCase("greedy", () => samplingParams({ temperature: 0 }), 0),
  samplingCase("greedy, no logprobs pass", () => samplingParams({ temperature: 0 }), 0, false),
  samplingCase(
    "T 0.7, top-k 50, top-p 0.9, min-p 0.05, 3 penalties over 512 tokens, 5 logprobs",
    (s) =>
      samplingParams({
        temperature: 0.7,
        topK: 50,
        topP: 0.9,
        minP: 0.05,
        seed: s,
        repetitionPenalty: 1.1,
        presencePenalty: 0.3,
        frequencyPenalty: 0.2,
        numLogprobs: 5,
      }),
    512,
  ),
  samplingCase("T 1, top-p 0.95", (s) => samplingParams({ temperature: 1, topP: 0.95, seed: s }), 0),
];
