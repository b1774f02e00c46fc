import { GGUF_TOKEN_TYPE } from "../tools/gguf/gguf-types.js";
import type { GgufMetadata } from "./gguf-metadata.js";
import { GGUF_PRE_TOKENIZERS, preTokenizerSpec } from "./gguf-pretokenizers.js";
import { spmMerges } from "./gguf-spm-merges.js";

/** A tokenizer.json and tokenizer_config.json object rebuilt from a GGUF file's `tokenizer.*` keys. */
export interface GgufTokenizerJson {
  readonly tokenizer: Record<string, unknown>;
  readonly config: Record<string, unknown>;
}

const T = GGUF_TOKEN_TYPE;

/**
 * Rebuilds the Hugging Face tokenizer of a GGUF file: `llama` (SentencePiece-style BPE with
 * `<0xNN>` byte fallback; merges from the scores, see {@link spmMerges}) or `gpt2` (byte-level
 * BPE with the merges stored, split as `tokenizer.ggml.pre` says). Control and user-defined
 * tokens become added tokens (control ones special); unused ones are left out. BOS / EOS are
 * added as `add_bos_token` / `add_eos_token` say (llama.cpp's defaults: BOS for `llama` only).
 */
export function ggufTokenizerJson(m: GgufMetadata): GgufTokenizerJson {
  const kind = m.string("tokenizer.ggml.model", true);
  if (kind !== "llama" && kind !== "gpt2") {
    m.fail(
      "unsupported_tokenizer",
      `tokenizer.ggml.model ${JSON.stringify(kind)} is not supported (llama, gpt2)`,
      {
        key: "tokenizer.ggml.model",
      },
    );
  }
  const tokens = m.strings("tokenizer.ggml.tokens", true);
  const types = m.numbers("tokenizer.ggml.token_type");
  if (types !== null && types.length !== tokens.length) {
    m.fail("bad_value", `tokenizer.ggml.token_type has ${types.length} entries for ${tokens.length} tokens`, {
      key: "tokenizer.ggml.token_type",
    });
  }
  const typeOf = (id: number) => (types?.[id] ?? T.normal) as number;
  const special = (key: string): number | null => {
    if (!m.has(key)) return null;
    const id = m.uint(key);
    if (id >= tokens.length)
      m.fail("bad_value", `${key} ${id} is not a token id (${tokens.length} tokens)`, { key });
    return id;
  };
  const bos = special("tokenizer.ggml.bos_token_id");
  const eos = special("tokenizer.ggml.eos_token_id");
  const unk = special("tokenizer.ggml.unknown_token_id");
  const pad = special("tokenizer.ggml.padding_token_id");
  const addBos = m.bool("tokenizer.ggml.add_bos_token", kind === "llama") && bos !== null;
  const addEos = m.bool("tokenizer.ggml.add_eos_token", false) && eos !== null;

  const vocab: Record<string, number> = {};
  const added: Record<string, unknown>[] = [];
  tokens.forEach((text, id) => {
    const type = typeOf(id);
    if (type === T.unused || Object.hasOwn(vocab, text)) return;
    vocab[text] = id;
    if (type === T.control || type === T.userDefined || type === T.unknown) {
      const isSpecial = type !== T.userDefined;
      added.push({
        id,
        content: text,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: isSpecial,
      });
    }
  });
  const text = (id: number | null) => (id === null ? null : (tokens[id] as string));
  const config: Record<string, unknown> = {
    bos_token: text(bos),
    eos_token: text(eos),
    unk_token: text(unk),
    pad_token: text(pad),
    add_bos_token: addBos,
    add_eos_token: addEos,
    clean_up_tokenization_spaces: false,
  };
  const post = postProcessor(addBos ? text(bos) : null, addEos ? text(eos) : null, bos, eos);
  const base = { version: "1.0", truncation: null, padding: null, added_tokens: added };
  if (kind === "llama") {
    const scores = m.numbers("tokenizer.ggml.scores") ?? new Float32Array(tokens.length);
    const prefix = m.bool("tokenizer.ggml.add_space_prefix", true);
    const merges = spmMerges(tokens, scores, (id) => typeOf(id) === T.normal);
    const tokenizer = {
      ...base,
      normalizer: {
        type: "Sequence",
        normalizers: [
          ...(prefix ? [{ type: "Prepend", prepend: "▁" }] : []),
          { type: "Replace", pattern: { String: " " }, content: "▁" },
        ],
      },
      pre_tokenizer: null,
      post_processor: post,
      decoder: {
        type: "Sequence",
        decoders: [
          { type: "Replace", pattern: { String: "▁" }, content: " " },
          { type: "ByteFallback" },
          { type: "Fuse" },
          ...(prefix ? [{ type: "Strip", content: " ", start: 1, stop: 0 }] : []),
        ],
      },
      model: bpeModel(vocab, merges, { unk: text(unk), byteFallback: true, ignoreMerges: false }),
    };
    return { tokenizer, config };
  }
  const preName = m.string("tokenizer.ggml.pre");
  const pre = preTokenizerSpec(preName);
  if (pre === undefined) {
    m.fail(
      "unsupported_tokenizer",
      `tokenizer.ggml.pre ${JSON.stringify(preName)} is not supported (${GGUF_PRE_TOKENIZERS.join(", ")})`,
      { key: "tokenizer.ggml.pre" },
    );
  }
  const merges = (m.strings("tokenizer.ggml.merges") ?? []).map((s): [string, string] => {
    const at = s.indexOf(" ", 1);
    return at < 0 ? [s, ""] : [s.slice(0, at), s.slice(at + 1)];
  });
  const tokenizer = {
    ...base,
    normalizer: pre.normalizer,
    pre_tokenizer: pre.preTokenizer,
    post_processor: post ?? {
      type: "ByteLevel",
      add_prefix_space: false,
      trim_offsets: false,
      use_regex: false,
    },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: bpeModel(vocab, merges, { unk: null, byteFallback: false, ignoreMerges: pre.ignoreMerges }),
  };
  return { tokenizer, config };
}

function bpeModel(
  vocab: Record<string, number>,
  merges: [string, string][],
  o: { unk: string | null; byteFallback: boolean; ignoreMerges: boolean },
): Record<string, unknown> {
  return {
    type: "BPE",
    dropout: null,
    unk_token: o.unk,
    continuing_subword_prefix: o.byteFallback ? null : "",
    end_of_word_suffix: o.byteFallback ? null : "",
    fuse_unk: o.byteFallback,
    byte_fallback: o.byteFallback,
    ignore_merges: o.ignoreMerges,
    vocab,
    merges,
  };
}

// BOS in front and / or EOS after a sequence, as llama.cpp adds them.
function postProcessor(
  bos: string | null,
  eos: string | null,
  bosId: number | null,
  eosId: number | null,
): unknown {
  if (bos === null && eos === null) return null;
  const specials: Record<string, unknown> = {};
  const piece = (token: string | null, id: number | null, typeId: number) => {
    if (token === null || id === null) return [];
    specials[token] = { id: token, ids: [id], tokens: [token] };
    return [{ SpecialToken: { id: token, type_id: typeId } }];
  };
  const seq = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    type: "TemplateProcessing",
    single: [...piece(bos, bosId, 0), seq("A", 0), ...piece(eos, eosId, 0)],
    pair: [
      ...piece(bos, bosId, 0),
      seq("A", 0),
      ...piece(eos, eosId, 0),
      ...piece(bos, bosId, 1),
      seq("B", 1),
      ...piece(eos, eosId, 1),
    ],
    special_tokens: specials,
  };
}
