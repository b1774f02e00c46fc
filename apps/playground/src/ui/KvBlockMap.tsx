import { useState } from "preact/hooks";
import { resetPrefixCache } from "../api/reset-prefix-cache.js";
import type { KvSnapshot } from "../api/snapshot.js";
import { blockCells, blockCounts } from "../kv/block-grid.js";
import { cacheText } from "../kv/cache-text.js";
import { shortRequestId } from "../kv/request-colors.js";

/** Past this many blocks the map draws the first ones only, so a huge cache cannot stall the page. */
const MAX_DRAWN = 16384;

/** The paged KV cache: one cell per device block, coloured by the request holding it. */
export function KvBlockMap(props: { kv: KvSnapshot | null; colorOf(requestId: string): string }) {
  const kv = props.kv;
  if (!kv) {
    return (
      <section class="panel">
        <h2>KV cache</h2>
        <div data-testid="kv-block-map" class="kv-grid" />
        <p class="muted">waiting for the first snapshot…</p>
      </section>
    );
  }
  const cells = blockCells(kv, props.colorOf);
  const counts = blockCounts(cells);
  const holders = Object.entries(kv.tables);
  const cell = kv.numBlocks > 4096 ? 6 : kv.numBlocks > 1024 ? 9 : 14;
  return (
    <section class="panel">
      <h2>
        KV cache{" "}
        <span class="muted">
          {kv.numBlocks} blocks × {kv.blockSize} tokens{cacheText(kv)}
        </span>
      </h2>
      <div data-testid="kv-block-map" class="kv-grid" style={{ "--cell": `${cell}px` }}>
        {cells.slice(0, MAX_DRAWN).map((c) => (
          <div
            key={c.id}
            class="block"
            data-state={c.state}
            data-reserved={c.reserved ? "true" : undefined}
            data-shared={c.shared ? "true" : undefined}
            data-sample={c.sample ? "true" : undefined}
            data-holder={c.holders[0]}
            title={c.title}
            style={c.color ? { background: c.color } : undefined}
          />
        ))}
      </div>
      {kv.numBlocks > MAX_DRAWN && <p class="muted">showing the first {MAX_DRAWN} blocks</p>}
      <p class="legend">
        <span class="block" data-state="used" style={{ background: "#888" }} /> used {counts.used}
        <span class="block" data-state="used" data-shared="true" style={{ background: "#888" }} /> shared{" "}
        {counts.shared}
        <span class="block" data-state="cached" /> cached-free {counts.cached}
        <span class="block" data-state="free" /> free {counts.free}
        <span class="block" data-state="used" data-reserved="true" /> reserved
      </p>
      <ResetPrefixCache />
      <ul class="holders">
        {holders.map(([id, table]) => (
          <li key={id} title={id}>
            <span class="swatch" style={{ background: props.colorOf(id) }} />
            <code>{shortRequestId(id)}</code> {table.length} blocks
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A button that drops the server's prefix cache, and what the server answered. */
function ResetPrefixCache() {
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    const r = await resetPrefixCache();
    setStatus(r.ok ? { ok: true, text: "prefix cache reset" } : { ok: false, text: r.message });
    setBusy(false);
  };
  return (
    <p class="reset">
      <button type="button" data-testid="reset-prefix-cache" disabled={busy} onClick={onClick}>
        Reset prefix cache
      </button>{" "}
      {status && (
        <span data-testid="reset-status" data-ok={String(status.ok)} class={status.ok ? "muted" : "error"}>
          {status.text}
        </span>
      )}
    </p>
  );
}
