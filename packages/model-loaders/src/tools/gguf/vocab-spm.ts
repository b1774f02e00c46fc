import { GGUF_TOKEN_TYPE } from "./gguf-types.js";
import { mergePairs, type TokenEntry, type TokenizerJson } from "./token-table.js";

/** `tokenizer.ggml.tokens` / `.scores` / `.token_type` of a vocabulary. */
export interface GgufVocab {
  readonly tokens: string[];
  readonly scores?: Float32Array;
  readonly types: Int32Array;
}

const BYTE_TOKEN = /^<0x[0-9A-Fa-f]{2}>$/;

/** The GGUF text of an id nobody names, as llama.cpp's converter pads vocabularies. */
export const padToken = (id: number) => `[PAD${id}]`;

/**
 * A SentencePiece-style BPE vocabulary (`▁` for spaces, `<0xNN>` byte fallback) for llama.cpp's
 * `llama` tokenizer. That tokenizer merges the adjacent pair whose concatenation has the highest
 * score, where Hugging Face merges the pair of lowest merge rank; so a token made by merge `r`
 * scores `-r`, and a longer token no merge makes scores below every merge. Byte, control and
 * single-character tokens score 0 (their score never decides a merge).
 */
export function spmVocab(tok: TokenizerJson, table: readonly (TokenEntry | undefined)[]): GgufVocab {
  const merges = mergePairs(tok);
  const rank = new Map<string, number>();
  merges.forEach(([a, b], r) => {
    if (!rank.has(a + b)) rank.set(a + b, r);
  });
  const unk = typeof tok.model.unk_token === "string" ? tok.model.unk_token : null;
  const n = table.length;
  const tokens = new Array<string>(n);
  const scores = new Float32Array(n);
  const types = new Int32Array(n);
  for (let id = 0; id < n; id++) {
    const e = table[id];
    if (e === undefined) {
      tokens[id] = padToken(id);
      types[id] = GGUF_TOKEN_TYPE.unused;
      continue;
    }
    tokens[id] = e.text;
    let type: number = GGUF_TOKEN_TYPE.normal;
    if (e.text === unk) type = GGUF_TOKEN_TYPE.unknown;
    else if (e.added) type = e.special ? GGUF_TOKEN_TYPE.control : GGUF_TOKEN_TYPE.userDefined;
    else if (BYTE_TOKEN.test(e.text)) type = GGUF_TOKEN_TYPE.byte;
    types[id] = type;
    const r = rank.get(e.text);
    if (r !== undefined) scores[id] = -r;
    else if (type === GGUF_TOKEN_TYPE.normal && [...e.text].length > 1) scores[id] = -(merges.length + id);
  }
  return { tokens, scores, types };
}
