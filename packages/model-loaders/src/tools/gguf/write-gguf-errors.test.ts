import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModelConfigError, TokenizerError } from "../../errors.js";
import { storiesDir, TINY, tempDir } from "../../testing/fixtures.js";
import { writeRandomModel } from "../write-random-model.js";
import { writeGguf } from "./write-gguf.js";

async function tiny() {
  const dir = await tempDir();
  await writeRandomModel(dir, "llama", TINY, { tokenizerFrom: storiesDir() });
  return dir;
}

async function editJson(path: string, edit: (j: Record<string, unknown>) => void) {
  const json = JSON.parse(await readFile(path, "utf8"));
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

describe("writeGguf: bad input", () => {
  it("an unknown architecture is config.unsupported_architecture, naming it", async () => {
    const dir = await tiny();
    await editJson(join(dir, "config.json"), (c) => {
      c.architectures = ["GPT2LMHeadModel"];
    });
    const err = await writeGguf(dir, join(dir, "x.gguf"), { type: "f32" }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelConfigError);
    expect(err.code).toBe("config.unsupported_architecture");
    expect(err.message).toMatch(/GPT2LMHeadModel is not supported/);
    expect(err.message).toContain(join(dir, "config.json"));
  });

  it("a folder without tokenizer.json is tokenizer.missing, naming the file", async () => {
    const dir = await tiny();
    await rm(join(dir, "tokenizer.json"));
    const err = await writeGguf(dir, join(dir, "x.gguf"), { type: "f16" }).catch((e) => e);
    expect(err).toBeInstanceOf(TokenizerError);
    expect(err.code).toBe("tokenizer.missing");
    expect(err.message).toContain(join(dir, "tokenizer.json"));
  });

  it("a tokenizer kind GGUF's llama/gpt2 models cannot express is tokenizer.unsupported", async () => {
    const dir = await tiny();
    await editJson(join(dir, "tokenizer.json"), (t) => {
      (t.model as Record<string, unknown>).type = "Unigram";
    });
    const err = await writeGguf(dir, join(dir, "x.gguf"), { type: "f32" }).catch((e) => e);
    expect(err).toBeInstanceOf(TokenizerError);
    expect(err.code).toBe("tokenizer.unsupported");
    expect(err.message).toMatch(/Unigram tokenizer cannot be written to GGUF/);
  });
});
