/** Options of {@link syntheticTokenizer}. */
export interface SyntheticTokenizerOptions {
  /** Tokens in all, the 3 specials and 256 byte tokens included (at least 259 + the alphabet). */
  vocabSize: number;
}

/** A tokenizer's files: `tokenizer.json` and `tokenizer_config.json`, as objects. */
export interface SyntheticTokenizerFiles {
  tokenizer: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

const SPACE = "\u2581";
// Single characters that start the filler; every other piece is one of them grown by merges.
const ALPHABET = [SPACE, ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-:;()"];
const SPECIALS = ["<unk>", "<s>", "</s>"];

const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;

/**
 * A SentencePiece-style BPE tokenizer of exactly `vocabSize` tokens, for random models that need
 * a big vocabulary offline (a bench tool): `<unk>` `<s>` `</s>`, the 256 byte tokens
 * `<0x00>`…`<0xFF>`, an alphabet of single characters, then filler pieces, each made by a merge
 * of an earlier piece and one character (`▁t`, `▁th`, …), shortest first. Built like Llama 2's
 * `tokenizer.json` (▁ for spaces, byte fallback, BOS added), so `@huggingface/tokenizers` runs it and
 * the GGUF writer turns it into llama.cpp's `llama` tokenizer.
 *
 * @example
 * const { tokenizer, tokenizerConfig } = syntheticTokenizer({ vocabSize: 49_152 });
 */
export function syntheticTokenizer(options: SyntheticTokenizerOptions): SyntheticTokenizerFiles {
  const { vocabSize } = options;
  const min = SPECIALS.length + 256 + ALPHABET.length;
  if (!Number.isSafeInteger(vocabSize) || vocabSize < min) {
    throw new RangeError(`a synthetic tokenizer needs a vocabSize of at least ${min}; got ${vocabSize}`);
  }
  const vocab: Record<string, number> = {};
  let next = 0;
  for (const t of SPECIALS) vocab[t] = next++;
  for (let b = 0; b < 256; b++) vocab[hex(b)] = next++;
  const pieces = [...ALPHABET];
  for (const c of ALPHABET) vocab[c] = next++;
  const merges: string[] = [];
  for (let i = 0; next < vocabSize; i++) {
    const left = pieces[i] as string;
    for (const c of ALPHABET) {
      if (next >= vocabSize) break;
      const piece = left + c;
      if (Object.hasOwn(vocab, piece)) continue;
      vocab[piece] = next++;
      pieces.push(piece);
      merges.push(`${left} ${c}`);
    }
  }
  const special = (id: number) => ({
    id,
    content: SPECIALS[id],
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizer = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((_, id) => special(id)),
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: SPACE },
        { type: "Replace", pattern: { String: " " }, content: SPACE },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "<s>", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "<s>", type_id: 1 } },
        { Sequence: { id: "B", type_id: 1 } },
      ],
      special_tokens: { "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] } },
    },
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: SPACE }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<unk>",
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
  const tokenizerConfig = {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: "<s>",
    eos_token: "</s>",
    unk_token: "<unk>",
    pad_token: null,
    clean_up_tokenization_spaces: false,
    legacy: true,
    tokenizer_class: "LlamaTokenizer",
  };
  return { tokenizer, tokenizerConfig };
}

/**
 * Writes {@link syntheticTokenizer}'s `tokenizer.json` and `tokenizer_config.json` into `dir`
 * (Node only), e.g. beside the weights of `writeRandomModel`.
 */
export async function writeSyntheticTokenizer(
  dir: string,
  options: SyntheticTokenizerOptions,
): Promise<void> {
  const [{ writeFile }, { join }] = await Promise.all([import("node:fs/promises"), import("node:path")]);
  const { tokenizer, tokenizerConfig } = syntheticTokenizer(options);
  await writeFile(join(dir, "tokenizer.json"), JSON.stringify(tokenizer));
  await writeFile(join(dir, "tokenizer_config.json"), `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
}
