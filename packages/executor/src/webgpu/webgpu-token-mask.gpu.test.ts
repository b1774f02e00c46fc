import { greedyParams } from "@pagoda/scheduler";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { makeStep } from "../testing/twin.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import { useStoriesOnGpu } from "./testing/stories-on-gpu.js";

function maskOf(vocab: number, allowed: readonly number[]): Int32Array {
  const m = new Int32Array(Math.ceil(vocab / 32));
  for (const t of allowed) m[t >> 5] = (m[t >> 5] as number) | (1 << (t & 31));
  return m;
}

type Params = ReturnType<typeof greedyParams>;

/** One prefill step of the same 4-token prompt for "greedy", "hot" and "free", sampled by `params`. */
function threeRequestStep(
  params: readonly [Params, Params, Params],
  tokenMasks?: Record<string, Int32Array>,
) {
  return makeStep({
    scheduledNewReqs: (["greedy", "hot", "free"] as const).map((id, i) => ({
      requestId: id,
      tokenIds: [1, 403, 407, 261],
      numPromptTokens: 4,
      samplingParams: params[i] as Params,
      blockIds: [1 + i],
      numComputedTokens: 0,
    })),
    numScheduledTokens: { greedy: 4, hot: 4, free: 4 },
    ...(tokenMasks ? { tokenMasks } : {}),
  });
}

describeGpu("WebGpuExecutor: grammar token masks (stories260K)", () => {
  const held = useStoriesOnGpu();
  const newExecutor = () =>
    createWebGpuExecutor({
      model: held.model,
      gpu: held.gpu,
      blockSize: 8,
      numBlocks: 64,
      maxNumBatchedTokens: 128,
      maxNumSeqs: 8,
    });

  it("samples only masked-in tokens, greedy and at temperature 1.5, beside an unmasked request", async () => {
    const exec = await newExecutor();
    const vocab = held.model.config.vocabSize;
    const allowed = [7, 100, 301];
    const params = [
      greedyParams(8),
      { ...greedyParams(8), temperature: 1.5, seed: 11 },
      greedyParams(8),
    ] as const;
    const out = await exec.execute(
      threeRequestStep(params, { greedy: maskOf(vocab, allowed), hot: maskOf(vocab, allowed) }),
    );
    expect(allowed).toContain(out.sampledTokenIds.greedy?.[0]);
    expect(allowed).toContain(out.sampledTokenIds.hot?.[0]);
    // The unmasked twin of the greedy request takes the model's own argmax, which the mask excluded.
    expect(allowed).not.toContain(out.sampledTokenIds.free?.[0]);
  });

  it("late masks (computed while the forward pass runs) sample exactly as masks in the step", async () => {
    const vocab = held.model.config.vocabSize;
    const params = [
      { ...greedyParams(8), logprobs: 3 },
      { ...greedyParams(8), temperature: 1.5, seed: 11, logprobs: 2 },
      greedyParams(8),
    ] as const;
    const masks = { greedy: maskOf(vocab, [7, 100, 301]), hot: maskOf(vocab, [5, 6, 7, 8, 9, 200]) };
    const run = async (late: boolean) => {
      const exec = await newExecutor();
      expect(exec.takesLateMasks).toBe(true);
      let calls = 0;
      const out = await exec.execute(
        threeRequestStep(params, late ? undefined : masks),
        late
          ? {
              tokenMasks: async () => {
                calls++;
                return masks;
              },
            }
          : undefined,
      );
      return { out, calls };
    };
    const early = await run(false);
    const late = await run(true);
    expect(late.calls).toBe(1);
    expect(late.out.sampledTokenIds).toEqual(early.out.sampledTokenIds);
    expect(late.out.logprobs).toEqual(early.out.logprobs);
    expect([7, 100, 301]).toContain(late.out.sampledTokenIds.greedy?.[0]);
    expect([5, 6, 7, 8, 9, 200]).toContain(late.out.sampledTokenIds.hot?.[0]);
    // Log-probabilities are of the masked logits: a banned token never shows among the top ones.
    for (const lp of late.out.logprobs.greedy ?? [])
      for (const [id] of lp.top) expect([7, 100, 301]).toContain(id);
  });
});
