import type { ExtraKeys } from "@pagoda/kv-paging";
import type { SamplingParams } from "./contract/index.js";

/** Where a request is in its life. `FINISHED_*` requests hold no blocks and never come back. */
export type RequestStatus =
  | "WAITING"
  | "RUNNING"
  | "SWAPPED"
  | "FINISHED_STOPPED"
  | "FINISHED_LENGTH"
  | "FINISHED_ABORTED";

/** Why a request finished: an EOS / stop token (or a stop string, via the engine), `maxTokens`, or abort. */
export type FinishReason = "stop" | "length" | "abort";

/** An extra sample of a request (parallel sampling, `n > 1`): its own id and parameters. */
export interface SampleFork {
  requestId: string;
  params: SamplingParams;
}

/** What {@link Scheduler.addRequest} takes: the prompt, the parameters and the policy's hints. */
export interface NewRequest {
  requestId: string;
  promptTokenIds: readonly number[];
  params: SamplingParams;
  /** Milliseconds on the scheduler's clock; defaults to now. */
  arrivalTime?: number;
  /** `priority` policy: lower is served first (vLLM's rule); default 0. */
  priority?: number;
  /** `fair` policy: who is billed for the tokens; default `"default"`. */
  tenant?: string;
  /** `slo` policy: time-to-first-token target in ms; `null` = the policy's default. */
  ttftTargetMs?: number | null;
  /** `slo` policy: time-per-output-token target in ms; `null` = the policy's default. */
  tpotTargetMs?: number | null;
  /** Prefix-cache namespace (model, adapter, salt): prompts only share blocks within one. */
  extraKeys?: ExtraKeys;
  /**
   * Extra samples of the same prompt. The request prefills all but its last prompt token, then
   * each fork becomes a request of its own sharing those blocks (copy-on-write); every sample
   * computes the last prompt token and samples from there. Each one holds a `maxNumSeqs` seat
   * from the request's admission on. Aborting the request before that point cancels them.
   */
  forks?: readonly SampleFork[];
}

/** A request as policies and the engine see it: read only. */
export interface RequestView {
  readonly requestId: string;
  readonly params: SamplingParams;
  readonly status: RequestStatus;
  /** The prompt, then every output token: what a recompute must rebuild. */
  readonly tokenIds: readonly number[];
  /** The output tokens: a fresh copy on every read (the scheduler keeps one array per request). */
  readonly outputTokenIds: readonly number[];
  readonly numPromptTokens: number;
  readonly numOutputTokens: number;
  /** Tokens whose K/V are in the cache (0 again after a recompute preemption). */
  readonly numComputedTokens: number;
  readonly arrivalTime: number;
  /** Order of `addRequest` calls: the tie-break after `arrivalTime`. */
  readonly seq: number;
  readonly priority: number;
  readonly tenant: string;
  readonly ttftTargetMs: number | null;
  readonly tpotTargetMs: number | null;
  /** The step that first scheduled it (kept across preemptions); `null` before. */
  readonly firstScheduledStep: number | null;
  readonly firstTokenTime: number | null;
  readonly lastTokenTime: number | null;
  readonly numPreemptions: number;
  /** Prompt tokens served by the prefix cache at first admission. */
  readonly numCachedPromptTokens: number;
  readonly finishReason: FinishReason | null;
  /** The EOS or stop token that finished the request (it is the last output token). */
  readonly stopTokenId: number | null;
}

/** The scheduler's mutable record of one request; policies get it as a {@link RequestView}. */
export class SchedulerRequest implements RequestView {
  readonly requestId: string;
  readonly params: SamplingParams;
  status: RequestStatus = "WAITING";
  readonly tokenIds: number[];
  readonly numPromptTokens: number;
  numComputedTokens = 0;
  readonly arrivalTime: number;
  readonly seq: number;
  readonly priority: number;
  readonly tenant: string;
  readonly ttftTargetMs: number | null;
  readonly tpotTargetMs: number | null;
  readonly extraKeys: ExtraKeys | undefined;
  firstScheduledStep: number | null = null;
  firstTokenTime: number | null = null;
  lastTokenTime: number | null = null;
  numPreemptions = 0;
  numCachedPromptTokens = 0;
  finishReason: FinishReason | null = null;
  stopTokenId: number | null = null;
  /** Position in the waiting or swapped heap; -1 when in neither. */
  queueIndex = -1;
  /** The executor holds its state: send diffs, not the whole request. */
  knownToExecutor = false;
  /** Step whose slots were allocated for it: it may not be preempted in that step. */
  allocatedStep = -1;
  /** Step that preempted it: it is not readmitted in that step. */
  preemptedStep = -1;
  /** Tokens the KV cache manager has been told of (see `SlotReserver`). */
  kvTokens = 0;
  /** Blocks it holds, on the device or swapped out. */
  numBlocks = 0;
  /** Blocks added in the step that last scheduled it, for the executor's diff. */
  newBlockIds: number[] = [];
  /** `allocateSlots` options for a running request, made once: its token ids feed the prefix cache. */
  readonly allocateOptions: { readonly tokenIds: number[] };
  /** `params.stopTokenIds` as a set, or `null` when empty. */
  readonly stopTokenSet: ReadonlySet<number> | null;
  /** Samples to fork off once this request has computed all but its last prompt token. */
  readonly pendingForks: SchedulerRequest[] = [];
  /** While this is a sample not yet forked: the request it will be forked from. */
  forkOf: SchedulerRequest | null = null;
  /**
   * Its last block may be shared since a fork: the next slot reservation must ask the KV cache
   * manager (which copies the block on write) instead of writing into it directly.
   */
  sharedTail = false;
  /** A copy-on-write replaced a block of its table: the executor needs the whole table again. */
  tableReplaced = false;

  constructor(input: NewRequest, arrivalTime: number, seq: number) {
    this.requestId = input.requestId;
    this.params = input.params;
    this.tokenIds = [...input.promptTokenIds];
    this.allocateOptions = { tokenIds: this.tokenIds };
    this.numPromptTokens = input.promptTokenIds.length;
    this.arrivalTime = arrivalTime;
    this.seq = seq;
    this.priority = input.priority ?? 0;
    this.tenant = input.tenant ?? "default";
    this.ttftTargetMs = input.ttftTargetMs ?? null;
    this.tpotTargetMs = input.tpotTargetMs ?? null;
    this.extraKeys = input.extraKeys;
    const stops = input.params.stopTokenIds;
    this.stopTokenSet = stops.length === 0 ? null : new Set(stops);
  }

  get outputTokenIds(): number[] {
    return this.tokenIds.slice(this.numPromptTokens);
  }

  get numOutputTokens(): number {
    return this.tokenIds.length - this.numPromptTokens;
  }

  /** Tokens known but not yet in the cache: 1 while decoding, more while (re)filling. */
  get numPendingTokens(): number {
    return this.tokenIds.length - this.numComputedTokens;
  }

  /** True while the next step computes a single token and samples. */
  get isDecoding(): boolean {
    return this.tokenIds.length - this.numComputedTokens === 1;
  }

  /** True once finished, stopped, or aborted. */
  get isFinished(): boolean {
    return this.finishReason !== null;
  }

  /** Prompt tokens computed before the samples are forked off: all but the last. */
  get forkPoint(): number {
    return this.numPromptTokens - 1;
  }

  /** `maxNumSeqs` seats it needs: its own and one per sample still to fork. */
  get numSeats(): number {
    return 1 + this.pendingForks.length;
  }
}
