import { ExecutorError } from "../errors.js";
import type { ExecutorSizes } from "../model/sizes.js";
import type { FlatBatch } from "./flat-batch.js";

/** The host-side numbers of one step that size its dispatches. */
export interface StepShape {
  readonly numTokens: number;
  readonly numSeqs: number;
  /** Sequences without drafts that sample this step (the first logits rows). */
  readonly numSampled: number;
  /** Rows gathered for the LM head: the sampling rows, then every draft-verifying row. */
  readonly numLogitRows: number;
  readonly maxSeqLen: number;
  readonly maxQueryLen: number;
  /** Block-table columns uploaded this step. */
  readonly tableWidth: number;
}

function tooLarge(what: string, value: number, limit: number, option: string): ExecutorError {
  return new ExecutorError(
    "executor.batch_too_large",
    `the step has ${value} ${what}, over the executor's ${option} of ${limit}`,
    { details: { value, limit } },
  );
}

/**
 * The dispatch sizes of one flattened step, after checking it against the sizes the buffers
 * were made for: the GPU would clamp or drop out-of-range reads and writes silently, so bad
 * token ids, block ids and lengths are refused here, naming the value.
 */
export function planStep(batch: FlatBatch, sizes: ExecutorSizes, vocab: number): StepShape {
  const { numTokens, numSeqs } = batch;
  if (numTokens > sizes.maxNumBatchedTokens) {
    throw tooLarge("tokens", numTokens, sizes.maxNumBatchedTokens, "maxNumBatchedTokens");
  }
  if (numSeqs > sizes.maxNumSeqs) throw tooLarge("sequences", numSeqs, sizes.maxNumSeqs, "maxNumSeqs");
  for (const id of batch.tokenIds) {
    if (id < 0 || id >= vocab) {
      throw new ExecutorError("executor.bad_token", `token id ${id} is outside the vocabulary of ${vocab}`);
    }
  }
  let maxSeqLen = 0;
  let maxQueryLen = 0;
  for (let s = 0; s < numSeqs; s++) {
    maxSeqLen = Math.max(maxSeqLen, batch.seqLens[s] as number);
    maxQueryLen = Math.max(
      maxQueryLen,
      (batch.queryStartLoc[s + 1] as number) - (batch.queryStartLoc[s] as number),
    );
  }
  if (maxSeqLen > sizes.maxModelLen)
    throw tooLarge("tokens in one sequence", maxSeqLen, sizes.maxModelLen, "maxModelLen");
  const tableWidth = Math.ceil(maxSeqLen / sizes.blockSize);
  for (let s = 0; s < numSeqs; s++) {
    const used = Math.ceil((batch.seqLens[s] as number) / sizes.blockSize);
    for (let b = 0; b < used; b++) {
      const block = batch.blockTables[s * batch.maxBlocksPerSeq + b] as number;
      if (!Number.isInteger(block) || block < 0 || block >= sizes.numBlocks) {
        const id = batch.requests[s]?.requestId;
        throw new ExecutorError(
          "executor.bad_step",
          `request '${id}' uses block ${block}, outside the cache's ${sizes.numBlocks} blocks`,
        );
      }
    }
  }
  const numLogitRows = batch.logitRows.length;
  if (numLogitRows > sizes.maxLogitRows)
    throw tooLarge("logits rows", numLogitRows, sizes.maxLogitRows, "maxLogitRows");
  return {
    numTokens,
    numSeqs,
    numSampled: batch.sampleSeqs.length,
    numLogitRows,
    maxSeqLen,
    maxQueryLen,
    tableWidth,
  };
}
