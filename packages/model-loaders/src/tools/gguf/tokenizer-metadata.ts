import type { ModelConfig } from "../../config/model-config.js";
import { TokenizerError } from "../../errors.js";
import { type GgufMetadata, type GgufValue, gguf } from "./gguf-types.js";
import { type TokenEntry, type TokenizerJson, tokenTable } from "./token-table.js";
import { bpeVocab } from "./vocab-bpe.js";
import { spmVocab } from "./vocab-spm.js";

/** What the tokenizer keys are built from: the folder's tokenizer files, parsed. */
export interface TokenizerSource {
  readonly tokenizer: TokenizerJson;
  /** `tokenizer_config.json` (`{}` when absent). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The chat template (from `chat_template.jinja` or the config), or null. */
  readonly chatTemplate: string | readonly { name: string; template: string }[] | null;
  /** `tokenizer.json`'s path, for messages. */
  readonly file: string;
}

/** `llama` for SentencePiece-style BPE with byte fallback, `gpt2` for byte-level BPE. */
export function tokenizerKind(tok: TokenizerJson, file: string): "llama" | "gpt2" {
  const type = tok.model.type;
  const decoder = JSON.stringify(tok.decoder);
  if (type === "BPE" && tok.model.byte_fallback === true) return "llama";
  if (type === "BPE" && decoder.includes('"ByteLevel"')) return "gpt2";
  throw new TokenizerError(
    "tokenizer.unsupported",
    `${file}: a ${String(type)} tokenizer${type === "BPE" ? " without byte fallback or a ByteLevel decoder" : ""} ` +
      "cannot be written to GGUF (supported: BPE with byte_fallback, as Llama 2 / Mistral; byte-level BPE, as Qwen2 / Llama 3)",
    { details: { file, type } },
  );
}

// `bos_token` etc. in tokenizer_config.json: a string or an AddedToken-like object.
function tokenText(v: unknown): string | null {
  if (typeof v === "string") return v;
  const content = (v as { content?: unknown } | null)?.content;
  return typeof content === "string" ? content : null;
}

// Does the post-processor put `bos` in front of a single sequence?
function templateAddsFirst(postProcessor: unknown, token: string | null): boolean {
  const p = postProcessor as { type?: string; single?: unknown[]; processors?: unknown[] } | null;
  if (p?.type === "Sequence") return (p.processors ?? []).some((q) => templateAddsFirst(q, token));
  if (p?.type !== "TemplateProcessing" || token === null) return false;
  return (p.single?.[0] as { SpecialToken?: { id?: string } } | undefined)?.SpecialToken?.id === token;
}

/**
 * The `tokenizer.*` keys for llama.cpp: model kind, tokens, scores (llama) or merges (gpt2),
 * token types, special ids, `add_bos_token` and the chat template. The vocabulary is padded with
 * unused `[PAD<id>]` tokens up to the config's `vocab_size`, because llama.cpp sizes the
 * embedding by the token count.
 */
export function tokenizerMetadata(source: TokenizerSource, model: ModelConfig): GgufMetadata {
  const { tokenizer: tok, config, file } = source;
  const kind = tokenizerKind(tok, file);
  const table = tokenTable(tok, model.vocabSize, file);
  const out: [string, GgufValue][] = [["tokenizer.ggml.model", gguf.string(kind)]];
  if (kind === "llama") {
    const v = spmVocab(tok, table);
    out.push(["tokenizer.ggml.tokens", gguf.strings(v.tokens)]);
    out.push(["tokenizer.ggml.scores", gguf.f32s(v.scores ?? new Float32Array(v.tokens.length))]);
    out.push(["tokenizer.ggml.token_type", gguf.i32s(v.types)]);
  } else {
    const v = bpeVocab(tok, table);
    out.push(["tokenizer.ggml.pre", gguf.string(v.pre)]);
    out.push(["tokenizer.ggml.tokens", gguf.strings(v.tokens)]);
    out.push(["tokenizer.ggml.token_type", gguf.i32s(v.types)]);
    out.push(["tokenizer.ggml.merges", gguf.strings(v.merges)]);
  }
  const idOf = idLookup(table);
  const bosText = tokenText(config.bos_token);
  const bos = idOf(bosText) ?? model.bosTokenId;
  const eos = idOf(tokenText(config.eos_token)) ?? model.eosTokenIds[0] ?? null;
  const unk = idOf(tokenText(config.unk_token) ?? (tok.model.unk_token as string | undefined) ?? null);
  const pad = idOf(tokenText(config.pad_token));
  if (bos !== null) out.push(["tokenizer.ggml.bos_token_id", gguf.u32(bos)]);
  if (eos !== null) out.push(["tokenizer.ggml.eos_token_id", gguf.u32(eos)]);
  if (unk !== null) out.push(["tokenizer.ggml.unknown_token_id", gguf.u32(unk)]);
  if (pad !== null) out.push(["tokenizer.ggml.padding_token_id", gguf.u32(pad)]);
  const addBos =
    typeof config.add_bos_token === "boolean"
      ? config.add_bos_token
      : templateAddsFirst(tok.postProcessor, bosText ?? table[bos ?? -1]?.text ?? null);
  out.push(["tokenizer.ggml.add_bos_token", gguf.bool(addBos)]);
  out.push(["tokenizer.ggml.add_eos_token", gguf.bool(config.add_eos_token === true)]);
  const template = source.chatTemplate;
  if (typeof template === "string") out.push(["tokenizer.chat_template", gguf.string(template)]);
  else if (template !== null) {
    for (const t of template) {
      const key = t.name === "default" ? "tokenizer.chat_template" : `tokenizer.chat_template.${t.name}`;
      out.push([key, gguf.string(t.template)]);
    }
  }
  return out;
}

function idLookup(table: readonly (TokenEntry | undefined)[]): (text: string | null) => number | null {
  let byText: Map<string, number> | undefined;
  return (text) => {
    if (text === null) return null;
    if (!byText) {
      byText = new Map();
      // Added tokens win over a vocabulary entry of the same text, as in the tokenizer itself.
      table.forEach((e, id) => {
        if (e && (e.added || !byText?.has(e.text))) byText?.set(e.text, id);
      });
    }
    return byText.get(text) ?? null;
  };
}
