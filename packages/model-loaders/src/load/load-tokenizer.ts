import { TokenizerError } from "../errors.js";
import type { ModelFiles } from "../files/model-files.js";
import { readJsonObject } from "../files/read-json.js";
import { ChatTemplate, chatTemplateSource } from "../tokenizer/chat-template.js";
import { Tokenizer } from "../tokenizer/tokenizer.js";

/** A model folder's tokenizer and its chat template (null for base models without one). */
export interface LoadedTokenizer {
  readonly tokenizer: Tokenizer;
  readonly chatTemplate: ChatTemplate | null;
}

/**
 * Loads `tokenizer.json` (required), `tokenizer_config.json` and the chat template
 * (`chat_template.jinja` or the config's `chat_template`). Throws `tokenizer.missing` when
 * there is no `tokenizer.json`.
 */
export async function loadTokenizer(files: ModelFiles): Promise<LoadedTokenizer> {
  const json = await readJsonObject(files, "tokenizer.json", "tokenizer", TokenizerError);
  if (!json) {
    const sp = (await files.size("tokenizer.model")) !== null;
    throw new TokenizerError(
      "tokenizer.missing",
      `${files.describe("tokenizer.json")} does not exist` +
        (sp ? " (there is a sentencepiece tokenizer.model, which Pagoda does not read)" : ""),
      { details: { file: files.describe("tokenizer.json") } },
    );
  }
  const config = (await readJsonObject(files, "tokenizer_config.json", "tokenizer", TokenizerError)) ?? {};
  const tokenizer = new Tokenizer(json, config, files.describe("tokenizer.json"));
  const jinja =
    (await files.size("chat_template.jinja")) === null ? null : await files.readText("chat_template.jinja");
  const source = chatTemplateSource(config, jinja);
  const chatTemplate =
    source === null
      ? null
      : new ChatTemplate(
          source,
          { bos_token: tokenizer.bosToken, eos_token: tokenizer.eosToken, ...stringTokens(config) },
          files.describe(jinja === null ? "tokenizer_config.json" : "chat_template.jinja"),
        );
  return { tokenizer, chatTemplate };
}

// Templates may use any `*_token` of the config (pad_token, unk_token…).
function stringTokens(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(config)) {
    if (!key.endsWith("_token")) continue;
    if (typeof v === "string") out[key] = v;
    else if (typeof (v as { content?: unknown } | null)?.content === "string")
      out[key] = (v as { content: string }).content;
  }
  return out;
}
