import type { StepHistory } from "../charts/step-history.js";

/** Prefill and decode tokens of recent steps as stacked bars, newest on the right. */
export function BatchPanel(props: { steps: StepHistory }) {
  const samples = props.steps.recent();
  const max = props.steps.maxTokens();
  const last = samples.at(-1);
  return (
    <section class="panel" data-testid="batch-panel">
      <h2>Batch composition</h2>
      <div class="bars" title="one bar per snapshot that saw a new step (at most ~10 a second)">
        {samples.map((s, i) => (
          <div
            key={i}
            class="bar"
            title={`${s.numPrefillTokens} prefill + ${s.numDecodeTokens} decode, ${s.numSeqs} seqs`}
          >
            <i class="prefill" style={{ height: `${(s.numPrefillTokens / max) * 100}%` }} />
            <i class="decode" style={{ height: `${(s.numDecodeTokens / max) * 100}%` }} />
          </div>
        ))}
      </div>
      <p class="legend">
        <i class="key prefill" /> prefill <i class="key decode" /> decode ·{" "}
        {last
          ? `last step: ${last.numPrefillTokens} + ${last.numDecodeTokens} tokens, ${last.numSeqs} sequences`
          : "no step yet"}{" "}
        · scale {max} tokens
      </p>
    </section>
  );
}
