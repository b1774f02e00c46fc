import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PagodaDevice, requestDevice } from "@pagoda/kernels-wgsl";
import { type LoadedWeights, loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { type Executor, greedyParams, type SamplingParams } from "@pagoda/scheduler";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SPEC_MODELS } from "../testing/spec-scenarios.js";
import { type DraftProposer, type DriverRequest, runToCompletion } from "../testing/step-driver.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";

const BLOCK_SIZE = 8;
const K = 3;
const MODEL = SPEC_MODELS[0] as (typeof SPEC_MODELS)[number];
const VOCAB = MODEL.shapes.vocabSize;

// Greedy rules that look at the drafts as outputs: none, penalties, a bias with min_tokens.
const KINDS: Array<Partial<SamplingParams>> = [
  {},
  { repetitionPenalty: 1.4, presencePenalty: 0.5, frequencyPenalty: 0.4 },
  {
    logitBias: [
      [5, 4],
      [7, -2],
    ],
    minTokens: { count: 6, tokenIds: [5] },
  },
];

// Each kind twice: without log-probabilities (the GPU picks the drafts' tokens) and with them
// (the rows come back for the host verifier), on the same prompt.
function pairedRequests(withLogprobs: boolean): DriverRequest[] {
  let nextBlock = 1;
  return KINDS.flatMap((extra, i) => {
    const prompt = Array.from({ length: 5 + 3 * i }, (_, t) => (t * 37 + i * 11) % VOCAB);
    const maxTokens = 20;
    const blocks = Math.ceil((prompt.length + maxTokens) / BLOCK_SIZE);
    const variants: Array<[string, number | null]> = withLogprobs
      ? [
          ["picked", null],
          ["read", 1],
        ]
      : [["picked", null]];
    return variants.map(([how, logprobs]) => {
      const blockIds = Array.from({ length: blocks }, (_, b) => nextBlock + b);
      nextBlock += blocks;
      const params = { ...greedyParams(maxTokens), ...extra, logprobs };
      return { id: `${how}${i}`, prompt, params, blockIds };
    });
  });
}

describeGpu("WebGpuExecutor: greedy drafts picked by the sampling kernels", () => {
  let gpu: PagodaDevice;
  let dir: string;
  let model: LoadedWeights;
  const errors: string[] = [];

  beforeAll(async () => {
    gpu = await requestDevice();
    gpu.device.onuncapturederror = (event) => errors.push(event.error.message);
    dir = await mkdtemp(join(tmpdir(), "pagoda-spec-picks-"));
    await writeRandomModel(join(dir, "m"), MODEL.family, MODEL.shapes, { seed: 77 });
    model = await loadModelWeights(join(dir, "m"));
  });

  afterAll(async () => {
    await model.close();
    gpu.device.destroy();
    await rm(dir, { recursive: true, force: true });
    expect(errors, "WebGPU validation errors").toEqual([]);
  });

  const make = (numSpeculativeTokens: number) =>
    createWebGpuExecutor({
      model,
      gpu,
      blockSize: BLOCK_SIZE,
      numBlocks: 1 + 6 * Math.ceil((11 + 20) / BLOCK_SIZE),
      maxNumBatchedTokens: 64,
      maxNumSeqs: 6,
      weightDtype: "f32",
      numSpeculativeTokens,
    });

  // Late masks (none here) move sampling, spec rows included, into a submission of its own.
  for (const late of [false, true]) {
    it(`give the host verifier's tokens on the same rows, without reading any row back${late ? " (late masks)" : ""}`, async () => {
      const plain = await make(0);
      const base = await runToCompletion(plain, pairedRequests(true), 4);
      await plain.close();
      const truth = new Map([...base].map(([id, r]) => [id, r.tokens]));
      for (const i of KINDS.keys()) expect(truth.get(`read${i}`)).toEqual(truth.get(`picked${i}`));
      const promptLength = new Map(pairedRequests(true).map((r) => [r.id, r.prompt.length]));
      // Drafts from the tokens alone (both requests of a pair get the same): the true continuation,
      // wrong at positions that vary with the length.
      const propose: DraftProposer = (id, tokens) => {
        const done = tokens.length - (promptLength.get(id) ?? 0);
        const right = truth.get(id)?.slice(done, done + K) ?? [];
        return right.map((t, j) => ((tokens.length + j) % 3 === 0 ? (t + 1 + j) % VOCAB : t));
      };
      const gpuExecutor = await make(K);
      const executor: Executor = late
        ? {
            execute: (step) => gpuExecutor.execute(step, { tokenMasks: async () => ({}) }),
            close: () => gpuExecutor.close(),
          }
        : gpuExecutor;
      let accepted = 0;
      let drafted = 0;
      let buffersBefore = 0;
      try {
        const picks = pairedRequests(false);
        buffersBefore = gpuExecutor.resourceCounts().buffers;
        const picked = await runToCompletion(
          executor,
          picks,
          4,
          (out, step) => {
            for (const [id, drafts] of Object.entries(step.scheduledSpecTokens ?? {})) {
              drafted += drafts.length;
              accepted += (out.sampledTokenIds[id]?.length ?? 1) - 1;
            }
          },
          propose,
        );
        // Only picked requests: no read-back buffer for logits rows was made.
        expect(gpuExecutor.resourceCounts().buffers).toBe(buffersBefore);
        for (const r of picks) expect(picked.get(r.id)?.tokens, r.id).toEqual(truth.get(r.id));
        expect(accepted).toBeGreaterThan(0);
        expect(accepted).toBeLessThan(drafted);
        // Both paths in one batch: each pair agrees token for token (and with no drafts).
        const both = await runToCompletion(executor, pairedRequests(true), 4, undefined, propose);
        for (const [id, r] of both) expect(r.tokens, id).toEqual(truth.get(id));
        // The read requests' rows did come back, through a read-back buffer made for them.
        expect(gpuExecutor.resourceCounts().buffers).toBeGreaterThan(buffersBefore);
      } finally {
        await executor.close();
      }
    }, 300_000);
  }
});
