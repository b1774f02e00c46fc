import { describe, expect, it, vi } from "vitest";
import type { LLMEngine } from "../core/llm-engine.js";
import type { RequestOutput } from "../core/types.js";
import { testEngine } from "../testing/stories.js";

async function run(engine: LLMEngine, params: Record<string, unknown>): Promise<RequestOutput[]> {
  engine.addRequest("g", "Once upon a time", params);
  const outs: RequestOutput[] = [];
  while (engine.hasUnfinished()) outs.push(...(await engine.step()));
  return outs;
}

const text = (outs: RequestOutput[]) => outs.map((o) => o.text).join("");

describe("guided decoding on stories260K", () => {
  it("guided_json: the output parses and has the schema's shape, sampled at temperature 1", async () => {
    const { engine } = await testEngine();
    const schema = {
      type: "object",
      properties: {
        name: { type: "string", maxLength: 8 },
        age: { type: "integer" },
        ok: { type: "boolean" },
      },
      required: ["name", "age", "ok"],
      additionalProperties: false,
    };
    for (const seed of [1, 2, 3]) {
      const outs = await run(engine, { guided_json: schema, temperature: 1, seed, max_tokens: 200 });
      const last = outs.at(-1);
      expect(last?.finishReason).toBe("stop");
      const value = JSON.parse(text(outs));
      expect(Object.keys(value).sort()).toEqual(["age", "name", "ok"]);
      expect(typeof value.name).toBe("string");
      expect(Number.isInteger(value.age)).toBe(true);
      expect(typeof value.ok).toBe("boolean");
    }
  });

  it("the WASM executor (same host sampling code) gives valid JSON too", async () => {
    const { engine } = await testEngine({ device: "cpu" });
    const schema = {
      type: "object",
      properties: { n: { type: "integer", minimum: 0, maximum: 999 } },
      required: ["n"],
    };
    for (const seed of [5, 6]) {
      const outs = await run(engine, { guided_json: schema, temperature: 1, seed, max_tokens: 60 });
      expect(outs.at(-1)?.finishReason, text(outs)).toBe("stop");
      expect(Number.isInteger(JSON.parse(text(outs)).n)).toBe(true);
    }
  });

  it("n = 3: every sample has its own matcher and matches", async () => {
    const { engine } = await testEngine();
    const outs = await run(engine, {
      guided_choice: ["red", "green", "blue"],
      n: 3,
      temperature: 1.5,
      seed: 7,
    });
    const byIndex = [0, 1, 2].map((i) =>
      outs
        .filter((o) => o.index === i)
        .map((o) => o.text)
        .join(""),
    );
    for (const t of byIndex) expect(["red", "green", "blue"]).toContain(t);
  });

  it("guided_choice and guided_regex: greedy output is one of the choices / matches the pattern", async () => {
    const { engine } = await testEngine();
    const choice = text(await run(engine, { guided_choice: ["dragon", "princess", "cat"], temperature: 0 }));
    expect(["dragon", "princess", "cat"]).toContain(choice);
    const outs = await run(engine, { guided_regex: "[a-z]{2,6}-[0-9]{3}", temperature: 1, seed: 4 });
    expect(text(outs)).toMatch(/^[a-z]{2,6}-[0-9]{3}$/);
  });

  it("guided_json_object: any JSON object; a schema xgrammar rejects ends the request with an error", async () => {
    const { engine } = await testEngine();
    const obj = await run(engine, { guided_json_object: true, temperature: 0, max_tokens: 100 });
    if (obj.at(-1)?.finishReason === "stop") expect(typeof JSON.parse(text(obj))).toBe("object");
    else expect(obj.at(-1)?.finishReason).toBe("length");
    const bad = await run(engine, { guided_json: { type: "frob" } });
    expect(bad).toHaveLength(1);
    expect(bad[0]?.finishReason).toBe("error");
    expect(bad[0]?.error?.code).toBe("sampling.invalid");
    expect(bad[0]?.error?.message).toContain("guided_json");
    expect(engine.hasUnfinished()).toBe(false);
  });

  it("guided_structural_tag: a sequence of a fixed text and a tag holding JSON; bad tags are named", async () => {
    const { engine } = await testEngine();
    const tag = {
      type: "structural_tag",
      format: {
        type: "sequence",
        elements: [
          { type: "const_string", value: "Answer: " },
          {
            type: "tag",
            begin: "<n>",
            content: { type: "json_schema", json_schema: { type: "integer", minimum: 0, maximum: 999 } },
            end: "</n>",
          },
        ],
      },
    };
    for (const [seed, given] of [
      [1, tag],
      [2, JSON.stringify(tag)],
    ] as const) {
      const outs = await run(engine, { guided_structural_tag: given, temperature: 1, seed, max_tokens: 40 });
      expect(outs.at(-1)?.finishReason, text(outs)).toBe("stop");
      const m = /^Answer: <n>(.*)<\/n>$/s.exec(text(outs));
      expect(m, text(outs)).not.toBeNull();
      const n = JSON.parse(m?.[1] ?? "");
      expect(Number.isInteger(n) && n >= 0 && n <= 999).toBe(true);
    }
    expect(() => engine.addRequest("x", "a", { guided_structural_tag: "{nope" })).toThrow(
      /guided_structural_tag: not JSON/,
    );
    expect(() => engine.addRequest("y", "a", { guided_structural_tag: { type: "structural_tag" } })).toThrow(
      /guided_structural_tag: must be an object with a format object/,
    );
    const bad = await run(engine, { guided_structural_tag: { format: { type: "no_such_format" } } });
    expect(bad[0]?.finishReason).toBe("error");
    expect(bad[0]?.error?.message).toContain("guided_structural_tag");
  });

  it("a decoder that failed to build is built again for the next guided request", async () => {
    const { engine, tokenizer } = await testEngine();
    // The first decode is the vocabulary table's: failing it fails the whole decoder build.
    const spy = vi.spyOn(tokenizer, "decode").mockImplementationOnce(() => {
      throw new Error("tokenizer unavailable");
    });
    try {
      const failed = await run(engine, { guided_choice: ["cat", "dog"], temperature: 0 });
      expect(failed).toHaveLength(1);
      expect(failed[0]?.finishReason).toBe("error");
      expect(failed[0]?.error?.message).toContain("tokenizer unavailable");
      const ok = await run(engine, { guided_choice: ["cat", "dog"], temperature: 0 });
      expect(["cat", "dog"]).toContain(text(ok));
    } finally {
      spy.mockRestore();
    }
  });

  it("rejects at add time: two guided fields, a schema that is not JSON, a regex that does not compile", async () => {
    const { engine } = await testEngine();
    expect(() => engine.addRequest("a", "x", { guided_regex: "a", guided_choice: ["b"] })).toThrow(
      /only one guided_\* field/,
    );
    expect(() => engine.addRequest("b", "x", { guided_json: "{not json" })).toThrow(/guided_json/);
    expect(() => engine.addRequest("c", "x", { guided_regex: "a[(" })).toThrow(/guided_regex/);
  });
});
