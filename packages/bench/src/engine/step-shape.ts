import type { StepBatchShape } from "@pagoda/metrics";
import type { SchedulerOutput } from "@pagoda/scheduler";

/** The batch of one step as the roofline sees it, with its prefill / decode split. */
export interface StepShape {
  readonly batch: StepBatchShape;
  readonly numPrefillTokens: number;
  readonly numDecodeTokens: number;
}

/**
 * Reads batch shapes off `SchedulerOutput`s: new requests bring their prompt length, later steps
 * only their computed count, so it remembers prompt lengths until a request is dropped.
 */
export class StepShapeTracker {
  private readonly promptLens = new Map<string, number>();

  /** The shape of `out`; call once per step, in order. */
  shapeOf(out: SchedulerOutput): StepShape {
    for (const id of out.finishedReqIds) this.promptLens.delete(id);
    for (const id of out.preemptedReqIds) this.promptLens.delete(id);
    const n = out.scheduledNewReqs.length + out.scheduledCachedReqs.length;
    const numNewTokens = new Int32Array(n);
    const numContextTokens = new Int32Array(n);
    let numPrefillTokens = 0;
    let i = 0;
    const add = (id: string, computed: number) => {
      const q = out.numScheduledTokens[id] ?? 0;
      numNewTokens[i] = q;
      numContextTokens[i] = computed;
      const prompt = this.promptLens.get(id) ?? 0;
      numPrefillTokens += Math.max(0, Math.min(prompt, computed + q) - computed);
      i++;
    };
    for (const r of out.scheduledNewReqs) {
      this.promptLens.set(r.requestId, r.numPromptTokens);
      add(r.requestId, r.numComputedTokens);
    }
    for (const r of out.scheduledCachedReqs) add(r.requestId, r.numComputedTokens);
    return {
      batch: { numNewTokens, numContextTokens },
      numPrefillTokens,
      numDecodeTokens: out.totalNumScheduledTokens - numPrefillTokens,
    };
  }
}
