import { describe, expect, it } from "vitest";
import { TokenizerError } from "../errors.js";
import { ChatTemplate, chatTemplateSource } from "./chat-template.js";

const LLAMA_LIKE =
  "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}{{ eos_token }}{% endfor %}" +
  "{% if add_generation_prompt %}[assistant] {% endif %}";

describe("ChatTemplate", () => {
  it("renders messages with the special tokens and the generation prompt", () => {
    const t = new ChatTemplate(LLAMA_LIKE, { bos_token: "<s>", eos_token: "</s>" });
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ];
    expect(t.render(messages)).toBe("<s>[system] Be brief.</s>[user] Hi</s>");
    expect(t.render(messages, { addGenerationPrompt: true })).toBe(
      "<s>[system] Be brief.</s>[user] Hi</s>[assistant] ",
    );
  });

  it("prefers the tool_use template of a named list when tools are given", () => {
    const source = chatTemplateSource(
      {
        chat_template: [
          { name: "default", template: "plain" },
          { name: "tool_use", template: "{{ tools | length }} tools: {{ tools[0].name }}" },
        ],
      },
      null,
    );
    const t = new ChatTemplate(source ?? "", {});
    expect(t.render([])).toBe("plain");
    expect(t.render([], { tools: [{ name: "f" }] })).toBe("1 tools: f");
  });

  it("takes chat_template.jinja over the config field, and null when there is none", () => {
    expect(chatTemplateSource({ chat_template: "a" }, "b")).toBe("b");
    expect(chatTemplateSource({ chat_template: "a" }, null)).toBe("a");
    expect(chatTemplateSource({}, null)).toBeNull();
  });

  it("reports templates that do not parse or that raise, naming the file", () => {
    expect(() => new ChatTemplate("{% for %}", {}, "/m/tokenizer_config.json")).toThrow(TokenizerError);
    expect(() => new ChatTemplate("{% for %}", {}, "/m/tokenizer_config.json")).toThrow(
      /\/m\/tokenizer_config.json: chat template "default" does not parse/,
    );
    const strict = new ChatTemplate(
      "{% if messages[0].role != 'user' %}{{ raise_exception('user first') }}{% endif %}",
      {},
    );
    let err: unknown;
    try {
      strict.render([{ role: "assistant", content: "x" }]);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: "tokenizer.chat_template",
      message: expect.stringContaining("user first"),
    });
  });
});
