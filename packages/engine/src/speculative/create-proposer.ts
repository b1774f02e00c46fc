import { type LoadedModel, loadModel } from "@pagoda/model-loaders";
import type { Executor } from "@pagoda/scheduler";
import { DraftModelProposer } from "./draft-model-proposer.js";
import { NgramProposer } from "./ngram-proposer.js";
import type { Proposer } from "./proposer.js";
import { checkDraftVocabulary, type ResolvedSpeculativeConfig } from "./speculative-config.js";

/** The target engine's sizes a proposer is made to match. */
export interface ProposerTarget {
  vocabSize: number;
  numBlocks: number;
  blockSize: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
}

/** An executor over the draft model, on the target's backend, with `numBlocks` KV blocks. */
export type DraftExecutorBuilder = (
  model: LoadedModel,
  numBlocks: number,
) => Promise<{ executor: Executor; numBlocks: number; maxModelLen: number }>;

/**
 * Makes the proposer of a resolved `speculative` option. A draft model is loaded, checked to
 * share the target's vocabulary (before its weights reach a device), given an executor by
 * `buildDraft` with as many KV tokens as the target plus room for every sequence's drafts, and
 * its files are closed.
 */
export async function createProposer(
  spec: ResolvedSpeculativeConfig,
  target: ProposerTarget,
  buildDraft: DraftExecutorBuilder,
): Promise<Proposer> {
  if (spec.method === "ngram") return new NgramProposer(spec);
  const model = await loadModel(spec.model);
  try {
    checkDraftVocabulary(target.vocabSize, model.config.vocabSize);
    const extra = target.maxNumSeqs * Math.ceil(spec.numSpeculativeTokens / target.blockSize);
    const built = await buildDraft(model, target.numBlocks + extra);
    try {
      return new DraftModelProposer({
        executor: built.executor,
        numBlocks: built.numBlocks,
        blockSize: target.blockSize,
        maxNumBatchedTokens: target.maxNumBatchedTokens,
        maxNumSeqs: target.maxNumSeqs,
        maxModelLen: built.maxModelLen,
      });
    } catch (err) {
      // The proposer would have owned the executor: refused, it must not keep the draft's memory.
      await built.executor.close();
      throw err;
    }
  } finally {
    await model.close();
  }
}
