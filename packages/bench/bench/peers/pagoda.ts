import { type CreateEngineOptions, createEngine } from "@pagoda/engine";
import { type PeerRunner, type RunResult, StreamClock } from "./measure.js";
import type { Scenario } from "./scenarios.js";

/** What the Pagoda engine is sized for: the largest scenario it will run. */
export interface PagodaSizes {
  maxStreams: number;
  /** Most tokens one stream holds (prompt + output). */
  maxTokensPerStream: number;
  /** Largest prompt, which must fit one step. */
  maxPrompt: number;
}

let runCounter = 0;

/**
 * Pagoda through its public API: `createEngine` on the Hugging Face folder or a GGUF file, then the engine's
 * step loop (`addRequest` with prompt token ids, `step` until done). Greedy, `ignore_eos`, no
 * prefix caching (every round computes its prompts). `device` is passed through as given, so
 * whatever executors the engine knows are reachable; `threads` goes to executors that take it.
 */
export async function pagodaRunner(
  model: string,
  device: string,
  threads: number,
  sizes: PagodaSizes,
  label?: string,
): Promise<PeerRunner> {
  const blockSize = 16;
  const options = {
    model,
    device: device as CreateEngineOptions["device"],
    threads,
    blockSize,
    numBlocks: sizes.maxStreams * Math.ceil(sizes.maxTokensPerStream / blockSize) + 2,
    maxNumSeqs: sizes.maxStreams,
    maxNumBatchedTokens: Math.max(1024, sizes.maxPrompt, sizes.maxStreams * 16),
    enablePrefixCaching: false,
  };
  const llm = await createEngine(options as CreateEngineOptions);
  const { engine } = llm;
  return {
    name: label ? `pagoda ${label} (${llm.parts.device})` : `pagoda (${llm.parts.device})`,
    async run(s: Scenario, prompts: number[][]): Promise<RunResult> {
      const run = runCounter++;
      const ids = prompts.map((_, i) => `peers-${run}-${i}`);
      const stream = new Map(ids.map((id, i) => [id, i]));
      const clock = new StreamClock(s.streams);
      prompts.forEach((p, i) => {
        engine.addRequest(ids[i] as string, p, { max_tokens: s.genLen, temperature: 0, ignore_eos: true });
      });
      while (engine.hasUnfinished()) {
        for (const o of await engine.step()) {
          if (o.error) throw o.error;
          clock.tokens(stream.get(o.requestId) as number, o.tokenIds);
        }
      }
      return clock.result(s);
    },
    close: () => llm.close(),
  };
}
