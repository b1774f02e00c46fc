import { useRef, useState } from "preact/hooks";
import type { CompletionRequest } from "../api/completion-stream.js";
import { timingSummary } from "../completion/token-timing.js";
import { shortRequestId } from "../kv/request-colors.js";
import { useFrameRender } from "./use-frame-render.js";
import { followStream, newRun, type StreamRun } from "./use-stream-run.js";

const MAX_CONCURRENT = 64;

/**
 * Launches N copies of the current request at once, to watch the scheduler batch them: as N
 * requests (a set seed is varied per copy, seed + i, so they differ), or as one request with
 * `n = N` samples that share the prompt's blocks. A browser opens at most 6 connections to one
 * server over HTTP/1.1 and the engine feed holds one, so past 5 requests the rest wait in the
 * browser; samples have no such limit.
 */
export function ConcurrentPanel(props: { request: CompletionRequest; colorOf(requestId: string): string }) {
  const [count, setCount] = useState(4);
  const [asSamples, setAsSamples] = useState(false);
  const render = useFrameRender();
  const batch = useRef<{ runs: StreamRun[]; abort: AbortController; samples: boolean } | null>(null);
  const runs = batch.current?.runs ?? [];
  const active = runs.some((r) => r.status === "streaming");

  const launch = () => {
    batch.current?.abort.abort();
    const abort = new AbortController();
    const next = { runs: Array.from({ length: count }, newRun), abort, samples: asSamples };
    batch.current = next;
    const base = props.request;
    if (asSamples) void followStream(base, next.runs, render, abort.signal);
    else {
      next.runs.forEach((run, i) => {
        const seed = base.sampling.seed === null ? null : base.sampling.seed + i;
        void followStream({ ...base, sampling: { ...base.sampling, seed } }, [run], render, abort.signal);
      });
    }
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
        </label>
        <select
          data-testid="concurrent-mode"
          value={asSamples ? "samples" : "requests"}
          onChange={(e) => setAsSamples((e.currentTarget as HTMLSelectElement).value === "samples")}
        >
          <option value="requests">requests</option>
          <option value="samples">samples of one request (n)</option>
        </select>
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
          // Engine ids of samples: the first keeps the request's id, sample i > 0 is `id#i`.
          const id = run.id && batch.current?.samples && i > 0 ? `${run.id}#${i}` : run.id;
          return (
            <li key={i} data-status={run.status} data-request-id={id ?? undefined}>
              <span class="swatch" style={id ? { background: props.colorOf(id) } : undefined} />
              <code title={id ?? undefined}>{id ? shortRequestId(id) : "…"}</code>
              <span class="muted">{run.status}</span>
              <span class="muted">{run.deltas.length} deltas</span>
              <span class="muted">{t.ttftMs === null ? "–" : `${t.ttftMs.toFixed(0)} ms`}</span>
              <span class="preview">{run.error ?? run.deltas.map((d) => d.text).join("")}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
