import type { EngineSnapshotEvent, KvSnapshot, MetricsSnapshot } from "../api/snapshot.js";

// A short life of an 8-block cache (block size 4) as the feed reports it: idle, one request
// prefilling, a second one sharing its first block through a prefix hit, the first finishing
// (its private blocks turn cached), then idle heartbeats. For unit tests of the pure modules.

const IDLE_METRICS: MetricsSnapshot = {
  numFinished: 0,
  numRunning: 0,
  numWaiting: 0,
  ttftP50Ms: null,
  ttftP99Ms: null,
  tpotP50Ms: null,
  tpotP99Ms: null,
  outputTokensPerSecond: 0,
  roofline: null,
};

function kv(states: KvSnapshot["states"], refCounts: number[], tables: KvSnapshot["tables"]): KvSnapshot {
  return { numBlocks: 8, blockSize: 4, states, refCounts, tables, dtype: "f16", bytes: 8 * 4 * 1024 };
}

/** The snapshots in arrival order. */
export const SNAPSHOTS: readonly EngineSnapshotEvent[] = [
  {
    time: 1.0,
    kv: kv(["used", "free", "free", "free", "free", "free", "free", "free"], [0, 0, 0, 0, 0, 0, 0, 0], {}),
    queues: { running: [], waiting: [], swapped: [] },
    lastStep: null,
    metrics: IDLE_METRICS,
  },
  {
    time: 2.1,
    kv: kv(["used", "used", "used", "free", "free", "free", "free", "free"], [0, 1, 1, 0, 0, 0, 0, 0], {
      "cmpl-a": [1, 2],
    }),
    queues: { running: ["cmpl-a"], waiting: [], swapped: [] },
    lastStep: { numPrefillTokens: 7, numDecodeTokens: 0, numSeqs: 1 },
    metrics: { ...IDLE_METRICS, numRunning: 1 },
  },
  {
    time: 2.2,
    kv: kv(["used", "used", "used", "used", "free", "free", "free", "free"], [0, 2, 1, 1, 0, 0, 0, 0], {
      "cmpl-a": [1, 2],
      "cmpl-b": [1, 3],
    }),
    queues: { running: ["cmpl-a", "cmpl-b"], waiting: ["cmpl-c"], swapped: [] },
    lastStep: { numPrefillTokens: 2, numDecodeTokens: 1, numSeqs: 2 },
    metrics: {
      ...IDLE_METRICS,
      numRunning: 2,
      numWaiting: 1,
      ttftP50Ms: 12,
      ttftP99Ms: 12,
      tpotP50Ms: 4,
      tpotP99Ms: 4,
      outputTokensPerSecond: 80,
    },
  },
  {
    time: 2.3,
    kv: kv(["used", "used", "cached", "used", "used", "free", "free", "free"], [0, 1, 0, 1, 1, 0, 0, 0], {
      "cmpl-b": [1, 3],
      "cmpl-c#0": [4],
    }),
    queues: { running: ["cmpl-b", "cmpl-c#0"], waiting: [], swapped: [] },
    lastStep: { numPrefillTokens: 3, numDecodeTokens: 1, numSeqs: 2 },
    metrics: {
      ...IDLE_METRICS,
      numFinished: 1,
      numRunning: 2,
      ttftP50Ms: 12,
      ttftP99Ms: 15,
      tpotP50Ms: 4,
      tpotP99Ms: 6,
      outputTokensPerSecond: 95,
    },
  },
  {
    time: 4.3,
    kv: kv(
      ["used", "cached", "cached", "cached", "cached", "free", "free", "free"],
      [0, 0, 0, 0, 0, 0, 0, 0],
      {},
    ),
    queues: { running: [], waiting: [], swapped: [] },
    lastStep: { numPrefillTokens: 0, numDecodeTokens: 2, numSeqs: 2 },
    metrics: {
      ...IDLE_METRICS,
      numFinished: 3,
      ttftP50Ms: 13,
      ttftP99Ms: 15,
      tpotP50Ms: 4,
      tpotP99Ms: 6,
      outputTokensPerSecond: 40,
    },
  },
  {
    time: 6.3,
    kv: kv(
      ["used", "cached", "cached", "cached", "cached", "free", "free", "free"],
      [0, 0, 0, 0, 0, 0, 0, 0],
      {},
    ),
    queues: { running: [], waiting: [], swapped: [] },
    lastStep: { numPrefillTokens: 0, numDecodeTokens: 2, numSeqs: 2 },
    metrics: {
      ...IDLE_METRICS,
      numFinished: 3,
      ttftP50Ms: 13,
      ttftP99Ms: 15,
      tpotP50Ms: 4,
      tpotP99Ms: 6,
      outputTokensPerSecond: 0,
    },
  },
];

/** A snapshot of the fixture by index, typed as present. */
export function snapshotAt(i: number): EngineSnapshotEvent {
  const s = SNAPSHOTS[i];
  if (!s) throw new RangeError(`no fixture snapshot ${i}`);
  return s;
}
