import { computeSlotMapping, packBlockTables } from "@pagoda/kv-paging";
import type { SchedulerOutput } from "@pagoda/scheduler";
import { ExecutorError } from "../errors.js";
import type { RequestState } from "./request-states.js";

/**
 * One step flattened for a forward pass: every scheduled token of every request in one row
 * space, with the metadata the kernels read (layouts as in @pagoda/kernels-wgsl).
 */
export interface FlatBatch {
  numTokens: number;
  numSeqs: number;
  /** [numTokens] */
  tokenIds: Int32Array;
  /** [numTokens] */
  positions: Int32Array;
  /** [numTokens] slot = blockId * blockSize + offset */
  slotMapping: Int32Array;
  /** [numSeqs + 1] prefix sums of tokens per sequence */
  queryStartLoc: Int32Array;
  /** [numSeqs] tokens in the cache after this step */
  seqLens: Int32Array;
  /** [numSeqs * maxBlocksPerSeq], padded with the null block 0 */
  blockTables: Int32Array;
  maxBlocksPerSeq: number;
  /** Sequences without drafts that sample a token this step (their scheduled tokens reach the end). */
  sampleSeqs: number[];
  /** [sampleSeqs.length] batch row of each sampling sequence's last token */
  sampleRows: Int32Array;
  /** Sequences with draft tokens to verify (speculative decoding), in batch order. */
  specSeqs: number[];
  /** [specSeqs.length] each one's drafts: its last 1 + k batch rows are its last known token and them. */
  specTokens: number[][];
  /**
   * Batch rows that reach the LM head, in logits-row order: `sampleRows`, then the 1 + k rows of
   * each spec sequence in turn (logits row `sampleRows.length + specRowStart[i] + j`).
   */
  logitRows: Int32Array;
  /** [specSeqs.length + 1] prefix sums of the spec sequences' logits rows */
  specRowStart: Int32Array;
  requests: RequestState[];
}

/** What a step's drafts are checked against: the executor's draft capacity and vocabulary. */
export interface DraftLimits {
  /** The executor's `numSpeculativeTokens`. */
  readonly numSpeculativeTokens: number;
  readonly vocab: number;
}

/**
 * Flattens the scheduled requests of `step` (in the order `RequestStates.apply` returned). A
 * request's drafts (`step.scheduledSpecTokens`) follow its known tokens in the batch; they are
 * refused beyond `limits` (default: an executor made for none).
 */
export function flattenBatch(
  step: SchedulerOutput,
  requests: RequestState[],
  blockSize: number,
  limits: DraftLimits = { numSpeculativeTokens: 0, vocab: Number.POSITIVE_INFINITY },
): FlatBatch {
  const numSeqs = requests.length;
  const numTokens = step.totalNumScheduledTokens;
  const tokenIds = new Int32Array(numTokens);
  const positions = new Int32Array(numTokens);
  const slotMapping = new Int32Array(numTokens);
  const queryStartLoc = new Int32Array(numSeqs + 1);
  const seqLens = new Int32Array(numSeqs);
  let maxBlocksPerSeq = 1;
  for (const r of requests) maxBlocksPerSeq = Math.max(maxBlocksPerSeq, r.blockIds.length);
  const blockTables = packBlockTables(
    requests.map((r) => r.blockIds),
    maxBlocksPerSeq,
  );
  const sampleSeqs: number[] = [];
  const rows: number[] = [];
  const specSeqs: number[] = [];
  const specTokens: number[][] = [];
  const specRows: number[] = [];
  const specRowStart = [0];

  const scheduled = requests.reduce((sum, r) => sum + (step.numScheduledTokens[r.requestId] ?? 0), 0);
  if (scheduled !== numTokens) {
    throw new ExecutorError(
      "executor.bad_step",
      `totalNumScheduledTokens is ${numTokens} but the requests schedule ${scheduled}`,
    );
  }

  let row = 0;
  for (let s = 0; s < numSeqs; s++) {
    const r = requests[s] as RequestState;
    const n = step.numScheduledTokens[r.requestId] ?? 0;
    const drafts = checkDrafts(r, step.scheduledSpecTokens?.[r.requestId] ?? [], limits);
    const known = r.tokenIds.length;
    const start = r.numComputedTokens;
    const end = start + n;
    if (n <= 0 || end > known + drafts.length || Math.ceil(end / blockSize) > r.blockIds.length) {
      throw new ExecutorError(
        "executor.bad_step",
        `request '${r.requestId}': ${n} tokens scheduled from ${start}, but it has ${known} tokens, ${drafts.length} drafts and ${r.blockIds.length} blocks of ${blockSize}`,
      );
    }
    if (drafts.length > 0 && (end !== known + drafts.length || start >= known)) {
      throw new ExecutorError(
        "executor.bad_step",
        `request '${r.requestId}' brings ${drafts.length} drafts, but its ${n} tokens scheduled from ${start} do not end at its last known token (${known}) followed by them`,
      );
    }
    queryStartLoc[s] = row;
    computeSlotMapping(r.blockIds, blockSize, start, end, slotMapping, row);
    for (let p = start; p < end; p++, row++) {
      tokenIds[row] = (p < known ? r.tokenIds[p] : drafts[p - known]) as number;
      positions[row] = p;
    }
    seqLens[s] = end;
    if (drafts.length > 0) {
      specSeqs.push(s);
      specTokens.push(drafts);
      for (let q = row - drafts.length - 1; q < row; q++) specRows.push(q);
      specRowStart.push(specRows.length);
    } else if (end === known) {
      sampleSeqs.push(s);
      rows.push(row - 1);
    }
  }
  queryStartLoc[numSeqs] = row;
  return {
    numTokens,
    numSeqs,
    tokenIds,
    positions,
    slotMapping,
    queryStartLoc,
    seqLens,
    blockTables,
    maxBlocksPerSeq,
    sampleSeqs,
    sampleRows: Int32Array.from(rows),
    specSeqs,
    specTokens,
    logitRows: Int32Array.from([...rows, ...specRows]),
    specRowStart: Int32Array.from(specRowStart),
    requests,
  };
}

// A request's drafts, refused when the executor was not made for that many, when an id is not a
// token, or when a grammar mask constrains the request (masks exist for its next token only).
function checkDrafts(r: RequestState, drafts: readonly number[], limits: DraftLimits): number[] {
  if (drafts.length === 0) return [];
  if (drafts.length > limits.numSpeculativeTokens) {
    throw new ExecutorError(
      "executor.too_many_drafts",
      `request '${r.requestId}' brings ${drafts.length} draft tokens, over the executor's numSpeculativeTokens of ${limits.numSpeculativeTokens}`,
      { details: { value: drafts.length, limit: limits.numSpeculativeTokens } },
    );
  }
  for (const id of drafts) {
    if (!Number.isInteger(id) || id < 0 || id >= limits.vocab) {
      throw new ExecutorError(
        "executor.bad_token",
        `request '${r.requestId}': draft token id ${id} is outside the vocabulary of ${limits.vocab}`,
        { details: { requestId: r.requestId, tokenId: id, vocab: limits.vocab } },
      );
    }
  }
  if (r.tokenMask) {
    throw new ExecutorError(
      "executor.bad_step",
      `request '${r.requestId}' has a token mask and drafts: a grammar-constrained request cannot be verified`,
    );
  }
  return [...drafts];
}
