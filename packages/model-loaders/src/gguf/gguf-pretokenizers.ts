// tokenizer.ggml.pre names llama.cpp's pre-tokenizer (the regex splitting before byte-level BPE).
// Each maps to the tokenizer.json pieces that split text the same way.

const GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
const LLAMA3_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
// llama.cpp's fallback for names it does not know: these regexes one after the other.
const DEFAULT_REGEXES = ["[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2_REGEX, "\\p{N}+", "[0-9][0-9][0-9]"];

const split = (regex: string) => ({
  type: "Split",
  pattern: { Regex: regex },
  behavior: "Isolated",
  invert: false,
});
const byteLevel = (useRegex: boolean) => ({
  type: "ByteLevel",
  add_prefix_space: false,
  trim_offsets: useRegex,
  use_regex: useRegex,
});

/** The tokenizer.json parts a `tokenizer.ggml.pre` value stands for. */
export interface PreTokenizerSpec {
  readonly normalizer: unknown;
  readonly preTokenizer: unknown;
  /** Words already in the vocabulary skip the merges (Llama 3). */
  readonly ignoreMerges: boolean;
}

const seq = (...steps: unknown[]) => ({ type: "Sequence", pretokenizers: steps });

const SPECS: Readonly<Record<string, PreTokenizerSpec>> = {
  "llama-bpe": {
    normalizer: null,
    preTokenizer: seq(split(LLAMA3_REGEX), byteLevel(false)),
    ignoreMerges: true,
  },
  // Qwen's tokenizer.json NFC-normalizes before splitting.
  qwen2: {
    normalizer: { type: "NFC" },
    preTokenizer: seq(split(QWEN2_REGEX), byteLevel(false)),
    ignoreMerges: false,
  },
  gpt2: { normalizer: null, preTokenizer: byteLevel(true), ignoreMerges: false },
  smollm: {
    normalizer: null,
    preTokenizer: seq({ type: "Digits", individual_digits: true }, byteLevel(true)),
    ignoreMerges: false,
  },
  default: {
    normalizer: null,
    preTokenizer: seq(...DEFAULT_REGEXES.map(split), byteLevel(false)),
    ignoreMerges: false,
  },
};

/** llama.cpp's other spelling of GPT-2's name. */
const ALIASES: Readonly<Record<string, string>> = { "gpt-2": "gpt2" };

/** The names {@link preTokenizerSpec} knows. */
export const GGUF_PRE_TOKENIZERS: readonly string[] = Object.keys(SPECS);

/** The spec of `name` (absent → `default`, as in llama.cpp), or undefined when unknown. */
export function preTokenizerSpec(name: string | null): PreTokenizerSpec | undefined {
  const key = name === null ? "default" : (ALIASES[name] ?? name);
  return Object.hasOwn(SPECS, key) ? SPECS[key] : undefined;
}
