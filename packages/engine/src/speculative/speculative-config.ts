import type { ModelFiles } from "@pagoda/model-loaders";
import { EngineError } from "../errors.js";
import { describeValue } from "../sampling/describe-value.js";

/** Speculative decoding by prompt lookup: drafts are the tokens that followed the last n tokens before. */
export interface NgramSpeculativeConfig {
  method: "ngram";
  /** Drafts per request per step (k), 1 to {@link MAX_SPECULATIVE_TOKENS}. */
  numSpeculativeTokens: number;
  /** Shortest n-gram looked up; default 2. */
  ngramMin?: number;
  /** Longest n-gram looked up (tried first); default 4. */
  ngramMax?: number;
}

/** Speculative decoding with a draft model sharing the target's vocabulary (and tokenizer). */
export interface DraftSpeculativeConfig {
  method: "draft";
  /** The draft model: a folder, a Hugging Face id, or its files (as `createEngine`'s `model`). */
  model: string | ModelFiles;
  /** Drafts per request per step (k), 1 to {@link MAX_SPECULATIVE_TOKENS}. */
  numSpeculativeTokens: number;
}

/** `createEngine`'s `speculative` option; absent = off (the default). */
export type SpeculativeConfig = NgramSpeculativeConfig | DraftSpeculativeConfig;

/** A validated {@link SpeculativeConfig}, defaults filled in. */
export type ResolvedSpeculativeConfig = Required<NgramSpeculativeConfig> | DraftSpeculativeConfig;

/** The most drafts per request per step. */
export const MAX_SPECULATIVE_TOKENS = 16;

/** The n-gram lengths' limit: longer ones almost never recur and cost hashing per token. */
export const MAX_NGRAM = 64;

/** Checks a `speculative` option and fills in defaults; throws `engine.bad_speculative` naming the field. */
export function resolveSpeculativeConfig(value: unknown): ResolvedSpeculativeConfig {
  if (typeof value !== "object" || value === null) bad("speculative", value, "an object");
  const v = value as Record<string, unknown>;
  const k = v.numSpeculativeTokens;
  if (!isIntIn(k, 1, MAX_SPECULATIVE_TOKENS)) {
    bad("speculative.numSpeculativeTokens", k, `an integer from 1 to ${MAX_SPECULATIVE_TOKENS}`);
  }
  if (v.method === "ngram") {
    const ngramMin = v.ngramMin ?? 2;
    const ngramMax = v.ngramMax ?? Math.max(4, ngramMin as number);
    if (!isIntIn(ngramMin, 1, MAX_NGRAM))
      bad("speculative.ngramMin", ngramMin, `an integer from 1 to ${MAX_NGRAM}`);
    if (!isIntIn(ngramMax, ngramMin, MAX_NGRAM)) {
      bad("speculative.ngramMax", ngramMax, `an integer from ngramMin (${ngramMin}) to ${MAX_NGRAM}`);
    }
    if (v.model !== undefined) bad("speculative.model", v.model, "absent with method ngram");
    return { method: "ngram", numSpeculativeTokens: k, ngramMin, ngramMax };
  }
  if (v.method === "draft") {
    const model = v.model;
    if (!(typeof model === "string" ? model.length > 0 : typeof model === "object" && model !== null)) {
      bad("speculative.model", model, "a model folder, a Hugging Face id or model files");
    }
    for (const f of ["ngramMin", "ngramMax"]) {
      if (v[f] !== undefined) bad(`speculative.${f}`, v[f], "absent with method draft");
    }
    return { method: "draft", model: model as string | ModelFiles, numSpeculativeTokens: k };
  }
  return bad("speculative.method", v.method, "ngram or draft");
}

/** A draft model must score the target's token ids: throws `engine.draft_vocab_mismatch` naming both sizes. */
export function checkDraftVocabulary(targetVocabSize: number, draftVocabSize: number): void {
  if (targetVocabSize !== draftVocabSize) {
    throw new EngineError(
      "engine.draft_vocab_mismatch",
      `the draft model's vocabulary has ${draftVocabSize} tokens but the target's has ${targetVocabSize}: speculative decoding needs the same tokenizer`,
      { details: { targetVocabSize, draftVocabSize } },
    );
  }
}

/** One line for logs and the server's start-up message, e.g. `ngram k=4 n=2..4`. */
export function describeSpeculative(c: ResolvedSpeculativeConfig, draftName?: string): string {
  if (c.method === "ngram") return `ngram k=${c.numSpeculativeTokens} n=${c.ngramMin}..${c.ngramMax}`;
  const name = draftName ?? (typeof c.model === "string" ? c.model : "model files");
  return `draft model ${name} k=${c.numSpeculativeTokens}`;
}

function isIntIn(x: unknown, lo: number, hi: number): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= lo && x <= hi;
}

function bad(field: string, got: unknown, want: string): never {
  throw new EngineError("engine.bad_speculative", `${field} must be ${want}; got ${describeValue(got)}`, {
    details: { field },
  });
}
