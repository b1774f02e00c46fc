import type { Executor, ExecutorOutput, SchedulerOutput } from "../contract/index.js";

/** Options of a {@link FakeExecutor}. */
export interface FakeExecutorOptions {
  /** Must match the KV cache manager's pools. */
  numBlocks: number;
  blockSize: number;
  numHostBlocks?: number;
  /** Token sampled when a request stops (default 0). */
  eosTokenId?: number;
  /** Chance in 1,000 that a sampled token is EOS (default 0): decided by a hash, so reproducible. */
  stopPermille?: number;
  vocabSize?: number;
  /**
   * What the fake model's next token depends on: the request id and the `position` (default), or
   * the request id and every token before it (`history`: one wrong token kept changes the rest).
   */
  model?: "position" | "history";
}

interface FakeState {
  tokenIds: number[];
  blockIds: number[];
  numComputedTokens: number;
}

/** FNV-1a over the request id, a position and optionally the tokens before it: the fake model's "logits". */
function hash(requestId: string, position: number, history?: readonly number[]): number {
  let h = 2166136261;
  for (let i = 0; i < requestId.length; i++) h = Math.imul(h ^ requestId.charCodeAt(i), 16777619);
  h = Math.imul(h ^ position, 16777619);
  if (history !== undefined)
    for (let i = 0; i < position; i++) h = Math.imul(h ^ (history[i] as number), 16777619);
  return Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
}

/**
 * A test executor that applies the contract exactly as the CPU executor does (full new
 * requests, diffs for known ones, finished and preempted ids dropped, swaps and copies before
 * compute) and checks every step strictly: unknown or duplicate requests, a diff whose
 * `numComputedTokens` differs from its own count, tokens or slots beyond the table, and, by
 * keeping the token id written into every KV slot, any block whose contents are not the
 * request's own tokens (a bad prefix hit, a lost swap, a block shared by mistake). The token
 * sampled at a position depends only on the request id and the position (or, with `model:
 * "history"`, the tokens before it), so every schedule, policy and preemption mode must produce
 * the same outputs. Speculative drafts (`scheduledSpecTokens`) are written to their slots and
 * verified greedily: accepted while each equals the model's token, then the model's token.
 */
export class FakeExecutor implements Executor {
  readonly states = new Map<string, FakeState>();
  private readonly device: Int32Array;
  private readonly host: Int32Array;
  private readonly bs: number;
  numSteps = 0;

  constructor(private readonly options: FakeExecutorOptions) {
    this.bs = options.blockSize;
    this.device = new Int32Array(options.numBlocks * this.bs).fill(-1);
    this.host = new Int32Array(Math.max(1, options.numHostBlocks ?? 0) * this.bs).fill(-1);
  }

  /**
   * The token the fake model samples for `requestId` after `position` tokens (`history`: those
   * tokens, needed with `model: "history"`).
   */
  tokenAt(requestId: string, position: number, history?: readonly number[]): number {
    const { eosTokenId = 0, stopPermille = 0, vocabSize = 1000 } = this.options;
    if (this.options.model === "history" && (history === undefined || history.length < position))
      fail(`the history model needs the ${position} tokens before the position`);
    const h = hash(requestId, position, this.options.model === "history" ? history : undefined);
    if (h % 1000 < stopPermille) return eosTokenId;
    const t = 1 + ((h >>> 10) % (vocabSize - 1));
    return t === eosTokenId ? t + 1 : t;
  }

  /** The `k` tokens the fake model generates for `requestId` after `tokenIds`: perfect drafts. */
  continuation(requestId: string, tokenIds: readonly number[], k: number): number[] {
    const tokens = tokenIds.slice();
    for (let i = 0; i < k; i++) tokens.push(this.tokenAt(requestId, tokens.length, tokens));
    return tokens.slice(tokenIds.length);
  }

  /** The token ids last written into device block `blockId`'s slots (-1: never written). */
  blockTokens(blockId: number): Int32Array {
    return this.device.slice(blockId * this.bs, (blockId + 1) * this.bs);
  }

  async execute(step: SchedulerOutput): Promise<ExecutorOutput> {
    return this.executeSync(step);
  }

