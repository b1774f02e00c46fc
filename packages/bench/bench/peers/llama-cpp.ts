import { getLlama, type Llama, LlamaLogLevel, type LlamaModel, type Token } from "node-llama-cpp";
import { type PeerRunner, type RunResult, StreamClock } from "./measure.js";
import type { Scenario } from "./scenarios.js";

/**
 * How llama.cpp is loaded: node-llama-cpp's prebuilt CPU binary from npm
 * (`@node-llama-cpp/linux-x64`), never built or downloaded, no GPU, at most `threads` threads.
 */
export function loadLlamaCpp(threads: number): Promise<Llama> {
  return getLlama({
    gpu: false,
    build: "never",
    skipDownload: true,
    usePrebuiltBinaries: true,
    maxThreads: threads,
    logLevel: LlamaLogLevel.error,
  });
}

/**
 * llama.cpp on one GGUF: each run gets a fresh context with one sequence per stream (so nothing
 * is cached from an earlier run), and the streams generate concurrently, which llama.cpp batches
 * into one decode per step. Greedy (temperature 0), EOS yielded and ignored.
 */
export async function llamaCppRunner(llama: Llama, modelPath: string, threads: number): Promise<PeerRunner> {
  const model: LlamaModel = await llama.loadModel({ modelPath, gpuLayers: 0 });
  return {
    name: "llama.cpp",
    async run(s: Scenario, prompts: number[][]): Promise<RunResult> {
      const context = await model.createContext({
        sequences: s.streams,
        contextSize: s.promptLen + s.genLen + 16,
        batchSize: Math.max(512, s.streams * s.promptLen),
        threads: { ideal: threads, min: threads },
      });
      try {
        const sequences = prompts.map(() => context.getSequence());
        const clock = new StreamClock(s.streams);
        await Promise.all(
          sequences.map(async (seq, i) => {
            let n = 0;
            const tokens = (prompts[i] ?? []) as Token[];
            for await (const token of seq.evaluate(tokens, { temperature: 0, yieldEogToken: true })) {
              clock.tokens(i, [token]);
              if (++n >= s.genLen) break;
            }
          }),
        );
        return clock.result(s);
      } finally {
        await context.dispose();
      }
    },
    close: () => model.dispose(),
  };
}
