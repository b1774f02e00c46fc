import type { GrammarMatcher } from "@mlc-ai/web-xgrammar";
import type { LateStepInputs, SchedulerOutput } from "@pagoda/scheduler";
import type { GuidedSpec } from "./guided-spec.js";
import type { StructuredDecoder } from "./structured-decoder.js";

/**
 * The grammar state of every constrained sample, by scheduler id: before a step it puts each
 * scheduled sample's next-token mask into the step; after it, it advances the matchers by the
 * tokens sampled. A sample preempted and recomputed keeps its matcher (its output is kept too).
 */
export class GuidedMasks {
  private readonly matchers = new Map<string, GrammarMatcher>();
  private readonly specs = new Map<string, GuidedSpec>();

  constructor(private readonly decoder: () => Promise<StructuredDecoder>) {}

  /** Registers a sample whose output must match `spec`. */
  add(schedulerId: string, spec: GuidedSpec): void {
    this.specs.set(schedulerId, spec);
  }

  get size(): number {
    return this.specs.size;
  }

  /**
   * Compiles (or takes from the cache) the grammar of every sample added since the last call.
   * Returns the ids whose grammar failed, with the error, so the engine fails just those.
   */
  async compileNew(): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>();
    for (const [id, spec] of this.specs) {
      if (this.matchers.has(id)) continue;
      try {
        const m = await (await this.decoder()).matcher(spec);
        // Dropped (aborted) while it compiled: nothing will use or free it later.
        if (this.specs.has(id)) this.matchers.set(id, m);
        else m.dispose();
      } catch (err) {
        failed.set(id, err);
        this.specs.delete(id);
      }
    }
    return failed;
  }

  /**
   * Hands the step its scheduled constrained samples' next-token masks: for an executor that
   * `takesLate` them and a step with such a sample, as `LateStepInputs` it calls while its
   * forward pass runs (the matchers then run on this thread beside the GPU); otherwise computed
   * now into `step.tokenMasks`.
   */
  async prepare(step: SchedulerOutput, takesLate = false): Promise<LateStepInputs | undefined> {
    const scheduled = [...step.scheduledNewReqs, ...step.scheduledCachedReqs];
    if (takesLate && scheduled.some((r) => this.matchers.has(r.requestId))) {
      return { tokenMasks: () => this.masks(step) };
    }
    const masks = await this.masks(step);
    if (Object.keys(masks).length > 0) step.tokenMasks = masks;
    return undefined;
  }

  /** The next-token masks of the step's scheduled constrained samples. */
  async masks(step: SchedulerOutput): Promise<Record<string, Int32Array>> {
    const masks: Record<string, Int32Array> = {};
    for (const r of [...step.scheduledNewReqs, ...step.scheduledCachedReqs]) {
      const m = this.matchers.get(r.requestId);
      if (m === undefined) continue;
      try {
        masks[r.requestId] = await m.getNextTokenBitmask();
      } catch (err) {
        // An abort during the await disposes the matcher; the step drops that request anyway.
        if (this.matchers.get(r.requestId) === m) throw err;
      }
    }
    return masks;
  }

  /** Advances a sample's matcher by the tokens it just sampled. */
  accept(schedulerId: string, tokenIds: readonly number[]): void {
    const m = this.matchers.get(schedulerId);
    if (m === undefined) return;
    for (const t of tokenIds) if (!m.isTerminated()) m.acceptToken(t);
  }

  /** Forgets a finished sample and frees its matcher. */
  drop(schedulerId: string): void {
    this.matchers.get(schedulerId)?.dispose();
    this.matchers.delete(schedulerId);
    this.specs.delete(schedulerId);
  }
}
