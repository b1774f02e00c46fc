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

describeGpu("WebGpuExecutor: grammar token masks (stories260K)", () => {
  const held = useStoriesOnGpu();

  it("samples only masked-in tokens, greedy and at temperature 1.5, beside an unmasked request", async () => {
    const exec = await createWebGpuExecutor({
      model: held.model,
      gpu: held.gpu,
      blockSize: 8,
      numBlocks: 64,
      maxNumBatchedTokens: 128,
      maxNumSeqs: 8,
    });
    const vocab = held.model.config.vocabSize;
    const allowed = [7, 100, 301];
    const ids = ["greedy", "hot", "free"];
    const params = [greedyParams(8), { ...greedyParams(8), temperature: 1.5, seed: 11 }, greedyParams(8)];
    const out = await exec.execute(
      makeStep({
        scheduledNewReqs: ids.map((id, i) => ({
          requestId: id,
          tokenIds: [1, 403, 407, 261],
          numPromptTokens: 4,
          samplingParams: params[i] as ReturnType<typeof greedyParams>,
          blockIds: [1 + i],
          numComputedTokens: 0,
        })),
        numScheduledTokens: { greedy: 4, hot: 4, free: 4 },
        tokenMasks: { greedy: maskOf(vocab, allowed), hot: maskOf(vocab, allowed) },
      }),
    );
    expect(allowed).toContain(out.sampledTokenIds.greedy?.[0]);
    expect(allowed).toContain(out.sampledTokenIds.hot?.[0]);
    // The unmasked twin of the greedy request takes the model's own argmax, which the mask excluded.
    expect(allowed).not.toContain(out.sampledTokenIds.free?.[0]);
  });
});
