import { createStorageBuffer, readBuffer, readF32 } from "../../runtime/buffers.js";
import type { KernelContext } from "../../runtime/kernel-context.js";
import { seededRandom } from "../../testing/random.js";
import { encodeSampling } from "../encode-sampling.js";
import { OUT, OUTPUT_WORDS } from "../layout.js";
import { decodeSamplingOutput, type SampleResult } from "../output.js";
import { historyWords } from "../pack.js";
import { NO_HISTORY, type SamplingParams, type TokenHistory } from "../params.js";
import { createSamplingBuffers, writeSamplingInputs } from "../sampling-buffers.js";

/** What one GPU sampling run produced: decoded outputs and the `scores` workspace. */
export interface GpuSampling {
  readonly results: SampleResult[];
  readonly scores: Float32Array;
  /** Each sequence's `flags` word (SAMPLE_FLAGS bits). */
  readonly flags: number[];
}

/** Uploads a `[numSeqs, vocab]` batch, samples it on the GPU and reads everything back. */
export async function sampleOnGpu(
  ctx: KernelContext,
  logits: Float32Array,
  vocab: number,
  params: readonly SamplingParams[],
  histories: readonly TokenHistory[] = params.map(() => NO_HISTORY),
  maxBindingBytes?: number,
  logprobs = true,
): Promise<GpuSampling> {
  const { device } = ctx;
  const numSeqs = params.length;
  const maxHistoryTokens = params.reduce(
    (sum, p, s) => sum + historyWords(p, histories[s] ?? NO_HISTORY, vocab),
    0,
  );
  const buffers = createSamplingBuffers(device, {
    maxSeqs: numSeqs,
    vocab,
    maxHistoryTokens,
    label: "test.sampling",
  });
  const logitsBuffer = createStorageBuffer(device, "test.logits", logits);
  writeSamplingInputs(device, buffers, params, histories);
  device.pushErrorScope("validation");
  ctx.submit((pass) =>
    encodeSampling(pass, ctx, {
      logits: logitsBuffer,
      buffers,
      numSeqs,
      logprobs,
      ...(maxBindingBytes ? { maxBindingBytes } : {}),
    }),
  );
  const error = await device.popErrorScope();
  if (error) throw new Error(error.message);
  const raw = new Uint32Array(await readBuffer(device, buffers.output, numSeqs * OUTPUT_WORDS * 4));
  const flags = Array.from({ length: numSeqs }, (_, s) => raw[s * OUTPUT_WORDS + OUT.flags] ?? 0);
  const results = decodeSamplingOutput(raw.buffer, numSeqs);
  const scores = await readF32(device, buffers.scores, numSeqs * vocab);
  buffers.destroy();
  logitsBuffer.destroy();
  return { results, scores, flags };
}

/** Seeded logits `[rows, vocab]`, normal-ish with standard deviation `scale`. */
export function randomLogits(rows: number, vocab: number, seed: number, scale = 3): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(rows * vocab);
  for (let i = 0; i < out.length; i++) out[i] = (next() + next() + next() - 1.5) * 2 * scale;
  return out;
}
