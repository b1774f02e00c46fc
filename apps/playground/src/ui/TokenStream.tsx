import { deltaGaps, timingSummary } from "../completion/token-timing.js";
import { shortRequestId } from "../kv/request-colors.js";
import type { StreamRun } from "./use-stream-run.js";

const ms = (v: number | null) => (v === null ? "–" : `${v.toFixed(v < 10 ? 1 : 0)} ms`);

/**
 * The streamed text, one span per delta (hover: arrival time and gap), and the timing of the
 * deltas as a strip of bars, one per delta, height by its gap.
 */
export function TokenStream(props: { run: StreamRun | null; color: string | null }) {
  const run = props.run;
  const deltas = run?.deltas ?? [];
  const gaps = deltaGaps(deltas);
  const maxGap = Math.max(1, ...gaps.slice(1));
  const t = timingSummary(deltas);
  return (
    <div class="stream">
      <div
        class="completion-output"
        data-testid="completion-output"
        data-status={run?.status ?? "idle"}
        data-request-id={run?.id ?? undefined}
        style={props.color ? { borderLeftColor: props.color } : undefined}
      >
        {deltas.map((d, i) => (
          <span
            key={i}
            class="delta"
            title={`+${d.atMs.toFixed(1)} ms (gap ${(gaps[i] ?? 0).toFixed(1)} ms)`}
          >
            {d.text}
          </span>
        ))}
        {run?.status === "streaming" && <span class="caret" />}
      </div>
      {run?.error && <p class="error">{run.error}</p>}
      <div class="timing-strip" title="gap before each delta (the first: time to first delta)">
        {gaps.slice(1).map((g, i) => (
          <i key={i} style={{ height: `${Math.max(1, (g / maxGap) * 100)}%` }} title={ms(g)} />
        ))}
      </div>
      <p class="muted timing" data-testid="completion-timing">
        {run?.id && <code title={run.id}>{shortRequestId(run.id)}</code>} deltas {t.numDeltas} · first{" "}
        {ms(t.ttftMs)} · mean gap {ms(t.meanGapMs)} · max gap {ms(t.maxGapMs)} ·{" "}
        {t.deltasPerSecond === null ? "–" : t.deltasPerSecond.toFixed(1)} deltas/s
        {run?.finishReason ? ` · finish: ${run.finishReason}` : ""}
      </p>
    </div>
  );
}
