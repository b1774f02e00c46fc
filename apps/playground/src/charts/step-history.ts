import type { EngineSnapshotEvent, StepComposition } from "../api/snapshot.js";

/** The composition of the step seen at one snapshot. */
export interface StepSample extends StepComposition {
  time: number;
}

/**
 * The batch composition of recent steps, as sampled by snapshots (at most ~10 a second, so a
 * busy engine's steps in between are not all seen). Heartbeats of an idle engine repeat the
 * last step; they are not counted again.
 */
export class StepHistory {
  private readonly samples: StepSample[] = [];
  private lastFinished = -1;

  /** @param capacity how many recent samples to keep */
  constructor(private readonly capacity = 60) {}

  /** Records the snapshot's last step if it shows engine activity since the previous one. */
  push(snapshot: EngineSnapshotEvent): void {
    const step = snapshot.lastStep;
    const finished = snapshot.metrics.numFinished;
    const prev = this.samples.at(-1);
    const active =
      snapshot.queues.running.length > 0 || finished !== this.lastFinished || !prev || !sameStep(prev, step);
    this.lastFinished = finished;
    if (!step || !active) return;
    if (prev && snapshot.time < prev.time) this.samples.length = 0;
    this.samples.push({ time: snapshot.time, ...step });
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }

  /** Oldest first. */
  recent(): readonly StepSample[] {
    return this.samples;
  }

  /** The largest token count among the kept samples (at least 1), to scale the bars. */
  maxTokens(): number {
    let max = 1;
    for (const s of this.samples) max = Math.max(max, s.numPrefillTokens + s.numDecodeTokens);
    return max;
  }
}

function sameStep(a: StepComposition, b: StepComposition | null): boolean {
  return (
    b !== null &&
    a.numPrefillTokens === b.numPrefillTokens &&
    a.numDecodeTokens === b.numDecodeTokens &&
    a.numSeqs === b.numSeqs
  );
}
