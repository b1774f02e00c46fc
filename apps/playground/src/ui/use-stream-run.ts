import { useCallback, useRef } from "preact/hooks";
import { type CompletionRequest, streamCompletion } from "../api/completion-stream.js";
import type { TimedDelta } from "../completion/token-timing.js";
import { useFrameRender } from "./use-frame-render.js";

/** One streamed choice (sample) of a request as the page follows it. */
export interface StreamRun {
  /** The response id (the engine request id) once the first chunk names it. */
  id: string | null;
  deltas: TimedDelta[];
  status: "streaming" | "done" | "stopped" | "error";
  finishReason: string | null;
  error: string | null;
}

/**
 * Streams a request into `runs` (one per choice index, so `n` samples fill `n` runs), calling
 * `changed` as deltas arrive. Resolves when the stream ends.
 */
export async function followStream(
  req: CompletionRequest,
  runs: readonly StreamRun[],
  changed: () => void,
  signal: AbortSignal,
): Promise<void> {
  const t0 = performance.now();
  let failure: string | null = null;
  try {
    for await (const d of streamCompletion({ ...req, n: runs.length }, { signal })) {
      const run = runs[d.index];
      if (!run) continue;
      run.id ??= d.id;
      if (d.text !== "") run.deltas.push({ text: d.text, atMs: performance.now() - t0 });
      if (d.finishReason) {
        run.finishReason = d.finishReason;
        run.status = "done";
      }
      changed();
    }
  } catch (err) {
    if (!signal.aborted) failure = err instanceof Error ? err.message : String(err);
  }
  for (const run of runs) {
    if (run.status !== "streaming") continue;
    run.status = signal.aborted ? "stopped" : failure !== null ? "error" : "done";
    run.error = failure;
  }
  changed();
}

/** A fresh run record. */
export function newRun(): StreamRun {
  return { id: null, deltas: [], status: "streaming", finishReason: null, error: null };
}

/** Runs streamed requests one at a time: `start` replaces the current run, `stop` aborts it. */
export function useStreamRun(): {
  run: StreamRun | null;
  start(req: CompletionRequest): Promise<StreamRun>;
  stop(): void;
} {
  const render = useFrameRender();
  const current = useRef<{ run: StreamRun; abort: AbortController } | null>(null);
  const start = useCallback(
    async (req: CompletionRequest) => {
      current.current?.abort.abort();
      const entry = { run: newRun(), abort: new AbortController() };
      current.current = entry;
      render();
      await followStream(req, [entry.run], render, entry.abort.signal);
      return entry.run;
    },
    [render],
  );
  const stop = useCallback(() => current.current?.abort.abort(), []);
  return { run: current.current?.run ?? null, start, stop };
}
