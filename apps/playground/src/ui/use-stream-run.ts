import { useCallback, useRef } from "preact/hooks";
import { type CompletionRequest, streamCompletion } from "../api/completion-stream.js";
import type { TimedDelta } from "../completion/token-timing.js";
import { useFrameRender } from "./use-frame-render.js";

/** One streamed request as the page follows it (the first choice only). */
export interface StreamRun {
  /** The response id (the engine request id) once the first chunk names it. */
  id: string | null;
  deltas: TimedDelta[];
  status: "streaming" | "done" | "stopped" | "error";
  finishReason: string | null;
  error: string | null;
}

/** Streams a request into `run`, calling `changed` as deltas arrive. Resolves when it ends. */
export async function followStream(
  req: CompletionRequest,
  run: StreamRun,
  changed: () => void,
  signal: AbortSignal,
): Promise<void> {
  const t0 = performance.now();
  try {
    for await (const d of streamCompletion(req, { signal })) {
      run.id ??= d.id;
      if (d.index !== 0) continue;
      if (d.text !== "") run.deltas.push({ text: d.text, atMs: performance.now() - t0 });
      if (d.finishReason) run.finishReason = d.finishReason;
      changed();
    }
    run.status = "done";
  } catch (err) {
    run.status = signal.aborted ? "stopped" : "error";
    if (!signal.aborted) run.error = err instanceof Error ? err.message : String(err);
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
      await followStream(req, entry.run, render, entry.abort.signal);
      return entry.run;
    },
    [render],
  );
  const stop = useCallback(() => current.current?.abort.abort(), []);
  return { run: current.current?.run ?? null, start, stop };
}
