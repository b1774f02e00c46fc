import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../program.js";
import { captureIo } from "../testing/capture-io.js";

const GOLDEN_START = ", there was a little girl named Lily. She loved to play outside in the park.";

describe("pagoda generate", () => {
  it("prints the greedy continuation of stories260K (default model)", async () => {
    const io = captureIo();
    const args = ["generate", "--prompt", "Once upon a time", "--max-tokens", "60", "--temperature", "0"];
    expect(await run([...args, "--device", "cpu"], io)).toBe(0);
    expect(io.outText.startsWith(GOLDEN_START)).toBe(true);
  });

  it("generates with weights quantized on load (--quantization q8_0 keeps the greedy text)", async () => {
    const io = captureIo();
    const args = ["generate", "--prompt", "Once upon a time", "--max-tokens", "20", "--temperature", "0"];
    expect(await run([...args, "--device", "cpu", "--quantization", "q8_0"], io)).toBe(0);
    expect(io.outText.startsWith(GOLDEN_START.slice(0, 40))).toBe(true);
    const bad = captureIo();
    expect(await run([...args, "--quantization", "q3_k"], bad)).toBe(1);
    expect(bad.errText).toBe('pagoda: --quantization must be q8_0, q4_0, q4_k; got "q3_k"\n');
  });

  it("generates from a GGUF file that pagoda quantize wrote (Q8_0), on the cpu and reference devices", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pagoda-gen-gguf-"));
    const file = join(dir, "stories260K-q8_0.gguf");
    const made = captureIo();
    const stories = new URL("../../../../../shared/models/stories260K", import.meta.url).pathname;
    expect(await run(["quantize", stories, file, "--type", "q8_0"], made)).toBe(0);
    const args = ["generate", "--model", file, "--prompt", "Once upon a time", "--max-tokens", "20"];
    for (const device of ["cpu", "reference"]) {
      const io = captureIo();
      expect(await run([...args, "--temperature", "0", "--device", device], io)).toBe(0);
      expect(io.outText.startsWith(GOLDEN_START.slice(0, 40)), io.outText).toBe(true);
    }
  });

  it("prints one JSON object per prompt of a JSONL file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pagoda-gen-"));
    const file = join(dir, "p.jsonl");
    await writeFile(file, '{"prompt": "Once upon a time"}\n\n{"prompt": "Tom"}\n');
    const io = captureIo();
    const code = await run(
      ["generate", "--prompts-file", file, "--max-tokens", "5", "--device", "cpu", "--json"],
      io,
    );
    expect(code).toBe(0);
    const lines = io.outText
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      finish_reason: "length",
      usage: { prompt_tokens: 5, completion_tokens: 5 },
    });
    expect(lines[0].token_ids).toHaveLength(5);
    expect(typeof lines[1].text).toBe("string");
  });

  it.each([
    [["--model", "/no/such/model", "--prompt", "x"], /no model folder at \/no\/such\/model/],
    [["--prompt", "x", "--temperature", "hot", "--device", "cpu"], /temperature must be/],
    [["--prompt", "x", "--device", "tpu"], /--device must be auto, cpu, webgpu, reference/],
    [[], /exactly one of --prompt/],
  ])("exits 1 with a one-line reason for %j", async (args, reason) => {
    const io = captureIo();
    expect(await run(["generate", ...args], io)).toBe(1);
    expect(io.errText).toMatch(reason);
    expect(io.errText.trim().split("\n")).toHaveLength(1);
  });
});
