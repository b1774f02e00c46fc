import { Template } from "@huggingface/jinja";
import { TokenizerError } from "../errors.js";

/** One chat message; fields besides `role` / `content` (tool_calls, name, …) reach the template as given. */
export interface ChatMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly [key: string]: unknown;
}

/** Options of {@link ChatTemplate.render}. */
export interface ChatRenderOptions {
  /** Append the assistant turn's opening (e.g. `<|im_start|>assistant\n`). Default false. */
  addGenerationPrompt?: boolean;
  /** Tool (function) definitions, passed to the template as `tools`. */
  tools?: readonly unknown[];
  /** Further template variables (e.g. `enable_thinking: false` for Qwen3). */
  variables?: Readonly<Record<string, unknown>>;
}

/**
 * A model's Jinja chat template(s), rendered with `@huggingface/jinja`. The result includes the
 * template's own special tokens (often BOS): encode it with `addSpecialTokens: false`.
 */
export class ChatTemplate {
  private readonly templates: ReadonlyMap<string, Template>;

  /**
   * `source` is a template string or the `[{ name, template }]` list some tokenizer configs hold;
   * `tokens` are the special token strings templates refer to (`bos_token`, `eos_token`, …).
   * Throws `tokenizer.chat_template` when a template does not parse.
   */
  constructor(
    source: string | readonly { name: string; template: string }[],
    private readonly tokens: Readonly<Record<string, string | null>>,
    private readonly file = "tokenizer_config.json",
  ) {
    const named = typeof source === "string" ? [{ name: "default", template: source }] : source;
    const map = new Map<string, Template>();
    for (const { name, template } of named) {
      try {
        map.set(name, new Template(template));
      } catch (cause) {
        throw this.error(`chat template "${name}" does not parse (${(cause as Error).message})`, cause);
      }
    }
    this.templates = map;
  }

  /** Renders `messages`; with tools, a template named "tool_use" is preferred when present. */
  render(messages: readonly ChatMessage[], options: ChatRenderOptions = {}): string {
    const name = options.tools && this.templates.has("tool_use") ? "tool_use" : "default";
    const template = this.templates.get(name) ?? this.templates.values().next().value;
    if (!template) throw this.error("no chat template");
    try {
      return template.render({
        ...this.tokens,
        ...options.variables,
        messages,
        add_generation_prompt: options.addGenerationPrompt ?? false,
        ...(options.tools && { tools: options.tools }),
      });
    } catch (cause) {
      throw this.error(`rendering the chat template failed: ${(cause as Error).message}`, cause);
    }
  }

  private error(reason: string, cause?: unknown): TokenizerError {
    return new TokenizerError("tokenizer.chat_template", `${this.file}: ${reason}`, {
      cause,
      details: { file: this.file },
    });
  }
}

/**
 * The chat template of a model: a `chat_template.jinja` file wins over `tokenizer_config.json`'s
 * `chat_template` field; `null` when there is none (base models such as stories260K).
 */
export function chatTemplateSource(
  tokenizerConfig: Readonly<Record<string, unknown>>,
  jinjaFile: string | null,
): string | { name: string; template: string }[] | null {
  if (jinjaFile !== null) return jinjaFile;
  const t = tokenizerConfig.chat_template;
  if (typeof t === "string") return t;
  if (Array.isArray(t) && t.every((e) => typeof e?.name === "string" && typeof e?.template === "string")) {
    return t as { name: string; template: string }[];
  }
  return null;
}
