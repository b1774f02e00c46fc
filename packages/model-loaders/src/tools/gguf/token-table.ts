import { TokenizerError } from "../../errors.js";

/** One vocabulary entry of a `tokenizer.json`, by id. */
export interface TokenEntry {
  readonly text: string;
  /** Listed in `added_tokens`. */
  readonly added: boolean;
  /** An added token marked `special` (BOS, EOS, chat markers). */
  readonly special: boolean;
}

/** The parts of a `tokenizer.json` the GGUF writer reads. */
export interface TokenizerJson {
  readonly model: Readonly<Record<string, unknown>>;
  readonly addedTokens: readonly { id: number; content: string; special: boolean }[];
  readonly preTokenizer: unknown;
  readonly postProcessor: unknown;
  readonly decoder: unknown;
}

/** Reads the fields of a parsed `tokenizer.json`, failing with `tokenizer.invalid` naming `file`. */
export function parseTokenizerJson(json: Readonly<Record<string, unknown>>, file: string): TokenizerJson {
  const bad = (reason: string): never => {
    throw new TokenizerError("tokenizer.invalid", `${file}: ${reason}`, { details: { file } });
  };
  const model = json.model;
  if (typeof model !== "object" || model === null || Array.isArray(model)) bad("has no model object");
  const vocab = (model as Record<string, unknown>).vocab;
  if (typeof vocab !== "object" || vocab === null || Array.isArray(vocab))
    bad("model.vocab is not an object");
  const added = Array.isArray(json.added_tokens) ? json.added_tokens : [];
  const addedTokens = added.map((t: unknown) => {
    const e = t as { id?: unknown; content?: unknown; special?: unknown };
    if (typeof e.id !== "number" || typeof e.content !== "string")
      bad("an added_tokens entry lacks id or content");
    return { id: e.id as number, content: e.content as string, special: e.special === true };
  });
  return {
    model: model as Record<string, unknown>,
    addedTokens,
    preTokenizer: json.pre_tokenizer ?? null,
    postProcessor: json.post_processor ?? null,
    decoder: json.decoder ?? null,
  };
}

/**
 * Every id below `vocabSize`: the model's vocabulary with the added tokens over it; ids nobody
 * names are `undefined` (the writer pads them). An id at or above `vocabSize` (the config's
 * embedding rows) throws `tokenizer.vocab_mismatch`.
 */
export function tokenTable(tok: TokenizerJson, vocabSize: number, file: string): (TokenEntry | undefined)[] {
  const table: (TokenEntry | undefined)[] = new Array(vocabSize);
  const put = (id: number, entry: TokenEntry) => {
    if (!Number.isSafeInteger(id) || id < 0 || id >= vocabSize) {
      throw new TokenizerError(
        "tokenizer.vocab_mismatch",
        `${file}: token ${JSON.stringify(entry.text)} has id ${id}, but the model has vocab_size ${vocabSize}`,
        { details: { file, id, vocabSize } },
      );
    }
    table[id] = entry;
  };
  for (const [text, id] of Object.entries(tok.model.vocab as Record<string, number>)) {
    put(id, { text, added: false, special: false });
  }
  for (const t of tok.addedTokens) put(t.id, { text: t.content, added: true, special: t.special });
  return table;
}

/** The merges as pairs, whether stored as `"a b"` strings or `["a", "b"]` arrays. */
export function mergePairs(tok: TokenizerJson): [string, string][] {
  const merges = tok.model.merges;
  if (!Array.isArray(merges)) return [];
  return merges.map((m: unknown) => {
    if (Array.isArray(m)) return [String(m[0]), String(m[1])];
    const s = String(m);
    const at = s.indexOf(" ", 1);
    return [s.slice(0, at), s.slice(at + 1)];
  });
}
