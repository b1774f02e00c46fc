import type { EngineSnapshotEvent } from "@pagoda/server";
import { PlaygroundError } from "../errors.js";

// The shapes come from the server that sends them, so the two cannot drift apart at compile time.

export type { EngineSnapshotEvent };
/** The KV part of a snapshot: who holds every device block (block 0 is the reserved null block). */
export type KvSnapshot = EngineSnapshotEvent["kv"];
/** What a device block holds: a request's data, a cached prefix with no holder, or nothing. */
export type BlockState = KvSnapshot["states"][number];
/** The token make-up of the engine's most recent step. */
export type StepComposition = NonNullable<EngineSnapshotEvent["lastStep"]>;
/** Server-side counters and latency percentiles at the snapshot's time. */
export type MetricsSnapshot = EngineSnapshotEvent["metrics"];

const STATES: readonly string[] = ["used", "cached", "free"];

/**
 * Parses the `data:` of a snapshot event, checking the parts the page indexes into, so a
 * server that drifts from the schema fails here with a message rather than deep in rendering.
 */
export function parseSnapshot(data: string): EngineSnapshotEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw new PlaygroundError("feed.bad_snapshot", `snapshot is not JSON: ${data.slice(0, 80)}`, { cause });
  }
  const s = value as EngineSnapshotEvent;
  const bad = (what: string): never => {
    throw new PlaygroundError("feed.bad_snapshot", `snapshot ${what}`, {
      details: { data: data.slice(0, 200) },
    });
  };
  if (typeof s !== "object" || s === null || typeof s.time !== "number") bad("has no numeric time");
  const kv = s.kv;
  if (typeof kv !== "object" || kv === null || !Number.isInteger(kv.numBlocks)) bad("has no kv.numBlocks");
  if (!Array.isArray(kv.states) || kv.states.length !== kv.numBlocks) {
    bad(`kv.states has ${kv.states?.length} entries for ${kv.numBlocks} blocks`);
  }
  if (kv.states.some((st) => !STATES.includes(st)))
    bad("kv.states holds a state other than used/cached/free");
  if (!Array.isArray(kv.refCounts) || kv.refCounts.length !== kv.numBlocks)
    bad("kv.refCounts length differs");
  if (typeof kv.tables !== "object" || kv.tables === null) bad("has no kv.tables");
  for (const [id, table] of Object.entries(kv.tables)) {
    if (!Array.isArray(table) || table.some((b) => !Number.isInteger(b) || b < 0 || b >= kv.numBlocks)) {
      bad(`table of ${id} names a block outside 0..${kv.numBlocks - 1}`);
    }
  }
  const q = s.queues;
  if (typeof q !== "object" || q === null || ![q.running, q.waiting, q.swapped].every(Array.isArray)) {
    bad("queues are not three arrays");
  }
  if (typeof s.metrics !== "object" || s.metrics === null) bad("has no metrics");
  return s;
}
