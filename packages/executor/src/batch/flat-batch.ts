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
  /** Sequences that sample a token this step (their scheduled tokens reach the end). */
  sampleSeqs: number[];
  /** [sampleSeqs.length] batch row of each sampling sequence's last token */
  sampleRows: Int32Array;
  requests: RequestState[];
}

/** Flattens the scheduled requests of `step` (in the order `RequestStates.apply` returned). */
export function flattenBatch(step: SchedulerOutput, requests: RequestState[], blockSize: number): FlatBatch {
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
    const start = r.numComputedTokens;
    const end = start + n;
    if (n <= 0 || end > r.tokenIds.length || Math.ceil(end / blockSize) > r.blockIds.length) {
      throw new ExecutorError(
        "executor.bad_step",
        `request '${r.requestId}': ${n} tokens scheduled from ${start}, but it has ${r.tokenIds.length} tokens and ${r.blockIds.length} blocks of ${blockSize}`,
      );
    }
    queryStartLoc[s] = row;
    computeSlotMapping(r.blockIds, blockSize, start, end, slotMapping, row);
    for (let p = start; p < end; p++, row++) {
      tokenIds[row] = r.tokenIds[p] as number;
      positions[row] = p;
    }
    seqLens[s] = end;
    if (end === r.tokenIds.length) {
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
    requests,
  };
}
