import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { directoryFiles } from "../files/directory-files.js";
import { loadTokenizer } from "../load/load-tokenizer.js";
import { qwen3TokenizerDir, storiesDir } from "../testing/fixtures.js";
import { IncrementalDetokenizer } from "./incremental-detokenizer.js";
import type { DecodeOptions, Tokenizer } from "./tokenizer.js";

let stories: Tokenizer;
let qwen: Tokenizer;

beforeAll(async () => {
  stories = (await loadTokenizer(directoryFiles(storiesDir()))).tokenizer;
  qwen = (await loadTokenizer(directoryFiles(qwen3TokenizerDir()))).tokenizer;
}, 30_000);

/** Streams `generated` one id at a time; returns every delta and the final flush. */
function stream(tok: Tokenizer, prompt: number[], generated: number[], options: DecodeOptions = {}) {
  const detok = new IncrementalDetokenizer(tok, prompt, options);
  const deltas = generated.map((id) => detok.push(id));
  const rest = detok.finish();
  return { deltas, rest, text: deltas.join("") + rest };
}

describe("IncrementalDetokenizer", () => {
  it("keeps the leading space of the first token after the prompt", () => {
    const prompt = stories.encode("Once upon a time");
    const next = stories.encode("Once upon a time there", { addSpecialTokens: true }).slice(prompt.length);
    const { deltas } = stream(stories, prompt, next, { skipSpecialTokens: true });
    expect(deltas.join("")).toBe(" there");
    expect(deltas[0]?.startsWith(" ")).toBe(true);
  });

  it("starts a story after a bare BOS without a leading space, as the full decode does", () => {
    const gen = stories.encode("Once upon", { addSpecialTokens: false });
    expect(stream(stories, [1], gen, { skipSpecialTokens: true }).text).toBe("Once upon");
  });

  it("holds back an incomplete byte-fallback character until its last byte", () => {
    const prompt = stories.encode("Hi");
    const gen = stories.encode("Hi 日!", { addSpecialTokens: true }).slice(prompt.length);
    expect(gen.map((id) => stories.idToToken(id))).toEqual(["▁", "<0xE6>", "<0x97>", "<0xA5>", "!"]);
    const { deltas, rest } = stream(stories, prompt, gen);
    expect(deltas).toEqual([" ", "", "", "日", "!"]);
    expect(rest).toBe("");
    expect(deltas.some((d) => d.includes("\uFFFD"))).toBe(false);
  });

  it("flushes an unfinished character at the end as U+FFFD", () => {
    const { deltas, rest } = stream(stories, [1], [3 + 0xe6, 3 + 0x97]);
    expect(deltas).toEqual(["", ""]);
    expect(rest).toBe("\uFFFD");
  });

  it("holds back split multi-byte characters of a byte-level BPE (Qwen3)", () => {
    const prompt = qwen.encode("Say:");
    const gen = qwen.encode("Say: 🦙 ok").slice(prompt.length);
    const { deltas, text } = stream(qwen, prompt, gen);
    expect(text).toBe(" 🦙 ok");
    expect(deltas.some((d) => d.includes("\uFFFD"))).toBe(false);
  });

  for (const [name, getTok, vocab] of [
    ["stories260K", () => stories, 512],
    ["Qwen3", () => qwen, 151669],
  ] as const) {
    it(`concatenated deltas equal the full decode for random ${name} token sequences`, () => {
      const tok = getTok();
      const ids = fc.integer({ min: 0, max: vocab - 1 });
      fc.assert(
        fc.property(
          fc.array(ids, { minLength: 1, maxLength: 8 }),
          fc.array(ids, { minLength: 0, maxLength: 24 }),
          fc.boolean(),
          (prompt, generated, skipSpecialTokens) => {
            const options = { skipSpecialTokens };
            const before = tok.decode(prompt, options);
            // A prompt cut inside a character has no stable text of its own to continue from.
            fc.pre(!before.endsWith("\uFFFD"));
            const full = tok.decode([...prompt, ...generated], options);
            fc.pre(full.startsWith(before));
            const { deltas, text } = stream(tok, prompt, generated, options);
            expect(before + text).toBe(full);
            // A delta never ends inside a character: such text is held back.
            expect(deltas.filter((d) => d.endsWith("\uFFFD"))).toEqual([]);
          },
        ),
        { numRuns: 400 },
      );
    });
  }
});