  /** {@link execute} without the promise, for tight test loops. */
  executeSync(step: SchedulerOutput): ExecutorOutput {
    this.numSteps++;
    for (const id of [...step.finishedReqIds, ...step.preemptedReqIds]) {
      if (!this.states.delete(id)) fail(`step ${step.step} drops '${id}', which the executor does not hold`);
    }
    const scheduled: Array<[string, FakeState]> = [];
    for (const r of step.scheduledNewReqs) {
      if (this.states.has(r.requestId)) fail(`'${r.requestId}' is sent in full but the executor holds it`);
      const state = {
        tokenIds: [...r.tokenIds],
        blockIds: [...r.blockIds],
        numComputedTokens: r.numComputedTokens,
      };
      this.states.set(r.requestId, state);
      scheduled.push([r.requestId, state]);
    }
    for (const r of step.scheduledCachedReqs) {
      const state = this.states.get(r.requestId);
      if (state === undefined) fail(`'${r.requestId}' is sent as a diff but the executor does not hold it`);
      if (state.numComputedTokens !== r.numComputedTokens) {
        fail(
          `'${r.requestId}': diff says ${r.numComputedTokens} computed, executor has ${state.numComputedTokens}`,
        );
      }
      if (r.blockIds !== undefined) {
        if (r.newBlockIds.length > 0)
          fail(`'${r.requestId}': a whole block table and new blocks in one diff`);
        state.blockIds = [...r.blockIds];
      }
      state.blockIds.push(...r.newBlockIds);
      scheduled.push([r.requestId, state]);
    }
    this.moveBlocks(step);
    let total = 0;
    const writers = new Map<number, string>();
    const draftsOf = new Map<string, readonly number[]>();
    for (const [id, s] of scheduled) {
      const n = step.numScheduledTokens[id] ?? 0;
      const end = s.numComputedTokens + n;
      total += n;
      const drafts = step.scheduledSpecTokens?.[id];
      if (
        drafts !== undefined &&
        (n !== 1 + drafts.length || s.numComputedTokens + 1 !== s.tokenIds.length)
      ) {
        fail(`'${id}': ${drafts.length} drafts need a decode of 1 + ${drafts.length} tokens, not ${n}`);
      }
      const seq = drafts === undefined ? s.tokenIds : [...s.tokenIds, ...drafts];
      if (drafts !== undefined) draftsOf.set(id, drafts);
      if (n < 1 || end > seq.length || Math.ceil(end / this.bs) > s.blockIds.length) {
        fail(
          `'${id}': ${n} tokens from ${s.numComputedTokens} of ${s.tokenIds.length} with ${s.blockIds.length} blocks`,
        );
      }
      for (let p = s.numComputedTokens; p < end; p++) {
        const block = s.blockIds[Math.floor(p / this.bs)] as number;
        const owner = writers.get(block);
        if (owner !== undefined && owner !== id) fail(`block ${block} is written by '${owner}' and '${id}'`);
        writers.set(block, id);
        this.device[block * this.bs + (p % this.bs)] = seq[p] as number;
      }
    }
    if (
      total !== step.totalNumScheduledTokens ||
      Object.keys(step.numScheduledTokens).length !== scheduled.length
    ) {
      fail(
        `step ${step.step}: totalNumScheduledTokens ${step.totalNumScheduledTokens}, requests schedule ${total}`,
      );
    }
    const out: ExecutorOutput = { sampledTokenIds: {}, logprobs: {} };
    for (const [id, s] of scheduled) {
      const end = s.numComputedTokens + (step.numScheduledTokens[id] ?? 0);
      const drafts = draftsOf.get(id) ?? [];
      this.checkCache(id, drafts.length === 0 ? s.tokenIds : [...s.tokenIds, ...drafts], s.blockIds, end);
      if (end < s.tokenIds.length + drafts.length) {
        s.numComputedTokens = end;
        continue;
      }
      out.sampledTokenIds[id] = this.verify(id, s, drafts);
    }
    return out;
  }

  /**
   * Greedy verification: the drafts equal to the model's tokens, then the model's next token,
   * appended to `s`; only the accepted drafts' K/V counts (a rejected draft's slot is written
   * again next step). Returns the sampled tokens.
   */
  private verify(id: string, s: FakeState, drafts: readonly number[]): number[] {
    const start = s.tokenIds.length;
    for (let j = 0; ; j++) {
      const token = this.tokenAt(id, s.tokenIds.length, s.tokenIds);
      s.tokenIds.push(token);
      if (j >= drafts.length || drafts[j] !== token) break;
    }
    s.numComputedTokens = s.tokenIds.length - 1;
    return s.tokenIds.slice(start);
  }

  async close(): Promise<void> {}

  /** Every position the request attends to must hold its own token (`seq`: drafts included). */
  private checkCache(id: string, seq: readonly number[], blockIds: readonly number[], end: number): void {
    for (let p = 0; p < end; p++) {
      const slot = (blockIds[Math.floor(p / this.bs)] as number) * this.bs + (p % this.bs);
      if (this.device[slot] !== seq[p]) {
        fail(`'${id}' position ${p}: the cache holds token ${this.device[slot]}, the request has ${seq[p]}`);
      }
    }
  }

  private moveBlocks(step: SchedulerOutput): void {
    const copy = (from: Int32Array, src: number, to: Int32Array, dst: number) => {
      to.set(from.subarray(src * this.bs, (src + 1) * this.bs), dst * this.bs);
    };
    for (const [device, host] of step.swapOut) copy(this.device, device, this.host, host);
    for (const [src, dst] of step.blockCopies) copy(this.device, src, this.device, dst);
    for (const [host, device] of step.swapIn) copy(this.host, host, this.device, device);
  }
}

function fail(message: string): never {
  throw new Error(`fake executor: ${message}`);
}
