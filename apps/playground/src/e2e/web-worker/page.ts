// The page side of the Web Worker test: connects a WorkerEngine to the module worker and exposes
// a few calls for the test to drive through `page.evaluate`.
import { AsyncEngine, createEngine, type EngineClient, type EngineInspection } from "@pagoda/engine";
import { WorkerEngine, webPort } from "@pagoda/engine/worker";
import { urlFiles } from "@pagoda/model-loaders";

/** What one request produced, as the test compares it. */
export interface PageResult {
  tokenIds: number[];
  text: string;
  finishReason: string | null;
}

async function collect(
  stream: AsyncIterable<{ tokenIds: number[]; text: string; finishReason?: string | null }>,
) {
  const out: PageResult = { tokenIds: [], text: "", finishReason: null };
  for await (const o of stream) {
    out.tokenIds.push(...o.tokenIds);
    out.text += o.text;
    out.finishReason = o.finishReason ?? out.finishReason;
  }
  return out;
}

/** Worst lateness of a 10 ms timer on this thread while `engine` runs `prompts` (8 tokens each). */
async function lagWhile(engine: EngineClient, prompts: string[]): Promise<number> {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  try {
    const streams = await Promise.all(
      prompts.map((prompt) => engine.submit({ prompt, params: { max_tokens: 8, ignore_eos: true } })),
    );
    await Promise.all(streams.map(collect));
  } finally {
    clearInterval(timer);
  }
  return worst;
}

// Block 0 is the reserved null block, always marked used.
const usedBlocks = (i: EngineInspection) => i.kv.states.slice(1).filter((s) => s === "used").length;

const status = document.getElementById("status") as HTMLElement;
const worker = new Worker(new URL("./engine-worker.ts", import.meta.url), { type: "module" });
const device = new URLSearchParams(location.search).get("device") === "webgpu" ? "webgpu" : "cpu";
const connecting = WorkerEngine.connect(webPort(worker), {
  model: `${location.origin}/models/stories260K`,
  device,
  kvCacheMemory: 8 << 20,
  maxNumBatchedTokens: 4096,
});

const api = {
  /** Resolves with the engine's info once the worker has loaded the model. */
  ready: async () => (await connecting).info,
  /** Greedy continuations of every prompt, submitted together so they share steps. */
  greedy: async (prompts: string[], maxTokens: number, stopTokenIds: number[]) => {
    const engine = await connecting;
    const streams = await Promise.all(
      prompts.map((prompt) =>
        engine.submit({
          prompt,
          params: { temperature: 0, max_tokens: maxTokens, stop_token_ids: stopTokenIds },
        }),
      ),
    );
    return Promise.all(streams.map(collect));
  },
  /** One request constrained to `choices` (xgrammar compiled and matched inside the worker). */
  guidedChoice: async (prompt: string, choices: string[]) => {
    const engine = await connecting;
    const stream = await engine.submit({
      prompt,
      params: { temperature: 1, max_tokens: 16, guided_choice: choices },
    });
    return collect(stream);
  },
  /** Starts a long request, aborts it after its first output, and reports the blocks held. */
  abortMidway: async (prompt: string) => {
    const engine = await connecting;
    const stream = await engine.submit({
      requestId: "to-abort",
      prompt,
      params: { max_tokens: 400, ignore_eos: true },
    });
    let usedWhileRunning = 0;
    let finishReason: string | null = null;
    let aborted = false;
    for await (const o of stream) {
      if (!aborted) {
        usedWhileRunning = usedBlocks(await engine.inspect());
        aborted = await engine.abort("to-abort");
      }
      finishReason = o.finishReason ?? finishReason;
    }
    const after = await engine.inspect();
    return {
      usedWhileRunning,
      aborted,
      finishReason,
      usedAfter: usedBlocks(after),
      tablesAfter: Object.keys(after.kv.tables),
    };
  },
  /**
   * The page thread's worst lateness (ms) of a 10 ms timer while `prompts` run, with the engine
   * in the worker, then with the same engine built on the page itself: the baseline the worker
   * must beat.
   */
  timerLateness: async (prompts: string[]) => {
    const worker = await lagWhile(await connecting, prompts);
    const llm = await createEngine({
      model: urlFiles(`${location.origin}/models/stories260K`),
      device: "cpu",
      maxNumBatchedTokens: 4096, // as the worker's engine
    });
    const inPage = await lagWhile(new AsyncEngine(llm.engine, () => llm.close()), prompts);
    await llm.close();
    return { worker, inPage };
  },
};

declare global {
  interface Window {
    pagodaTest: typeof api;
  }
}
window.pagodaTest = api;
connecting.then(
  () => (status.textContent = "ready"),
  (err: unknown) => (status.textContent = `failed: ${String(err)}`),
);
