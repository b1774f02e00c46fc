// The page side of the Web Worker test: connects a WorkerEngine to the module worker and exposes
// a few calls for the test to drive through `page.evaluate`.
import type { EngineInspection } from "@pagoda/engine";
import { WorkerEngine, webPort } from "@pagoda/engine/worker";

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

// Block 0 is the reserved null block, always marked used.
const usedBlocks = (i: EngineInspection) => i.kv.states.slice(1).filter((s) => s === "used").length;

const status = document.getElementById("status") as HTMLElement;
const worker = new Worker(new URL("./engine-worker.ts", import.meta.url), { type: "module" });
const device = new URLSearchParams(location.search).get("device") === "webgpu" ? "webgpu" : "cpu";
const connecting = WorkerEngine.connect(webPort(worker), {
  model: `${location.origin}/models/stories260K`,
  device,
  kvCacheMemory: 4 << 20,
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
  /** Whether the page's own thread stayed free: a timer's lateness while the worker computes. */
  timerLatenessMs: async (prompts: string[]) => {
    const engine = await connecting;
    let worst = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - 10);
      last = now;
    }, 10);
    const streams = await Promise.all(
      prompts.map((prompt) => engine.submit({ prompt, params: { max_tokens: 200, ignore_eos: true } })),
    );
    await Promise.all(streams.map(collect));
    clearInterval(timer);
    return worst;
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
