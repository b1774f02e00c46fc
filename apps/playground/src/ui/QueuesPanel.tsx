import type { EngineSnapshotEvent } from "../api/snapshot.js";
import { isSampleId, shortRequestId } from "../kv/request-colors.js";

const QUEUES = ["running", "waiting", "swapped"] as const;

/** The scheduler's three queues, each request a chip in its colour. */
export function QueuesPanel(props: {
  queues: EngineSnapshotEvent["queues"] | null;
  colorOf(requestId: string): string;
}) {
  return (
    <section class="panel" data-testid="queues-panel">
      <h2>Queues</h2>
      <div class="queues">
        {QUEUES.map((name) => {
          const ids = props.queues?.[name] ?? [];
          return (
            <div key={name} data-queue={name}>
              <h3>
                {name} <span class="muted">{ids.length}</span>
              </h3>
              <ul>
                {ids.map((id) => (
                  <li
                    key={id}
                    class={isSampleId(id) ? "chip sample" : "chip"}
                    style={{ borderColor: props.colorOf(id) }}
                    title={id}
                  >
                    <span class="swatch" style={{ background: props.colorOf(id) }} />
                    {shortRequestId(id)}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </section>
  );
}
