import { GGUF_TOKEN_TYPE } from "./gguf-types.js";
import { mergePairs, type TokenEntry, type TokenizerJson } from "./token-table.js";
import { type GgufVocab, padToken } from "./vocab-spm.js";

/** A byte-level BPE vocabulary for llama.cpp's `gpt2` tokenizer: tokens, types and merges. */
export interface GgufBpeVocab extends GgufVocab {
  /** `"a b"` per merge, in rank order. */
  readonly merges: string[];
  /** `tokenizer.ggml.pre`: which pre-tokenizer regex llama.cpp applies. */
  readonly pre: string;
}

// A space inside a merge part cannot survive the "a b" form; llama.cpp's converter writes it
// as the byte-level stand-in for a space (U+0120), and so do we.
const part = (s: string) => s.replaceAll(" ", "\u0120");

/** Byte-level BPE tokens (GPT-2 style, as in Qwen2/Qwen3 and Llama 3) for the `gpt2` tokenizer. */
export function bpeVocab(tok: TokenizerJson, table: readonly (TokenEntry | undefined)[]): GgufBpeVocab {
  const n = table.length;
  const tokens = new Array<string>(n);
  const types = new Int32Array(n);
  for (let id = 0; id < n; id++) {
    const e = table[id];
    tokens[id] = e?.text ?? padToken(id);
    types[id] =
      e === undefined
        ? GGUF_TOKEN_TYPE.unused
        : e.added
          ? e.special
            ? GGUF_TOKEN_TYPE.control
            : GGUF_TOKEN_TYPE.userDefined
          : GGUF_TOKEN_TYPE.normal;
  }
  const merges = mergePairs(tok).map(([a, b]) => `${part(a)} ${part(b)}`);
  return { tokens, types, merges, pre: preTokenizerName(tok.preTokenizer) };
}

/**
 * Best-effort name of the pre-tokenizer, from the regex in `tokenizer.json`: llama.cpp picks
 * its split regex by this name. Digits in runs of 1–3 are Llama 3's; single digits after
 * letters Qwen2's; ByteLevel with its own regex is GPT-2's; individual digits then ByteLevel is
 * SmolLM's; anything else gets llama.cpp's default.
 */
export function preTokenizerName(pre: unknown): string {
  const text = JSON.stringify(pre ?? null);
  if (text.includes("\\\\p{N}{1,3}")) return "llama-bpe";
  if (text.includes("\\\\p{L}+|\\\\p{N}|")) return "qwen2";
  type Step = { type?: string; use_regex?: boolean; individual_digits?: boolean } | null;
  const seq = pre as { type?: string; pretokenizers?: Step[] } | null;
  const steps: Step[] = seq?.type === "Sequence" ? (seq.pretokenizers ?? []) : [pre as Step];
  const byteLevel = steps.find((s) => s?.type === "ByteLevel");
  if (steps.length === 1 && byteLevel && byteLevel.use_regex !== false) return "gpt2";
  if (byteLevel && steps.some((s) => s?.type === "Digits" && s.individual_digits === true)) return "smollm";
  return "default";
}
