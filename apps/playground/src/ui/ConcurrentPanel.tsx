import { useRef, useState } from "preact/hooks";
import type { CompletionRequest } from "../api/completion-stream.js";
import { timingSummary } from "../completion/token-timing.js";
import { useFrameRender } from "./use-frame-render.js";
import { followStream, newRun, type StreamRun } from "./use-stream-run.js";

const MAX_CONCURRENT = 64;

/**
 * Launches N copies of the current request at once, to watch the scheduler batch them; a set
 * seed is varied per copy (seed + i) so the samples differ.
 */
export function ConcurrentPanel(props: { request: CompletionRequest; colorOf(requestId: string): string }) {
  const [count, setCount] = useState(4);
  const render = useFrameRender();
  const batch = useRef<{ runs: StreamRun[]; abort: AbortController } | null>(null);
  const runs = batch.current?.runs ?? [];
  const active = runs.some((r) => r.status === "streaming");

  const launch = () => {
    batch.current?.abort.abort();
    const abort = new AbortController();
    const next = { runs: Array.from({ length: count }, newRun), abort };
    batch.current = next;
    const base = props.request;
    next.runs.forEach((run, i) => {
      const seed = base.sampling.seed === null ? null : base.sampling.seed + i;
      void followStream({ ...base, sampling: { ...base.sampling, seed } }, run, render, abort.signal);
    });
    render();
  };

  return (
    <section class="panel">
      <h2>Concurrent requests</h2>
      <div class="row">
        <label>
          launch
          <input
            data-testid="concurrent-input"
            type="number"
            min={1}
            max={MAX_CONCURRENT}
            value={count}
            onInput={(e) => {
              const n = Math.round(Number((e.currentTarget as HTMLInputElement).value)) || 1;
              setCount(Math.min(MAX_CONCURRENT, Math.max(1, n)));
            }}
          />
          requests
        </label>
        <button type="button" data-testid="launch-button" class="primary" onClick={launch}>
          Launch {count}
        </button>
        <button type="button" disabled={!active} onClick={() => batch.current?.abort.abort()}>
          Stop all
        </button>
      </div>
      <ul class="runs" data-testid="concurrent-list">
        {runs.map((run, i) => {
          const t = timingSummary(run.deltas);
          return (
            <li key={i} data-status={run.status} data-request-id={run.id ?? undefined}>
              <span class="swatch" style={run.id ? { background: props.colorOf(run.id) } : undefined} />
              <code>{run.id ?? "…"}</code>
              <span class="muted">
                {run.status} · {run.deltas.length} deltas · first{" "}
                {t.ttftMs === null ? "–" : `${t.ttftMs.toFixed(0)} ms`}
              </span>
              <span class="preview">{run.error ?? run.deltas.map((d) => d.text).join("")}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
