import type { EngineClient } from "@pagoda/engine";
import { ChatTemplate, type Tokenizer } from "@pagoda/model-loaders";

/** What the server needs of a tokenizer: `@pagoda/model-loaders`' `Tokenizer` fits. */
export type ServerTokenizer = Pick<
  Tokenizer,
  "encode" | "decode" | "idToToken" | "vocabSize" | "bosToken" | "eosToken" | "config"
>;

/**
 * The model a ready server serves: the engine that runs it and the tokenizer and chat template
 * the HTTP layer needs for prompts, `/tokenize` and chat.
 *
 * @example
 * const llm = await createEngine({ model: dir, metrics: server.metrics });
 * const { tokenizer, chatTemplate } = llm.parts.model;
 * server.state.ready({ engine: new AsyncEngine(llm.engine, () => llm.close()), tokenizer, chatTemplate, maxModelLen: 2048 });
 */
export interface ServedModel {
  engine: EngineClient;
  tokenizer: ServerTokenizer;
  /** The model's own template; `null` for a base model (chat then answers 400). */
  chatTemplate: ChatTemplate | null;
  /** The context length the engine enforces (prompt + output), shown by `/v1/models`. */
  maxModelLen: number;
  /** The device KV cache's element type and size, for the live feed; omitted when unknown. */
  kvCache?: { dtype: string; bytes: number };
}

/**
 * The template chat renders with: an override (the text of `--chat-template FILE`) wins over the
 * model's. Throws `tokenizer.chat_template` when the override does not parse.
 */
export function resolveChatTemplate(model: ServedModel, override: string | null): ChatTemplate | null {
  if (override === null) return model.chatTemplate;
  return new ChatTemplate(override, specialTokens(model.tokenizer), "--chat-template");
}

// Templates refer to `bos_token`, `eos_token` and any other `*_token` of tokenizer_config.json.
function specialTokens(t: ServerTokenizer): Record<string, string | null> {
  const out: Record<string, string | null> = { bos_token: t.bosToken, eos_token: t.eosToken };
  for (const [key, v] of Object.entries(t.config)) {
    if (!key.endsWith("_token") || key in out) continue;
    const content = typeof v === "string" ? v : (v as { content?: unknown } | null)?.content;
    if (typeof content === "string") out[key] = content;
  }
  return out;
}
