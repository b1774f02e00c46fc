import type { StepBatchShape } from "@pagoda/metrics";
import type { Executor, ExecutorOutput, SchedulerOutput } from "@pagoda/scheduler";
import type { CostModel, StepTiming } from "./cost-model.js";
import { BenchError } from "./errors.js";
import { sampleToken } from "./token-sampler.js";
import type { VirtualClock } from "./virtual-clock.js";

/** Options of a {@link SimulatedExecutor}. */
export interface SimulatedExecutorOptions {
  costModel: CostModel;
  /** Advanced by each step's predicted time; pass the same clock to the scheduler. */
  clock: VirtualClock;
  /** Seed of the sampled token ids. */
  seed: number;
  /** Token ids never sampled (the EOS ids), so requests run to their `maxTokens`. */
  avoidTokenIds?: readonly number[];
  /** Tokens per KV block, to price swapped blocks; default 16. */
  blockSize?: number;
}

/** What the last executed step was, for step records and calibration. */
export interface SimulatedStep {
  readonly timing: StepTiming;
  readonly batch: StepBatchShape;
  readonly numPrefillTokens: number;
  readonly numDecodeTokens: number;
}

interface SimState {
  numTokens: number;
  numComputed: number;
  numPrompt: number;
}

/**
 * An `Executor` with no model: it keeps each request's token counts (full data for new requests,
 * diffs for known ones, as the contract says), advances a virtual clock by the roofline time of
 * the step's batch shape, and samples seeded token ids. Nothing sleeps, so a trace of hours of
 * traffic replays in seconds.
 */
export class SimulatedExecutor implements Executor {
  /** The last step executed, or null before the first. */
  lastStep: SimulatedStep | null = null;
  private readonly states = new Map<string, SimState>();
  private readonly avoid: ReadonlySet<number>;
  private closed = false;

  constructor(private readonly options: SimulatedExecutorOptions) {
    this.avoid = new Set(options.avoidTokenIds ?? []);
  }

  /** Requests whose state the executor holds. */
  get numRequests(): number {
    return this.states.size;
  }

  async execute(step: SchedulerOutput): Promise<ExecutorOutput> {
    return this.executeSync(step);
  }

  /** {@link execute} without the promise, for tight simulation loops. */
  executeSync(step: SchedulerOutput): ExecutorOutput {
    if (this.closed) throw new BenchError("bench.executor_closed", "the simulated executor was closed");
    for (const id of step.finishedReqIds) this.states.delete(id);
    for (const id of step.preemptedReqIds) this.states.delete(id);
    for (const r of step.scheduledNewReqs) {
      this.states.set(r.requestId, {
        numTokens: r.tokenIds.length,
        numComputed: r.numComputedTokens,
        numPrompt: r.numPromptTokens,
      });
    }
    const ids: string[] = [];
    for (const r of step.scheduledNewReqs) ids.push(r.requestId);
    for (const r of step.scheduledCachedReqs) {
      const s = this.states.get(r.requestId);
      if (s === undefined) fail(`'${r.requestId}' is sent as a diff but the executor does not hold it`);
      s.numComputed = r.numComputedTokens;
      ids.push(r.requestId);
    }
    const numNewTokens = new Int32Array(ids.length);
    const numContextTokens = new Int32Array(ids.length);
    let numPrefillTokens = 0;
    const out: ExecutorOutput = { sampledTokenIds: {}, logprobs: {} };
    const { seed, costModel } = this.options;
    const vocab = costModel.shape.vocabSize;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const s = this.states.get(id) as SimState;
      const n = step.numScheduledTokens[id] ?? 0;
      if (n < 1 || s.numComputed + n > s.numTokens) {
        fail(`'${id}': ${n} tokens scheduled from ${s.numComputed} of ${s.numTokens} known`);
      }
      numNewTokens[i] = n;
      numContextTokens[i] = s.numComputed;
      numPrefillTokens += Math.max(0, Math.min(s.numPrompt, s.numComputed + n) - s.numComputed);
      s.numComputed += n;
      if (s.numComputed === s.numTokens) {
        out.sampledTokenIds[id] = [sampleToken(seed, id, s.numTokens, vocab, this.avoid)];
        s.numTokens++;
      }
    }
    const batch = { numNewTokens, numContextTokens };
    const numSwapBlocks = step.swapOut.length + step.swapIn.length;
    const swapSeconds = costModel.swapSeconds(numSwapBlocks, this.options.blockSize ?? 16);
    const compute = costModel.time(batch);
    const timing = { ...compute, seconds: compute.seconds + swapSeconds, swapSeconds };
    this.options.clock.advance(timing.seconds);
    const numDecodeTokens = step.totalNumScheduledTokens - numPrefillTokens;
    this.lastStep = { timing, batch, numPrefillTokens, numDecodeTokens };
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.states.clear();
  }
}

function fail(message: string): never {
  throw new BenchError("bench.bad_step", `simulated executor: ${message}`);
}
